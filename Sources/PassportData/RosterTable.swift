/// One file of a roster, stored by column: each cell is the id of its value in the
/// roster's pool. Columns are OneRoster's, in spec order, then any extension columns
/// (e.g. `metadata.phoneticGivenName`) as the file had them.
public struct RosterTable: Sendable {
    public let file: RosterFile
    public let columns: [String]
    let cells: [[UInt32]]
    let pool: StringPool

    init(file: RosterFile, columns: [String], cells: [[UInt32]], pool: StringPool) {
        self.file = file; self.columns = columns; self.cells = cells; self.pool = pool
    }

    public var count: Int { cells.first?.count ?? 0 }

    /// The index of a column, matched case-insensitively.
    public func column(named name: String) -> Int? {
        if let i = columns.firstIndex(of: name) { return i }
        let n = name.lowercased()
        return columns.firstIndex { $0.lowercased() == n }
    }

    public func value(_ row: Int, _ column: Int) -> String { pool.string(cells[column][row]) }

    public func value(_ row: Int, _ column: String) -> String {
        guard let c = self.column(named: column) else { return "" }
        return value(row, c)
    }

    /// The row as column name → value.
    public func record(_ row: Int) -> [String: String] {
        var r: [String: String] = [:]
        for (c, name) in columns.enumerated() { r[name] = value(row, c) }
        return r
    }

    /// The row of the record with this sourcedId (a linear search: for tests and samples).
    public func row(sourcedId: String) -> Int? {
        guard let id = pool.find(sourcedId) else { return nil }
        return cells[0].firstIndex(of: id)
    }

    public var sourcedIds: [String] { cells[0].map { pool.string($0) } }
}
