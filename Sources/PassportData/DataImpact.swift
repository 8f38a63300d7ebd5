import PassportDomain

/// What a consent does to a district's data, for `preview`: records per entity before
/// and after, and a few rows exactly as the vendor would receive them.
public struct DataImpact: Sendable {
    public struct Entry: Sendable {
        public var entity: Entity
        public var before: Int
        public var after: Int
        /// The columns of the entity's file as delivered (after exclusions).
        public var columns: [String]
        /// Up to the requested number of rows, values in column order, masked values as tokens.
        public var samples: [[String]]
    }

    /// One entry per entity, in DOMAIN.md order.
    public var entries: [Entry]

    public func entry(_ entity: Entity) -> Entry? { entries.first { $0.entity == entity } }
}
