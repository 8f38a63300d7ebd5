import Glibc
import PassportData
import PassportDomain
import XCTest

final class OneRosterWriterTests: XCTestCase {
    func shared() throws -> SharedData {
        let roster = try RosterImport.read(files: ConsentEngineTests.district)
        return try ConsentEngine.apply(roster: roster, request: ConsentRequest(appId: 1, districtId: "0600001", schools: .all),
                                       app: App(id: 1, name: "A", organization: "o"), shield: nil, today: Samples.today)
    }

    func assertSameRecords(_ data: SharedData, _ back: Roster, file: StaticString = #filePath, line: UInt = #line) {
        for f in RosterFile.allCases {
            let written = data.table(f), read = back.table(f)
            XCTAssertEqual(read.columns, written.columns, f.rawValue, file: file, line: line)
            XCTAssertEqual((0..<read.count).map { read.record($0) }, (0..<written.count).map { written.record($0) }, f.rawValue, file: file, line: line)
        }
    }

    func testWrittenFilesReadBackToTheSameRecords() throws {
        let data = try shared()
        let files = OneRosterWriter.files(data)
        XCTAssertEqual(files.map(\.name), ["orgs.csv", "academicSessions.csv", "courses.csv", "classes.csv", "users.csv",
                                           "enrollments.csv", "demographics.csv", "manifest.csv"])
        let classes = String(decoding: files[3].bytes, as: UTF8.self)
        XCTAssertTrue(classes.contains("k1,,,\"Math 7, \"\"Honors\"\"\",07,c1,"), classes)
        let back = try RosterImport.read(files: Dictionary(uniqueKeysWithValues: files.map { ($0.name, $0.bytes) }))
        XCTAssertEqual(back.problems, [])
        XCTAssertEqual(back.oneRosterVersion, "1.1")
        assertSameRecords(data, back)
    }

    func testWritingToAFolder() throws {
        let data = try shared()
        var template = Array("/tmp/passport-data-XXXXXX".utf8CString)
        let folder = template.withUnsafeMutableBufferPointer { String(cString: mkdtemp($0.baseAddress!)!) }
        defer {
            for name in (try? FileManagerless.list(folder)) ?? [] { unlink(folder + "/" + name) }
            rmdir(folder)
        }
        try OneRosterWriter.write(data, to: folder + "/sync-1")
        defer {
            for name in RosterFile.allCases.map(\.fileName) + ["manifest.csv"] { unlink(folder + "/sync-1/" + name) }
            rmdir(folder + "/sync-1")
        }
        assertSameRecords(data, try RosterImport.read(folder: folder + "/sync-1"))
    }
}

/// Lists a folder for clean-up without Foundation.
enum FileManagerless {
    static func list(_ folder: String) throws -> [String] {
        guard let dir = opendir(folder) else { return [] }
        defer { closedir(dir) }
        var names: [String] = []
        while let e = readdir(dir) {
            let name = withUnsafePointer(to: e.pointee.d_name) { $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) } }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }
}
