import PassportDomain

/// Why an export could not be imported at all (as opposed to an ImportProblem, which
/// marks one bad spot and lets the rest load).
public struct RosterImportError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// Reads a OneRoster CSV bulk export (1.1; a 1.2 export mostly loads, see below) into a
/// Roster: every valid record, and every problem with its file, line and column.
///
/// What it decides:
/// - orgs.csv and users.csv are required; without them the export is refused. The other
///   files, and manifest.csv, may be missing. File names match case-insensitively.
/// - Header names match OneRoster's case-insensitively, blanks around them ignored.
///   A missing column is reported once and left empty; extra columns are kept.
/// - A row without a sourcedId, or with one already seen in its file, is skipped and
///   reported (the first record with a sourcedId wins).
/// - A row with the wrong number of fields is reported and kept: missing fields are
///   empty, extra fields are dropped.
/// - A reference to a record that is not there (class → course, school and terms;
///   course → org; user → orgs; enrollment → class, school and user; demographics →
///   user) is reported and the record is kept: the consent engine never shares a record
///   whose parent is not shared.
/// - Grades are normalised to CEDS codes (`7` → `07`, `kg` → `KG`); a code outside CEDS
///   is reported and dropped from the record, which is kept.
/// - Blank status and dateLastModified are fine (bulk files leave them blank).
/// - OneRoster 1.2: users.csv has no `role` or `orgSourcedIds`. When roles.csv is there,
///   each user's role is its `primary` role there (else its first) and its orgs are the
///   orgs of its roles; this is reported once as a note on users.csv.
public enum RosterImport {
    /// Reads an export folder.
    public static func read(folder: String) throws -> Roster {
        guard FileSystem.isDirectory(folder) else { throw RosterImportError("\(folder) is not a folder; give the folder holding the export's CSV files") }
        let names = try FileSystem.list(folder)
        var sources: [String: Source] = [:]
        for name in names { sources[name.lowercased()] = .path(folder + "/" + name, name) }
        return try load(sources, names: names, place: folder)
    }

    /// Reads an export given as file name → bytes (e.g. `users.csv`).
    public static func read(files: [String: [UInt8]]) throws -> Roster {
        var sources: [String: Source] = [:]
        for (name, bytes) in files { sources[name.lowercased()] = .memory(bytes, name) }
        return try load(sources, names: files.keys.sorted(), place: "the export")
    }

    enum Source {
        case path(String, String)
        case memory([UInt8], String)

        var name: String {
            switch self { case .path(_, let n), .memory(_, let n): return n }
        }

        func chunks(_ consume: (UnsafeBufferPointer<UInt8>, Bool) throws -> Int) throws {
            switch self {
            case .path(let path, _):
                try FileSystem.readChunks(path, consume)
            case .memory(let bytes, _):
                _ = try bytes.withUnsafeBufferPointer { try consume($0, true) }
            }
        }
    }

    static func load(_ sources: [String: Source], names: [String], place: String) throws -> Roster {
        for required in [RosterFile.orgs, .users] where sources[required.fileName.lowercased()] == nil {
            let csv = names.filter { $0.lowercased().hasSuffix(".csv") }
            let found = csv.isEmpty ? "no CSV files at all" : "only " + csv.joined(separator: ", ")
            throw RosterImportError("\(place) has no \(required.fileName), so it is not a OneRoster CSV export (found \(found)); "
                + "export the roster as OneRoster 1.1 CSV: orgs.csv and users.csv at least, with OneRoster's column names")
        }
        var loader = Loader()
        if let manifest = sources["manifest.csv"] { try loader.loadManifest(manifest, present: Set(sources.keys)) }
        for file in RosterFile.allCases {
            if file == .users, let roles = sources["roles.csv"] { try loader.loadRoles(roles) }
            if let source = sources[file.fileName.lowercased()] { try loader.load(file, from: source) }
        }
        return loader.roster()
    }
}

/// The state of one import: the pool every value goes into, the sourcedIds seen per file
/// (for duplicates and references), and the problems so far.
private struct Loader {
    var pool = StringPool()
    /// Built tables, without the pool until the end (holding it would copy it on every new value).
    var tables: [RosterFile: (columns: [String], cells: [[UInt32]])] = [:]
    var counts: [RosterFile: Roster.FileCount] = [:]
    var problems: [ImportProblem] = []
    var manifest: [(property: String, value: String)] = []
    var ids: [RosterFile: IdSet] = [:]
    var gradeMemo: [UInt32: (normalised: UInt32, message: String?)] = [:]
    var listMemo: [UInt32: [UInt32]] = [:]
    /// From a 1.2 roles.csv: user → role, and user → orgs.
    var roleOf: [UInt32: (role: UInt32, primary: Bool)] = [:]
    var orgsOf: [UInt32: [UInt32]] = [:]
    var scratch: [UInt8] = []

    /// A growable bit per pool id.
    struct IdSet {
        var words: [UInt64] = []
        func contains(_ id: UInt32) -> Bool {
            let w = Int(id >> 6)
            return w < words.count && words[w] & (1 << UInt64(id & 63)) != 0
        }
        mutating func insert(_ id: UInt32) {
            let w = Int(id >> 6)
            if w >= words.count { words.append(contentsOf: repeatElement(0, count: max(w + 1 - words.count, words.count))) }
            words[w] |= 1 << UInt64(id & 63)
        }
    }

    mutating func roster() -> Roster {
        // Tables share the final pool (copies of the arrays' storage, not of the values).
        var final: [RosterFile: RosterTable] = [:]
        for (file, t) in tables { final[file] = RosterTable(file: file, columns: t.columns, cells: t.cells, pool: pool) }
        return Roster(pool: pool, tables: final, problems: problems, counts: counts, manifest: manifest)
    }

    mutating func intern(_ row: CSVRow, _ field: Int) -> UInt32 {
        let f = row.fields[field]
        if f.start == f.end { return 0 }
        if !f.escapedQuotes { return pool.intern(UnsafeBufferPointer(rebasing: row.bytes[f.start..<f.end])) }
        scratch.removeAll(keepingCapacity: true)
        scratch.append(contentsOf: row.bytes(field))
        return scratch.withUnsafeBufferPointer { pool.intern($0) }
    }

    /// Reads every row of a small file as Strings, reporting its syntax problems.
    mutating func readSmall(_ source: RosterImport.Source) throws -> [(line: Int, fields: [String])] {
        var reader = CSVReader()
        var rows: [(Int, [String])] = []
        try source.chunks { buffer, final in
            reader.read(buffer, isFinal: final) { row in rows.append((row.line, (0..<row.count).map { row.string($0) })) }
        }
        for p in reader.problems { problems.append(ImportProblem(file: source.name, line: p.line, column: p.column, message: p.message)) }
        return rows
    }

    mutating func loadManifest(_ source: RosterImport.Source, present: Set<String>) throws {
        let rows = try readSmall(source)
        let known = Set(["manifest.version", "oneroster.version", "source.systemname", "source.systemcode"])
        for (line, fields) in rows.dropFirst() {
            guard fields.count >= 2 else {
                problems.append(ImportProblem(file: source.name, line: line, column: 1, message: "a manifest row needs propertyName,value"))
                continue
            }
            let property = fields[0].trimmingBlanks, value = fields[1].trimmingBlanks
            manifest.append((property, value))
            let lower = property.lowercased()
            if lower.hasPrefix("file.") {
                let name = String(lower.dropFirst(5)) + ".csv"
                let mode = value.lowercased()
                if mode == "absent" && present.contains(name) {
                    problems.append(ImportProblem(file: source.name, line: line, column: 1,
                        message: "\(property) says absent, but \(String(property.dropFirst(5))).csv is in the export; it was read"))
                } else if (mode == "bulk" || mode == "delta") && !present.contains(name) {
                    problems.append(ImportProblem(file: source.name, line: line, column: 1,
                        message: "\(property) says \(mode), but there is no \(String(property.dropFirst(5))).csv in the export"))
                }
            } else if !known.contains(lower) {
                var hint = ""
                if let dot = lower.firstIndex(of: "."), RosterFile.allCases.contains(where: { $0.rawValue.lowercased() == lower[lower.index(after: dot)...] }) {
                    hint = " (did you mean file.\(property[property.index(after: dot)...])?)"
                }
                problems.append(ImportProblem(file: source.name, line: line, column: 1, message: "unknown manifest property '\(property)'\(hint); it was ignored"))
            }
        }
    }

    /// OneRoster 1.2 roles.csv: who has which role in which org.
    mutating func loadRoles(_ source: RosterImport.Source) throws {
        let rows = try readSmall(source)
        guard let header = rows.first?.fields.map({ $0.trimmingBlanks.lowercased() }),
              let user = header.firstIndex(of: "usersourcedid"), let role = header.firstIndex(of: "role") else { return }
        let type = header.firstIndex(of: "roletype"), org = header.firstIndex(of: "orgsourcedid")
        for (_, fields) in rows.dropFirst() where fields.count == header.count {
            let u = pool.intern(fields[user]), r = pool.intern(fields[role])
            let primary = type.map { fields[$0].lowercased() == "primary" } ?? false
            if roleOf[u] == nil || (primary && roleOf[u]?.primary == false) { roleOf[u] = (r, primary) }
            if let org, !fields[org].isEmpty {
                let o = pool.intern(fields[org])
                if orgsOf[u]?.contains(o) != true { orgsOf[u, default: []].append(o) }
            }
        }
    }

    /// A reference check: the column, the file it points into, whether it holds a list.
    struct Reference { var column: Int; var target: RosterFile; var list: Bool; var present: IdSet }

    static func references(_ file: RosterFile) -> [(String, RosterFile, Bool)] {
        switch file {
        case .orgs, .academicSessions: return []
        case .courses: return [("orgSourcedId", .orgs, false), ("schoolYearSourcedId", .academicSessions, false)]
        case .classes: return [("courseSourcedId", .courses, false), ("schoolSourcedId", .orgs, false), ("termSourcedIds", .academicSessions, true)]
        case .users: return [("orgSourcedIds", .orgs, true)]
        case .enrollments: return [("classSourcedId", .classes, false), ("schoolSourcedId", .orgs, false), ("userSourcedId", .users, false)]
        case .demographics: return [("sourcedId", .users, false)]
        }
    }

    mutating func load(_ file: RosterFile, from source: RosterImport.Source) throws {
        let name = source.name
        var reader = CSVReader()
        var columns = file.columns
        var fieldColumn: [Int] = []       // field index → column, -1 when ignored
        var columnField: [Int] = []       // column → field index, -1 when missing
        var cells: [[UInt32]] = []
        var rowIds: [UInt32] = []
        var headerFields = 0
        var seenHeader = false
        var rows = 0, kept = 0
        var grades: Int?
        var refs: [Reference] = []
        var fillRole: Int?, fillOrgs: Int?, primaryOrg: Int?
        var seen = IdSet()

        try source.chunks { buffer, final in
            try reader.read(buffer, isFinal: final) { row in
                if !seenHeader {
                    seenHeader = true
                    headerFields = row.count
                    let canonical = file.columns.map { $0.lowercased() }
                    columnField = Array(repeating: -1, count: columns.count)
                    for f in 0..<row.count {
                        let raw = row.string(f).trimmingBlanks
                        let lower = raw.lowercased()
                        if let c = canonical.firstIndex(of: lower) {
                            if columnField[c] >= 0 {
                                let p = row.position(ofField: f)
                                problems.append(ImportProblem(file: name, line: p.line, column: p.column,
                                                              message: "column '\(raw)' appears twice; the second one is ignored"))
                                fieldColumn.append(-1)
                            } else {
                                columnField[c] = f
                                fieldColumn.append(c)
                            }
                        } else {
                            columns.append(raw.isEmpty ? "column\(f + 1)" : raw)
                            columnField.append(f)
                            fieldColumn.append(columns.count - 1)
                        }
                    }
                    if columnField[0] < 0 {
                        if file == .orgs || file == .users {
                            throw RosterImportError("\(name) has no sourcedId column (its header is \(row.string(0))…); it is not a OneRoster file")
                        }
                    }
                    var missing = (0..<file.columns.count).filter { columnField[$0] < 0 }.map { file.columns[$0] }
                    if file == .users && !roleOf.isEmpty {
                        let mapped = missing.filter { $0 == "role" || $0 == "orgSourcedIds" }
                        if !mapped.isEmpty {
                            if mapped.contains("role") { fillRole = file.columns.firstIndex(of: "role") }
                            if mapped.contains("orgSourcedIds") {
                                fillOrgs = file.columns.firstIndex(of: "orgSourcedIds")
                                primaryOrg = columns.firstIndex { $0.lowercased() == "primaryorgsourcedid" }
                            }
                            missing.removeAll { mapped.contains($0) }
                            problems.append(ImportProblem(file: name, line: row.line, column: 1,
                                message: "no \(mapped.joined(separator: " or ")) column (the OneRoster 1.2 layout): taken from roles.csv, each user's primary role and the orgs of its roles"))
                        }
                    }
                    if !missing.isEmpty && columnField[0] >= 0 {
                        problems.append(ImportProblem(file: name, line: row.line, column: 1,
                            message: "no column \(missing.map { "'\($0)'" }.joined(separator: ", ")); left empty"))
                    }
                    grades = file.columns.firstIndex(of: "grades")
                    for (column, target, list) in Self.references(file) {
                        refs.append(Reference(column: file.columns.firstIndex(of: column)!, target: target, list: list, present: ids[target] ?? IdSet()))
                    }
                    cells = Array(repeating: [], count: columns.count)
                    rowIds = Array(repeating: 0, count: columns.count)
                    return
                }
                if columnField[0] < 0 { return }
                rows += 1
                if row.count != headerFields {
                    let p = row.position(ofField: min(row.count, headerFields))
                    problems.append(ImportProblem(file: name, line: p.line, column: p.column,
                        message: "this row has \(row.count) field\(row.count == 1 ? "" : "s"), the header has \(headerFields); "
                            + (row.count < headerFields ? "the missing ones are left empty" : "the extra ones are dropped")))
                }
                for c in 0..<rowIds.count { rowIds[c] = 0 }
                for f in 0..<min(row.count, headerFields) {
                    let c = fieldColumn[f]
                    if c >= 0 { rowIds[c] = intern(row, f) }
                }
                let sid = rowIds[0]
                if sid == 0 {
                    let p = row.position(ofField: columnField[0])
                    problems.append(ImportProblem(file: name, line: p.line, column: p.column, message: "no sourcedId; the row is skipped"))
                    return
                }
                if seen.contains(sid) {
                    let p = row.position(ofField: columnField[0])
                    problems.append(ImportProblem(file: name, line: p.line, column: p.column,
                        message: "duplicate sourcedId '\(pool.string(sid))'; the first record with it is kept, this row is skipped"))
                    return
                }
                seen.insert(sid)
                if let fillRole, let r = roleOf[sid] { rowIds[fillRole] = r.role }
                if let fillOrgs, let orgs = orgsOf[sid] ?? primaryOrg.map({ [rowIds[$0]] }) {
                    let joined = orgs.filter { $0 != 0 }.map { pool.string($0) }.joined(separator: ",")
                    rowIds[fillOrgs] = pool.intern(joined)
                }
                if let g = grades, rowIds[g] != 0 {
                    let (normalised, message) = normaliseGrades(rowIds[g])
                    if let message {
                        let p = row.position(ofField: columnField[g])
                        problems.append(ImportProblem(file: name, line: p.line, column: p.column, message: message))
                    }
                    rowIds[g] = normalised
                }
                for ref in refs where rowIds[ref.column] != 0 {
                    let value = rowIds[ref.column]
                    let targets = ref.list ? parts(value) : [value]
                    for t in targets where !ref.present.contains(t) {
                        let f = columnField[ref.column]
                        let p = f >= 0 ? row.position(ofField: f) : (line: row.line, column: 1)
                        problems.append(ImportProblem(file: name, line: p.line, column: p.column,
                            message: "\(file.columns[ref.column]) '\(pool.string(t))' is not in \(ref.target.fileName); the record is kept"))
                    }
                }
                for c in 0..<rowIds.count { cells[c].append(rowIds[c]) }
                kept += 1
            }
        }
        for p in reader.problems { problems.append(ImportProblem(file: name, line: p.line, column: p.column, message: p.message)) }
        if !seenHeader {
            problems.append(ImportProblem(file: name, line: 1, column: 1, message: "the file is empty; it has no header"))
            if file == .orgs || file == .users { throw RosterImportError("\(name) is empty; an export needs its orgs and users") }
            return
        }
        if columnField[0] < 0 {
            problems.append(ImportProblem(file: name, line: 1, column: 1, message: "no sourcedId column; the file was not read"))
            return
        }
        ids[file] = seen
        tables[file] = (columns, cells)
        counts[file] = Roster.FileCount(rows: rows, kept: kept)
    }

    /// The ids of a comma list's items, blanks around them dropped.
    mutating func parts(_ id: UInt32) -> [UInt32] {
        if let known = listMemo[id] { return known }
        let items = pool.string(id).split(separator: ",").map { $0.trimmingBlanks }.filter { !$0.isEmpty }
        let ids = items.map { pool.intern($0) }
        listMemo[id] = ids
        return ids
    }

    /// CEDS codes only: `7` becomes `07`, case is fixed, other codes are dropped.
    mutating func normaliseGrades(_ id: UInt32) -> (UInt32, String?) {
        if let known = gradeMemo[id] { return (known.normalised, known.message) }
        let raw = pool.string(id)
        var good: [String] = [], bad: [String] = []
        var hint = ""
        for item in raw.split(separator: ",", omittingEmptySubsequences: false) {
            let code = item.trimmingBlanks
            if code.isEmpty { continue }
            do { good.append(try Grade.parse(code).rawValue) } catch {
                bad.append(code)
                if hint.isEmpty, let e = error as? DomainError, let open = e.message.firstIndex(of: "("), let close = e.message.firstIndex(of: ")") {
                    hint = " " + e.message[open...close]
                }
            }
        }
        let normalised = pool.intern(good.joined(separator: ","))
        let message = bad.isEmpty ? nil
            : "grade\(bad.count == 1 ? "" : "s") \(bad.map { "'\($0)'" }.joined(separator: ", ")) not CEDS\(hint); dropped, the record is kept (grades are \(Grade.codeList))"
        gradeMemo[id] = (normalised, message)
        return (normalised, message)
    }
}
