import XCTest
@testable import PassportLanguage

final class LexerTests: XCTestCase {
    func words(_ text: String) throws -> [[String]] {
        try Lexer.commands(text).map { $0.words.map { $0.literalText ?? "<var>" } }
    }

    func testCommandsWordsQuotesAndComments() throws {
        XCTAssertEqual(try words("district use 1737080   # Springfield\nrequest access; pii on"),
                       [["district", "use", "1737080"], ["request", "access"], ["pii", "on"]])
        XCTAssertEqual(try words(#"echo 'a "b" #c' "d \"e\" \\ \n" f;g"#), [["echo", #"a "b" #c"#, "d \"e\" \\ \n", "f"], ["g"]])
        XCTAssertEqual(try words("echo a\\\n  b"), [["echo", "a", "b"]])
        XCTAssertEqual(try words("   \n# only a comment\n"), [])
    }

    func testPositionsAreLineAndColumn() throws {
        let cmds = try Lexer.commands("echo one\n  district  use \"Springfield\"", firstLine: 4)
        XCTAssertEqual(cmds[1].words[2].position, SourcePosition(line: 5, column: 17))
        XCTAssertEqual(cmds[1].source, "district  use \"Springfield\"")
    }

    func testVariablesAreKeptForExpansionAtRunTime() throws {
        let w = try Lexer.commands("echo pre${NAME}post $1 '$literal'")[0].words
        XCTAssertEqual(w[1].pieces, [.literal("pre"), .variable("NAME", SourcePosition(line: 1, column: 9)), .literal("post")])
        XCTAssertEqual(w[2].pieces, [.variable("1", SourcePosition(line: 1, column: 21))])
        XCTAssertEqual(w[3].literalText, "$literal")
    }

    func testUnterminatedQuotesAreErrorsOnTheirLine() {
        XCTAssertThrowsError(try Lexer.commands("echo 'open\necho next")) { e in
            XCTAssertEqual((e as? LanguageError)?.position, SourcePosition(line: 1, column: 6))
        }
        XCTAssertThrowsError(try Lexer.commands("echo ${bad name}"))
        XCTAssertTrue(Lexer.needsMoreInput("filter add classes \\"))
        XCTAssertFalse(Lexer.needsMoreInput("echo 'open"))
    }

    func testALongLine() throws {
        let long = String(repeating: "x", count: 100_000)
        XCTAssertEqual(try words("echo \(long)")[0][1].count, 100_000)
    }

    func testHistoryRedactionDropsPasswords() {
        XCTAssertEqual(HistoryRedaction.redact("sftp --host h --user u --password s3cret --path /in"), "sftp --host h --user u --password --path /in")
        XCTAssertEqual(HistoryRedaction.redact("sftp --password=s3cret --host h"), "sftp --password --host h")
        XCTAssertEqual(HistoryRedaction.redact("sftp --host h --password"), "sftp --host h --password")
        XCTAssertEqual(HistoryRedaction.redact("sftp --host h --password  TWO  --port 2"), "sftp --host h --password  --port 2")
        XCTAssertEqual(HistoryRedaction.redact("sftp --password \"QUOTED SECRET3\" --port 2"), "sftp --password --port 2")
        XCTAssertEqual(HistoryRedaction.redact("echo --password=x; sftp --password 'a b'; echo ok"), "echo --password; sftp --password; echo ok")
        XCTAssertEqual(HistoryRedaction.redact("sftp --password; echo next"), "sftp --password; echo next")
        XCTAssertEqual(HistoryRedaction.mask("sftp --password=INLINE4 --port 99999"), "sftp --password******** --port 99999")
        XCTAssertEqual(HistoryRedaction.mask("sftp --password s3 --port 1"), "sftp --password ** --port 1")
    }
}
