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
    /// Whether another process changed, sent or discarded the account's draft since this one last read or wrote it.
    func draftChangedElsewhere(account: String) throws -> Bool

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

    // MARK: Rosters (the district side's data), kept as opaque bytes the data plane reads

    /// Replaces a district's roster, records which directory school each roster school is, and adds
    /// the roster's unmatched schools to the directory — all in one transaction.
    func saveRoster(_ roster: StoredRoster, matches: [(ncessch: String, orgSourcedId: String)], newSchools: [School]) throws
    func roster(districtId: String) throws -> StoredRoster?
    /// A number that changes with every import of the district's roster, read without the roster itself.
    func rosterVersion(districtId: String) throws -> Int64?
    /// NCES id → the roster org's sourcedId, for the district's imported roster.
    func rosterSchools(districtId: String) throws -> [String: String]

    // MARK: PII Shield keys (district side) and syncs
    func saveConsentKey(_ sealed: [UInt8], consent id: Int64) throws
    func consentKey(consent id: Int64) throws -> [UInt8]?
    func createSync(_ sync: SyncRecord, snapshot: [UInt8]?) throws -> SyncRecord
    func updateSync(_ sync: SyncRecord) throws
    func syncs(consent id: Int64) throws -> [SyncRecord]
    func sync(id: Int64) throws -> SyncRecord?
    func syncSnapshot(id: Int64) throws -> [UInt8]?

    // MARK: SFTP servers' host keys, remembered on first connection
    func sftpHostKey(host: String, port: Int) throws -> String?
    func saveSFTPHostKey(_ fingerprint: String, host: String, port: Int) throws

    /// Runs `body` as one transaction: all of its writes land, or none.
    func inTransaction<T>(_ body: () throws -> T) throws -> T

    // MARK: Settings
    func setting(_ key: String) throws -> String?
}

/// A district's imported roster as the store keeps it.
public struct StoredRoster: Sendable {
    public var districtId: String
    public var importedAt: Timestamp
    public var importedBy: String
    public var content: [UInt8]
    /// The import report (counts, problems, school matches) as JSON, for `district roster`.
    public var report: String
    public init(districtId: String, importedAt: Timestamp, importedBy: String, content: [UInt8], report: String) {
        self.districtId = districtId; self.importedAt = importedAt; self.importedBy = importedBy
        self.content = content; self.report = report
    }
}

/// One sync of a consent: what was delivered or staged, and what became of it.
public struct SyncRecord: Codable, Sendable, Equatable {
    public enum Status: String, Codable, Sendable { case delivered, published, held, approved, rejected, failed }
    public struct EntityChange: Codable, Sendable, Equatable {
        public var entity: String
        public var previous: Int
        public var added: Int
        public var updated: Int
        public var deleted: Int
        public var count: Int
        public init(entity: String, previous: Int, added: Int, updated: Int, deleted: Int, count: Int) {
            self.entity = entity; self.previous = previous; self.added = added; self.updated = updated
            self.deleted = deleted; self.count = count
        }
    }
    public var id: Int64
    public var consentId: Int64
    public var number: Int
    public var status: Status
    public var startedAt: Timestamp
    public var by: String
    /// Where an SFTP sync landed (`sftp://user@host:port/folder`), for `sync show`.
    public var destination: String?
    public var changes: [EntityChange]
    public var history: [StatusChange]
    public var note: String?
    public init(id: Int64 = 0, consentId: Int64, number: Int, status: Status, startedAt: Timestamp, by: String,
                destination: String? = nil, changes: [EntityChange] = [], history: [StatusChange] = [], note: String? = nil) {
        self.id = id; self.consentId = consentId; self.number = number; self.status = status; self.startedAt = startedAt
        self.by = by; self.destination = destination; self.changes = changes; self.history = history; self.note = note
    }
}
