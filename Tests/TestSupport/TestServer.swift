import Foundation
import PassportDelivery

/// The real sshd the tests talk to: the one named by PASSPORT_TEST_SFTP_* if set,
/// otherwise the one `Scripts/test-sshd start` runs (started here if need be).
public enum TestServer {
    /// Looked up once per test run; a global `static let` is initialised once, thread-safely.
    public static let endpoint: Result<SFTPEndpoint, TestServerUnavailable> = locate()

    public static let repositoryRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // TestSupport
        .deletingLastPathComponent()  // Tests
        .deletingLastPathComponent()

    private static func locate() -> Result<SFTPEndpoint, TestServerUnavailable> {
        // As root, (re)start the project's own sshd: `start` does nothing when it runs already, and
        // brings it back when something stopped it. Otherwise use the server the environment names.
        let environment = ProcessInfo.processInfo.environment
        if getuid() != 0, let endpoint = endpoint(from: environment) { return .success(endpoint) }

        let script = repositoryRoot.appendingPathComponent("Scripts/test-sshd").path
        let started = run("/bin/bash", [script, "start"])
        guard started.status == 0 else {
            return .failure(TestServerUnavailable(reason: "Scripts/test-sshd start failed: \(started.output)"))
        }
        // Let bash parse the export line, so quoting in it needs no second parser here.
        let printed = run("/bin/bash", ["-c", """
            eval "$("$1" env)" && printf '%s\\0' "$PASSPORT_TEST_SFTP_HOST" "$PASSPORT_TEST_SFTP_PORT" \
              "$PASSPORT_TEST_SFTP_USER" "$PASSPORT_TEST_SFTP_PASSWORD"
            """, "bash", script])
        let fields = printed.output.split(separator: "\0", omittingEmptySubsequences: false).map(String.init)
        guard printed.status == 0, fields.count >= 4 else {
            return .failure(TestServerUnavailable(reason: "Scripts/test-sshd env failed: \(printed.output)"))
        }
        let parsed = endpoint(from: [
            "PASSPORT_TEST_SFTP_HOST": fields[0], "PASSPORT_TEST_SFTP_PORT": fields[1],
            "PASSPORT_TEST_SFTP_USER": fields[2], "PASSPORT_TEST_SFTP_PASSWORD": fields[3],
        ])
        guard let parsed else {
            return .failure(TestServerUnavailable(reason: "Scripts/test-sshd env printed no usable settings"))
        }
        return .success(parsed)
    }

    private static func endpoint(from environment: [String: String]) -> SFTPEndpoint? {
        guard let host = environment["PASSPORT_TEST_SFTP_HOST"], !host.isEmpty,
              let port = environment["PASSPORT_TEST_SFTP_PORT"].flatMap({ Int($0) }),
              let user = environment["PASSPORT_TEST_SFTP_USER"], !user.isEmpty,
              let password = environment["PASSPORT_TEST_SFTP_PASSWORD"]
        else { return nil }
        return SFTPEndpoint(host: host, port: port, user: user, password: password)
    }

    /// Runs a program to completion; standard output and error together.
    public static func run(_ program: String, _ arguments: [String], input: String? = nil) -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        let feed = Pipe()
        process.standardInput = input == nil ? FileHandle.nullDevice : feed
        do {
            try process.run()
        } catch {
            return (-1, "cannot run \(program): \(error)")
        }
        if let input {
            feed.fileHandleForWriting.write(Data(input.utf8))
            try? feed.fileHandleForWriting.close()
        }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}

public struct TestServerUnavailable: Error, CustomStringConvertible {
    public var reason: String
    public init(reason: String) { self.reason = reason }
    public var description: String { "No test sshd: \(reason)" }
}
