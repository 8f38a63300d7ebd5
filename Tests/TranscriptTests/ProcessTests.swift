import Foundation
import XCTest

/// What transcripts cannot show: which stream a line went to, a killed process, two shells at once.
final class ProcessTests: XCTestCase {
    var home: URL!
    var store: String { home.appendingPathComponent("store.db").path }
    var env: [String: String] { TranscriptTests.baseEnvironment(home: home, store: store) }

    override func setUpWithError() throws {
        home = FileManager.default.temporaryDirectory.appendingPathComponent("passport-process-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
    }
    override func tearDown() { try? FileManager.default.removeItem(at: home) }

    /// Runs passport with separate standard output and error.
    func run(_ args: [String], stdin: String? = nil, environment extra: [String: String] = [:]) throws -> (out: String, err: String, status: Int32) {
        let p = Process()
        p.executableURL = TranscriptTests.binary
        p.arguments = args
        p.environment = env.merging(extra) { $1 }
        let errURL = home.appendingPathComponent("stderr-\(UUID().uuidString)")
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let err = try FileHandle(forWritingTo: errURL)
        let out = Pipe(), input = Pipe()
        p.standardOutput = out; p.standardError = err; p.standardInput = input
        try p.run()
        try err.close()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try input.fileHandleForWriting.close()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (String(decoding: o, as: UTF8.self), try String(contentsOf: errURL, encoding: .utf8), p.terminationStatus)
    }

    func testErrorsGoToStandardErrorAndResultsToStandardOutput() throws {
        let r = try run(["-c", "echo one; district use 99999999; echo never"])
        XCTAssertEqual(r.out, "one\n")
        XCTAssertEqual(r.err, "<command>:1:24: error: no district with id or name '99999999' (`district search` finds them)\n")
        XCTAssertEqual(r.status, 1)
    }

    func testUsageErrorsExitTwo() throws {
        let r = try run(["--no-such-option"])
        XCTAssertEqual(r.status, 2)
        XCTAssertTrue(r.err.hasPrefix("passport: unknown option '--no-such-option'\nusage: passport"), r.err)
        XCTAssertEqual(try run(["-c"]).status, 2)
        XCTAssertEqual(try run(["--format", "yaml", "-c", "echo"]).status, 2)
        XCTAssertEqual(try run(["-f", "no-such-file.passport"]).status, 1)
    }

    func testPipedInputRunsAsAScriptWithoutPromptOrBanner() throws {
        let r = try run([], stdin: "echo hello\nset X café\necho $X\n")
        XCTAssertEqual(r.out, "hello\ncafé\n")
        XCTAssertEqual(r.err, "")
        XCTAssertEqual(r.status, 0)
    }

    func testADraftSurvivesKillNine() throws {
        let setup = """
        login ops@acme.example
        app create "Acme Reading" --description "Reading practice for grades 3 to 8 that adapts to each student"
        app publish
        district use 1737080
        request access
        pii off
        filter add classes grades >= 07
        echo steps-done
        """
        // A shell that stays alive on an open pipe, killed with SIGKILL after its last step.
        let p = Process()
        p.executableURL = TranscriptTests.binary
        p.environment = env
        let out = Pipe(), input = Pipe()
        p.standardOutput = out; p.standardInput = input
        p.standardError = FileHandle.nullDevice
        try p.run()
        input.fileHandleForWriting.write(Data((setup + "\n").utf8))
        var seen = ""
        let deadline = Date().addingTimeInterval(30)
        while !seen.contains("steps-done"), Date() < deadline {
            let chunk = out.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            seen += String(decoding: chunk, as: UTF8.self)
        }
        XCTAssertTrue(seen.contains("steps-done"), seen)
        kill(p.processIdentifier, SIGKILL)
        p.waitUntilExit()
        XCTAssertEqual(p.terminationReason, .uncaughtSignal)

        let r = try run(["-c", "login ops@acme.example; status; filter list"])
        XCTAssertEqual(r.status, 0, r.err)
        XCTAssertTrue(r.out.contains("Your open draft is back: Acme Reading › Springfield School District 186"), r.out)
        XCTAssertTrue(r.out.contains("PII Shield off, 1 filter"), r.out)
        XCTAssertTrue(r.out.contains("classes where grades at or above 07 (7th grade)"), r.out)
    }

    func testTwoShellsOnOneStoreDoNotCorruptIt() throws {
        _ = try run(["-c", "echo loaded"])
        func script(_ who: String) -> String {
            var lines = ["login \(who)@\(who).example"]
            for i in 0..<40 {
                lines.append("app create \"\(who) app \(i)\" --description \"An app that \(who) made for the concurrency test\"")
            }
            lines.append("app publish")
            lines.append("district use 1737080")
            lines.append("request access")
            for _ in 0..<20 { lines += ["pii off", "pii on"] }
            return lines.joined(separator: "\n")
        }
        let processes = try ["alpha", "beta"].map { who -> (Process, URL) in
            let url = home.appendingPathComponent("\(who).passport")
            try script(who).write(to: url, atomically: true, encoding: .utf8)
            let p = Process()
            p.executableURL = TranscriptTests.binary
            p.arguments = [url.path]
            p.environment = env
            p.standardOutput = FileHandle.nullDevice
            p.standardError = FileHandle.nullDevice
            try p.run()
            return (p, url)
        }
        for (p, _) in processes { p.waitUntilExit(); XCTAssertEqual(p.terminationStatus, 0) }
        for who in ["alpha", "beta"] {
            let r = try run(["-c", "login \(who)@\(who).example; app list --format csv; status"])
            XCTAssertEqual(r.out.split(separator: "\n").filter { $0.first?.isNumber == true && $0.contains(",\(who) app ") }.count, 40, r.out)
            XCTAssertTrue(r.out.contains("40 to undo"), r.out)
        }
        let check = Process()
        check.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        check.arguments = [store, "PRAGMA integrity_check"]
        let pipe = Pipe()
        check.standardOutput = pipe
        try check.run()
        check.waitUntilExit()
        XCTAssertEqual(String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self), "ok\n")
    }

    func testDraftSaveRebuildsTheSameDraftWithNoSecretInIt() throws {
        let secret = "correct-horse-battery-staple"
        let saved = home.appendingPathComponent("saved.passport").path
        let script = """
        login ops@acme.example
        app create "Acme Reading" --description "Reading practice for grades 3 to 8 that adapts to each student"
        app require students.givenName --mask
        app publish
        district use 1737080
        request connect "Lanphier High School"
        schools add "Springfield High School"
        pii off
        attributes exclude students.phone
        filter add classes grades >= 07 and title contains "AP "
        sftp --host sftp.acme.example --user springfield --password \(secret) --path /in
        attach \(TranscriptTests.transcripts.path)/fixtures/springfield-dpa.pdf
        expires 2027-06-30
        message "It's the 'pilot' year"
        preview --format json
        draft save \(saved)
        discard
        """
        let first = try run(["-c", script.replacingOccurrences(of: "\n", with: ";")])
        XCTAssertEqual(first.status, 0, first.err)
        let text = try String(contentsOfFile: saved, encoding: .utf8)
        XCTAssertFalse(text.contains(secret), text)
        XCTAssertTrue(text.contains("--password-env PASSPORT_SFTP_PASSWORD"), text)
        let replayed = try run(["-c", "run \(saved); preview --format json"], environment: ["PASSPORT_SFTP_PASSWORD": secret])
        XCTAssertEqual(replayed.status, 0, replayed.err)
        let replay = replayed.out
        let before = first.out.split(separator: "\n").filter { $0.hasPrefix("{\"app\"") }
        let after = replay.split(separator: "\n").filter { $0.hasPrefix("{\"app\"") }
        XCTAssertEqual(before.count, 1)
        // The one difference: a typed password now comes from the environment variable the script names.
        let typed = before.map { $0.replacingOccurrences(of: "\"passwordEnv\":null", with: "\"passwordEnv\":\"PASSPORT_SFTP_PASSWORD\"") }
        XCTAssertEqual(typed, after.map(String.init), "the replayed draft previews exactly as the saved one")
        // Nowhere in the store is the password in clear.
        let bytes = try Data(contentsOf: URL(fileURLWithPath: store))
        XCTAssertNil(bytes.range(of: Data(secret.utf8)))
    }

    func testLinesOfAnyLengthThroughAPipe() throws {
        let long = String(repeating: "abcdefghij", count: 10_000)
        let r = try run([], stdin: "echo \(long)\necho after\n")
        XCTAssertEqual(r.out, long + "\nafter\n")
        XCTAssertEqual(r.status, 0)
    }

    func testEchoPrintsEachCommandBeforeItRuns() throws {
        let r = try run(["--echo", "-c", "echo one; set X 2; echo $X"])
        XCTAssertEqual(r.out, "> echo one\none\n> set X 2\n> echo $X\n2\n")
    }

    func testAnApprovedConsentPastItsExpirationReportsExpired() throws {
        let setup = """
        login ops@acme.example; app create "Acme Sync" --description "Nightly roster sync through the Data API for gradebooks" --delivery api
        app publish; district use 0100005; request access; threshold 10%; expires 2027-01-31; send --yes
        login admin@albertk12.org --district 0100005; consent approve 1
        """
        XCTAssertEqual(try run(["-c", setup.replacingOccurrences(of: "\n", with: ";")]).status, 0)
        let before = try run(["-c", "login ops@acme.example; consents --format csv"])
        XCTAssertTrue(before.out.contains(",approved,"), before.out)
        let text = try run(["-c", "login ops@acme.example; consents --format csv; consents --status expired --format csv; consent show 1; sync run --consent 1"],
                           environment: ["PASSPORT_NOW": "2027-02-01T09:00:00Z"]).out + (try run(["-c", "login ops@acme.example; sync run --consent 1"],
                           environment: ["PASSPORT_NOW": "2027-02-01T09:00:00Z"]).err)
        XCTAssertTrue(text.contains("consent 1 delivers nothing: it expired after 2027-01-31"), text)
        XCTAssertEqual(text.components(separatedBy: ",expired,").count - 1, 2, text)
        XCTAssertTrue(text.contains("Consent 1 — Expired"), text)
        XCTAssertTrue(text.contains("2027-01-31  expired (access ended)"), text)
    }

    /// The PII Shield: no masked value reaches the vendor in clear, in anything it can see or receive;
    /// the district can reveal a token, the vendor cannot.
    func testNoMaskedValueReachesTheVendorInClear() throws {
        let roster = TranscriptTests.transcripts.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("shared/data/oneroster/lepo-rosterhub-en")
        // The clear values: every givenName and familyName of the real export.
        let users = try String(contentsOf: roster.appendingPathComponent("users.csv"), encoding: .utf8)
        let header = users.split(separator: "\n")[0].replacingOccurrences(of: "\"", with: "").split(separator: ",").map(String.init)
        let given = header.firstIndex(of: "givenName")!, family = header.firstIndex(of: "familyName")!
        var clear: [String] = []
        for line in users.split(separator: "\n").dropFirst() {
            let f = line.replacingOccurrences(of: "\"", with: "").replacingOccurrences(of: "\r", with: "").split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            clear += [f[given], f[family]].filter { $0.count >= 3 }
        }
        XCTAssertGreaterThan(clear.count, 20)

        let export = home.appendingPathComponent("export").path
        let vendorSees = try run(["-c", """
            login ops@acme.example; app create "Acme Gradebook" --description "Gradebook sync through the Data API, nightly" --delivery api
            app require students.givenName students.familyName --mask; app publish
            login admin@albertk12.org --district 0100005; district import \(roster.path)
            login ops@acme.example; app use "Acme Gradebook"; district use 0100005; request access; threshold 10%
            preview --format json; preview; send --yes
            login admin@albertk12.org --district 0100005; consent approve 1
            login ops@acme.example; app use "Acme Gradebook"; district use 0100005; sync run; data get students; data get students --format json
            data export \(export); consent show 1; sync show 1
            """.replacingOccurrences(of: "\n", with: ";")])
        XCTAssertEqual(vendorSees.status, 0, vendorSees.err)
        var received = vendorSees.out + vendorSees.err
        for file in try FileManager.default.contentsOfDirectory(atPath: export) {
            received += try String(contentsOfFile: export + "/" + file, encoding: .utf8)
        }
        XCTAssertTrue(received.contains("pii1."), "tokens are delivered")
        for value in clear { XCTAssertFalse(received.contains(value), "\(value) reached the vendor in clear") }

        // A token from the delivered users.csv: the district reveals it, the vendor cannot.
        let delivered = try String(contentsOfFile: export + "/users.csv", encoding: .utf8)
        let token = String(delivered.split(whereSeparator: { $0 == "," || $0 == "\r\n" || $0 == "\n" }).first { $0.hasPrefix("pii1.") }!)
        let revealed = try run(["-c", "login admin@albertk12.org --district 0100005; consent reveal 1 \(token)"])
        XCTAssertEqual(revealed.status, 0, revealed.err)
        let value = revealed.out.split(separator: "\n").last.map(String.init) ?? ""
        XCTAssertTrue(clear.contains(value), "revealed \(value)")
        let vendor = try run(["-c", "login ops@acme.example; consent reveal 1 \(token)"])
        XCTAssertEqual(vendor.status, 1)
        XCTAssertFalse(vendor.out.contains(value) || vendor.err.contains(value))
        let otherDistrict = try run(["-c", "login admin@springfield.k12.il.us --district 1737080; consent reveal 1 \(token)"])
        XCTAssertEqual(otherDistrict.status, 1)
    }

    /// An import lands whole or not at all: a refused export leaves the previous roster as it was;
    /// a zip imports like a folder.
    func testImportsFromAZipAndNeverHalfApply() throws {
        let sets = TranscriptTests.transcripts.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("shared/data/oneroster")
        let zip = home.appendingPathComponent("export.zip").path
        let zipped = Process()
        zipped.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        zipped.arguments = ["-c", "import sys,zipfile,os\nwith zipfile.ZipFile(sys.argv[1],'w') as z:\n for f in os.listdir(sys.argv[2]):\n  z.write(os.path.join(sys.argv[2],f), 'export/'+f)",
                            zip, sets.appendingPathComponent("lepo-rosterhub-en").path]
        try zipped.run(); zipped.waitUntilExit()
        XCTAssertEqual(zipped.terminationStatus, 0)
        let first = try run(["-c", "login admin@albertk12.org --district 0100005; district import \(zip); district roster --format json"])
        XCTAssertEqual(first.status, 0, first.err)
        XCTAssertTrue(first.out.contains("users.csv: 20 of 20 records imported"), first.out)
        let refused = try run(["-c", "login admin@albertk12.org --district 0100005; district import \(sets.appendingPathComponent("vossenv-mockroster").path)"])
        XCTAssertEqual(refused.status, 1)
        XCTAssertTrue(refused.err.contains("has no orgs.csv"), refused.err)
        let after = try run(["-c", "login admin@albertk12.org --district 0100005; district roster; district show"])
        XCTAssertTrue(after.out.contains("users.csv: 20 of 20 records imported"), after.out)
        XCTAssertTrue(after.out.contains("Sample School"), after.out)
        let notZip = home.appendingPathComponent("broken.zip").path
        try Data("not a zip".utf8).write(to: URL(fileURLWithPath: notZip))
        let broken = try run(["-c", "login admin@albertk12.org --district 0100005; district import \(notZip)"])
        XCTAssertTrue(broken.err.contains("is not a readable zip of CSV files"), broken.err)
    }
}
