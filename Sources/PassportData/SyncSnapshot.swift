import PassportDomain

/// What a Data API sync delivered: per entity, each record's values by sourcedId. The next sync
/// is staged against it (DOMAIN.md "Sync hold threshold"), and `data get` reads it.
public struct SyncSnapshot: Sendable, Equatable {
    public var columns: [Entity: [String]]
    /// Entity → rows in delivery order; the first value of each row is its sourcedId.
    public var rows: [Entity: [[String]]]

    public init(_ data: SharedData) {
        var columns: [Entity: [String]] = [:], rows: [Entity: [[String]]] = [:]
        for entity in Entity.allCases {
            let table = data.table(RosterFile.of(entity))
            columns[entity] = table.columns
            rows[entity] = data.rows(of: entity).map { r in (0..<table.columns.count).map { table.value(r, $0) } }
        }
        self.columns = columns; self.rows = rows
    }

    /// Changes of one entity against the previous snapshot.
    public struct Change: Sendable, Equatable {
        public var entity: Entity
        public var previous: Int
        public var added: Int
        public var updated: Int
        public var deleted: Int
        public var count: Int
        public var changed: Int { added + updated + deleted }
        /// Changed records as a share of the previous count (1.0 = 100 %); a change to an empty entity counts as 100 %.
        public var ratio: Double { previous == 0 ? (changed == 0 ? 0 : 1) : Double(changed) / Double(previous) }
    }

    public func changes(from previous: SyncSnapshot?) -> [Change] {
        Entity.allCases.map { entity in
            let now = rows[entity] ?? []
            guard let previous else { return Change(entity: entity, previous: 0, added: now.count, updated: 0, deleted: 0, count: now.count) }
            let before = previous.rows[entity] ?? []
            var old: [String: [String]] = [:]
            for row in before { old[row[0]] = row }
            var added = 0, updated = 0, seen = Set<String>()
            for row in now {
                seen.insert(row[0])
                if let was = old[row[0]] { if was != row { updated += 1 } } else { added += 1 }
            }
            let deleted = before.filter { !seen.contains($0[0]) }.count
            return Change(entity: entity, previous: before.count, added: added, updated: updated, deleted: deleted, count: now.count)
        }
    }

    /// Whether a sync with these changes is held: any entity changed by more than `threshold` percent.
    /// A first sync is never held.
    public static func holds(_ changes: [Change], thresholdPercent: Int, firstSync: Bool) -> Bool {
        guard !firstSync else { return false }
        return changes.contains { $0.changed > 0 && $0.ratio * 100 > Double(thresholdPercent) }
    }

    // MARK: Bytes

    /// Line-based: `#entity<TAB>col…` then one line per row, fields escaped (\t, \n, \\).
    public func encoded() -> [UInt8] {
        var out: [UInt8] = []
        func put(_ fields: [String]) {
            for (i, f) in fields.enumerated() {
                if i > 0 { out.append(0x09) }
                for b in f.utf8 {
                    switch b {
                    case 0x09: out += [0x5C, 0x74]
                    case 0x0A: out += [0x5C, 0x6E]
                    case 0x0D: out += [0x5C, 0x72]
                    case 0x5C: out += [0x5C, 0x5C]
                    default: out.append(b)
                    }
                }
            }
            out.append(0x0A)
        }
        for entity in Entity.allCases {
            put(["#" + entity.rawValue] + (columns[entity] ?? []))
            for row in rows[entity] ?? [] { put(row) }
        }
        return out
    }

    public struct DecodingError: Error, CustomStringConvertible {
        public var description: String { "the stored sync snapshot is damaged" }
    }

    public init(encoded bytes: [UInt8]) throws {
        var columns: [Entity: [String]] = [:], rows: [Entity: [[String]]] = [:]
        var current: Entity?
        for line in bytes.split(separator: 0x0A, omittingEmptySubsequences: false) where !line.isEmpty {
            let fields = line.split(separator: 0x09, omittingEmptySubsequences: false).map { raw -> String in
                var out: [UInt8] = [], escaped = false
                for b in raw {
                    if escaped {
                        out.append(b == 0x74 ? 0x09 : b == 0x6E ? 0x0A : b == 0x72 ? 0x0D : b)
                        escaped = false
                    } else if b == 0x5C { escaped = true } else { out.append(b) }
                }
                return String(decoding: out, as: UTF8.self)
            }
            if fields[0].hasPrefix("#"), let e = Entity(rawValue: String(fields[0].dropFirst())) {
                current = e; columns[e] = Array(fields.dropFirst()); rows[e] = []
            } else if let e = current {
                rows[e, default: []].append(fields)
            } else {
                throw DecodingError()
            }
        }
        self.columns = columns; self.rows = rows
    }
}
