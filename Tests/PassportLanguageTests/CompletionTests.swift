import XCTest
import PassportStore
@testable import PassportLanguage

/// Tab's decisions, on a real store with the whole directory.
final class CompletionTests: XCTestCase {
    nonisolated(unsafe) static var storePath: String?
    var session: Session!
    var completer: Completer!

    override func setUpWithError() throws {
        if Self.storePath == nil {
            let dir = NSTemporaryDirectory() + "passport-completion-\(getpid())"
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            Self.storePath = dir + "/store.db"
        }
        let store = try SQLiteStore(path: Self.storePath!)
        session = Session(store: store, storePath: Self.storePath!, output: Output(out: { _ in }, err: { _ in }))
        completer = Completer(session: session)
    }

    func run(_ text: String) {
        XCTAssertTrue(Interpreter(session: session).run(text: text, file: "test") { e, _ in XCTFail("\(e)") })
    }

    func insert(_ line: String) -> String? {
        guard let r = completer.complete(line), r.listing.isEmpty else { return nil }
        return String(line.unicodeScalars.dropLast(r.deleteBeforeCursor)) + r.insert
    }

    func testCommandWordsAndSubcommands() {
        XCTAssertEqual(insert("distr"), "district ")
        XCTAssertEqual(completer.complete("district ")?.listing.map { String($0.prefix(8)) }, ["consents", "import  ", "roster  ", "search  ", "show    ", "use     "])
        XCTAssertEqual(insert("request acc"), "request access ")
        XCTAssertEqual(completer.complete("pii o")?.listing, ["on", "off"], "nothing in common beyond the o: list both")
    }

    func testDistrictNamesAreQuotedAndKeptOpenUntilComplete() {
        XCTAssertEqual(insert("district use Springfield School District 1"), nil)  // unquoted blanks split words
        XCTAssertEqual(insert("district use \"Springfield School District 18"), "district use \"Springfield School District 186\" ")
        XCTAssertEqual(Set(completer.complete("district use \"Springfield School District 1")?.listing.map { String($0.prefix(31)) } ?? []),
                       ["Springfield School District 186", "Springfield School District 19 "])
        XCTAssertEqual(insert("district use Springf"), "district use \"Springfield")
        let listing = completer.complete("district use \"Springfield School District")?.listing ?? []
        XCTAssertTrue(listing.contains { $0.hasPrefix("Springfield School District 186") && $0.contains("1737080 IL") }, "\(listing)")
        XCTAssertEqual(insert("district use 173708"), "district use 1737080 ")
    }

    func testSchoolsOfTheDraftAndAttributesAndOperators() {
        run("""
        login ops@acme.example
        app create "Completion App" --description "An app for testing what Tab offers" --delivery api
        app publish
        district use 1737080
        request connect "Lanphier High School"
        """)
        XCTAssertEqual(insert("schools remove Lanph"), "schools remove \"Lanphier High School\" ")
        XCTAssertEqual(insert("schools add Lanph"), nil, "a school in the draft is not offered to add")
        XCTAssertEqual(insert("schools add \"Springfield Southeast"), "schools add \"Springfield Southeast High Sch\" ")
        // Two schools share a name: Tab offers their ids, listed with the name.
        let twins = completer.complete("schools add \"Springfield Learning")?.listing ?? []
        XCTAssertEqual(twins.map { String($0.prefix(12)) }, ["173708006198", "173708006742"], "\(twins)")
        XCTAssertTrue(twins.allSatisfy { $0.contains("Springfield Learning Academy") })
        XCTAssertEqual(insert("schools add 1737080067"), "schools add 173708006742 ")
        XCTAssertEqual(insert("app require students.giv"), "app require students.givenName ")
        XCTAssertEqual(insert("app require stud"), "app require students.")
        XCTAssertEqual(insert("filter add cla"), "filter add classes ")
        XCTAssertEqual(insert("filter add classes gra"), "filter add classes grades ")
        let ops = completer.complete("filter add classes grades ")?.listing ?? []
        XCTAssertTrue(ops.contains(">=") && !ops.contains("contains"), "\(ops)")
        XCTAssertTrue((completer.complete("filter add classes grades >= ")?.listing ?? []).contains { $0.hasPrefix("07") })
        XCTAssertEqual(insert("filter add classes grades >= 07 a"), "filter add classes grades >= 07 and ")
        XCTAssertEqual(insert("consents --sta"), "consents --status ")
        XCTAssertEqual(insert("consents --status pe"), "consents --status pending ")
        run("discard")
    }

    func testDocsReferenceIsCurrent() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Docs/reference.md")
        let generated = Help.markdownReference()
        if ProcessInfo.processInfo.environment["PASSPORT_UPDATE_DOCS"] == "1" {
            try generated.write(to: url, atomically: true, encoding: .utf8)
        }
        XCTAssertEqual(try String(contentsOf: url, encoding: .utf8), generated, "Docs/reference.md is behind the registry; regenerate it")
    }
}
