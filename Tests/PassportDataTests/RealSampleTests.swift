import PassportData
import PassportDomain
import XCTest

/// The third-party sets in ../shared/data/oneroster, read in place.
final class RealSampleTests: XCTestCase {
    func counts(_ r: Roster) -> [String] {
        r.counts.sorted { $0.key < $1.key }.map { "\($0.key.rawValue) \($0.value.rows)/\($0.value.kept)" }
    }

    func testCatalystFullLoadsAndReportsTheMissingCourses() throws {
        let r = try RosterImport.read(folder: Samples.path("catalyst-v1p1-full"))
        XCTAssertEqual(counts(r), ["orgs 1/1", "academicSessions 5/5", "classes 2/2", "users 6/6", "enrollments 6/6"])
        XCTAssertEqual(r.problemLines, [
            "classes.csv:2:83: courseSourcedId 'crs-222-2023-456-12345' is not in courses.csv; the record is kept",
            "classes.csv:3:68: courseSourcedId 'crs-222-2023-456-23456' is not in courses.csv; the record is kept",
        ])
        XCTAssertEqual(r.entityCounts[.students], 3)
        XCTAssertEqual(r.entityCounts[.teachers], 2)
        XCTAssertEqual(r.entityCounts[.contacts], 1)
        XCTAssertEqual(r.oneRosterVersion, "1.1")
        let classes = r.table(.classes)
        XCTAssertEqual(classes.value(0, "grades"), "09,10,11")
        XCTAssertEqual(classes.value(1, "termSourcedIds"), "as-trm-222-1234,as-trm-222-1235")
        // The user with blank status and dateLastModified is kept.
        let users = r.table(.users)
        XCTAssertEqual(users.value(users.row(sourcedId: "usr-222-66778899")!, "status"), "")
    }

    func testCatalyst12TakesRolesFromRolesCSV() throws {
        let r = try RosterImport.read(folder: Samples.path("catalyst-v1p2-delta"))
        XCTAssertEqual(counts(r), ["orgs 1/1", "academicSessions 1/1", "courses 1/1", "classes 1/1", "users 1/1", "enrollments 1/1", "demographics 1/1"])
        XCTAssertEqual(r.problemLines, [
            "users.csv:1:1: no orgSourcedIds or role column (the OneRoster 1.2 layout): taken from roles.csv, each user's primary role and the orgs of its roles",
        ])
        let users = r.table(.users)
        XCTAssertEqual(users.value(0, "role"), "student")
        XCTAssertEqual(users.value(0, "orgSourcedIds"), "ORG_1")
        XCTAssertEqual(users.value(0, "givenName"), "Bruce")
        XCTAssertEqual(users.value(0, "preferredGivenName"), "")  // a 1.2 column, kept as an extension
        XCTAssertEqual(r.entityCounts[.students], 1)
        XCTAssertEqual(r.oneRosterVersion, "1.2")
    }

    func testLepoEnglishEveryFieldQuotedAndTheManifestTypo() throws {
        let r = try RosterImport.read(folder: Samples.path("lepo-rosterhub-en"))
        XCTAssertEqual(counts(r), ["orgs 1/1", "academicSessions 4/4", "courses 2/2", "classes 5/5", "users 20/20", "enrollments 30/30"])
        XCTAssertEqual(r.problemLines, [
            "manifest.csv:10:1: unknown manifest property 'fiel.demographics' (did you mean file.demographics?); it was ignored",
        ])
        let users = r.table(.users)
        XCTAssertEqual(users.value(0, "givenName"), "GN 01")
        XCTAssertEqual(users.value(0, "metadata.phoneticGivenName"), "PGN 01")
        XCTAssertEqual(r.entityCounts[.students], 20)
        XCTAssertEqual(r.table(.classes).value(0, "periods"), "1-2")
    }

    func testLepoJapaneseKeepsUTF8() throws {
        let r = try RosterImport.read(folder: Samples.path("lepo-rosterhub-ja"))
        XCTAssertEqual(counts(r), ["orgs 1/1", "academicSessions 4/4", "courses 2/2", "classes 5/5", "users 20/20", "enrollments 30/30"])
        let users = r.table(.users)
        XCTAssertEqual(users.value(0, "givenName"), "名01")
        XCTAssertEqual(users.value(0, "metadata.phoneticFamilyName"), "セイ01")
        // UTF-8 survives the consent engine and the writer too.
        let shared = try ConsentEngine.apply(roster: r, request: ConsentRequest(appId: 1, districtId: "x", schools: .all),
                                             app: App(id: 1, name: "A", organization: "o"), shield: nil, today: Samples.today)
        let files = OneRosterWriter.files(shared)
        let usersCSV = String(decoding: files.first { $0.name == "users.csv" }!.bytes, as: UTF8.self)
        XCTAssertTrue(usersCSV.contains("us0001,,,true,or0001,student,user01,,名01,姓01,"))
    }

    func testMockrosterIsRefusedWithAClearError() {
        XCTAssertThrowsError(try RosterImport.read(folder: Samples.path("vossenv-mockroster"))) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains("has no orgs.csv, so it is not a OneRoster CSV export"), text)
            XCTAssertTrue(text.contains("Schools.csv"), text)
        }
    }
}
