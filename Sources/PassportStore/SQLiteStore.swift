import FoundationEssentials
#if canImport(Glibc)
import Glibc
#endif
import PassportDomain

/// The embedded store: one SQLite file, the public directory loaded on first use.
public final class SQLiteStore: Store {
    public let db: Database
    public let path: String
    /// Seconds the directory load took when this open loaded it, nil when it was there already.
    public private(set) var directoryLoadSeconds: Double?

    private let encoder: JSONEncoder = {
        let e = JSONEncoder(); e.outputFormatting = [.sortedKeys]; return e
    }()
    private let decoder = JSONDecoder()

    public init(path: String) throws {
        self.path = path
        db = try Database(path: path)
        do {
            try db.execute("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;")
        } catch let e as DatabaseError {
            throw DatabaseError(code: e.code, message: "cannot open store \(path): \(e.message)")
        }
        try migrate()
        if try setting("directory_loaded") == nil { try loadDirectory() }
    }

    private func migrate() throws {
        let version = try db.queryOne("PRAGMA user_version") { Int($0.int(0)) } ?? 0
        guard version < Migrations.steps.count else {
            if version > Migrations.steps.count {
                throw DatabaseError(code: 0, message: "store \(path) has schema version \(version), newer than this passport knows (\(Migrations.steps.count)); use a newer passport")
            }
            return
        }
        try db.transaction {
            // Another process may have migrated while we waited for the write lock.
            let now = try db.queryOne("PRAGMA user_version") { Int($0.int(0)) } ?? 0
            for step in now..<Migrations.steps.count {
                try db.execute(Migrations.steps[step])
                try db.execute("PRAGMA user_version = \(step + 1)")
            }
        }
    }

    /// Loads districts.csv and schools.csv in one transaction (so a killed load leaves nothing half done).
    private func loadDirectory() throws {
        let folder = try DirectoryLoader.dataFolder()
        let started = monotonicSeconds()
        let schoolBytes = try DirectoryLoader.readFile(folder + "/schools.csv")
        let districtBytes = try DirectoryLoader.readFile(folder + "/districts.csv")
        try db.transaction {
            guard try setting("directory_loaded") == nil else { return }  // another process loaded it meanwhile
            var counts: [ArraySlice<UInt8>: Int64] = [:]
            let school = try db.statement("INSERT INTO schools VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10)")
            try DirectoryLoader.forEachRecord(schoolBytes, expectedFields: 10, file: "schools.csv") { f in
                for k in 0..<10 { f[k].withUnsafeBufferPointer { school.bindText(Int32(k + 1), $0) } }
                _ = try school.step()
                school.resetForReuse()
                counts[f[1], default: 0] += 1
            }
            let district = try db.statement("INSERT INTO districts(leaid,name,state,city,lowest_grade,highest_grade,latitude,longitude,source,school_count) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10)")
            try DirectoryLoader.forEachRecord(districtBytes, expectedFields: 9, file: "districts.csv") { f in
                for k in 0..<9 { f[k].withUnsafeBufferPointer { district.bindText(Int32(k + 1), $0) } }
                district.bindInt(10, counts[f[0]] ?? 0)
                _ = try district.step()
                district.resetForReuse()
            }
            try db.execute("INSERT INTO district_words(district_words) VALUES('rebuild')")
            try db.run("INSERT INTO settings VALUES ('directory_loaded', ?)", [.text(String(monotonicSeconds() - started))])
        }
        // Fold the load out of the write-ahead log now, so no later start has to replay it.
        try db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        directoryLoadSeconds = monotonicSeconds() - started
    }

    /// Closes the store (at exit: `exit()` runs no deinitializers).
    public func close() { db.close() }

    public func inTransaction<T>(_ body: () throws -> T) throws -> T { try db.transaction(body) }

    public func setting(_ key: String) throws -> String? {
        try db.queryOne("SELECT value FROM settings WHERE key = ?", [.text(key)]) { $0.text(0) }
    }

    // MARK: Directory

    public func directoryCounts() throws -> (districts: Int, schools: Int) {
        let d = try db.queryOne("SELECT count(*) FROM districts") { Int($0.int(0)) } ?? 0
        let s = try db.queryOne("SELECT count(*) FROM schools") { Int($0.int(0)) } ?? 0
        return (d, s)
    }

    static let districtColumns = "d.leaid, d.name, d.state, d.city, d.lowest_grade, d.highest_grade, d.school_count"
    static func district(_ r: Row) -> District {
        District(id: r.text(0), name: r.text(1), state: r.text(2), city: r.text(3),
                 lowestGrade: r.text(4), highestGrade: r.text(5), schoolCount: Int(r.int(6)))
    }

    public func district(id: String) throws -> District? {
        try db.queryOne("SELECT \(Self.districtColumns) FROM districts d WHERE d.leaid = ?", [.text(id)], Self.district)
    }

    public func districts(named name: String) throws -> [District] {
        try db.query("SELECT \(Self.districtColumns) FROM districts d WHERE d.name = ? ORDER BY d.state, d.leaid", [.text(name)], Self.district)
    }

    public func districtsStarting(with prefix: String, limit: Int) throws -> [District] {
        let pattern = Self.likeEscaped(prefix) + "%"
        if !prefix.isEmpty, prefix.allSatisfy(\.isNumber) {
            return try db.query("SELECT \(Self.districtColumns) FROM districts d WHERE d.leaid LIKE ? ESCAPE '\\' ORDER BY d.leaid LIMIT ?",
                                [.text(pattern), .integer(Int64(limit))], Self.district)
        }
        return try db.query("SELECT \(Self.districtColumns) FROM districts d WHERE d.name LIKE ? ESCAPE '\\' ORDER BY d.name, d.state LIMIT ?",
                            [.text(pattern), .integer(Int64(limit))], Self.district)
    }

    static func likeEscaped(_ s: String) -> String {
        var out = ""
        for ch in s { if ch == "%" || ch == "_" || ch == "\\" { out.append("\\") }; out.append(ch) }
        return out
    }

    public func searchDistricts(_ text: String, state: String?, limit: Int) throws -> [District] {
        let words = DistrictRanking.words(text)
        guard !words.isEmpty else { return [] }
        var stateClause = ""
        var stateValue: [SQLValue] = []
        if let state { stateClause = " AND d.state = ?"; stateValue = [.text(state.uppercased())] }
        var found: [String: District] = [:]
        // An id, whole or started.
        if words.count == 1, words[0].allSatisfy(\.isNumber) {
            for d in try db.query("SELECT \(Self.districtColumns) FROM districts d WHERE d.leaid LIKE ?\(stateClause) LIMIT 200",
                                  [.text(words[0] + "%")] + stateValue, Self.district) { found[d.id] = d }
        }
        // Word and word-prefix matches through the full-text index.
        let match = words.map { "\"" + $0.replacing("\"", with: "\"\"") + "\"*" }.joined(separator: " AND ")
        for d in try db.query("SELECT \(Self.districtColumns) FROM district_words w JOIN districts d ON d.rowid = w.rowid WHERE district_words MATCH ?\(stateClause)",
                              [.text(match)] + stateValue, Self.district) { found[d.id] = d }
        // Substrings, when words alone found too few.
        if found.count < limit {
            let clauses = words.map { _ in "d.name LIKE ? ESCAPE '\\'" }.joined(separator: " AND ")
            let values = words.map { SQLValue.text("%" + Self.likeEscaped($0) + "%") }
            for d in try db.query("SELECT \(Self.districtColumns) FROM districts d WHERE \(clauses)\(stateClause) LIMIT 500",
                                  values + stateValue, Self.district) { found[d.id] = d }
        }
        return DistrictRanking.rank(Array(found.values), words: words).prefix(limit).map { $0 }
    }

    static let schoolColumns = "ncessch, leaid, name, city, state, lowest_grade, highest_grade, level"
    static func school(_ r: Row) -> School {
        School(id: r.text(0), districtId: r.text(1), name: r.text(2), city: r.text(3), state: r.text(4),
               lowestGrade: r.text(5), highestGrade: r.text(6), level: r.text(7))
    }

    // Apps and a district's schools are read by nearly every command; they are cached until this
    // process or another one writes (PRAGMA data_version tells of the others' commits).
    private var appCache: [Int64: App] = [:]
    private var schoolCache: [String: [School]] = [:]
    private var seenDataVersion: Int64 = -1

    private func validateCaches() throws {
        let version = try db.queryOne("PRAGMA data_version") { $0.int(0) } ?? 0
        if version != seenDataVersion { forgetCaches(); seenDataVersion = version }
    }

    private func forgetCaches() { appCache.removeAll(); schoolCache.removeAll() }

    public func schools(inDistrict districtId: String) throws -> [School] {
        try validateCaches()
        if let cached = schoolCache[districtId] { return cached }
        let schools = try db.query("SELECT \(Self.schoolColumns) FROM schools WHERE leaid = ? ORDER BY name, ncessch", [.text(districtId)], Self.school)
        schoolCache[districtId] = schools
        return schools
    }

    public func school(id: String) throws -> School? {
        try db.queryOne("SELECT \(Self.schoolColumns) FROM schools WHERE ncessch = ?", [.text(id)], Self.school)
    }

    // MARK: Apps

    /// The JSON of recent requests: a draft change writes the same request as the new draft and,
    /// next time, as an undo step, so each request is encoded once (JSONEncoder dominated replays).
    private var recentRequests: [(ConsentRequest, String)] = []

    func requestJSON(_ r: ConsentRequest) throws -> String {
        if let hit = recentRequests.last(where: { $0.0 == r }) { return hit.1 }
        let json = r.jsonText
        recentRequests.append((r, json))
        if recentRequests.count > 8 { recentRequests.removeFirst() }
        return json
    }

    /// A draft step as JSON, put together around its request's JSON (keys sorted, as `encode` writes them).
    func stepJSON(_ step: Draft.Step) throws -> String {
        "{\"label\":\(JSONText.string(step.label)),\"request\":\(try requestJSON(step.request))}"
    }

    /// The draft row's body: its request and label; the steps live in `draft_steps`.
    func draftBodyJSON(_ d: Draft) throws -> String {
        "{\"label\":\(JSONText.string(d.label)),\"redoSteps\":[],\"request\":\(try requestJSON(d.request)),\"undoSteps\":[]}"
    }

    func encode<T: Encodable>(_ value: T) throws -> String {
        String(decoding: try encoder.encode(value), as: UTF8.self)
    }
    func decode<T: Decodable>(_ type: T.Type, _ text: String) throws -> T {
        try decoder.decode(type, from: Data(text.utf8))
    }

    public func createApp(_ app: App) throws -> App {
        forgetCaches()
        return try db.transaction {
            if try self.app(named: app.name) != nil {
                throw DomainError("an app named '\(app.name)' exists already; app names are unique")
            }
            try db.run("INSERT INTO apps(name, body, organization) VALUES (?, '{}', ?)", [.text(app.name), .text(app.organization)])
            var saved = app
            saved.id = db.lastInsertRowID
            try db.run("UPDATE apps SET body = ? WHERE id = ?", [.text(try encode(saved)), .integer(saved.id)])
            return saved
        }
    }

    public func updateApp(_ app: App) throws {
        forgetCaches()
        try db.transaction {
            if let other = try self.app(named: app.name), other.id != app.id {
                throw DomainError("an app named '\(app.name)' exists already; app names are unique")
            }
            try db.run("UPDATE apps SET name = ?, body = ? WHERE id = ?", [.text(app.name), .text(try encode(app)), .integer(app.id)])
        }
    }

    public func app(id: Int64) throws -> App? {
        try validateCaches()
        if let cached = appCache[id] { return cached }
        let app = try db.queryOne("SELECT body FROM apps WHERE id = ?", [.integer(id)]) { $0.text(0) }.map { try decode(App.self, $0) }
        if let app { appCache[id] = app }
        return app
    }

    public func app(named name: String) throws -> App? {
        try db.queryOne("SELECT body FROM apps WHERE name = ?", [.text(name)]) { $0.text(0) }.map { try decode(App.self, $0) }
    }

    public func apps(organization: String) throws -> [App] {
        try db.query("SELECT body FROM apps WHERE organization = ? ORDER BY name", [.text(organization)]) { $0.text(0) }
            .map { try decode(App.self, $0) }
    }

    // MARK: Drafts

    /// The steps (as stored, JSON) of each account's draft as this process last read or wrote them, with
    /// the row's revision. Kept as text, not as the draft's own arrays, so the session's next change can
    /// append to its steps in place instead of copying them.
    private var savedSteps: [String: (revision: Int64, steps: [[String]])] = [:]
    /// The revision of each account's draft row as this process last read or wrote it (0: no draft).
    private var seenRevision: [String: Int64] = [:]

    public func draftChangedElsewhere(account: String) throws -> Bool {
        guard let seen = seenRevision[account] else { return false }
        let now = try db.queryOne("SELECT revision FROM drafts WHERE account = ?", [.text(account)]) { $0.int(0) } ?? 0
        return now != seen
    }

    public func draft(account: String) throws -> Draft? {
        try db.transaction {
            guard let (body, revision) = try db.queryOne("SELECT body, revision FROM drafts WHERE account = ?", [.text(account)],
                                                         { ($0.text(0), $0.int(1)) }) else {
                savedSteps[account] = nil
                seenRevision[account] = 0
                return nil
            }
            seenRevision[account] = revision
            let stored = try decode(Draft.self, body)  // drafts saved before version 2 hold their steps in the body
            var steps: [[Draft.Step]] = [[], []]
            var bodies: [[String]] = [[], []]
            for (kind, step) in try db.query("SELECT kind, body FROM draft_steps WHERE account = ? ORDER BY kind, seq", [.text(account)],
                                             { (Int($0.int(0)), $0.text(1)) }) where kind < 2 {
                steps[kind].append(try decode(Draft.Step.self, step))
                bodies[kind].append(step)
            }
            guard stored.undoSteps.isEmpty && stored.redoSteps.isEmpty else { savedSteps[account] = nil; return stored }
            savedSteps[account] = (revision, bodies)
            return Draft(stored.request, label: stored.label, undoSteps: steps[0], redoSteps: steps[1])
        }
    }

    /// Saves the draft: its request in `drafts`, and of its steps only those that changed since this
    /// process last saw them (a change pushes one step), or all of them when another process wrote since.
    public func saveDraft(_ draft: Draft?, account: String) throws {
        try db.transaction {
            guard let draft else {
                try db.run("DELETE FROM drafts WHERE account = ?", [.text(account)])
                try db.run("DELETE FROM draft_steps WHERE account = ?", [.text(account)])
                savedSteps[account] = nil
                seenRevision[account] = 0
                return
            }
            let current = try db.queryOne("SELECT revision FROM drafts WHERE account = ?", [.text(account)]) { $0.int(0) }
            var known: [[String]] = [[], []]
            if let saved = savedSteps.removeValue(forKey: account), saved.revision == current { known = saved.steps } else {
                try db.run("DELETE FROM draft_steps WHERE account = ?", [.text(account)])
            }
            for (kind, steps) in [draft.undoSteps, draft.redoSteps].enumerated() {
                // Steps are a stack: keep the rows below the highest one that is still the same.
                var same = min(known[kind].count, steps.count)
                while same > 0, known[kind][same - 1] != (try stepJSON(steps[same - 1])) { same -= 1 }
                if same < known[kind].count {
                    try db.run("DELETE FROM draft_steps WHERE account = ? AND kind = ? AND seq >= ?",
                               [.text(account), .integer(Int64(kind)), .integer(Int64(same))])
                    known[kind].removeSubrange(same...)
                }
                for seq in same..<steps.count {
                    let body = try stepJSON(steps[seq])
                    try db.run("INSERT INTO draft_steps(account, kind, seq, body) VALUES (?, ?, ?, ?)",
                               [.text(account), .integer(Int64(kind)), .integer(Int64(seq)), .text(body)])
                    known[kind].append(body)
                }
            }
            let revision = Int64.random(in: 1...Int64.max)
            try db.run("INSERT OR REPLACE INTO drafts(account, body, revision) VALUES (?, ?, ?)",
                       [.text(account), .text(try draftBodyJSON(draft)), .integer(revision)])
            savedSteps[account] = (revision, known)
            seenRevision[account] = revision
        }
    }

    public func saveAttachmentContent(_ bytes: [UInt8], sha256: String) throws {
        try db.transaction {
            try db.run("INSERT OR IGNORE INTO attachment_contents(sha256, content) VALUES (?, ?)", [.text(sha256), .blob(bytes)])
        }
    }

    public func attachmentContent(sha256: String) throws -> [UInt8]? {
        try db.queryOne("SELECT content FROM attachment_contents WHERE sha256 = ?", [.text(sha256)]) { $0.blob(0) }
    }

    // MARK: Rosters

    public func saveRoster(_ roster: StoredRoster, matches: [(ncessch: String, orgSourcedId: String)], newSchools: [School]) throws {
        forgetCaches()
        try db.transaction {
            try db.run("INSERT OR REPLACE INTO rosters(district_id, imported_at, imported_by, content, report, version) VALUES (?, ?, ?, ?, ?, ?)",
                       [.text(roster.districtId), .integer(roster.importedAt.unixTime), .text(roster.importedBy),
                        .blob(roster.content), .text(roster.report), .integer(Int64.random(in: 1...Int64.max))])
            try db.run("DELETE FROM roster_schools WHERE district_id = ?", [.text(roster.districtId)])
            for m in matches {
                try db.run("INSERT OR REPLACE INTO roster_schools VALUES (?, ?, ?)", [.text(roster.districtId), .text(m.ncessch), .text(m.orgSourcedId)])
            }
            for s in newSchools {
                try db.run("INSERT OR REPLACE INTO schools VALUES (?, ?, ?, ?, ?, ?, ?, ?, '', 'roster')",
                           [.text(s.id), .text(s.districtId), .text(s.name), .text(s.city), .text(s.state),
                            .text(s.lowestGrade), .text(s.highestGrade), .text(s.level)])
            }
            try db.run("UPDATE districts SET school_count = (SELECT count(*) FROM schools WHERE leaid = ?) WHERE leaid = ?",
                       [.text(roster.districtId), .text(roster.districtId)])
        }
    }

    public func roster(districtId: String) throws -> StoredRoster? {
        try db.queryOne("SELECT district_id, imported_at, imported_by, content, report FROM rosters WHERE district_id = ?", [.text(districtId)]) {
            StoredRoster(districtId: $0.text(0), importedAt: Timestamp(unixTime: $0.int(1)), importedBy: $0.text(2), content: $0.blob(3), report: $0.text(4))
        }
    }

    public func rosterVersion(districtId: String) throws -> Int64? {
        try db.queryOne("SELECT version FROM rosters WHERE district_id = ?", [.text(districtId)]) { $0.int(0) }
    }

    public func rosterSchools(districtId: String) throws -> [String: String] {
        Dictionary(try db.query("SELECT ncessch, org_sourced_id FROM roster_schools WHERE district_id = ?", [.text(districtId)]) { ($0.text(0), $0.text(1)) },
                   uniquingKeysWith: { a, _ in a })
    }

    public func sftpHostKey(host: String, port: Int) throws -> String? {
        try db.queryOne("SELECT fingerprint FROM sftp_host_keys WHERE host = ? AND port = ?", [.text(host.lowercased()), .integer(Int64(port))]) { $0.text(0) }
    }

    public func saveSFTPHostKey(_ fingerprint: String, host: String, port: Int) throws {
        try db.transaction {
            try db.run("INSERT OR REPLACE INTO sftp_host_keys VALUES (?, ?, ?)", [.text(host.lowercased()), .integer(Int64(port)), .text(fingerprint)])
        }
    }

    // MARK: Keys and syncs

    public func saveConsentKey(_ sealed: [UInt8], consent id: Int64) throws {
        try db.transaction { try db.run("INSERT INTO consent_keys VALUES (?, ?)", [.integer(id), .blob(sealed)]) }
    }

    public func consentKey(consent id: Int64) throws -> [UInt8]? {
        try db.queryOne("SELECT sealed_key FROM consent_keys WHERE consent_id = ?", [.integer(id)]) { $0.blob(0) }
    }

    public func createSync(_ sync: SyncRecord, snapshot: [UInt8]?) throws -> SyncRecord {
        try db.transaction {
            let number = (try db.queryOne("SELECT count(*) FROM syncs WHERE consent_id = ?", [.integer(sync.consentId)]) { Int($0.int(0)) } ?? 0) + 1
            try db.run("INSERT INTO syncs(consent_id, status, body, snapshot) VALUES (?, ?, '{}', ?)",
                       [.integer(sync.consentId), .text(sync.status.rawValue), snapshot.map { .blob($0) } ?? .null])
            var saved = sync
            saved.id = db.lastInsertRowID
            saved.number = number
            try db.run("UPDATE syncs SET body = ? WHERE id = ?", [.text(try encode(saved)), .integer(saved.id)])
            return saved
        }
    }

    public func updateSync(_ sync: SyncRecord) throws {
        try db.transaction {
            try db.run("UPDATE syncs SET status = ?, body = ? WHERE id = ?", [.text(sync.status.rawValue), .text(try encode(sync)), .integer(sync.id)])
        }
    }

    public func syncs(consent id: Int64) throws -> [SyncRecord] {
        try db.query("SELECT body FROM syncs WHERE consent_id = ? ORDER BY id", [.integer(id)]) { $0.text(0) }.map { try decode(SyncRecord.self, $0) }
    }

    public func sync(id: Int64) throws -> SyncRecord? {
        try db.queryOne("SELECT body FROM syncs WHERE id = ?", [.integer(id)]) { $0.text(0) }.map { try decode(SyncRecord.self, $0) }
    }

    public func syncSnapshot(id: Int64) throws -> [UInt8]? {
        try db.queryOne("SELECT snapshot FROM syncs WHERE id = ? AND snapshot IS NOT NULL", [.integer(id)]) { $0.blob(0) }
    }

    // MARK: Consents

    public func sendConsent(_ request: ConsentRequest, account: String, organization: String, appName: String,
                            districtName: String, at: Timestamp) throws -> Consent {
        try db.transaction {
            let first = StatusChange(status: .pending, at: at, by: account)
            try db.run("INSERT INTO consents(organization, district_id, app_id, sent_at, body) VALUES (?, ?, ?, ?, '{}')",
                       [.text(organization), .text(request.districtId), .integer(request.appId), .integer(at.unixTime)])
            let id = db.lastInsertRowID
            let consent = Consent(id: id, request: request, appName: appName, districtName: districtName, vendor: account,
                                  organization: organization, sentAt: at, history: [first])
            var frozen = consent
            frozen.history = []
            try db.run("UPDATE consents SET body = ? WHERE id = ?", [.text(try encode(frozen)), .integer(id)])
            try db.run("INSERT INTO consent_history VALUES (?, 1, ?)", [.integer(id), .text(try encode(first))])
            // The draft goes with the send; if it is gone already, another session sent or discarded it.
            guard try db.run("DELETE FROM drafts WHERE account = ?", [.text(account)]) == 1 else {
                throw DomainError("nothing was sent: the draft was sent or discarded in another session meanwhile")
            }
            try db.run("DELETE FROM draft_steps WHERE account = ?", [.text(account)])
            savedSteps[account] = nil
            seenRevision[account] = 0
            return consent
        }
    }

    private func history(_ id: Int64) throws -> [StatusChange] {
        try db.query("SELECT body FROM consent_history WHERE consent_id = ? ORDER BY seq", [.integer(id)]) { $0.text(0) }
            .map { try decode(StatusChange.self, $0) }
    }

    public func consent(id: Int64) throws -> Consent? {
        guard let body = try db.queryOne("SELECT body FROM consents WHERE id = ?", [.integer(id)], { $0.text(0) }) else { return nil }
        var c = try decode(Consent.self, body)
        c.history = try history(id)
        return c
    }

    public func consents(addressedTo districtId: String) throws -> [Consent] {
        try db.query("SELECT body FROM consents WHERE district_id = ? ORDER BY id DESC", [.text(districtId)]) { $0.text(0) }.map { body in
            var c = try decode(Consent.self, body)
            c.history = try history(c.id)
            return c
        }
    }

    public func recordStatus(_ change: StatusChange, consent id: Int64, check: (Consent) throws -> Void) throws {
        try db.transaction {
            guard let current = try consent(id: id) else { throw DomainError("no consent \(id)") }
            try check(current)
            let seq = Int64(current.history.count + 1)
            try db.run("INSERT INTO consent_history VALUES (?, ?, ?)", [.integer(id), .integer(seq), .text(try encode(change))])
        }
    }

    public func consents(organization: String, districtId: String?, limit: Int?) throws -> [Consent] {
        var sql = "SELECT body FROM consents WHERE organization = ?"
        var values: [SQLValue] = [.text(organization)]
        if let districtId { sql += " AND district_id = ?"; values.append(.text(districtId)) }
        sql += " ORDER BY id DESC"
        if let limit { sql += " LIMIT ?"; values.append(.integer(Int64(limit))) }
        return try db.query(sql, values) { $0.text(0) }.map { body in
            var c = try decode(Consent.self, body)
            c.history = try history(c.id)
            return c
        }
    }
}

func monotonicSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}
