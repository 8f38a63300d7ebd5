import Foundation
import XCTest

/// One tmux server on its own socket with one 120×40 window running a command: keys go in with
/// `send-keys`, the screen comes out with `capture-pane`. Every wait polls the pane until what it
/// expects is on the screen, or fails with the screen in the message.
final class Terminal {
    let tmux: String
    let socket: String
    /// The environment of the tmux client and server (not of the program in the pane).
    let environment: [String: String]
    static let columns = 120
    /// Set after a wait timed out: later waits look once and fail at once, so one broken step
    /// does not cost a timeout for every step after it.
    private var timedOut = false
    static let rows = 40

    init(tmux: String, socket: String, environment: [String: String]) {
        self.tmux = tmux
        self.socket = socket
        self.environment = environment
    }

    /// Starts `command` (a /bin/sh command line) in a detached session.
    func start(_ command: String) throws {
        let r = tmuxRun(["new-session", "-d", "-x", "\(Self.columns)", "-y", "\(Self.rows)", command])
        guard r.status == 0 else {
            throw TerminalError("tmux new-session failed (\(r.status)): \(r.output)")
        }
    }

    /// Ends the server and everything running in it.
    func kill() {
        _ = tmuxRun(["kill-server"])
    }

    /// Types text as it is, character by character.
    func type(_ text: String) {
        _ = tmuxRun(["send-keys", "-l", text])
    }

    /// Presses keys by tmux name: Tab, Enter, Up, Left, BSpace, C-c, C-d, C-u…
    func press(_ keys: String...) {
        _ = tmuxRun(["send-keys"] + keys)
    }

    /// Everything printed so far, scrollback included, wrapped rows joined, trailing blanks dropped.
    func transcript() -> String {
        let r = tmuxRun(["capture-pane", "-p", "-J", "-S", "-"])
        return r.output.split(separator: "\n", omittingEmptySubsequences: false)
            .map { Self.trimEnd(String($0)) }.joined(separator: "\n")
    }

    /// The visible rows, as drawn (no joining), trailing blanks dropped.
    func rows() -> [String] {
        tmuxRun(["capture-pane", "-p"]).output
            .split(separator: "\n", omittingEmptySubsequences: false).map { Self.trimEnd(String($0)) }
    }

    /// The visible rows with their escape sequences (colour), as `capture-pane -e` gives them.
    func rowsWithEscapes() -> String { tmuxRun(["capture-pane", "-p", "-e"]).output }

    /// Resizes the window, as a user dragging the terminal's edge.
    func resize(columns: Int) { _ = tmuxRun(["resize-window", "-x", "\(columns)"]) }

    func cursor() -> (x: Int, y: Int) {
        let parts = tmuxRun(["display-message", "-p", "#{cursor_x} #{cursor_y}"]).output
            .split(whereSeparator: { $0 == " " || $0 == "\n" }).compactMap { Int($0) }
        return parts.count == 2 ? (parts[0], parts[1]) : (-1, -1)
    }

    /// The row the cursor is on, trailing blanks dropped.
    func cursorRow() -> String {
        let y = cursor().y
        let all = rows()
        return y >= 0 && y < all.count ? all[y] : ""
    }

    /// Lines of the transcript equal to `line` (trailing blanks ignored).
    func count(line: String) -> Int {
        transcript().split(separator: "\n").filter { String($0) == line }.count
    }

    func count(containing text: String) -> Int {
        transcript().components(separatedBy: text).count - 1
    }

    /// Polls the pane (every 30 ms) until `condition` holds; fails with the screen after `timeout` seconds.
    @discardableResult
    func wait(for what: String, timeout: Double = 5, file: StaticString = #filePath, line: UInt = #line,
              _ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(timedOut ? 0 : timeout)
        while true {
            if condition() { return true }
            if Date() > deadline { break }
            usleep(30_000)
        }
        timedOut = true
        let c = cursor()
        XCTFail("timed out after \(timeout) s waiting for \(what); cursor at column \(c.x), row \(c.y); screen:\n"
                + rows().joined(separator: "\n"), file: file, line: line)
        return false
    }

    /// Waits until the row under the cursor reads `input` exactly, with the cursor right after its
    /// last character: `input` may end in a blank, which proves a completion added its space.
    @discardableResult
    func waitForInput(_ input: String, timeout: Double = 5, file: StaticString = #filePath, line: UInt = #line) -> Bool {
        wait(for: "the input line \(input.debugDescription) with the cursor at its end", timeout: timeout, file: file, line: line) {
            cursorRow() == Self.trimEnd(input) && cursor().x == Self.columnsOf(input)
        }
    }

    /// Waits until a line of the transcript reads exactly `line` one more time than `before` times.
    @discardableResult
    func waitForLine(_ text: String, after before: Int = 0, timeout: Double = 5, file: StaticString = #filePath, line: UInt = #line) -> Bool {
        wait(for: "a line \(text.debugDescription)", timeout: timeout, file: file, line: line) { count(line: text) > before }
    }

    @discardableResult
    func waitForText(_ text: String, after before: Int = 0, timeout: Double = 5, file: StaticString = #filePath, line: UInt = #line) -> Bool {
        wait(for: "the text \(text.debugDescription)", timeout: timeout, file: file, line: line) { count(containing: text) > before }
    }

    /// Types a command, presses Enter and waits until `expect` shows up once more than before.
    @discardableResult
    func enter(_ command: String, expect: String, file: StaticString = #filePath, line: UInt = #line) -> Bool {
        // The typed command shows on the screen too: when it holds the expected text, wait for one more.
        let before = count(containing: expect) + (command.contains(expect) ? 1 : 0)
        type(command)
        press("Enter")
        return waitForText(expect, after: before, file: file, line: line)
    }

    static func trimEnd(_ s: String) -> String {
        var s = s
        while s.last == " " { s.removeLast() }
        return s
    }

    /// Terminal columns of a string: East Asian wide characters take two.
    static func columnsOf(_ s: String) -> Int {
        s.unicodeScalars.reduce(0) { total, u in
            let v = u.value
            if (0x300...0x36F).contains(v) { return total }
            let wide = (0x1100...0x115F).contains(v) || (0x2E80...0xA4CF).contains(v) || (0xAC00...0xD7A3).contains(v)
                || (0xF900...0xFAFF).contains(v) || (0xFF00...0xFF60).contains(v) || (0x1F300...0x1FAFF).contains(v)
            return total + (wide ? 2 : 1)
        }
    }

    struct Result { var output: String; var status: Int32 }

    /// Runs tmux and waits for it. Not through Foundation's Process: the server that `new-session`
    /// forks keeps the client's descriptors, and Process then never notices the client has ended.
    /// Output goes to a file for the same reason (a pipe would stay open as long as the server).
    func tmuxRun(_ arguments: [String]) -> Result {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("passport-tmux-\(getpid())-\(UUID().uuidString)").path
        defer { unlink(path) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        let argv: [UnsafeMutablePointer<CChar>?] = ([tmux, "-L", socket, "-f", "/dev/null"] + arguments).map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, tmux, &actions, nil, argv, envp)
        guard spawned == 0 else { return Result(output: "cannot run \(tmux): \(String(cString: strerror(spawned)))", status: -1) }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let code = status & 0x7f == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        let data = FileManager.default.contents(atPath: path) ?? Data()
        return Result(output: String(decoding: data, as: UTF8.self), status: code)
    }
}

struct TerminalError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
