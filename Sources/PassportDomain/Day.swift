/// A calendar date (proleptic Gregorian, UTC), written `YYYY-MM-DD`.
public struct Day: Comparable, Hashable, Codable, Sendable, CustomStringConvertible {
    public var year: Int, month: Int, day: Int

    public init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month),
              (1...Day.daysIn(month: month, year: year)).contains(day) else { return nil }
        self.year = year; self.month = month; self.day = day
    }

    /// Parses exactly `YYYY-MM-DD`.
    public init?(_ text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              parts.allSatisfy({ $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
              let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]) else { return nil }
        self.init(year: y, month: m, day: d)
    }

    /// The UTC date of a Unix time.
    public init(unixTime: Int64) {
        // Howard Hinnant's civil_from_days.
        let z = Int(unixTime >= 0 ? unixTime / 86_400 : (unixTime - 86_399) / 86_400) + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        year = yoe + era * 400 + (m <= 2 ? 1 : 0); month = m; day = d
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    public static func < (a: Day, b: Day) -> Bool { (a.year, a.month, a.day) < (b.year, b.month, b.day) }

    public var description: String {
        func pad(_ n: Int, _ w: Int) -> String { let s = String(n); return String(repeating: "0", count: max(0, w - s.count)) + s }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))"
    }

    public init(from decoder: Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let day = Day(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not a date: \(text)"))
        }
        self = day
    }
    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer(); try c.encode(description)
    }
}

/// A moment, as Unix seconds, printed as UTC ISO 8601.
public struct Timestamp: Comparable, Hashable, Codable, Sendable, CustomStringConvertible {
    public var unixTime: Int64
    public init(unixTime: Int64) { self.unixTime = unixTime }
    public var day: Day { Day(unixTime: unixTime) }
    public static func < (a: Timestamp, b: Timestamp) -> Bool { a.unixTime < b.unixTime }
    public var description: String {
        let s = ((unixTime % 86_400) + 86_400) % 86_400
        func pad(_ n: Int64) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(day) \(pad(s / 3600)):\(pad(s / 60 % 60)):\(pad(s % 60))Z"
    }
    /// Parses `YYYY-MM-DDTHH:MM:SSZ` (or a bare date, meaning midnight UTC).
    public init?(iso text: String) {
        let datePart = String(text.prefix(10))
        guard let d = Day(datePart) else { return nil }
        var seconds: Int64 = 0
        if text.count > 10 {
            let rest = String(text.dropFirst(11)).replacing("Z", with: "")
            let hms = rest.split(separator: ":").map { Int64($0) }
            guard text.dropFirst(10).first == "T" || text.dropFirst(10).first == " ",
                  hms.count == 3, let h = hms[0], let m = hms[1], let sec = hms[2],
                  (0..<24).contains(h), (0..<60).contains(m), (0..<61).contains(sec) else { return nil }
            seconds = h * 3600 + m * 60 + sec
        }
        unixTime = Int64(d.daysSinceEpoch) * 86_400 + seconds
    }
}

extension Day {
    /// Days since 1970-01-01 (Hinnant's days_from_civil).
    public var daysSinceEpoch: Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }
}

