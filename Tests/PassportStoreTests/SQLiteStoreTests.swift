import XCTest
import Glibc
@testable import PassportStore
import PassportDomain

final class SQLiteStoreTests: XCTestCase {
    /// One loaded store for the read-only tests; each write test gets its own copy.
    nonisolated(unsafe) static var loadedPath: String?

    func temporaryPath(_ name: String = "store.db") -> String {
        let dir = NSTemporaryDirectory() + "passport-store-\(UUID().uuidString)"
        try! FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(atPath: dir) }
        return dir + "/" + name
    }

    func loadedStore() throws -> SQLiteStore {
        if Self.loadedPath == nil {
            let dir = NSTemporaryDirectory() + "passport-shared-\(getpid())"
            try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            Self.loadedPath = dir + "/store.db"
            _ = try SQLiteStore(path: Self.loadedPath!)
        }
        return try SQLiteStore(path: Self.loadedPath!)
    }

    func testFirstOpenLoadsTheWholeDirectory() throws {
        let store = try SQLiteStore(path: temporaryPath())
        let counts = try store.directoryCounts()
        XCTAssertEqual(counts.districts, 19_169)
        XCTAssertEqual(counts.schools, 102_329)
        XCTAssertNotNil(store.directoryLoadSeconds)
        let again = try SQLiteStore(path: store.path)
        XCTAssertNil(again.directoryLoadSeconds, "a loaded store is not loaded again")
    }

    func testSearchRanksWholeWordsFirstAndFiltersByState() throws {
        let store = try loadedStore()
        let il = try store.searchDistricts("springfield", state: "IL", limit: 10)
        XCTAssertFalse(il.isEmpty)
        XCTAssertTrue(il.allSatisfy { $0.state == "IL" })
        XCTAssertEqual(il.first?.id, "1737080", "the biggest Springfield in IL comes first")
        XCTAssertGreaterThan(il.first!.schoolCount, 20)
        XCTAssertEqual(try store.searchDistricts("1737080", state: nil, limit: 5).first?.name, "Springfield School District 186")
        let prefix = try store.searchDistricts("springf", state: "IL", limit: 50)
        XCTAssertTrue(prefix.contains { $0.id == "1737080" })
        XCTAssertEqual(try store.districtsStarting(with: "springfield school district 1", limit: 5).map(\.id), ["1737080", "4111670"])
    }

    func testSchoolsOfADistrict() throws {
        let store = try loadedStore()
        let schools = try store.schools(inDistrict: "1737080")
        XCTAssertEqual(schools.count, try store.district(id: "1737080")!.schoolCount)
        XCTAssertTrue(schools.allSatisfy { $0.id.count == 12 && $0.id.hasPrefix("1737080") })
    }

    func testAppNamesAreUniqueAndDraftsPersist() throws {
        let store = try SQLiteStore(path: temporaryPath())
        let app = try store.createApp(App(id: 0, name: "Acme Reading", organization: "acme.example"))
        XCTAssertGreaterThan(app.id, 0)
        XCTAssertThrowsError(try store.createApp(App(id: 0, name: "acme reading", organization: "other.example")))
        var draft = Draft(ConsentRequest(appId: app.id, districtId: "1737080", schools: .all), label: "request access")
        try draft.change("pii off") { $0.piiShield = false }
        try store.saveDraft(draft, account: "ops@acme.example")
        let reopened = try SQLiteStore(path: store.path)
        XCTAssertEqual(try reopened.draft(account: "ops@acme.example"), draft)
        let consent = try reopened.sendConsent(draft.request, account: "ops@acme.example", organization: "acme.example",
                                               appName: app.name, districtName: "Springfield", at: Timestamp(unixTime: 1_000))
        XCTAssertNil(try reopened.draft(account: "ops@acme.example"), "sending removes the draft")
        XCTAssertEqual(try reopened.consent(id: consent.id)?.history.map(\.status), [.pending])
        XCTAssertEqual(try reopened.consents(organization: "acme.example", districtId: nil, limit: 10).count, 1)
        XCTAssertEqual(try reopened.consents(organization: "other.example", districtId: nil, limit: 10).count, 0)
    }

    func testAFailedTransactionLeavesNothingBehind() throws {
        let store = try SQLiteStore(path: temporaryPath())
        struct Boom: Error {}
        XCTAssertThrowsError(try store.db.transaction {
            try store.db.run("INSERT INTO settings VALUES ('half', 'written')")
            throw Boom()
        })
        XCTAssertNil(try store.setting("half"))
    }
}
