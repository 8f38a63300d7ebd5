import Foundation
import XCTest

/// Runs every `Transcripts/NAME.passport` through the built `passport` binary on a fresh store and
/// compares what it prints with `NAME.out`: standard output and standard error in the order they
/// were written (errors are the `FILE:LINE:COLUMN: error:` lines), then `--- exit N` when the exit code is not 0.
///
/// Directives at the top of a script: `#> args: …` (passport's own options, before the file),
/// `#> stdin` (pipe the script in instead of naming it), `#> env: NAME=VALUE`, `#> fresh-store`
/// (no preloaded directory: the first-run load happens in the test).
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
        [
            "PATH": "/usr/bin:/bin", "HOME": home.path, "LANG": "C.UTF-8",
            "XDG_DATA_HOME": home.appendingPathComponent("data").path,
            "XDG_STATE_HOME": home.appendingPathComponent("state").path,
            "XDG_CONFIG_HOME": home.appendingPathComponent("config").path,
            "PASSPORT_STORE": store, "PASSPORT_NOW": "2026-12-03T12:00:00Z", "NO_COLOR": "1",
        ]
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
        for line in text.split(separator: "\n") where line.hasPrefix("#> ") {
            let d = line.dropFirst(3)
            if d.hasPrefix("args: ") { args += d.dropFirst(6).split(separator: " ").map(String.init) }
            else if d.hasPrefix("env: ") {
                let kv = d.dropFirst(5).split(separator: "=", maxSplits: 1).map(String.init)
                env[kv[0]] = kv.count > 1 ? kv[1].replacingOccurrences(of: "$HOME", with: home.path) : ""
            }
            else if d == "stdin" { viaStdin = true }
            else if d == "fresh-store" { fresh = true }
        }
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
