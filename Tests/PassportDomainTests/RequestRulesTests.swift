import Foundation
import XCTest
@testable import PassportDomain

final class RequestRulesTests: XCTestCase {
    let today = Day("2026-12-03")!
    func app(_ delivery: DeliveryMethod = .sftp) -> App {
        var a = App(id: 1, name: "Acme Reading", description: "Reading practice for grades 3 to 8", delivery: delivery,
                    organization: "acme.example", published: true)
        try! a.require([try! AttributePath.parse("students.givenName")], mask: true, required: true)
        try! a.require([try! AttributePath.parse("students.email")], mask: true, required: false)
        return a
    }
    let schools: Set<String> = ["173708001", "173708002"]

    func testGradeParsingExplainsHowToWriteIt() {
        XCTAssertEqual(try Grade.parse("7"), .g07)
        XCTAssertEqual(try Grade.parse("kg"), .KG)
        XCTAssertThrowsError(try Grade.parse("7th")) { XCTAssertTrue("\($0)".contains("write 07 for grade 7"), "\($0)") }
        XCTAssertTrue(Grade.PK < Grade.KG && Grade.KG < Grade.g01 && Grade.g12 < Grade.PS)
    }

    func testFilterValidation() throws {
        let rule = try FilterRule(entity: .classes, conditions: [.init(attribute: "GRADES", op: .greaterOrEqual, value: "7")])
        XCTAssertEqual(rule.conditions[0].value, "07")
        XCTAssertEqual(rule.conditions[0].attribute, "grades")
        XCTAssertEqual(rule.words, "classes where grades at or above 07 (7th grade)")
        XCTAssertThrowsError(try FilterRule(entity: .classes, conditions: [.init(attribute: "grades", op: .greaterOrEqual, value: "7th")]))
        XCTAssertThrowsError(try FilterRule(entity: .classes, conditions: [.init(attribute: "nope", op: .equal, value: "x")]))
        XCTAssertThrowsError(try FilterRule(entity: .classes, conditions: [.init(attribute: "title", op: .greater, value: "x")]))
        XCTAssertThrowsError(try FilterRule(entity: .students, conditions: [.init(attribute: "email", op: .empty, value: "x")]))
        XCTAssertThrowsError(try FilterRule(entity: .calendars, conditions: [.init(attribute: "startDate", op: .after, value: "Sept 1")]))
        XCTAssertThrowsError(try FilterRule(entity: .classes, conditions: [.init(attribute: "grades", op: .greater, value: "UG")]))
    }

    func testFilterMatchesAnyValueOfAList() throws {
        let rule = try FilterRule(entity: .classes, conditions: [.init(attribute: "grades", op: .greaterOrEqual, value: "07")])
        XCTAssertTrue(rule.matches(today: today) { _ in ["06", "07"] })
        XCTAssertFalse(rule.matches(today: today) { _ in ["KG", "06"] })
        XCTAssertFalse(rule.matches(today: today) { _ in [] })
    }

    func testRequiredAndLinkAttributesCannotBeExcluded() throws {
        var r = ConsentRequest(appId: 1, districtId: "1737080", schools: .all)
        XCTAssertThrowsError(try r.exclude([try AttributePath.parse("students.givenName")], app: app()))
        XCTAssertThrowsError(try r.exclude([try AttributePath.parse("students.sourcedId")], app: app()))
        try r.exclude([try AttributePath.parse("students.email")], app: app())
        XCTAssertEqual(r.encryptedAttributes(app: app()).map(\.description), ["students.givenName"])
        r.piiShield = false
        XCTAssertEqual(r.encryptedAttributes(app: app()), [])
    }

    func testDeliveryRulesFollowTheApp() throws {
        var r = ConsentRequest(appId: 1, districtId: "1737080", schools: .all)
        XCTAssertThrowsError(try r.setThreshold(15, app: app(.sftp)))
        XCTAssertThrowsError(try r.setSFTP(SFTPConfig(host: "h", user: "u", sealedPassword: "x"), app: app(.api)))
        XCTAssertThrowsError(try r.setThreshold(101, app: app(.api)))
        XCTAssertThrowsError(try SFTPConfig.check(host: "h", port: 0, user: "u"))
        XCTAssertEqual(r.violations(app: app(.sftp), districtSchools: schools, today: today).map(\.section), ["SFTP Delivery"])
        XCTAssertEqual(r.violations(app: app(.api), districtSchools: schools, today: today).map(\.section), ["Sync hold threshold"])
        try r.setThreshold(15, app: app(.api))
        XCTAssertEqual(r.violations(app: app(.api), districtSchools: schools, today: today), [])
    }

    func testSchoolsExpirationAndPublishing() throws {
        var r = ConsentRequest(appId: 1, districtId: "1737080", schools: .some([]))
        try r.setThreshold(10, app: app(.api))
        XCTAssertEqual(r.violations(app: app(.api), districtSchools: schools, today: today).map(\.section), ["Schools"])
        XCTAssertThrowsError(try r.setExpiration(today, today: today))
        var unpublished = app(.api); unpublished.published = false
        r.schools = .some(["173708001"])
        XCTAssertEqual(r.violations(app: unpublished, districtSchools: schools, today: today).map(\.section), ["App"])
        var a = App(id: 2, name: "Quiz", organization: "x")
        XCTAssertNotNil(a.publishProblem)
        a.description = "quiz"; XCTAssertNotNil(a.publishProblem)
        a.description = "Weekly quizzes that adapt to each student"; XCTAssertNil(a.publishProblem)
    }

    func testMaskingOnlyOnUserEntities() {
        var a = App(id: 1, name: "A", organization: "x")
        XCTAssertThrowsError(try a.require([try! AttributePath.parse("classes.title")], mask: true, required: false))
        XCTAssertThrowsError(try a.require([try! AttributePath.parse("students.sourcedId")], mask: true, required: false))
        XCTAssertThrowsError(try a.require([try! AttributePath.parse("students.email")], mask: false, required: false))
    }

    func testAttachmentsJudgedByContent() {
        XCTAssertEqual(AttachmentKind.recognise(name: "x.pdf", content: Array("%PDF-1.7\n1 0 obj\n%%EOF\n".utf8)), .pdf)
        XCTAssertNil(AttachmentKind.recognise(name: "x.pdf", content: Array("%PDF-".utf8)), "a signature alone is not a PDF")
        XCTAssertNil(AttachmentKind.recognise(name: "x.pdf", content: Array("hello".utf8)))
        XCTAssertNil(AttachmentKind.recognise(name: "a.png", content: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]), "a header alone is not a PNG")
    }

    func testDates() {
        XCTAssertNil(Day("2026-02-30")); XCTAssertNil(Day("2026-2-3"))
        XCTAssertEqual(Day(unixTime: 0).description, "1970-01-01")
        XCTAssertEqual(Timestamp(iso: "2026-12-03T12:00:00Z")!.description, "2026-12-03 12:00:00Z")
        XCTAssertEqual(Day("2026-12-03")!.daysSinceEpoch * 86_400, Int(Timestamp(iso: "2026-12-03")!.unixTime))
    }

    /// The hand-written JSON of a request reads back, through Foundation's decoder, as the same request.
    func testRequestJSONRoundTrips() throws {
        var r = ConsentRequest(appId: 7, districtId: "1737080", schools: .some(["173708003829", "roster:or\"1"]))
        XCTAssertEqual(try JSONDecoder().decode(ConsentRequest.self, from: Data(r.jsonText.utf8)), r)
        r.schools = .all
        r.piiShield = false
        try r.exclude([try AttributePath.parse("students.phone")], app: app())
        r.filters = [try FilterRule(entity: .classes, conditions: [.init(attribute: "grades", op: .greaterOrEqual, value: "07"),
                                                                    .init(attribute: "title", op: .notEmpty, value: nil)])]
        r.sftp = SFTPConfig(host: "sftp.example.org", port: 2222, user: "u", sealedPassword: "abc_-", passwordEnv: "PW", path: "/in coming")
        r.thresholdPercent = 15
        r.attachments = [Attachment(name: "dpa \"v2\".pdf", kind: .pdf, size: 329, sha256: String(repeating: "a", count: 64))]
        r.expires = Day("2027-06-30")
        r.message = "Line one\nline two — café \u{1F389}\t\\ end"
        r.replaces = 3
        XCTAssertEqual(try JSONDecoder().decode(ConsentRequest.self, from: Data(r.jsonText.utf8)), r)
    }
}
