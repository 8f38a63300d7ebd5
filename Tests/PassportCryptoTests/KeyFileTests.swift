#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import PassportCrypto
import XCTest

final class KeyFileTests: XCTestCase {
    private var directory = ""

    override func setUpWithError() throws {
        var template = Array("/tmp/passport-keyfile-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else {
            throw XCTSkip("cannot make a scratch directory")
        }
        directory = String(cString: made)
    }

    override func tearDown() {
        if let entries = opendir(directory) {
            while let entry = readdir(entries) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
                if name != "." && name != ".." { unlink(directory + "/" + name) }
            }
            closedir(entries)
        }
        rmdir(directory)
    }

    private func mode(of path: String) -> mode_t {
        var status = stat()
        XCTAssertEqual(stat(path, &status), 0)
        return status.st_mode & 0o777
    }

    private func writeFile(_ path: String, _ bytes: [UInt8], mode: mode_t) {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL, mode)
        XCTAssertGreaterThanOrEqual(descriptor, 0)
        XCTAssertEqual(bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }, bytes.count)
        close(descriptor)
        chmod(path, mode)
    }

    private func entries() -> [String] {
        var names: [String] = []
        if let listing = opendir(directory) {
            while let entry = readdir(listing) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
                if name != "." && name != ".." { names.append(name) }
            }
            closedir(listing)
        }
        return names.sorted()
    }

    func testCreatesA32ByteKeyOnlyTheOwnerCanRead() throws {
        let path = directory + "/secrets.key"
        let key = try KeyFile.loadOrCreate(path: path)
        XCTAssertEqual(key.count, 32)
        XCTAssertEqual(mode(of: path), 0o600)
        XCTAssertEqual(entries(), ["secrets.key"], "no draft file is left behind")
    }

    func testReusesTheKeyOnLaterLoads() throws {
        let path = directory + "/secrets.key"
        let first = try KeyFile.loadOrCreate(path: path)
        let second = try KeyFile.loadOrCreate(path: path)
        XCTAssertEqual(first, second)
        XCTAssertEqual(mode(of: path), 0o600)
        // The key works for what it is for: sealing SFTP passwords.
        let sealed = try AESGCM(key: first).seal(Array("hunter2".utf8))
        XCTAssertEqual(try AESGCM(key: second).open(sealed), Array("hunter2".utf8))
    }

    func testReadsAKeyWrittenBefore() throws {
        let path = directory + "/secrets.key"
        let key = [UInt8](0..<32)
        writeFile(path, key, mode: 0o600)
        XCTAssertEqual(try KeyFile.loadOrCreate(path: path), key)
    }

    func testRefusesAFileOfTheWrongSize() throws {
        let path = directory + "/secrets.key"
        writeFile(path, [UInt8](repeating: 1, count: 31), mode: 0o600)
        XCTAssertThrowsError(try KeyFile.loadOrCreate(path: path)) { error in
            XCTAssertEqual(error as? CryptoError, .keyFile(path: path, problem: "holds 31 bytes, but a key is 32 bytes; it is damaged or not a key file."))
        }
    }

    func testRefusesAFileOthersCanRead() throws {
        let path = directory + "/secrets.key"
        writeFile(path, [UInt8](repeating: 1, count: 32), mode: 0o644)
        XCTAssertThrowsError(try KeyFile.loadOrCreate(path: path)) { error in
            XCTAssertEqual(error as? CryptoError, .keyFile(path: path, problem: "may be read by other users (mode 644); run `chmod 600 \(path)` if it is yours."))
        }
    }

    func testReportsAMissingDirectory() throws {
        let path = directory + "/missing/secrets.key"
        XCTAssertThrowsError(try KeyFile.loadOrCreate(path: path)) { error in
            XCTAssertEqual(error as? CryptoError, .keyFile(path: path, problem: "cannot be created: No such file or directory"))
        }
    }
}
