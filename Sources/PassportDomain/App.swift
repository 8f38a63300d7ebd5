/// How an app receives its data.
public enum DeliveryMethod: String, Codable, Sendable, CaseIterable {
    case sftp, api
    public var words: String { self == .sftp ? "SFTP delivery" : "Data API" }
}

/// Data Requirements: the two marks an app puts on an attribute.
public struct DataRequirement: Codable, Sendable, Equatable {
    public var masked: Bool
    public var required: Bool
    public init(masked: Bool = false, required: Bool = false) { self.masked = masked; self.required = required }
}

/// A vendor's application (Application Settings).
public struct App: Codable, Sendable, Equatable {
    public var id: Int64
    public var name: String
    public var description: String
    public var delivery: DeliveryMethod
    public var organization: String
    public var published: Bool
    public var requirements: [AttributePath: DataRequirement]

    public init(id: Int64, name: String, description: String = "", delivery: DeliveryMethod = .sftp,
                organization: String, published: Bool = false, requirements: [AttributePath: DataRequirement] = [:]) {
        self.id = id; self.name = name; self.description = description; self.delivery = delivery
        self.organization = organization; self.published = published; self.requirements = requirements
    }

    public var maskedAttributes: [AttributePath] { requirements.filter { $0.value.masked }.keys.sorted() }
    public var requiredAttributes: [AttributePath] { requirements.filter { $0.value.required }.keys.sorted() }

    /// Why the app cannot be published, or nil when it can.
    public var publishProblem: String? {
        if name.trimmingBlanks.isEmpty { return "the app has no name; set one with `app set name NAME`" }
        let desc = description.trimmingBlanks
        if desc.isEmpty {
            return "the app has no description; districts need to know what it does: `app set description TEXT`"
        }
        if desc.lowercased() == name.trimmingBlanks.lowercased() {
            return "the description only repeats the name; say what the app does and why it needs the data"
        }
        let words = desc.split(whereSeparator: { !$0.isLetter && !$0.isNumber })
        if words.count < 3 {
            return "the description is too short to be clear (\(words.count) word\(words.count == 1 ? "" : "s")); say what the app does and why it needs the data, in a sentence"
        }
        return nil
    }

    /// Marks attributes; masking is allowed on user entities and demographics only, never on links.
    public mutating func require(_ paths: [AttributePath], mask: Bool, required: Bool) throws {
        guard mask || required else {
            throw DomainError("say what to mark: --mask (Data Masking), --required, or both")
        }
        for path in paths where mask {
            if !path.entity.allowsMasking {
                throw DomainError("\(path) cannot be masked: Data Masking is for students, teachers, contacts, admins and demographics only")
            }
            if path.isLink {
                throw DomainError("\(path) cannot be masked: it links records together and must stay readable")
            }
        }
        for path in paths {
            var r = requirements[path] ?? DataRequirement()
            if mask { r.masked = true }
            if required { r.required = true }
            requirements[path] = r
        }
    }

    public mutating func unrequire(_ paths: [AttributePath]) {
        for path in paths { requirements[path] = nil }
    }
}
