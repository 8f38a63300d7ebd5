import Foundation
import TestSupport
import XCTest

/// Runs every `Transcripts/NAME.passport` through the built `passport` binary on a fresh store and
/// compares what it prints with `NAME.out`: standard output and standard error in the order they
/// were written (errors are the `FILE:LINE:COLUMN: error:` lines), then `--- exit N` when the exit code is not 0.
///
/// Directives at the top of a script: `#> args: …` (passport's own options, before the file),
/// `#> stdin` (pipe the script in instead of naming it), `#> env: NAME=VALUE`, `#> fresh-store`
/// (no preloaded directory: the first-run load happens in the test), `#> sftp` (a real sshd on
/// 127.0.0.1: PASSPORT_TEST_SFTP_HOST/PORT/USER/PASSWORD and a fresh folder PASSPORT_TEST_SFTP_DIR in
/// its user's home; the files that arrive there are listed after the output).
/// `#> mask-tokens` prints every PII Shield token as `pii1.…` (a consent's key is random).
/// `$ONEROSTER` is the third-party OneRoster sets in ../shared/data/oneroster, read in place.
/// `PASSPORT_UPDATE_TRANSCRIPTS=1 swift test` rewrites the .out files; review the diff before committing.
final class TranscriptTests: XCTestCase {
    static let transcripts = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Transcripts")

    static var binary: URL {
        let exe = URL(fileURLWithPath: try! FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
        return exe.deletingLastPathComponent().appendingPathComponent("passport")
    }

    /// A store with the directory loaded, made once and copied for each transcript.
    nonisolated(unsafe) static var template: String?

    struct Run { var output: String; var status: Int32 }

    static func run(_ arguments: [String], stdin: Data? = nil, environment: [String: String], cwd: URL) throws -> Run {
        let p = Process()
        p.executableURL = binary
        p.arguments = arguments
        p.environment = environment
        p.currentDirectoryURL = cwd
        // Both streams go to one file, in the order they are written (passport flushes standard
        // output before it writes an error), and the file is read once the process has ended.
        let outURL = FileManager.default.temporaryDirectory.appendingPathComponent("passport-output-\(UUID().uuidString)")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: outURL) }
        let handle = try FileHandle(forWritingTo: outURL)
        let input = Pipe()
        p.standardOutput = handle; p.standardError = handle; p.standardInput = input
        try p.run()
        try handle.close()
        if let stdin { input.fileHandleForWriting.write(stdin) }
        try input.fileHandleForWriting.close()
        p.waitUntilExit()
        let outData = try Data(contentsOf: outURL)
        return Run(output: String(decoding: outData, as: UTF8.self), status: p.terminationStatus)
    }

    static func baseEnvironment(home: URL, store: String) -> [String: String] {
        PassportEnvironment.make(home: home, store: store)
    }

    func makeTemplate() throws -> String {
        if let t = Self.template { return t }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("passport-template-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let path = dir.appendingPathComponent("template.db").path
        let r = try Self.run(["-c", "echo ready"], environment: Self.baseEnvironment(home: dir, store: path), cwd: dir)
        XCTAssertEqual(r.status, 0, r.output)
        Self.template = path
        return path
    }

    func testTranscripts() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: Self.transcripts.path)
            .filter { $0.hasSuffix(".passport") }.sorted()
        XCTAssertGreaterThan(names.count, 10)
        let only = ProcessInfo.processInfo.environment["TRANSCRIPT"]
        for name in names where only == nil || name.hasPrefix(only!) {
            try check(name)
        }
    }

    func check(_ name: String) throws {
        let script = Self.transcripts.appendingPathComponent(name)
        let text = try String(contentsOf: script, encoding: .utf8)
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("passport-transcript-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: home) }
        let store = home.appendingPathComponent("store.db").path
        var env = Self.baseEnvironment(home: home, store: store)
        env["PASSPORT_TEST_HOME"] = home.path
        var args: [String] = []
        var viaStdin = false
        var fresh = false
        var sftp = false
        let oneRoster = TestServer.repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared/data/oneroster").path
        env["ONEROSTER"] = oneRoster
        for line in text.split(separator: "\n") where line.hasPrefix("#> ") {
            let d = line.dropFirst(3)
            if d.hasPrefix("args: ") { args += d.dropFirst(6).split(separator: " ").map(String.init) }
            else if d.hasPrefix("env: ") {
                let kv = d.dropFirst(5).split(separator: "=", maxSplits: 1).map(String.init)
                env[kv[0]] = kv.count > 1 ? kv[1].replacingOccurrences(of: "$HOME", with: home.path) : ""
            }
            else if d == "stdin" { viaStdin = true }
            else if d == "fresh-store" { fresh = true }
            else if d == "sftp" { sftp = true }
        }
        var sftpFolder: String?
        if sftp {
            let server = try TestServer.endpoint.get()
            let folder = "transcript-\(UUID().uuidString.prefix(8))"
            let home = "/home/\(server.user)"
            let made = TestServer.run("/bin/sh", ["-c", "mkdir -p \"$1/$2\" && chown \"$3\" \"$1/$2\"", "sh", home, folder, server.user])
            XCTAssertEqual(made.status, 0, made.output)
            env["PASSPORT_TEST_SFTP_HOST"] = server.host
            env["PASSPORT_TEST_SFTP_PORT"] = String(server.port)
            env["PASSPORT_TEST_SFTP_USER"] = server.user
            env["PASSPORT_TEST_SFTP_PASSWORD"] = server.password
            env["PASSPORT_TEST_SFTP_DIR"] = folder
            sftpFolder = home + "/" + folder
        }
        defer { if let f = sftpFolder { try? FileManager.default.removeItem(atPath: f) } }
        if !fresh { try FileManager.default.copyItem(atPath: try makeTemplate(), toPath: store) }
        // A file over the attachment limit, made here rather than kept in the repository.
        let big = home.appendingPathComponent("big.pdf")
        var bigData = Data("%PDF-1.4\n".utf8)
        bigData.append(Data(count: 10 * 1024 * 1024))
        try bigData.write(to: big)
        env["BIG_PDF"] = big.path

        let r = try viaStdin
            ? Self.run(args, stdin: Data(text.utf8), environment: env, cwd: Self.transcripts)
            : Self.run(args + [name], environment: env, cwd: Self.transcripts)
        var actual = r.output
        if let folder = sftpFolder {
            // What really arrived on the server: every file, with its line count.
            actual += "--- files on the SFTP server\n"
            let files = (FileManager.default.enumerator(atPath: folder)?.allObjects as? [String] ?? []).sorted()
            for f in files {
                var isDir: ObjCBool = false
                if FileManager.default.fileExists(atPath: folder + "/" + f, isDirectory: &isDir), isDir.boolValue {
                    actual += f + "/\n"; continue
                }
                let bytes = (try? Data(contentsOf: URL(fileURLWithPath: folder + "/" + f))) ?? Data()
                actual += "\(f): \(bytes.filter { $0 == 0x0A }.count) lines\n"
            }
            actual = actual.replacingOccurrences(of: env["PASSPORT_TEST_SFTP_DIR"]!, with: "$SFTP_DIR")
                .replacingOccurrences(of: ":\(env["PASSPORT_TEST_SFTP_PORT"]!)", with: ":$PORT")
            actual = actual.replacingOccurrences(of: #"SHA256:[A-Za-z0-9+/]{43}"#, with: "SHA256:…", options: .regularExpression)
                .replacingOccurrences(of: #"\(SSH-2\.0-[^)]*\)"#, with: "(SSH-2.0-…)", options: .regularExpression)
        }
        actual = actual.replacingOccurrences(of: oneRoster, with: "$ONEROSTER")
        // PII Shield tokens under a consent's real key differ from run to run.
        if text.contains("#> mask-tokens") {
            actual = actual.replacingOccurrences(of: #"pii1\.[A-Za-z0-9_-]+"#, with: "pii1.…", options: .regularExpression)
        }
        if r.status != 0 { actual += "--- exit \(r.status)\n" }
        actual = actual.replacingOccurrences(of: home.path, with: "$HOME")

        let expectedURL = script.deletingPathExtension().appendingPathExtension("out")
        if ProcessInfo.processInfo.environment["PASSPORT_UPDATE_TRANSCRIPTS"] == "1" {
            try actual.write(to: expectedURL, atomically: true, encoding: .utf8)
            return
        }
        let expected = (try? String(contentsOf: expectedURL, encoding: .utf8)) ?? "(no \(expectedURL.lastPathComponent))\n"
        if actual != expected {
            let actualURL = home.appendingPathComponent("actual.out")
            try actual.write(to: actualURL, atomically: true, encoding: .utf8)
            let diff = Process()
            diff.executableURL = URL(fileURLWithPath: "/usr/bin/diff")
            diff.arguments = ["-u", expectedURL.path, actualURL.path]
            let pipe = Pipe()
            diff.standardOutput = pipe
            try diff.run()
            let d = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            diff.waitUntilExit()
            XCTFail("transcript \(name) differs (expected vs actual):\n\(d)")
        }
    }
}
