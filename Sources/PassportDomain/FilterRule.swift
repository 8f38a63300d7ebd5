/// The operators of the Filters section (LANGUAGE.md).
public enum FilterOperator: String, CaseIterable, Codable, Sendable {
    case equal = "=", notEqual = "!=", oneOf = "in"
    case less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">="
    case contains = "contains", notContains = "not-contains", startsWith = "starts-with", endsWith = "ends-with"
    case empty = "empty", notEmpty = "not-empty"
    case before = "before", after = "after", isPast = "is-past", isFuture = "is-future"

    public static func named(_ text: String) -> FilterOperator? { FilterOperator(rawValue: text.lowercased()) }

    public var takesValue: Bool { ![.empty, .notEmpty, .isPast, .isFuture].contains(self) }

    /// Which attribute types this operator fits.
    public func fits(_ type: AttributeType) -> Bool {
        switch self {
        case .equal, .notEqual, .oneOf, .empty, .notEmpty: return true
        case .less, .lessOrEqual, .greater, .greaterOrEqual: return [.grades, .number, .date].contains(type)
        case .contains, .notContains, .startsWith, .endsWith: return [.text, .list].contains(type)
        case .before, .after, .isPast, .isFuture: return type == .date
        }
    }

    public static func fitting(_ type: AttributeType) -> [FilterOperator] { allCases.filter { $0.fits(type) } }
}

/// One condition: ATTRIBUTE OPERATOR [VALUE].
public struct FilterCondition: Codable, Sendable, Equatable {
    public var attribute: String
    public var op: FilterOperator
    public var value: String?

    public init(attribute: String, op: FilterOperator, value: String?) {
        self.attribute = attribute; self.op = op; self.value = value
    }
}

/// A filter rule on one entity: all its conditions must hold. Rules on one entity add up (or).
public struct FilterRule: Codable, Sendable, Equatable {
    public var entity: Entity
    public var conditions: [FilterCondition]

    /// Validates and normalises a rule: real entity and attribute, an operator that fits the type,
    /// and a value of that type (canonical spelling kept, e.g. grade `7` becomes `07`).
    public init(entity: Entity, conditions raw: [FilterCondition]) throws {
        guard !raw.isEmpty else { throw DomainError("a filter needs at least one condition: ATTRIBUTE OPERATOR [VALUE]") }
        self.entity = entity
        self.conditions = try raw.map { try FilterRule.check($0, on: entity) }
    }

    static func check(_ c: FilterCondition, on entity: Entity) throws -> FilterCondition {
        guard let attr = entity.attribute(named: c.attribute) else {
            throw DomainError("\(entity.rawValue) has no attribute '\(c.attribute)'; it has \(entity.attributes.map(\.name).joined(separator: ", "))")
        }
        let op = c.op
        guard op.fits(attr.type) else {
            let fitting = FilterOperator.fitting(attr.type).map(\.rawValue).joined(separator: " ")
            throw DomainError("operator '\(op.rawValue)' does not fit \(entity.rawValue).\(attr.name) (\(attr.type.rawValue)); use one of: \(fitting)")
        }
        var value = c.value
        if op.takesValue {
            guard let v = value, !v.isEmpty else {
                throw DomainError("'\(op.rawValue)' needs a value after it: \(attr.name) \(op.rawValue) VALUE")
            }
            let items = op == .oneOf ? v.split(separator: ",").map { $0.trimmingBlanks } : [v]
            if items.contains(where: \.isEmpty) { throw DomainError("'in' takes a comma list with no empty item, e.g. 07,08,09") }
            let checked = try items.map { try FilterRule.checkValue($0, type: attr.type, attribute: "\(entity.rawValue).\(attr.name)", op: op) }
            value = checked.joined(separator: ",")
        } else if let v = value, !v.isEmpty {
            throw DomainError("'\(op.rawValue)' takes no value, but '\(v)' follows it")
        } else {
            value = nil
        }
        return FilterCondition(attribute: attr.name, op: op, value: value)
    }

    static func checkValue(_ v: String, type: AttributeType, attribute: String, op: FilterOperator) throws -> String {
        switch type {
        case .grades:
            let g = try Grade.parse(v)
            if [.less, .lessOrEqual, .greater, .greaterOrEqual].contains(op) && !g.isOrdered {
                throw DomainError("'\(g.rawValue)' has no place in the grade order, so '\(op.rawValue)' cannot use it; use = or in")
            }
            return g.rawValue
        case .date:
            guard let d = Day(v) else { throw DomainError("'\(v)' is not a date for \(attribute); write YYYY-MM-DD, e.g. 2026-09-01") }
            return d.description
        case .number:
            guard let n = Int(v) else { throw DomainError("'\(v)' is not a number for \(attribute); write digits, e.g. 2026") }
            return String(n)
        case .boolean:
            switch v.lowercased() {
            case "true", "yes", "on", "1": return "true"
            case "false", "no", "off", "0": return "false"
            default: throw DomainError("'\(v)' is not true or false for \(attribute)")
            }
        case .text, .list, .reference:
            return v
        }
    }

    /// The rule in words, as the district reads it in the preview.
    public var words: String {
        "\(entity.rawValue) where " + conditions.map { c in
            let type = entity.attribute(named: c.attribute)?.type ?? .text
            return FilterRule.words(c, type: type)
        }.joined(separator: " and ")
    }

    static func words(_ c: FilterCondition, type: AttributeType) -> String {
        func show(_ v: String) -> String {
            if type == .grades, let g = Grade(rawValue: v) { return "\(g.rawValue) (\(g.words))" }
            return type == .text || type == .list || type == .reference ? "\"\(v)\"" : v
        }
        let a = c.attribute, v = c.value ?? ""
        let ordered = type == .grades ? ("below", "at or below", "above", "at or above")
            : type == .date ? ("before", "on or before", "after", "on or after")
            : ("less than", "at most", "more than", "at least")
        let has = type == .grades || type == .list ? "include" : "is"
        switch c.op {
        case .equal: return "\(a) \(has) \(show(v))"
        case .notEqual: return type == .grades || type == .list ? "\(a) do not include \(show(v))" : "\(a) is not \(show(v))"
        case .oneOf: return "\(a) \(type == .grades || type == .list ? "include any of" : "is one of") " + v.split(separator: ",").map { show(String($0)) }.joined(separator: ", ")
        case .less: return "\(a) \(ordered.0) \(show(v))"
        case .lessOrEqual: return "\(a) \(ordered.1) \(show(v))"
        case .greater: return "\(a) \(ordered.2) \(show(v))"
        case .greaterOrEqual: return "\(a) \(ordered.3) \(show(v))"
        case .contains: return "\(a) contains \(show(v))"
        case .notContains: return "\(a) does not contain \(show(v))"
        case .startsWith: return "\(a) starts with \(show(v))"
        case .endsWith: return "\(a) ends with \(show(v))"
        case .empty: return "\(a) is empty"
        case .notEmpty: return "\(a) is not empty"
        case .before: return "\(a) before \(v)"
        case .after: return "\(a) after \(v)"
        case .isPast: return "\(a) is in the past"
        case .isFuture: return "\(a) is in the future"
        }
    }

    /// The rule as the command that adds it.
    public var command: String {
        "filter add \(entity.rawValue) " + conditions.map { c in
            [c.attribute, c.op.rawValue, c.value.map(Quoting.word)].compactMap { $0 }.joined(separator: " ")
        }.joined(separator: " and ")
    }

    /// Whether a record matches: `value(attribute)` gives the attribute's values
    /// (several for a list attribute, which matches when any value does).
    public func matches(today: Day, _ value: (String) -> [String]) -> Bool {
        conditions.allSatisfy { c in
            let type = entity.attribute(named: c.attribute)?.type ?? .text
            let values = value(c.attribute).filter { !$0.isEmpty }
            switch c.op {
            case .empty: return values.isEmpty
            case .notEmpty: return !values.isEmpty
            case .notEqual: return !values.contains { FilterRule.compare($0, c.value ?? "", type) == 0 }
            case .notContains: return !values.contains { $0.lowercased().contains((c.value ?? "").lowercased()) }
            default: return values.contains { FilterRule.holds(c, $0, type, today) }
            }
        }
    }

    static func holds(_ c: FilterCondition, _ v: String, _ type: AttributeType, _ today: Day) -> Bool {
        let target = c.value ?? ""
        switch c.op {
        case .equal: return compare(v, target, type) == 0
        case .oneOf: return target.split(separator: ",").contains { compare(v, String($0), type) == 0 }
        case .less: return compare(v, target, type).map { $0 < 0 } ?? false
        case .lessOrEqual: return compare(v, target, type).map { $0 <= 0 } ?? false
        case .greater: return compare(v, target, type).map { $0 > 0 } ?? false
        case .greaterOrEqual: return compare(v, target, type).map { $0 >= 0 } ?? false
        case .before: return compare(v, target, type).map { $0 < 0 } ?? false
        case .after: return compare(v, target, type).map { $0 > 0 } ?? false
        case .contains: return v.lowercased().contains(target.lowercased())
        case .startsWith: return v.lowercased().hasPrefix(target.lowercased())
        case .endsWith: return v.lowercased().hasSuffix(target.lowercased())
        case .isPast: return Day(String(v.prefix(10))).map { $0 < today } ?? false
        case .isFuture: return Day(String(v.prefix(10))).map { $0 > today } ?? false
        case .empty, .notEmpty, .notEqual, .notContains: return false
        }
    }

    /// -1, 0, 1, or nil when the two cannot be ordered.
    static func compare(_ a: String, _ b: String, _ type: AttributeType) -> Int? {
        switch type {
        case .grades:
            guard let x = try? Grade.parse(a), let y = Grade(rawValue: b) else { return a == b ? 0 : nil }
            if x == y { return 0 }
            guard let rx = x.rank, let ry = y.rank else { return nil }
            return rx < ry ? -1 : 1
        case .number:
            guard let x = Int(a), let y = Int(b) else { return nil }
            return x == y ? 0 : (x < y ? -1 : 1)
        case .date:
            guard let x = Day(String(a.prefix(10))), let y = Day(b) else { return nil }
            return x == y ? 0 : (x < y ? -1 : 1)
        case .boolean:
            return a.lowercased() == b.lowercased() ? 0 : nil
        default:
            let x = a.lowercased(), y = b.lowercased()
            return x == y ? 0 : (x < y ? -1 : 1)
        }
    }
}

/// Quoting words so the language reads them back as they were.
public enum Quoting {
    /// The word as written in a script: bare when it can be, else single-quoted.
    public static func word(_ s: String) -> String {
        let special: Set<Character> = [" ", "\t", "\n", ";", "#", "'", "\"", "$", "\\"]
        if !s.isEmpty && !s.contains(where: { special.contains($0) }) { return s }
        let control = s.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F }
        if !s.contains("'") && !control { return "'\(s)'" }
        var out = "\""
        for ch in s {
            switch ch {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "$": out += "\\$"
            default: out.append(ch)
            }
        }
        return out + "\""
    }
}
