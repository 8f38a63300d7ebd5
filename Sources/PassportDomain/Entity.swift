/// The kinds of value an attribute holds; they decide which filter operators fit.
public enum AttributeType: String, Sendable, Codable {
    case text, grades, date, boolean, number, list, reference
}

/// The OneRoster-based entities a consent shares (DOMAIN.md).
public enum Entity: String, CaseIterable, Codable, Sendable, Comparable {
    case schools, calendars, courses, classes, students, teachers, contacts, admins, enrollments, demographics

    public static func < (a: Entity, b: Entity) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }

    public static func named(_ text: String) -> Entity? { Entity(rawValue: text.lowercased()) }

    static let userAttributes: [(String, AttributeType)] = [
        ("sourcedId", .reference), ("enabledUser", .boolean), ("orgSourcedIds", .reference),
        ("username", .text), ("userIds", .list), ("givenName", .text), ("familyName", .text),
        ("middleName", .text), ("identifier", .text), ("email", .text), ("sms", .text), ("phone", .text),
        ("agentSourcedIds", .reference), ("grades", .grades), ("password", .text),
    ]

    /// The attributes in OneRoster order, with their types.
    public var attributes: [(name: String, type: AttributeType)] {
        switch self {
        case .schools:
            return [("sourcedId", .reference), ("name", .text), ("identifier", .text), ("type", .text), ("parentSourcedId", .reference)]
        case .calendars:
            return [("sourcedId", .reference), ("title", .text), ("type", .text), ("startDate", .date), ("endDate", .date),
                    ("schoolYear", .number), ("parentSourcedId", .reference)]
        case .courses:
            return [("sourcedId", .reference), ("title", .text), ("courseCode", .text), ("grades", .grades), ("orgSourcedId", .reference),
                    ("subjects", .list), ("subjectCodes", .list), ("schoolYearSourcedId", .reference)]
        case .classes:
            return [("sourcedId", .reference), ("title", .text), ("grades", .grades), ("courseSourcedId", .reference), ("classCode", .text),
                    ("classType", .text), ("location", .text), ("schoolSourcedId", .reference), ("termSourcedIds", .reference),
                    ("subjects", .list), ("subjectCodes", .list), ("periods", .list)]
        case .students, .teachers, .contacts, .admins:
            return Entity.userAttributes.map { ($0.0, $0.1) }
        case .enrollments:
            return [("sourcedId", .reference), ("classSourcedId", .reference), ("schoolSourcedId", .reference), ("userSourcedId", .reference),
                    ("role", .text), ("primary", .boolean), ("beginDate", .date), ("endDate", .date)]
        case .demographics:
            return [("sourcedId", .reference), ("birthDate", .date), ("sex", .text), ("americanIndianOrAlaskaNative", .boolean),
                    ("asian", .boolean), ("blackOrAfricanAmerican", .boolean), ("nativeHawaiianOrOtherPacificIslander", .boolean),
                    ("white", .boolean), ("demographicRaceTwoOrMoreRaces", .boolean), ("hispanicOrLatinoEthnicity", .boolean),
                    ("countryOfBirthCode", .text), ("stateOfBirthAbbreviation", .text), ("cityOfBirth", .text),
                    ("publicSchoolResidenceStatus", .text)]
        }
    }

    /// Data Masking is allowed on the user entities and demographics only.
    public var allowsMasking: Bool {
        switch self {
        case .students, .teachers, .contacts, .admins, .demographics: return true
        default: return false
        }
    }

    /// The canonical spelling of one of this entity's attributes (matched case-insensitively).
    public func attribute(named name: String) -> (name: String, type: AttributeType)? {
        attributes.first { $0.name.lowercased() == name.lowercased() }
    }
}

/// `entity.attribute`, e.g. `students.givenName`.
public struct AttributePath: Hashable, Codable, Sendable, Comparable, CustomStringConvertible {
    public var entity: Entity
    public var attribute: String

    public init(entity: Entity, attribute: String) { self.entity = entity; self.attribute = attribute }

    /// Reads `entity.attribute` (names matched case-insensitively, canonical spelling kept).
    public static func parse(_ text: String) throws -> AttributePath {
        let parts = text.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
            throw DomainError("'\(text)' is not an attribute path; write ENTITY.ATTRIBUTE, e.g. students.givenName")
        }
        guard let entity = Entity.named(parts[0]) else {
            throw DomainError("unknown entity '\(parts[0])' in '\(text)'; entities are \(Entity.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard let attr = entity.attribute(named: parts[1]) else {
            throw DomainError("\(entity.rawValue) has no attribute '\(parts[1])'; it has \(entity.attributes.map(\.name).joined(separator: ", "))")
        }
        return AttributePath(entity: entity, attribute: attr.name)
    }

    /// `ENTITY.*` or `ENTITY.ATTRIBUTE`: every path it names.
    public static func expand(_ text: String) throws -> [AttributePath] {
        if text.hasSuffix(".*") {
            let name = String(text.dropLast(2))
            guard let entity = Entity.named(name) else {
                throw DomainError("unknown entity '\(name)' in '\(text)'; entities are \(Entity.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            return entity.attributes.map { AttributePath(entity: entity, attribute: $0.name) }
        }
        return [try parse(text)]
    }

    public var type: AttributeType { entity.attribute(named: attribute)?.type ?? .text }
    /// sourcedId and the links between records can never be excluded.
    public var isLink: Bool { type == .reference }
    public var description: String { "\(entity.rawValue).\(attribute)" }

    public static func < (a: AttributePath, b: AttributePath) -> Bool {
        if a.entity != b.entity { return a.entity < b.entity }
        let names = a.entity.attributes.map(\.name)
        return (names.firstIndex(of: a.attribute) ?? 0) < (names.firstIndex(of: b.attribute) ?? 0)
    }

    public init(from decoder: Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        do { self = try AttributePath.parse(text) } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "\(error)"))
        }
    }
    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer(); try c.encode(description)
    }
}
