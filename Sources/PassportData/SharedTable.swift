/// One OneRoster file as a vendor receives it: the shared rows of a roster table, the
/// columns left after exclusions, and masked values replaced by PII Shield tokens.
/// It refers to the roster's pool rather than copying values.
public struct SharedTable: Sendable {
    /// Where an output column's values come from.
    enum Source: Sendable {
        /// The roster table's column, unchanged.
        case roster(Int)
        /// One id per shared row; ids with the top bit set are in the token pool.
        case cells([UInt32])
    }

    static let tokenBit: UInt32 = 1 << 31

    public let file: RosterFile
    public let columns: [String]
    let sources: [Source]
    /// The roster rows shared, in roster order.
    let rows: [UInt32]
    let table: RosterTable
    let tokens: StringPool

    public var count: Int { rows.count }

    func id(_ row: Int, _ column: Int) -> UInt32 {
        switch sources[column] {
        case .roster(let c): return table.cells[c][Int(rows[row])]
        case .cells(let ids): return ids[row]
        }
    }

    /// The bytes of a value, handed to `body` without copying.
    func withValue<R>(_ row: Int, _ column: Int, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        let id = self.id(row, column)
        let pool = id & Self.tokenBit != 0 ? tokens : table.pool
        let r = pool.range(id & ~Self.tokenBit)
        return try pool.bytes.withUnsafeBufferPointer { try body(UnsafeBufferPointer(rebasing: $0[r])) }
    }

    public func value(_ row: Int, _ column: Int) -> String {
        withValue(row, column) { String(decoding: $0, as: UTF8.self) }
    }

    public func value(_ row: Int, _ column: String) -> String? {
        columns.firstIndex(of: column).map { value(row, $0) }
    }

    public func record(_ row: Int) -> [String: String] {
        var r: [String: String] = [:]
        for (c, name) in columns.enumerated() { r[name] = value(row, c) }
        return r
    }

    /// Every row as values in column order: for small tables, samples and tests.
    public var allRows: [[String]] { (0..<count).map { r in (0..<columns.count).map { value(r, $0) } } }

    public var sourcedIds: [String] { (0..<count).map { value($0, 0) } }
}
