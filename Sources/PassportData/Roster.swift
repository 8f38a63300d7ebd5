import PassportDomain

/// What a district's OneRoster export holds once imported: the valid records of each
/// file, every problem found, and how many rows each file had and kept.
///
/// All values live once in a shared pool and cells are 32-bit ids into it, so a
/// district of a million enrollments costs tens of megabytes, not gigabytes.
/// `encoded()` turns it into one blob and `init(encoded:)` back, without re-parsing.
public struct Roster: Sendable {
    /// Rows read from a file (after its header, blank lines skipped) and rows kept.
    public struct FileCount: Sendable, Equatable, Codable {
        public var rows: Int
        public var kept: Int
        public init(rows: Int, kept: Int) { self.rows = rows; self.kept = kept }
    }

    let pool: StringPool
    let tables: [RosterFile: RosterTable]
    public let problems: [ImportProblem]
    /// Per file present in the export.
    public let counts: [RosterFile: FileCount]
    /// manifest.csv as read (property, value), in file order; empty without a manifest.
    public let manifest: [(property: String, value: String)]

    init(pool: StringPool, tables: [RosterFile: RosterTable], problems: [ImportProblem],
         counts: [RosterFile: FileCount], manifest: [(property: String, value: String)]) {
        self.pool = pool; self.tables = tables; self.problems = problems; self.counts = counts; self.manifest = manifest
    }

    /// The file's records; an empty table with the spec's columns when the export had no such file.
    public func table(_ file: RosterFile) -> RosterTable {
        tables[file] ?? RosterTable(file: file, columns: file.columns, cells: file.columns.map { _ in [] }, pool: pool)
    }

    /// Whether the export had this file.
    public func has(_ file: RosterFile) -> Bool { tables[file] != nil }

    /// The OneRoster version the manifest declares, if any.
    public var oneRosterVersion: String? { manifest.first { $0.property == "oneroster.version" }?.value }

    /// Records per entity, users split by role.
    public var entityCounts: [Entity: Int] {
        var counts: [Entity: Int] = [:]
        for file in RosterFile.allCases where file != .users { counts[file.entities[0]] = table(file).count }
        let users = table(.users)
        for e in RosterFile.users.entities { counts[e] = 0 }
        if let role = users.column(named: "role") {
            var byRole: [UInt32: Int] = [:]
            for id in users.cells[role] { byRole[id, default: 0] += 1 }
            for (id, n) in byRole {
                if let e = RosterFile.userEntity(role: pool.string(id)) { counts[e, default: 0] += n }
            }
        }
        return counts
    }

    // MARK: Bytes for the store

    private static let magic: [UInt8] = Array("PRST1".utf8)

    /// One blob holding the whole roster, problems and counts included.
    public func encoded() -> [UInt8] {
        var w = ByteWriter()
        w.bytes(Self.magic)
        pool.encode(into: &w)
        w.u32(UInt32(tables.count))
        for file in RosterFile.allCases {
            guard let t = tables[file] else { continue }
            w.string(file.rawValue)
            w.u32(UInt32(t.columns.count))
            for (c, name) in t.columns.enumerated() { w.string(name); w.u32Array(t.cells[c]) }
        }
        w.u32(UInt32(counts.count))
        for (file, n) in counts.sorted(by: { $0.key < $1.key }) {
            w.string(file.rawValue); w.u32(UInt32(n.rows)); w.u32(UInt32(n.kept))
        }
        w.u32(UInt32(problems.count))
        for p in problems { w.string(p.file); w.u32(UInt32(p.line)); w.u32(UInt32(p.column)); w.string(p.message) }
        w.u32(UInt32(manifest.count))
        for m in manifest { w.string(m.property); w.string(m.value) }
        return w.output
    }

    public struct DecodingError: Error, CustomStringConvertible {
        public var description: String { "the stored roster is damaged or from another version; import the roster again" }
    }

    public init(encoded: [UInt8]) throws {
        do {
            var r = ByteReader(encoded)
            guard try r.bytes() == Self.magic else { throw DecodingError() }
            let pool = try StringPool.decode(&r)
            var tables: [RosterFile: RosterTable] = [:]
            for _ in 0..<(try r.u32()) {
                guard let file = RosterFile(rawValue: try r.string()) else { throw DecodingError() }
                var columns: [String] = [], cells: [[UInt32]] = []
                for _ in 0..<(try r.u32()) {
                    columns.append(try r.string())
                    let column = try r.u32Array()
                    guard column.allSatisfy({ Int($0) < pool.count }), column.count == cells.first?.count ?? column.count else {
                        throw DecodingError()
                    }
                    cells.append(column)
                }
                tables[file] = RosterTable(file: file, columns: columns, cells: cells, pool: pool)
            }
            var counts: [RosterFile: FileCount] = [:]
            for _ in 0..<(try r.u32()) {
                guard let file = RosterFile(rawValue: try r.string()) else { throw DecodingError() }
                counts[file] = FileCount(rows: Int(try r.u32()), kept: Int(try r.u32()))
            }
            var problems: [ImportProblem] = []
            for _ in 0..<(try r.u32()) {
                problems.append(ImportProblem(file: try r.string(), line: Int(try r.u32()), column: Int(try r.u32()), message: try r.string()))
            }
            var manifest: [(property: String, value: String)] = []
            for _ in 0..<(try r.u32()) { manifest.append((try r.string(), try r.string())) }
            guard r.atEnd else { throw DecodingError() }
            self.init(pool: pool, tables: tables, problems: problems, counts: counts, manifest: manifest)
        } catch is ByteReader.Malformed {
            throw DecodingError()
        }
    }
}

extension Roster {
    /// The roster re-emitted as normalised CSV, one file per table it has (every column,
    /// extension columns included): a readable form that `RosterImport.read(files:)` loads back.
    public func csvFiles() -> [(name: String, bytes: [UInt8])] {
        RosterFile.allCases.compactMap { file in
            guard let t = tables[file] else { return nil }
            var w = CSVWriter()
            w.record(t.columns)
            pool.bytes.withUnsafeBufferPointer { b in
                for r in 0..<t.count {
                    for c in 0..<t.columns.count {
                        w.field(UnsafeBufferPointer(rebasing: b[pool.range(t.cells[c][r])]), first: c == 0)
                    }
                    w.endRecord()
                }
            }
            return (file.fileName, w.output)
        }
    }
}
