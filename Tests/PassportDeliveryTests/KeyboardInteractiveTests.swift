import Foundation
import PassportDelivery
import TestSupport
import XCTest

/// Servers that take passwords only through keyboard-interactive (PAM) prompts, as many
/// school-district SFTP hosts do: a second sshd from the same config, with "password" switched off.
final class KeyboardInteractiveTests: XCTestCase {
    func testLogsInByAnsweringThePromptsWithThePassword() throws {
        let endpoint = try TestServer.endpoint.get()
        let stateFolder = ProcessInfo.processInfo.environment["PASSPORT_TEST_SSHD_DIR"] ?? "/var/tmp/passport-sshd"
        let config = stateFolder + "/sshd_config"
        guard getuid() == 0, endpoint.host == "127.0.0.1", access(config, R_OK) == 0 else {
            throw XCTSkip("needs root and the config Scripts/test-sshd writes (\(config))")
        }
        let port = endpoint.port + 1
        let pidFile = stateFolder + "/sshd-keyboard-interactive.pid"
        let log = stateFolder + "/sshd-keyboard-interactive.log"
        let started = TestServer.run("/bin/bash", ["-c", """
            /usr/sbin/sshd -f "$1" -o Port="$2" -o PasswordAuthentication=no -o UsePAM=yes \
              -o PidFile="$3" -E "$4" || exit 1
            for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$2") 2>/dev/null && exit 0; sleep 0.1; done
            exit 1
            """, "bash", config, String(port), pidFile, log])
        defer {
            if let pid = try? String(contentsOfFile: pidFile, encoding: .utf8),
               let number = Int32(pid.trimmingCharacters(in: .whitespacesAndNewlines)) {
                kill(number, SIGTERM)
            }
        }
        guard started.status == 0 else {
            throw XCTSkip("cannot start a keyboard-interactive sshd on port \(port): \(started.output)")
        }

        var viaPrompts = endpoint
        viaPrompts.port = port
        let client = try SFTPClient(viaPrompts)
        XCTAssertNoThrow(try client.list("."))
        client.close()
        XCTAssertTrue(try String(contentsOfFile: log, encoding: .utf8).contains("Accepted keyboard-interactive"))

        viaPrompts.password = "wrong-\(UUID().uuidString)"
        XCTAssertThrowsError(try SFTPClient(viaPrompts)) { error in
            let error = error as? SFTPError
            XCTAssertEqual(error?.operation, .authenticate)
            XCTAssertFalse(error?.description.contains(viaPrompts.password) ?? true)
        }
    }
}
