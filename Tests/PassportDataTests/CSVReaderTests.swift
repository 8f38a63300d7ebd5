import PassportData
import XCTest

final class CSVReaderTests: XCTestCase {
    func testBOMCRLFQuotesAndTrailingBlankLines() {
        let text = "\u{FEFF}a,b,c\r\n1,\"x, y\",\"say \"\"hi\"\"\"\r\n2,\"line1\r\nline2\",z\r\n\r\n\r\n"
        let (rows, problems) = CSVReader.rows(of: Array(text.utf8))
        XCTAssertEqual(rows, [["a", "b", "c"], ["1", "x, y", "say \"hi\""], ["2", "line1\r\nline2", "z"]])
        XCTAssertEqual(problems, [])
    }

    func testCRAndLFLineEndsAndNoFinalNewline() {
        XCTAssertEqual(CSVReader.rows(of: Array("a,b\r1,2\r3,4".utf8)).rows, [["a", "b"], ["1", "2"], ["3", "4"]])
        XCTAssertEqual(CSVReader.rows(of: Array("a,b\n1,\n,4\n".utf8)).rows, [["a", "b"], ["1", ""], ["", "4"]])
        XCTAssertEqual(CSVReader.rows(of: Array("\"\",\"\"\n".utf8)).rows, [["", ""]])
    }

    func testSyntaxProblemsHaveLineAndColumn() {
        let text = "a,b\n1,x\"y\n\"é\",\"ok\"tail\n3,\"never closed\n4,5\n"
        let (rows, problems) = CSVReader.rows(of: Array(text.utf8))
        XCTAssertEqual(rows, [["a", "b"], ["1", "x\"y"], ["é", "ok"], ["3", "never closed\n4,5\n"]])
        XCTAssertEqual(problems.map { "\($0.line):\($0.column)" }, ["2:4", "3:9", "4:3"])
        XCTAssertTrue(problems[2].message.contains("never closed"))
    }

    func testPositionsInsideARecordThatSpansLines() {
        var reader = CSVReader()
        var seen: [String] = []
        let bytes = Array("h1,h2,h3\n\"x\ny\",zé,w\n".utf8)
        bytes.withUnsafeBufferPointer { b in
            _ = reader.read(b, isFinal: true) { row in
                let p = row.position(ofField: 2)
                seen.append("\(row.line) \(p.line):\(p.column)")
            }
        }
        XCTAssertEqual(seen, ["1 1:7", "2 3:7"])
    }

    /// Whatever the chunk boundaries, the records and problems are those of one read.
    func testChunkBoundariesChangeNothing() {
        let text = "\u{FEFF}id,name\r\n1,\"a \"\"b\"\"\r\nc\"\r\n2,plain\r3,\"x\"\n4,y\"z\r\n"
        let bytes = Array(text.utf8)
        let whole = CSVReader.rows(of: bytes)
        for cut in 0...bytes.count {
            var reader = CSVReader()
            var rows: [[String]] = []
            var pending: [UInt8] = []
            for (chunk, final) in [(Array(bytes[..<cut]), false), (Array(bytes[cut...]), true)] {
                pending += chunk
                let used = pending.withUnsafeBufferPointer { b in
                    reader.read(b, isFinal: final) { row in rows.append((0..<row.count).map { row.string($0) }) }
                }
                pending.removeFirst(used)
            }
            XCTAssertEqual(rows, whole.rows, "cut at \(cut)")
            XCTAssertEqual(reader.problems, whole.problems, "cut at \(cut)")
        }
    }
}
