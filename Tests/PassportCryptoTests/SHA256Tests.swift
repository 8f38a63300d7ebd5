import PassportCrypto
import XCTest

final class SHA256Tests: XCTestCase {
    // FIPS 180-2, Appendix B.1 and the empty message.
    func testDigestOfABC() {
        XCTAssertEqual(SHA256.hex(Array("abc".utf8)), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        XCTAssertEqual(SHA256.digest(Array("abc".utf8)), hex("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"))
    }

    func testDigestOfEmptyMessage() {
        XCTAssertEqual(SHA256.hex([]), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    }

    func testDigestOfTwoBlockMessage() {
        let message = Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)
        XCTAssertEqual(SHA256.hex(message), "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    }
}

final class SecureRandomTests: XCTestCase {
    func testGivesTheCountAskedForAndDiffers() {
        XCTAssertEqual(SecureRandom.bytes(0), [])
        let first = SecureRandom.bytes(32)
        XCTAssertEqual(first.count, 32)
        XCTAssertNotEqual(first, SecureRandom.bytes(32))
    }
}
