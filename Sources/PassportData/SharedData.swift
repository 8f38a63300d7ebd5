import PassportDomain

/// What a consent lets a vendor have from a roster: one SharedTable per OneRoster file.
/// OneRosterWriter turns it into the CSV files that are delivered.
public struct SharedData: Sendable {
    public let tables: [RosterFile: SharedTable]
    /// The entity of each shared users.csv row, in row order (students, teachers, contacts, admins).
    let userEntities: [Entity]

    public func table(_ file: RosterFile) -> SharedTable { tables[file]! }

    /// Records per entity, users split by role.
    public var entityCounts: [Entity: Int] {
        var counts: [Entity: Int] = [:]
        for e in Entity.allCases { counts[e] = 0 }
        for (file, t) in tables where file != .users { counts[file.entities[0]] = t.count }
        for e in userEntities { counts[e, default: 0] += 1 }
        return counts
    }

    /// The rows of one entity (users.csv rows of that role for the user entities).
    public func rows(of entity: Entity) -> [Int] {
        let file = RosterFile.of(entity)
        if file != .users { return Array(0..<table(file).count) }
        return userEntities.indices.filter { userEntities[$0] == entity }
    }
}
