/// CEDS grade-level codes, in their order up to PS; UG and Other are unordered.
public enum Grade: String, CaseIterable, Codable, Sendable, Comparable {
    case IT, PR, PK, TK, KG
    case g01 = "01", g02 = "02", g03 = "03", g04 = "04", g05 = "05", g06 = "06"
    case g07 = "07", g08 = "08", g09 = "09", g10 = "10", g11 = "11", g12 = "12", g13 = "13"
    case PS, UG, Other

    /// Position in the CEDS order, nil for the codes outside it.
    public var rank: Int? {
        switch self {
        case .UG, .Other: return nil
        default: return Grade.allCases.firstIndex(of: self)
        }
    }
    public var isOrdered: Bool { rank != nil }

    public static func < (a: Grade, b: Grade) -> Bool {
        (a.rank ?? Int.max, a.rawValue) < (b.rank ?? Int.max, b.rawValue)
    }

    /// All the codes, as written in DOMAIN.md.
    public static let codeList = "IT PR PK TK KG 01 … 13 PS UG Other"

    /// Reads a CEDS code case-insensitively; a bare number 1…13 is read as its two-digit code.
    /// Anything else is an error that says how to write it.
    public static func parse(_ text: String) throws -> Grade {
        let t = text.trimmingBlanks
        if let g = Grade.allCases.first(where: { $0.rawValue.lowercased() == t.lowercased() }) { return g }
        if let n = Int(t), (1...13).contains(n) { return Grade(rawValue: n < 10 ? "0\(n)" : "\(n)")! }
        var hint = ""
        let digits = t.prefix(while: \.isNumber)
        if let n = Int(digits), (1...13).contains(n) {
            hint = " (write \(n < 10 ? "0\(n)" : "\(n)") for grade \(n))"
        } else if ["k", "kindergarten"].contains(t.lowercased()) {
            hint = " (write KG for kindergarten)"
        } else if ["prek", "pre-k", "prekindergarten"].contains(t.lowercased()) {
            hint = " (write PK for pre-kindergarten)"
        }
        throw DomainError("'\(text)' is not a CEDS grade\(hint); grades are \(codeList)")
    }

    /// How a person says it: "7th grade", "kindergarten".
    public var words: String {
        switch self {
        case .IT: return "infant/toddler"
        case .PR: return "preschool"
        case .PK: return "pre-kindergarten"
        case .TK: return "transitional kindergarten"
        case .KG: return "kindergarten"
        case .PS: return "postsecondary"
        case .UG: return "ungraded"
        case .Other: return "other"
        case .g13: return "grade 13"
        default:
            let n = Int(rawValue)!
            let suffix = (n == 1) ? "st" : (n == 2) ? "nd" : (n == 3) ? "rd" : "th"
            return "\(n)\(suffix) grade"
        }
    }
}

extension StringProtocol {
    /// The text without leading and trailing blanks (spaces, tabs, newlines).
    public var trimmingBlanks: String {
        guard let first = firstIndex(where: { !$0.isWhitespace }), let last = lastIndex(where: { !$0.isWhitespace }) else { return "" }
        return String(self[first...last])
    }
}
