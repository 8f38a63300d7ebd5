#if canImport(Glibc)
import Glibc
#endif
import PassportCrypto
import PassportData
import PassportDomain
import PassportStore

/// The data plane as the commands use it: a district's roster, a consent's PII Shield key, and
/// applying a consent to the roster.
struct DataPlane {
    let session: Session

    /// The district's roster, decoded once per import: `preview` asks for it on every call, and a large
    /// district's roster is tens of megabytes to read and decode.
    func roster(_ districtId: String) throws -> Roster? {
        guard let version = try session.store.rosterVersion(districtId: districtId) else { return nil }
        if let cached = session.rosterCache, cached.districtId == districtId, cached.version == version { return cached.roster }
        guard let stored = try session.store.roster(districtId: districtId) else { return nil }
        let roster = try Roster(encoded: stored.content)
        session.rosterCache = (districtId, version, roster)
        return roster
    }

    /// The roster sourcedIds of the request's schools (directory schools matched at import).
    func schoolSourcedIds(_ r: ConsentRequest) throws -> Set<String> {
        guard case .some(let ids) = r.schools else { return [] }
        let map = try session.store.rosterSchools(districtId: r.districtId)
        return Set(ids.compactMap { map[$0] })
    }

    /// The consent's PII Shield, made when the district approved it; the key never leaves the district side.
    func shield(consent id: Int64) throws -> PIIShield? {
        guard let sealed = try session.store.consentKey(consent: id) else { return nil }
        return try PIIShield(key: try session.sealingKey().open(sealed))
    }

    func makeKey(consent id: Int64) throws {
        try session.store.saveConsentKey(try session.sealingKey().seal(PIIShield.newKey()), consent: id)
    }

    /// What the vendor receives under `consent` today.
    func apply(_ consent: Consent) throws -> SharedData {
        guard let app = try session.store.app(id: consent.request.appId) else { throw DomainError("the consent's app no longer exists") }
        guard let roster = try roster(consent.request.districtId) else {
            throw DomainError("\(consent.districtName) has not imported a roster yet: nothing to share (its admin runs `district import`)")
        }
        let shield = try self.shield(consent: consent.id)
        return try ConsentEngine.apply(roster: roster, request: consent.request, app: app, shield: shield,
                                       today: session.today, schoolSourcedIds: try schoolSourcedIds(consent.request))
    }
}

/// `district import` and `district roster`: the district admin's roster.
enum RosterCommands {
    static var all: [CommandSpec] {
        [
            CommandSpec("district import", group: .directory, summary: "load the district's OneRoster 1.1 CSV export (district admins)",
                        arguments: [ArgumentSpec("DIR|ZIP", .file)],
                        details: "Reads orgs, academicSessions, courses, classes, users, enrollments, demographics and manifest.csv. What is valid is imported; each problem is reported with file, line and column; the import lands whole or not at all. Roster schools are matched to the directory by NCES id (identifier), then by exact name; unmatched ones are added to the district.",
                        example: "district import ./exports/springfield-2026-09", related: ["district roster", "preview"]) { inv in
                try importRoster(inv)
            },
            CommandSpec("district roster", group: .directory, summary: "the last roster import: when, what it held, its problems (district admins)",
                        flags: [formatFlag], example: "district roster", related: ["district import"]) { inv in
                let district = try inv.session.requireDistrictAdmin(inv)
                guard let stored = try inv.session.store.roster(districtId: district.id) else {
                    throw inv.error("\(district.name) has no roster yet; `district import DIR`")
                }
                try withFormat(inv) {
                    inv.output.show(text: "Roster of \(district.name), imported \(stored.importedAt) by \(stored.importedBy):\n" + stored.report,
                                    value: .record([("district", .text(district.id)), ("importedAt", .text(stored.importedAt.description)),
                                                    ("importedBy", .text(stored.importedBy)), ("report", .text(stored.report))]))
                }
            },
        ]
    }

    static func importRoster(_ inv: Invocation) throws {
        let session = inv.session
        let district = try session.requireDistrictAdmin(inv)
        let word = inv.positionals[0]
        var folder = session.resolvePath(word.text)
        var cleanup: String?
        defer { if let c = cleanup { _ = removeTree(c) } }
        if folder.lowercased().hasSuffix(".zip") {
            guard access(folder, R_OK) == 0 else { throw word.error("cannot read \(folder): \(String(cString: strerror(errno)))") }
            let temp = try unzip(folder, word: word)
            cleanup = temp
            folder = temp
        }
        let roster: Roster
        do { roster = try RosterImport.read(folder: folder) } catch { throw word.error("\(error)") }

        // Match the roster's schools to the directory: NCES id, then exact name; add the rest.
        let directory = try session.store.schools(inDistrict: district.id)
        let orgs = roster.table(.orgs)
        var matches: [(ncessch: String, orgSourcedId: String)] = []
        var added: [School] = []
        var lines: [String] = []
        for r in 0..<orgs.count where orgs.value(r, "type").lowercased() == "school" {
            let sourcedId = orgs.value(r, 0), name = orgs.value(r, "name"), identifier = orgs.value(r, "identifier")
            if let s = directory.first(where: { $0.id == identifier }) {
                matches.append((s.id, sourcedId)); lines.append("  \(name): matched to \(s.name) (\(s.id)) by NCES id")
            } else if let s = directory.first(where: { $0.name.lowercased() == name.lowercased() }) {
                matches.append((s.id, sourcedId)); lines.append("  \(name): matched to \(s.name) (\(s.id)) by name")
            } else {
                let school = School(id: "roster:" + sourcedId, districtId: district.id, name: name, state: district.state)
                added.append(school)
                matches.append((school.id, sourcedId))
                lines.append("  \(name): not in the directory; added to \(district.name) as \(school.id)")
            }
        }
        var report = "Files:\n"
        for file in RosterFile.allCases {
            if let c = roster.counts[file] { report += "  \(file.fileName): \(c.kept) of \(c.rows) records imported\n" }
        }
        report += "Schools (\(lines.count)):\n" + lines.map { $0 + "\n" }.joined()
        report += roster.problems.isEmpty ? "No problems.\n" : "\(roster.problems.count) problem\(roster.problems.count == 1 ? "" : "s"):\n"
            + roster.problems.map { "  \($0)\n" }.joined()
        try session.store.saveRoster(StoredRoster(districtId: district.id, importedAt: session.now(), importedBy: session.account!,
                                                  content: roster.encoded(), report: report),
                                     matches: matches, newSchools: added)
        inv.say("Imported the roster of \(district.name) from \(word.text).")
        inv.output.raw(inv.output.format == .table ? report : "")
    }

    /// Unpacks a zip into a fresh temporary folder with Debian's unzip.
    static func unzip(_ path: String, word: Argument) throws -> String {
        var template = Array("/tmp/passport-import-XXXXXX".utf8CString)
        guard let dir = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }).map({ String(cString: $0) }) else {
            throw word.error("cannot make a temporary folder: \(String(cString: strerror(errno)))")
        }
        // A zip that unpacks to more than a roster ever holds is refused before it is unpacked.
        let listing = dir + "/.listing"
        if runProgram("/usr/bin/unzip", ["-Zt", path], output: listing) == 0,
           let text = try? ScriptRunner.read(listing),
           let bytes = text.split(separator: ",").dropFirst().first?.split(separator: " ").first.flatMap({ Int64($0) }),
           bytes > maximumUnpacked {
            _ = removeTree(dir)
            throw word.error("\(path) unpacks to \(bytes / 1_048_576) MB; a roster export may unpack to at most \(maximumUnpacked / 1_073_741_824) GB")
        }
        unlink(listing)
        let status = runProgram("/usr/bin/unzip", ["-qq", "-o", "-j", path, "*.csv", "-d", dir])
        guard status == 0 else {
            _ = removeTree(dir)
            throw word.error(status == 127 ? "cannot unpack \(path): /usr/bin/unzip is missing (apt-get install unzip)" : "\(path) is not a readable zip of CSV files")
        }
        return dir
    }

    static let maximumUnpacked: Int64 = 2 << 30

    static func runProgram(_ program: String, _ args: [String], output: String = "/dev/null") -> Int32 {
        guard access(program, X_OK) == 0 else { return 127 }
        var pid: pid_t = 0
        let argv = ([program] + args).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        defer { posix_spawn_file_actions_destroy(&actions) }
        guard posix_spawn(&pid, program, &actions, nil, argv, environ) == 0 else { return 127 }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        return (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128
    }

    static func removeTree(_ path: String) -> Bool {
        if let d = opendir(path) {
            while let e = readdir(d) {
                let name = withUnsafeBytes(of: e.pointee.d_name) { String(decoding: $0.prefix(while: { $0 != 0 }), as: UTF8.self) }
                if name == "." || name == ".." { continue }
                let child = path + "/" + name
                if e.pointee.d_type == UInt8(DT_DIR) { _ = removeTree(child) } else { unlink(child) }
            }
            closedir(d)
        }
        return rmdir(path) == 0
    }
}
