import PassportCrypto
import XCTest

final class Base64URLTests: XCTestCase {
    // RFC 4648 §10 vectors, with the padding dropped.
    func testRFC4648Vectors() {
        let vectors = [("", ""), ("f", "Zg"), ("fo", "Zm8"), ("foo", "Zm9v"), ("foob", "Zm9vYg"), ("fooba", "Zm9vYmE"), ("foobar", "Zm9vYmFy")]
        for (plain, encoded) in vectors {
            XCTAssertEqual(Base64URL.encode(Array(plain.utf8)), encoded)
            XCTAssertEqual(Base64URL.decode(encoded), Array(plain.utf8))
        }
    }

    func testUsesTheURLSafeAlphabet() {
        XCTAssertEqual(Base64URL.encode([0xfb, 0xff, 0xbf]), "-_-_")
        XCTAssertEqual(Base64URL.decode("-_-_"), [0xfb, 0xff, 0xbf])
    }

    func testRoundTripsEveryLength() {
        for count in 0..<70 {
            let bytes = SecureRandom.bytes(count)
            XCTAssertEqual(Base64URL.decode(Base64URL.encode(bytes)), bytes)
        }
    }

    func testRefusesAnythingEncodeWouldNotPrint() {
        XCTAssertNil(Base64URL.decode("Zm9v="), "padding")
        XCTAssertNil(Base64URL.decode("Zm+v"), "standard alphabet")
        XCTAssertNil(Base64URL.decode("Zm9 v"), "space")
        XCTAssertNil(Base64URL.decode("Z"), "one leftover character")
        XCTAssertNil(Base64URL.decode("Zh"), "stray bits after the last byte")
        XCTAssertNil(Base64URL.decode("Zé"), "non-ASCII")
    }
}
