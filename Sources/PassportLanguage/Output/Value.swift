import PassportDomain

/// A result value, printed as a table for people or as JSON/CSV for programs.
public indirect enum Value: Sendable, Equatable {
    case text(String)
    case int(Int64)
    case bool(Bool)
    case null
    case list([Value])
    case record([(String, Value)])

    public static func == (a: Value, b: Value) -> Bool { a.json == b.json }

    public static func int(_ n: Int) -> Value { .int(Int64(n)) }
    public static func optional(_ s: String?) -> Value { s.map(Value.text) ?? .null }

    /// How a table cell shows it.
    public var cell: String {
        switch self {
        case .text(let s): return s
        case .int(let n): return String(n)
        case .bool(let b): return b ? "yes" : "no"
        case .null: return ""
        case .list(let items): return items.map(\.cell).joined(separator: ", ")
        case .record(let fields): return fields.map { "\($0.0)=\($0.1.cell)" }.joined(separator: " ")
        }
    }

    /// Compact JSON with keys in the order given.
    public var json: String {
        switch self {
        case .text(let s): return JSONText.string(s)
        case .int(let n): return String(n)
        case .bool(let b): return b ? "true" : "false"
        case .null: return "null"
        case .list(let items): return "[" + items.map(\.json).joined(separator: ",") + "]"
        case .record(let fields): return "{" + fields.map { JSONText.string($0.0) + ":" + $0.1.json }.joined(separator: ",") + "}"
        }
    }
}

/// Rows and named columns: every listing command returns one.
public struct Table: Sendable {
    public struct Column: Sendable {
        public var key: String
        public var title: String
        public var rightAligned: Bool
        public init(_ key: String, _ title: String, rightAligned: Bool = false) {
            self.key = key; self.title = title; self.rightAligned = rightAligned
        }
    }
    public var columns: [Column]
    public var rows: [[Value]]
    public init(_ columns: [Column], rows: [[Value]] = []) { self.columns = columns; self.rows = rows }

    public var asValue: Value {
        .list(rows.map { row in .record(zip(columns, row).map { ($0.key, $1) }) })
    }
}
