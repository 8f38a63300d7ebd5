import Foundation
import PassportDelivery
import TestSupport
import XCTest

/// SFTPClient against a real OpenSSH server on 127.0.0.1 (see Scripts/test-sshd). No mocks.
final class SFTPClientTests: XCTestCase {
    private var endpoint: SFTPEndpoint!
    /// A folder of its own in the test user's home, removed after each test.
    private var scratch = ""

    override func setUpWithError() throws {
        endpoint = try TestServer.endpoint.get()
        scratch = "passport-test-\(getpid())-\(UUID().uuidString.prefix(8))"
    }

    override func tearDownWithError() throws {
        guard let endpoint, let client = try? SFTPClient(endpoint) else { return }
        defer { client.close() }
        try removeTree(scratch, client)
        try removeTree(scratch + ".partial", client)
    }

    func testConnectsAndListsTheHomeFolder() throws {
        let client = try SFTPClient(endpoint)
        defer { client.close() }
        XCTAssertTrue(client.banner?.hasPrefix("SSH-2.0-") ?? false, "banner: \(client.banner ?? "none")")

        try client.makeDirectory(scratch)
        let home = try client.list(".")
        let entry = try XCTUnwrap(home.first { $0.name == scratch }, "\(scratch) not in \(home.map(\.name))")
        XCTAssertTrue(entry.isDirectory)
        XCTAssertFalse(home.contains { $0.name == "." || $0.name == ".." })
        XCTAssertEqual(home.map(\.name), home.map(\.name).sorted())
    }

    func testUploadsIntoAStagingFolderAndRenamesItIntoPlace() throws {
        let client = try SFTPClient(endpoint)
        defer { client.close() }
        let staging = scratch + ".partial"
        let small = Array("id,name\n1,Ada\n".utf8)
        var generator = SplitMix64(seed: 20_240_901)
        let large = (0..<5 * 1024 * 1024).map { _ in UInt8(truncatingIfNeeded: generator.next()) }

        try client.makeDirectory(staging)
        try client.upload(small, to: staging + "/users.csv")
        try client.upload(large, to: staging + "/large.bin")
        try client.upload([], to: staging + "/empty.csv")

        let staged = try client.list(staging)
        XCTAssertEqual(staged.map(\.name), ["empty.csv", "large.bin", "users.csv"])
        XCTAssertEqual(staged.map(\.size), [0, UInt64(large.count), UInt64(small.count)])
        XCTAssertEqual(staged.map(\.isDirectory), [false, false, false])

        XCTAssertFalse(try client.exists(scratch))
        try client.rename(staging, to: scratch)
        XCTAssertTrue(try client.exists(scratch))
        XCTAssertFalse(try client.exists(staging))
        XCTAssertTrue(try client.exists(scratch + "/large.bin"))

        // The bytes as they landed on the server's disk.
        if let home = localHome(of: endpoint) {
            let folder = home + "/" + scratch
            XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: folder + "/large.bin")), Data(large))
            XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: folder + "/users.csv")), Data(small))
            XCTAssertEqual(try permissions(of: folder + "/users.csv"), 0o640)
        }

        // Uploading again truncates, and sets the mode even on a file that had another one.
        if let home = localHome(of: endpoint) {
            XCTAssertEqual(chmod(home + "/" + scratch + "/large.bin", 0o666), 0)
        }
        try client.upload(Array("short".utf8), to: scratch + "/large.bin")
        XCTAssertEqual(try client.list(scratch).first { $0.name == "large.bin" }?.size, 5)
        if let home = localHome(of: endpoint) {
            let path = home + "/" + scratch + "/large.bin"
            XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), "short")
            XCTAssertEqual(try permissions(of: path), 0o640)
        }

        for name in ["empty.csv", "large.bin", "users.csv"] {
            try client.remove(scratch + "/" + name)
        }
        XCTAssertEqual(try client.list(scratch).count, 0)
        try client.removeDirectory(scratch)
        XCTAssertFalse(try client.exists(scratch))
    }

    func testFailedOperationsSayWhatAndWhere() throws {
        let client = try SFTPClient(endpoint)
        defer { client.close() }
        try client.makeDirectory(scratch)
        try client.upload([1], to: scratch + "/file")

        let again = try sftpError { try client.makeDirectory(self.scratch) }
        XCTAssertEqual(again.operation, .makeDirectory)
        XCTAssertTrue(again.description.contains(scratch), again.description)
        XCTAssertTrue(again.description.contains(endpoint.address), again.description)

        let missing = try sftpError { try client.remove(self.scratch + "/missing") }
        XCTAssertEqual(missing.operation, .remove)
        XCTAssertTrue(missing.description.contains("no such file"), missing.description)

        let notEmpty = try sftpError { try client.removeDirectory(self.scratch) }
        XCTAssertEqual(notEmpty.operation, .removeDirectory)

        let nowhere = try sftpError { try client.upload([1], to: self.scratch + "/no/such/folder/file") }
        XCTAssertEqual(nowhere.operation, .upload)
        XCTAssertTrue(nowhere.description.contains("no such file"), nowhere.description)

        let unlisted = try sftpError { _ = try client.list(self.scratch + "/missing") }
        XCTAssertEqual(unlisted.operation, .list)

        // A plain SFTP rename onto an existing name is refused rather than clobbering it.
        try client.makeDirectory(scratch + "/other")
        try client.upload([2], to: scratch + "/other/file")
        if !(try renameReplaces(client)) {
            let clash = try sftpError { try client.rename(self.scratch + "/file", to: self.scratch + "/other/file") }
            XCTAssertEqual(clash.operation, .rename)
            XCTAssertTrue(clash.description.contains("/other/file"), clash.description)
        }

        // The connection still works after each refusal.
        XCTAssertTrue(try client.exists(scratch + "/file"))

        client.close()
        client.close()
        let closed = try sftpError { _ = try client.list(".") }
        XCTAssertTrue(closed.description.contains("closed"), closed.description)
    }

    func testWrongPasswordIsRejectedWithoutRepeatingIt() throws {
        var wrong = endpoint!
        wrong.password = "not-the-password-\(UUID().uuidString)"
        let error = try sftpError { _ = try SFTPClient(wrong) }
        XCTAssertEqual(error.operation, .authenticate)
        XCTAssertTrue(error.description.contains(endpoint.address), error.description)
        XCTAssertTrue(error.description.contains(endpoint.user), error.description)
        for text in [error.description, "\(error)", String(reflecting: error), error.localizedDescription, error.reason] {
            XCTAssertFalse(text.contains(wrong.password), text)
        }
        // The right password still works after a failed attempt.
        try SFTPClient(endpoint).close()
    }

    func testUnknownUserIsRejected() throws {
        var stranger = endpoint!
        stranger.user = "nobody-\(getpid())"
        let error = try sftpError { _ = try SFTPClient(stranger) }
        XCTAssertEqual(error.operation, .authenticate)
        XCTAssertFalse(error.description.contains(stranger.password), error.description)
    }

    func testClosedPortIsRefusedClearly() throws {
        let port = try unusedPort()
        let closed = SFTPEndpoint(host: "127.0.0.1", port: port, user: "someone", password: "secret-\(port)")
        let error = try sftpError { _ = try SFTPClient(closed, timeoutSeconds: 5) }
        XCTAssertEqual(error.operation, .connect)
        XCTAssertEqual(error.description, "Cannot connect to the SFTP server at 127.0.0.1:\(port): Connection refused.")
    }

    func testServerThatNeverSpeaksTimesOut() throws {
        // A listening socket that is never accepted: the TCP connection succeeds, the SSH banner never comes.
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        XCTAssertGreaterThanOrEqual(listener, 0)
        defer { close(listener) }
        var address = loopback(port: 0)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        XCTAssertEqual(bound, 0)
        XCTAssertEqual(listen(listener, 4), 0)
        let port = try boundPort(listener)

        let started = Date()
        let silent = SFTPEndpoint(host: "127.0.0.1", port: port, user: "someone", password: "pw")
        let error = try sftpError { _ = try SFTPClient(silent, timeoutSeconds: 1) }
        XCTAssertEqual(error.operation, .handshake)
        XCTAssertTrue(error.description.contains("127.0.0.1:\(port)"), error.description)
        XCTAssertLessThan(Date().timeIntervalSince(started), 5)
    }

    func testHostKeyFingerprintMatchesWhatOpenSSHPrints() throws {
        let client = try SFTPClient(endpoint)
        defer { client.close() }
        let fingerprint = client.hostKeyFingerprint
        XCTAssertNotNil(fingerprint.range(of: #"^SHA256:[A-Za-z0-9+/]{43}$"#, options: .regularExpression), fingerprint)
        XCTAssertEqual(try SFTPClient(endpoint).hostKeyFingerprint, fingerprint)

        // ssh-keyscan | ssh-keygen -lf - prints "256 SHA256:… host (ED25519)" for each key the server offers.
        let scanned = TestServer.run("/bin/bash", ["-c", "ssh-keyscan -p \"$1\" \"$2\" 2>/dev/null | ssh-keygen -lf -",
                                                   "bash", String(endpoint.port), endpoint.host])
        guard scanned.status == 0 else {
            throw XCTSkip("ssh-keyscan is not available here: \(scanned.output)")
        }
        XCTAssertTrue(scanned.output.split(separator: " ").contains { $0 == fingerprint }, scanned.output)
    }

    func testAnUnexpectedHostKeyIsRefusedBeforeThePasswordIsSent() throws {
        let fingerprint = try SFTPClient(endpoint).hostKeyFingerprint
        try SFTPClient(endpoint, expectedHostKey: fingerprint).close()
        try SFTPClient(endpoint, expectedHostKey: " " + fingerprint.dropFirst("SHA256:".count) + "=").close()

        let impostor = "SHA256:" + String(repeating: "A", count: 43)
        let error = try sftpError { _ = try SFTPClient(self.endpoint, expectedHostKey: impostor) }
        XCTAssertEqual(error.operation, .verifyHostKey)
        XCTAssertEqual(error.description, "The SFTP server at \(endpoint.address) is not the one expected: "
                       + "its host key is \(fingerprint), not \(impostor); the password was not sent.")
    }

    // MARK: - Helpers

    private func sftpError(_ work: () throws -> Void, file: StaticString = #filePath, line: UInt = #line) throws -> SFTPError {
        do {
            try work()
        } catch let error as SFTPError {
            return error
        }
        XCTFail("expected an SFTPError", file: file, line: line)
        throw TestServerUnavailable(reason: "no error")
    }

    /// Whether this libssh2 does posix-rename (1.11 and later), which replaces an existing file.
    private func renameReplaces(_ client: SFTPClient) throws -> Bool {
        try client.upload([3], to: scratch + "/probe-a")
        try client.upload([4], to: scratch + "/probe-b")
        do {
            try client.rename(scratch + "/probe-a", to: scratch + "/probe-b")
            try client.remove(scratch + "/probe-b")
            return true
        } catch {
            try client.remove(scratch + "/probe-a")
            try client.remove(scratch + "/probe-b")
            return false
        }
    }

    private func removeTree(_ path: String, _ client: SFTPClient) throws {
        guard try client.exists(path) else { return }
        for entry in try client.list(path) {
            let child = path + "/" + entry.name
            if entry.isDirectory { try removeTree(child, client) } else { try client.remove(child) }
        }
        try client.removeDirectory(path)
    }

    /// The test user's home folder, when the server runs on this machine and it can be read.
    private func localHome(of endpoint: SFTPEndpoint) -> String? {
        guard endpoint.host == "127.0.0.1" || endpoint.host == "localhost",
              let entry = getpwnam(endpoint.user), let directory = entry.pointee.pw_dir
        else { return nil }
        let home = String(cString: directory)
        return access(home, R_OK | X_OK) == 0 ? home : nil
    }

    private func permissions(of path: String) throws -> Int {
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        return (attributes[.posixPermissions] as? Int ?? -1) & 0o777
    }

    private func loopback(port: UInt16) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return address
    }

    private func boundPort(_ descriptor: Int32) throws -> Int {
        var address = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let status = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        XCTAssertEqual(status, 0)
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// A loopback port nothing listens on: bound by the kernel's choice, then released.
    private func unusedPort() throws -> Int {
        let probe = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(probe) }
        var address = loopback(port: 0)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(probe, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        XCTAssertEqual(bound, 0)
        return try boundPort(probe)
    }
}

/// Reproducible test bytes without Foundation's random source.
private struct SplitMix64 {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
