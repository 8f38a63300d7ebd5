import PassportDomain

/// Everything `passport` keeps. One protocol so the embedded SQLite store and a later shared
/// (PostgreSQL) store are interchangeable; every write is one transaction.
public protocol Store: AnyObject {
    // MARK: Directory
    func directoryCounts() throws -> (districts: Int, schools: Int)
    func district(id: String) throws -> District?
    /// Districts whose whole name is `name` (case-insensitive).
    func districts(named name: String) throws -> [District]
    /// Ranked search: exact and prefix matches of words first, then substrings.
    func searchDistricts(_ text: String, state: String?, limit: Int) throws -> [District]
    /// Districts whose id or name starts with `prefix`, for Tab.
    func districtsStarting(with prefix: String, limit: Int) throws -> [District]
    func schools(inDistrict districtId: String) throws -> [School]
    func school(id: String) throws -> School?

    // MARK: Apps
    func createApp(_ app: App) throws -> App
    func updateApp(_ app: App) throws
    func app(id: Int64) throws -> App?
    func app(named name: String) throws -> App?
    func apps(organization: String) throws -> [App]

    // MARK: Drafts (one open draft per vendor account)
    func draft(account: String) throws -> Draft?
    func saveDraft(_ draft: Draft?, account: String) throws

    // MARK: Attachments (content-addressed)
    func saveAttachmentContent(_ bytes: [UInt8], sha256: String) throws
    func attachmentContent(sha256: String) throws -> [UInt8]?

    // MARK: Consents
    /// Freezes a draft as a pending consent and removes the draft, in one transaction.
    func sendConsent(_ request: ConsentRequest, account: String, organization: String, appName: String,
                     districtName: String, at: Timestamp) throws -> Consent
    func consent(id: Int64) throws -> Consent?
    /// Consents of an organization, newest first.
    func consents(organization: String, districtId: String?, limit: Int?) throws -> [Consent]
    /// Consents addressed to a district (what its admin sees), newest first.
    func consents(addressedTo districtId: String) throws -> [Consent]
    /// Appends a status change, in one transaction with `check`, which sees the consent as it is
    /// inside the transaction (so two admins deciding at once cannot both win).
    func recordStatus(_ change: StatusChange, consent id: Int64, check: (Consent) throws -> Void) throws

    /// Runs `body` as one transaction: all of its writes land, or none.
    func inTransaction<T>(_ body: () throws -> T) throws -> T

    // MARK: Settings
    func setting(_ key: String) throws -> String?
}
