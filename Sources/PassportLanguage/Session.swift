#if canImport(Glibc)
import Glibc
#endif
import PassportCrypto
import PassportData
import PassportDomain
import PassportStore

/// How this run of passport was started.
public struct SessionOptions: Sendable {
    public var interactive = false
    public var dryRun = false
    public var keepGoing = false
    public var echo = false
    public init() {}
}

/// Everything a command can see and change: the store, who is signed in, the selected app and
/// district, the open draft, variables and output.
public final class Session {
    public let store: Store
    public let storePath: String
    public let output: Output
    public let registry: Registry
    public var options: SessionOptions

    public private(set) var account: String?
    /// Set when signed in as a district admin (`login EMAIL --district DISTRICT`): that district's id.
    public private(set) var adminOf: String?
    public var organization: String? { account.map { String($0.split(separator: "@").last ?? "").lowercased() } }
    public var appId: Int64?
    public var districtId: String?
    public internal(set) var draft: Draft?

    public var variables: [String: String] = [:]
    /// `$1`, `$2`… of the script running now.
    public var scriptArguments: [String] = []
    /// The scripts being run (by `run`), innermost last; relative paths resolve against the last.
    var scriptStack: [(file: String, line: Int)] = []
    /// Where each running `run` was called from ("outer.passport:4:1"), outermost first.
    var runChain: [String] = []

    /// Reads the process environment (a seam so tests can give their own).
    public var environment: (String) -> String? = { name in getenv(name).map { String(cString: $0) } }
    /// The time now; `PASSPORT_NOW` (ISO 8601) fixes it, so a case can be replayed as of a date.
    public var now: () -> Timestamp = { Timestamp(unixTime: Int64(time(nil))) }
    /// Asks a yes/no question on the terminal; nil when nobody is there to answer.
    public var confirm: ((String) -> Bool)?
    /// Asks for a secret with echo off; nil when there is no terminal.
    public var readSecret: ((String) -> String?)?
    /// Set by `quit`/`exit`.
    public var exitCode: Int32?

    private var sealer: AESGCM?
    /// The last roster the data plane decoded, with the import it came from.
    var rosterCache: (districtId: String, version: Int64, roster: Roster)?

    public init(store: Store, storePath: String, output: Output, options: SessionOptions = SessionOptions()) {
        self.store = store; self.storePath = storePath; self.output = output; self.options = options
        registry = Registry.standard()
        if let fixed = getenv("PASSPORT_NOW").map({ String(cString: $0) }), let t = Timestamp(iso: fixed) {
            now = { t }
        }
    }

    public var today: Day { now().day }

    // MARK: Who and what is selected

    func signIn(_ email: String, districtAdmin: String? = nil) throws {
        account = email.lowercased()
        adminOf = districtAdmin
        appId = nil; districtId = districtAdmin
        draft = districtAdmin == nil ? try store.draft(account: email.lowercased()) : nil
        if let d = draft { appId = d.request.appId; districtId = d.request.districtId }
    }

    func signOut() { account = nil; adminOf = nil; appId = nil; districtId = nil; draft = nil }

    func requireAccount(_ inv: Invocation) throws -> String {
        guard let account else { throw inv.error("not signed in; start with `login EMAIL`") }
        return account
    }

    /// Vendors build and send requests; a district admin decides them.
    func requireVendor(_ inv: Invocation) throws -> String {
        let who = try requireAccount(inv)
        if let d = adminOf {
            let name = (try? store.district(id: d))??.name ?? d
            throw inv.error("signed in as an admin of \(name): `\(inv.spec.name)` is for vendors (`login EMAIL` signs in as one)")
        }
        return who
    }

    func requireDistrictAdmin(_ inv: Invocation) throws -> District {
        _ = try requireAccount(inv)
        guard let id = adminOf, let d = try store.district(id: id) else {
            throw inv.error("`\(inv.spec.name)` is for a district's admin: sign in with `login EMAIL --district DISTRICT`")
        }
        return d
    }

    /// A consent this account may see: the vendor's organization's, or one addressed to the admin's district.
    func visibleConsent(_ word: Argument) throws -> Consent {
        let text = word.text.hasPrefix("#") ? String(word.text.dropFirst()) : word.text
        guard let id = Int64(text) else { throw word.error("'\(word.text)' is not a consent id") }
        let c = try store.consent(id: id)
        if let c, adminOf != nil ? c.request.districtId == adminOf : c.organization == organization { return c }
        throw word.error("no consent \(id) of yours (`consents` lists them)")
    }

    func requireApp(_ inv: Invocation) throws -> App {
        _ = try requireVendor(inv)
        guard let id = appId, let app = try store.app(id: id) else {
            throw inv.error("no app selected; choose one with `app use APP` or make one with `app create NAME`")
        }
        return app
    }

    func requireDistrict(_ inv: Invocation) throws -> District {
        guard let id = districtId, let d = try store.district(id: id) else {
            throw inv.error("no district chosen; find one with `district search TEXT` and choose it with `district use DISTRICT`")
        }
        return d
    }

    /// Takes the draft as the store has it when another session (a second shell, a script) changed it
    /// meanwhile; returns whether it did.
    @discardableResult
    func refreshDraft() throws -> Bool {
        guard let account, adminOf == nil, try store.draftChangedElsewhere(account: account) else { return false }
        draft = try store.draft(account: account)
        if let d = draft { appId = d.request.appId; districtId = d.request.districtId }
        return true
    }

    func requireDraft(_ inv: Invocation) throws -> Draft {
        _ = try requireVendor(inv)
        if try refreshDraft() {
            let now = try draft.map { d in
                "it is now \(try store.app(id: d.request.appId)?.name ?? "?") › \(try store.district(id: d.request.districtId)?.name ?? d.request.districtId), last change: \(d.label)"
            } ?? "it was sent or discarded"
            throw inv.error("your draft changed in another session since this one last saw it (\(now)); nothing was done — check with `status` and try again")
        }
        guard let draft else { throw inv.error("no open draft; open one with `request access` or `request connect SCHOOL`") }
        return draft
    }

    /// Applies one change to the draft and saves it at once, so a killed process loses nothing.
    func changeDraft(_ inv: Invocation, _ label: String, _ edit: (inout ConsentRequest) throws -> Void) throws {
        var d = try requireDraft(inv)
        draft = nil  // `d` alone holds the steps now, so the change appends to them in place instead of copying them all
        let changed: Bool
        do { changed = try inv.checked { try d.change(label, edit) } } catch { draft = d; throw error }
        guard changed else { draft = d; return }
        do { try saveDraft(d) } catch {
            // Made but not saved: take the draft back as the store has it.
            draft = (try? store.draft(account: account ?? "")) ?? d
            throw error
        }
    }

    /// Undoes or redoes one step and saves the draft; returns the label of the step, nil when there is none.
    func stepDraft(_ inv: Invocation, _ step: (inout Draft) -> String?) throws -> String? {
        var d = try requireDraft(inv)
        draft = nil  // as in changeDraft: move the steps in place instead of copying them
        guard let label = step(&d) else { draft = d; return nil }
        do { try saveDraft(d) } catch { draft = (try? store.draft(account: account ?? "")) ?? d; throw error }
        return label
    }

    func saveDraft(_ d: Draft?) throws {
        guard let account else { return }
        try store.saveDraft(d, account: account)
        draft = d
    }

    // MARK: Lookups by id or whole name

    func findApp(_ word: Argument) throws -> App {
        let org = organization ?? ""
        if let app = try store.app(named: word.text) {
            guard app.organization == org else { throw word.error("the app '\(app.name)' belongs to another organization") }
            return app
        }
        if let id = Int64(word.text), let app = try store.app(id: id), app.organization == org { return app }
        let near = Registry.nearest(word.text, in: try store.apps(organization: org).map(\.name))
        throw word.error("no app named '\(word.text)'\(Registry.didYouMean(near))")
    }

    func findDistrict(_ word: Argument) throws -> District {
        let text = word.text.trimmingBlanks
        if text.allSatisfy(\.isNumber), let d = try store.district(id: text.count < 7 ? String(repeating: "0", count: 7 - text.count) + text : text) {
            return d
        }
        let named = try store.districts(named: text)
        if named.count == 1 { return named[0] }
        if named.count > 1 {
            let list = named.map { "\($0.id) (\($0.state))" }.joined(separator: ", ")
            throw word.error("'\(text)' names \(named.count) districts: \(list); use the id")
        }
        let found = try store.searchDistricts(text, state: nil, limit: 3)
        let hint = found.isEmpty ? "" : "; did you mean " + found.map { "\($0.id) \($0.name) (\($0.state))" }.joined(separator: ", ") + "?"
        throw word.error("no district with id or name '\(text)'\(hint) (`district search` finds them)")
    }

    func findSchool(_ word: Argument, in district: District) throws -> School {
        let text = word.text.trimmingBlanks
        let schools = try store.schools(inDistrict: district.id)
        if let s = schools.first(where: { $0.id == text }) { return s }
        let named = schools.filter { $0.name.lowercased() == text.lowercased() }
        if named.count == 1 { return named[0] }
        if named.count > 1 {
            throw word.error("'\(text)' names \(named.count) schools: \(named.map(\.id).joined(separator: ", ")); use the id")
        }
        let near = Registry.nearest(text, in: schools.map(\.name))
        throw word.error("\(district.name) has no school '\(text)'\(Registry.didYouMean(near))")
    }

    // MARK: Secrets

    /// Seals a secret (the SFTP password) with the store's key file (AES-256-GCM, mode 0600 beside the store).
    func seal(_ secret: String) throws -> String {
        Base64URL.encode(try sealingKey().seal(Array(secret.utf8)))
    }

    /// The secret back, for the moment it is used (connecting to the vendor's server); never printed.
    func unseal(_ sealed: String) throws -> String {
        guard let bytes = Base64URL.decode(sealed) else { throw DomainError("the stored SFTP password is damaged; set it again with `sftp --password`") }
        do {
            return String(decoding: try sealingKey().open(bytes), as: UTF8.self)
        } catch {
            throw DomainError("the stored SFTP password cannot be read with this store's key file (\(storePath).key); set it again with `sftp --password`")
        }
    }

    func sealingKey() throws -> AESGCM {
        if let sealer { return sealer }
        let key = try KeyFile.loadOrCreate(path: storePath + ".key")
        let s = try AESGCM(key: key)
        sealer = s
        return s
    }

    /// A path as the user wrote it: `~` expanded, relative ones against the running script's folder.
    func resolvePath(_ path: String) -> String {
        if path.hasPrefix("~/"), let home = environment("HOME") { return home + path.dropFirst(1) }
        if path.hasPrefix("/") { return path }
        if let script = scriptStack.last?.file, script.contains("/") {
            return script.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/") + "/" + path
        }
        return path
    }
}
