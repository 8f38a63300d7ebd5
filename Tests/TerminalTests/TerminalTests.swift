import Foundation
import TestSupport
import XCTest

/// The interactive shell as a user meets it: the real built `passport` in a real terminal (tmux),
/// keys typed with `send-keys`, the screen read with `capture-pane`. Covers Tab completion,
/// history, Ctrl-C, Ctrl-D, UTF-8 editing, error carets, the prompt and `send`'s question.
final class TerminalTests: XCTestCase {
    static var binary: String {
        let exe = URL(fileURLWithPath: try! FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
        return exe.deletingLastPathComponent().appendingPathComponent("passport").path
    }

    static let tmux: String? = {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        let dirs = path.split(separator: ":").map(String.init) + ["/usr/bin", "/usr/local/bin", "/bin"]
        return dirs.map { $0 + "/tmux" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }()

    /// A store with the directory loaded, made once per run and copied for each test.
    nonisolated(unsafe) static var template: URL?

    static let description = "Reading practice for grades 3 to 8 with weekly progress reports for teachers"
    static let springfield = "Springfield School District 186"

    var home: URL!
    var terminals: [Terminal] = []

    override func setUpWithError() throws {
        guard Self.tmux != nil else {
            throw TerminalError("tmux is not installed: the terminal tests drive the shell through it; install it with `apt-get install tmux`")
        }
        guard FileManager.default.isExecutableFile(atPath: Self.binary) else {
            throw TerminalError("no passport binary at \(Self.binary); build it with `swift build` first")
        }
        let base = URL(fileURLWithPath: "/tmp", isDirectory: true)
        home = base.appendingPathComponent("passport-tty-\(getpid())-\(UUID().uuidString.prefix(8))")
        for sub in ["", "state", "data", "config", "tmux"] {
            try FileManager.default.createDirectory(at: home.appendingPathComponent(sub), withIntermediateDirectories: true)
        }
        try copyStore(from: try Self.makeTemplate(), to: home.appendingPathComponent("store.db"))
    }

    override class func tearDown() {
        if let template { try? FileManager.default.removeItem(at: template.deletingLastPathComponent()) }
        template = nil
        super.tearDown()
    }

    override func tearDown() {
        for t in terminals { t.kill() }
        terminals = []
        if let home { try? FileManager.default.removeItem(at: home) }
        super.tearDown()
    }

    // MARK: Set-up

    static func environment(home: URL, store: String) -> [String: String] {
        PassportEnvironment.make(home: home, store: store)
    }

    static func makeTemplate() throws -> URL {
        if let t = template { return t }
        let dir = URL(fileURLWithPath: "/tmp").appendingPathComponent("passport-tty-template-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let store = dir.appendingPathComponent("template.db")
        let r = try run(["-c", "echo ready"], environment: environment(home: dir, store: store.path))
        guard r.status == 0, r.stdout == "ready\n" else {
            throw TerminalError("could not make the template store (exit \(r.status)): \(r.stdout) \(r.stderr)")
        }
        template = store
        return store
    }

    /// Copies the store and the files SQLite and passport keep beside it (-wal, -shm, .key).
    func copyStore(from template: URL, to store: URL) throws {
        let dir = template.deletingLastPathComponent()
        let name = template.lastPathComponent
        for file in try FileManager.default.contentsOfDirectory(atPath: dir.path) where file.hasPrefix(name) {
            let target = store.deletingLastPathComponent().appendingPathComponent(store.lastPathComponent + file.dropFirst(name.count))
            try FileManager.default.copyItem(at: dir.appendingPathComponent(file), to: target)
        }
    }

    struct Run { var stdout: String; var stderr: String; var status: Int32 }

    static func run(_ arguments: [String], stdin: String = "", environment: [String: String]) throws -> Run {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: binary)
        p.arguments = arguments
        p.environment = environment
        let out = Pipe(), err = Pipe(), input = Pipe()
        p.standardOutput = out; p.standardError = err; p.standardInput = input
        try p.run()
        input.fileHandleForWriting.write(Data(stdin.utf8))
        try input.fileHandleForWriting.close()
        nonisolated(unsafe) var errData = Data()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async { errData = err.fileHandleForReading.readDataToEndOfFile(); group.leave() }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        p.waitUntilExit()
        return Run(stdout: String(decoding: outData, as: UTF8.self), stderr: String(decoding: errData, as: UTF8.self), status: p.terminationStatus)
    }

    static func shellQuote(_ s: String) -> String {
        "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    /// Starts `passport` in a fresh tmux server on this test's home and store, and waits for its
    /// first prompt. The window prints `EXIT=N` when passport ends, then stays open.
    func startShell(arguments: [String] = [], environment extra: [String: String?] = [:], waitForPrompt: Bool = true,
                    file: StaticString = #filePath, line: UInt = #line) throws -> Terminal {
        var env = Self.environment(home: home, store: home.appendingPathComponent("store.db").path)
        for (k, v) in extra { env[k] = v }
        let assignments = env.keys.sorted().map { "\($0)=\(Self.shellQuote(env[$0]!))" }.joined(separator: " ")
        let term = env["TERM"] == nil ? "TERM=\"$TERM\" " : ""
        let args = arguments.map(Self.shellQuote).joined(separator: " ")
        let command = "env -i \(term)\(assignments) \(Self.shellQuote(Self.binary)) \(args); echo EXIT=$?; sleep 60"
        let t = Terminal(
            tmux: Self.tmux!,
            socket: "passport-test-\(terminals.count)",
            environment: ["PATH": "/usr/bin:/bin", "HOME": home.path, "TMUX_TMPDIR": home.appendingPathComponent("tmux").path]
        )
        terminals.append(t)
        try t.start(command)
        if waitForPrompt { t.waitForInput("passport> ", timeout: 10, file: file, line: line) }
        return t
    }

    /// Signs in, creates and publishes an app, chooses Springfield and opens a draft, all typed.
    func openDraft(_ t: Terminal, app: String = "Acme Reading", delivery: String? = nil) {
        t.enter("login ops@acme.example", expect: "Signed in as ops@acme.example")
        t.enter("app create \"\(app)\" --description \"\(Self.description)\"" + (delivery.map { " --delivery \($0)" } ?? ""),
                expect: "Created app \(app)")
        t.enter("app publish", expect: "Published \(app)")
        t.enter("district use 1737080", expect: "Using \(Self.springfield) (1737080, IL)")
        t.enter("request access", expect: "Opened a draft")
    }

    var historyFile: URL { home.appendingPathComponent("state/passport/history") }

    // MARK: 1. Tab on command words

    func testTabCompletesCommandWordAndListsSubcommands() throws {
        let t = try startShell()
        t.type("distr")
        t.press("Tab")
        t.waitForInput("passport> district ")
        t.press("Tab")
        for sub in ["consents", "search", "show", "use"] {
            t.wait(for: "the subcommand \(sub) in the list") { t.rows().contains { $0.hasPrefix(sub + " ") } }
        }
        // The line is drawn again under the list, unchanged.
        t.waitForInput("passport> district ")
    }

    // MARK: 2. Tab on a district name with blanks

    func testTabCompletesDistrictNameWithBlanks() throws {
        let t = try startShell()
        // Two districts start so: both listed, with id and state, and the line stays as it was.
        t.type("district use \"Springfield School District 1")
        t.press("Tab")
        t.waitForLine("Springfield School District 186  1737080 IL")
        t.waitForLine("Springfield School District 19   4111670 OR")
        t.waitForInput("passport> district use \"Springfield School District 1")
        // One more digit makes it unique: the name is closed and followed by a blank.
        t.type("8")
        t.press("Tab")
        t.waitForInput("passport> district use \"Springfield School District 186\" ")
        t.press("C-u")
        t.waitForInput("passport> ")

        // Unquoted: the common prefix goes in with an opening quote, since every match has blanks.
        t.type("district use Springf")
        t.press("Tab")
        t.waitForInput("passport> district use \"Springfield")
        t.press("Tab")
        t.wait(for: "the candidates listed with id and state") {
            t.rows().contains { $0.hasPrefix("Springfield School District 186 ") && $0.hasSuffix("1737080 IL") }
                && t.rows().contains { $0.hasPrefix("Springfield School District ") && $0.contains("2928860 MO") }
        }
        // The quote stays open: blanks typed now belong to the name.
        t.type(" School District 18")
        t.press("Tab")
        t.waitForInput("passport> district use \"Springfield School District 186\" ")
        t.press("Enter")
        t.waitForText("Using \(Self.springfield) (1737080, IL): 36 schools.")
        t.waitForInput("passport [\(Self.springfield)]> ")
    }

    // MARK: 3. Tab on a school name

    func testTabCompletesSchoolNameInDraft() throws {
        let t = try startShell()
        openDraft(t)
        t.type("schools remove Lanph")
        t.press("Tab")
        t.waitForInput("passport [Acme Reading › \(Self.springfield) › draft]> schools remove \"Lanphier High School\" ")
        t.press("Enter")
        t.waitForText("Removed Lanphier High School;")
        // Removed now: no longer offered after `schools remove`.
        // (The X typed after Tab shows that Tab has been handled, and changed nothing.)
        t.type("schools remove Lanph")
        t.press("Tab")
        t.type("X")
        t.waitForInput("passport [Acme Reading › \(Self.springfield) › draft]> schools remove LanphX")
    }

    // MARK: 4. Tab on attribute paths, filter attributes and operators

    func testTabCompletesAttributePathsAndOperators() throws {
        let t = try startShell()
        t.type("app require students.giv")
        t.press("Tab")
        t.waitForInput("passport> app require students.givenName ")
        t.press("C-u")
        t.waitForInput("passport> ")

        t.type("filter add classes gra")
        t.press("Tab")
        t.waitForInput("passport> filter add classes grades ")
        t.press("Tab")
        for op in [">=", "<=", "!=", "in"] {
            t.wait(for: "the operator \(op) in the list") { t.rows().contains(op) }
        }
        t.waitForInput("passport> filter add classes grades ")
        // Then the values: CEDS grades.
        t.type(">= 0")
        t.press("Tab")
        t.wait(for: "grades 01 to 09 in the list") {
            t.rows().contains { $0.hasPrefix("01 ") } && t.rows().contains { $0.hasPrefix("09 ") }
        }
    }

    // MARK: 5. History

    func testHistoryRecallsAcrossSessionsIsPrivateAndHasNoPasswords() throws {
        let t = try startShell()
        t.enter("sftp --host h --user u --password secret123", expect: "error:")
        let before = t.count(line: "first session")
        t.type("echo first session")
        t.press("Enter")
        t.waitForLine("first session", after: before)
        t.press("Up")
        t.waitForInput("passport> echo first session")
        t.press("C-u")
        t.waitForInput("passport> ")
        t.press("C-d")
        t.waitForLine("EXIT=0")

        let attributes = try FileManager.default.attributesOfItem(atPath: historyFile.path)
        XCTAssertEqual((attributes[.posixPermissions] as? NSNumber)?.intValue, 0o600, "history file mode")
        let saved = try String(contentsOf: historyFile, encoding: .utf8)
        XCTAssertTrue(saved.hasPrefix("_HiStOrY_V2_\n"), saved)
        XCTAssertTrue(saved.contains("echo\\040first\\040session"), saved)
        XCTAssertTrue(saved.contains("--password"), saved)
        XCTAssertFalse(saved.contains("secret123"), "a password reached the history file:\n\(saved)")

        let again = try startShell()
        again.press("Up")
        again.waitForInput("passport> echo first session")
        again.press("Up")
        again.wait(for: "the sftp line recalled without its password") {
            let row = again.cursorRow()
            return row.hasPrefix("passport> sftp --host h --user u --password") && !row.contains("secret123")
        }
    }

    // MARK: 6. Ctrl-C and Ctrl-D

    func testCtrlCCancelsLineAndCtrlDExitsZero() throws {
        let t = try startShell()
        t.type("echo half typed")
        t.press("C-c")
        t.waitForText("echo half typed^C")
        t.waitForInput("passport> ")
        XCTAssertEqual(t.count(line: "half typed"), 0, "the cancelled line ran:\n\(t.transcript())")
        // Still alive, and the cancelled line is not in history.
        t.type("echo alive")
        t.press("Enter")
        t.waitForLine("alive")
        t.press("Up")
        t.waitForInput("passport> echo alive")
        t.press("Up")
        t.type("X")
        t.waitForInput("passport> echo aliveX")
        t.press("C-u")
        t.waitForInput("passport> ")
        t.press("C-d")
        t.waitForLine("EXIT=0")
        XCTAssertEqual(t.count(line: "half typed"), 0)
    }

    // MARK: 7. UTF-8

    func testNonASCIIInputSurvivesEditingAndHistory() throws {
        let t = try startShell()
        t.type("echo café Ünïcode 中文")
        t.press("Enter")
        t.waitForLine("café Ünïcode 中文")

        // Delete a wide character in the middle, insert over multibyte characters.
        t.type("echo 中文x")
        t.press("Left")
        t.press("BSpace")
        t.type("é")
        t.press("Left", "Left")
        t.type("ü")
        t.wait(for: "the edited line") { t.cursorRow() == "passport> echo ü中éx" }
        t.press("End")
        t.waitForInput("passport> echo ü中éx")
        t.press("Enter")
        t.waitForLine("ü中éx")

        // Recall the first line, change its end, run it.
        t.press("Up", "Up")
        t.waitForInput("passport> echo café Ünïcode 中文")
        t.press("BSpace")
        t.type("国")
        t.press("Enter")
        t.waitForLine("café Ünïcode 中国")
        t.press("C-d")
        t.waitForLine("EXIT=0")

        let again = try startShell()
        again.press("Up")
        again.waitForInput("passport> echo café Ünïcode 中国")
        again.press("Up")
        again.waitForInput("passport> echo ü中éx")
        again.press("Up")
        again.waitForInput("passport> echo café Ünïcode 中文")
        again.press("Enter")
        again.waitForLine("café Ünïcode 中文")
    }

    // MARK: 8. Error carets

    func testErrorPointsAtOffendingWordWithCaret() throws {
        let t = try startShell()
        t.enter("district use 99999999", expect: "error: no district with id or name '99999999'")
        t.wait(for: "the line and a caret under 99999999") {
            let lines = t.transcript().split(separator: "\n").map(String.init)
            guard let i = lines.lastIndex(of: "  district use 99999999"), i + 1 < lines.count else { return false }
            return lines[i + 1] == "  " + String(repeating: " ", count: "district use ".count) + "^" + String(repeating: "~", count: "99999999".count - 1)
        }
        t.waitForInput("passport> ")
    }

    // MARK: 9. The prompt

    func testPromptShowsAppDistrictAndDraft() throws {
        let t = try startShell()
        t.enter("login ops@acme.example", expect: "Signed in as")
        t.waitForInput("passport> ")
        t.enter("app create \"Acme Reading\" --description \"\(Self.description)\"", expect: "Created app Acme Reading")
        t.waitForInput("passport [Acme Reading]> ")
        t.enter("app publish", expect: "Published Acme Reading")
        t.enter("district use 1737080", expect: "Using \(Self.springfield)")
        t.waitForInput("passport [Acme Reading › \(Self.springfield)]> ")
        t.enter("request access", expect: "Opened a draft")
        t.waitForInput("passport [Acme Reading › \(Self.springfield) › draft]> ")
    }

    // MARK: 10. send asks first

    func testSendAsksForConfirmation() throws {
        let t = try startShell()
        openDraft(t, app: "Acme API", delivery: "api")
        t.enter("threshold 10%", expect: "10%")
        let prompt = "passport [Acme API › \(Self.springfield) › draft]> "
        t.waitForInput(prompt)

        t.type("send")
        t.press("Enter")
        t.waitForInput("Send request to \(Self.springfield)? [y/N] ")
        t.type("n")
        t.press("Enter")
        t.waitForLine("Not sent; the draft is still open.")
        t.waitForInput(prompt)
        XCTAssertEqual(t.count(containing: "Sent request"), 0)

        t.type("send")
        t.press("Enter")
        t.waitForText("Send request to \(Self.springfield)? [y/N]", after: 1)
        t.waitForInput("Send request to \(Self.springfield)? [y/N] ")
        t.type("y")
        t.press("Enter")
        t.waitForText("to \(Self.springfield): pending approval.")
        t.waitForInput("passport [Acme API › \(Self.springfield)]> ")
        t.enter("consents", expect: "pending")
    }

    // MARK: 11. Piped input

    func testPipedInputHasNoPromptNoBanner() throws {
        let env = Self.environment(home: home, store: home.appendingPathComponent("store.db").path)
        let r = try Self.run([], stdin: "echo hi\n", environment: env)
        XCTAssertEqual(r.stdout, "hi\n")
        XCTAssertEqual(r.stderr, "")
        XCTAssertEqual(r.status, 0)
        XCTAssertFalse(FileManager.default.fileExists(atPath: historyFile.path), "piped input went to history")
    }

    // MARK: 12. Issue 3: the startup file, multi-line input, secrets, history robustness, colour, resizing

    func testStartupFileRunsInTheShellAndDashXSkipsIt() throws {
        let rc = home.appendingPathComponent("config/passport/passportrc")
        try FileManager.default.createDirectory(at: rc.deletingLastPathComponent(), withIntermediateDirectories: true)
        try "set GREETING from-the-rc-file\necho rc ran\n".write(to: rc, atomically: true, encoding: .utf8)
        let t = try startShell()
        t.waitForLine("rc ran")
        t.enter("echo $GREETING", expect: "from-the-rc-file")
        let skipped = try startShell(arguments: ["-X"])
        skipped.enter("echo $GREETING", expect: "unknown variable $GREETING")
        XCTAssertEqual(skipped.count(line: "rc ran"), 0)
    }

    func testAContinuedCommandIsOneHistoryEntry() throws {
        let t = try startShell()
        t.type("echo one \\")
        t.press("Enter")
        t.waitForInput("     ...> ")
        t.type("two")
        t.press("Enter")
        t.waitForLine("one two")
        t.press("C-d")
        t.waitForLine("EXIT=0")
        let saved = try String(contentsOf: historyFile, encoding: .utf8)
        XCTAssertEqual(saved.split(separator: "\n").count, 2, "header and one entry:\n\(saved)")
        // That one entry holds both lines of the command.
        let entry = saved.split(separator: "\n").last.map(String.init) ?? ""
        XCTAssertTrue(entry.hasPrefix("echo\\040one") && entry.contains("two"), saved)
    }

    func testPasswordAloneIsAskedWithoutEchoAndCtrlCRestoresTheTerminal() throws {
        let t = try startShell()
        openDraft(t)
        t.enter("sftp --host sftp.acme.example --user springfield --password", expect: "SFTP password for springfield@sftp.acme.example:")
        t.type("hunter2-secret")
        usleep(200_000)
        XCTAssertEqual(t.count(containing: "hunter2"), 0, "the password was echoed:\n\(t.transcript())")
        t.press("Enter")
        t.waitForText("SFTP delivery to sftp://springfield@sftp.acme.example:22/ (password ********)")
        // Asked again and abandoned with Ctrl-C: the terminal echoes again afterwards.
        t.enter("sftp --password", expect: "SFTP password for springfield@sftp.acme.example:")
        t.press("C-c")
        t.waitForText("error: no password given")
        t.type("echo echoing again")
        t.waitForInput("passport [Acme Reading › \(Self.springfield) › draft]> echo echoing again")
        t.press("Enter")
        t.waitForLine("echoing again")
        let saved = try String(contentsOf: historyFile, encoding: .utf8)
        XCTAssertFalse(saved.contains("hunter2"), saved)
    }

    func testADamagedHistoryFileGivesOneWarningAndAnEmptyHistory() throws {
        try FileManager.default.createDirectory(at: historyFile.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data([0x00, 0xFF, 0xFE, 0x41, 0x0A, 0x80]).write(to: historyFile)
        let t = try startShell()
        XCTAssertEqual(t.count(containing: "warning:"), 1, t.transcript())
        t.enter("echo still works", expect: "still works")
        t.press("Up", "Up")
        t.waitForInput("passport> echo still works")
    }

    func testTwoShellsAtOnceKeepBothSessionsLines() throws {
        let a = try startShell()
        let b = try startShell()
        a.enter("echo from shell a", expect: "from shell a")
        b.enter("echo from shell b", expect: "from shell b")
        a.enter("echo a again", expect: "a again")
        for t in [a, b] {
            t.waitForInput("passport> ")   // the command has finished and the shell reads again
            t.press("C-d")
            t.waitForLine("EXIT=0")
        }
        let saved = try String(contentsOf: historyFile, encoding: .utf8)
        for line in ["echo\\040from\\040shell\\040a", "echo\\040from\\040shell\\040b", "echo\\040a\\040again"] {
            XCTAssertTrue(saved.contains(line), "\(line) missing from:\n\(saved)")
        }
    }

    func testColourOnlyOnATerminalWithoutNoColorOrDumbTerm() throws {
        let coloured = try startShell(environment: ["NO_COLOR": nil, "TERM": "xterm-256color"])
        coloured.enter("district search springfield --state IL", expect: "1737080")
        XCTAssertTrue(coloured.rowsWithEscapes().contains("\u{1B}[1m"), "no bold header:\n\(coloured.rowsWithEscapes())")
        let plain = try startShell()   // NO_COLOR=1
        plain.enter("district search springfield --state IL", expect: "1737080")
        XCTAssertFalse(plain.rowsWithEscapes().contains("\u{1B}[1m"))
        let dumb = try startShell(environment: ["NO_COLOR": nil, "TERM": "dumb"], waitForPrompt: false)
        dumb.waitForText("passport>")
        dumb.enter("district search springfield --state IL", expect: "1737080")
        XCTAssertFalse(dumb.rowsWithEscapes().contains("\u{1B}[1m"))
        // Piped output is never coloured.
        let piped = try Self.run(["-c", "district search springfield --state IL"],
                                 environment: Self.environment(home: home, store: home.appendingPathComponent("store.db").path).merging(["NO_COLOR": ""]) { $1 })
        XCTAssertFalse(piped.stdout.contains("\u{1B}"))
    }

    func testResizingMidLineAndWideCharactersKeepTheCursorRight() throws {
        let t = try startShell()
        t.type("echo 中文 and emoji 🎉 then more words to wrap the line")
        t.resize(columns: 40)
        usleep(200_000)
        t.press("Enter")
        t.waitForLine("中文 and emoji 🎉 then more words to wrap the line")
        t.resize(columns: 120)
        t.type("echo 中文")
        t.wait(for: "the cursor after two wide characters") { t.cursor().x == "passport> echo ".count + 4 }
    }

    func testALongCompletionListAsksBeforeShowingEverything() throws {
        let t = try startShell()
        t.type("district use S")
        t.press("Tab")
        t.waitForText("Display all")
        t.type("n")
        t.waitForInput("passport> district use S")
        // Yes: the list comes a page at a time; q stops it and the line is back as it was.
        t.press("Tab")
        t.waitForText("Display all", after: 1)
        t.type("y")
        t.waitForText("--More--")
        t.type(" ")
        t.waitForText("--More-- (")
        t.type("q")
        t.waitForInput("passport> district use S")
    }
}
