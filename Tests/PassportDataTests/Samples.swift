import PassportCrypto
import PassportData
import PassportDomain
import XCTest

/// Where the third-party OneRoster sets live: `../shared/data/oneroster/` beside the
/// project. They are read in place, not copied (their licences are their own, see each
/// set's SOURCE.md there).
enum Samples {
    static let folder: String = {
        var parts = "\(#filePath)".split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(3)  // Tests/PassportDataTests/Samples.swift
        return parts.joined(separator: "/") + "/../shared/data/oneroster"
    }()

    static func path(_ set: String) -> String { folder + "/" + set }

    /// Files given inline, as bytes: the messy-input tests write exactly what they mean.
    static func files(_ files: [String: String]) -> [String: [UInt8]] {
        files.mapValues { Array($0.utf8) }
    }

    static let today = Day(year: 2026, month: 3, day: 1)!

    static func shield() throws -> PIIShield { try PIIShield(key: [UInt8](repeating: 7, count: PIIShield.keyLength)) }
}

extension Roster {
    /// The problems as `file:line:column: message` lines.
    var problemLines: [String] { problems.map(\.description) }
}
