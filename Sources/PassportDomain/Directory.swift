/// A school district from the public directory (NCES LEAID, 7 digits).
public struct District: Codable, Sendable, Equatable {
    public var id: String
    public var name: String
    public var state: String
    public var city: String
    public var lowestGrade: String
    public var highestGrade: String
    public var schoolCount: Int

    public init(id: String, name: String, state: String, city: String = "", lowestGrade: String = "",
                highestGrade: String = "", schoolCount: Int = 0) {
        self.id = id; self.name = name; self.state = state; self.city = city
        self.lowestGrade = lowestGrade; self.highestGrade = highestGrade; self.schoolCount = schoolCount
    }

    public var gradeSpan: String { School.span(lowestGrade, highestGrade) }
}

/// A school (NCES school id, 12 digits).
public struct School: Codable, Sendable, Equatable {
    public var id: String
    public var districtId: String
    public var name: String
    public var city: String
    public var state: String
    public var lowestGrade: String
    public var highestGrade: String
    public var level: String

    public init(id: String, districtId: String, name: String, city: String = "", state: String = "",
                lowestGrade: String = "", highestGrade: String = "", level: String = "") {
        self.id = id; self.districtId = districtId; self.name = name; self.city = city; self.state = state
        self.lowestGrade = lowestGrade; self.highestGrade = highestGrade; self.level = level
    }

    public var gradeSpan: String { School.span(lowestGrade, highestGrade) }

    static func span(_ low: String, _ high: String) -> String {
        switch (low.isEmpty, high.isEmpty) {
        case (true, true): return "—"
        case (false, true): return low
        case (true, false): return high
        default: return low == high ? low : "\(low)–\(high)"
        }
    }
}
