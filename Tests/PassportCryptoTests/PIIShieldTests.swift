import Dispatch
import PassportCrypto
import XCTest

final class PIIShieldTests: XCTestCase {
    func testSameValueGivesSameTokenUnderOneKey() throws {
        let key = PIIShield.newKey()
        let first = try PIIShield(key: key)
        let second = try PIIShield(key: key)
        XCTAssertEqual(try first.token(for: "maria.garcia@example.org"), try second.token(for: "maria.garcia@example.org"))
        XCTAssertNotEqual(try first.token(for: "maria.garcia@example.org"), try first.token(for: "maria.garcia@example.com"))
    }

    func testDistinctKeysGiveDistinctTokens() throws {
        let one = try PIIShield(key: PIIShield.newKey())
        let other = try PIIShield(key: PIIShield.newKey())
        XCTAssertNotEqual(try one.token(for: "555-0100"), try other.token(for: "555-0100"))
    }

    func testEmptyValueStaysEmpty() throws {
        let shield = try PIIShield(key: PIIShield.newKey())
        XCTAssertEqual(try shield.token(for: ""), "")
        XCTAssertEqual(try shield.reveal(""), "")
        XCTAssertFalse(PIIShield.isToken(""))
    }

    func testTokenIsPrintableAndRevealsNonASCIIText() throws {
        let shield = try PIIShield(key: PIIShield.newKey())
        for value in ["Zoë Ñúñez-Ørsted", "王小明", "👩🏽‍🏫 Ms. O'Brien, Room 12", "a"] {
            let token = try shield.token(for: value)
            XCTAssertTrue(token.hasPrefix("pii1."), token)
            XCTAssertTrue(token.utf8.allSatisfy { $0 < 0x80 && $0 > 0x20 && $0 != UInt8(ascii: ",") }, token)
            XCTAssertTrue(PIIShield.isToken(token))
            XCTAssertEqual(try shield.reveal(token), value)
        }
    }

    func testTokenFromAnotherKeyDoesNotReveal() throws {
        let token = try PIIShield(key: PIIShield.newKey()).token(for: "Jordan Lee")
        XCTAssertThrowsError(try PIIShield(key: PIIShield.newKey()).reveal(token)) { error in
            XCTAssertEqual(error as? CryptoError, .tokenDoesNotAuthenticate)
            XCTAssertEqual("\(error)", "This PII Shield token was not made with this consent's key, or it was altered since.")
        }
    }

    func testAlteredTokenDoesNotReveal() throws {
        let shield = try PIIShield(key: PIIShield.newKey())
        let token = try shield.token(for: "Jordan Lee")
        var characters = Array(token)
        characters[10] = characters[10] == "A" ? "B" : "A"
        XCTAssertThrowsError(try shield.reveal(String(characters))) { error in
            XCTAssertEqual(error as? CryptoError, .tokenDoesNotAuthenticate)
        }
    }

    func testStringsThatAreNotTokens() throws {
        let shield = try PIIShield(key: PIIShield.newKey())
        let cases: [(String, String)] = [
            ("Jordan Lee", "it does not start with \"pii1.\""),
            ("pii2.AAAAAAAAAAAAAAAAAAAAAAA", "it does not start with \"pii1.\""),
            ("pii1.not base64!", "the part after \"pii1.\" is not base64url"),
            ("pii1.AAAAAAAAAAAAAAAAAAAAAA", "it is too short to hold a value"),
            ("pii1.", "it is too short to hold a value"),
        ]
        for (text, reason) in cases {
            XCTAssertFalse(PIIShield.isToken(text), text)
            XCTAssertThrowsError(try shield.reveal(text)) { error in
                XCTAssertEqual(error as? CryptoError, .malformedToken(reason: reason), text)
                XCTAssertEqual("\(error)", "Not a PII Shield token: \(reason).")
            }
        }
    }

    func testOneShieldServesManyThreadsAtOnce() throws {
        let shield = try PIIShield(key: PIIShield.newKey())
        let expected = try (0..<64).map { try shield.token(for: "student-\($0)") }
        DispatchQueue.concurrentPerform(iterations: 64) { index in
            XCTAssertEqual(try? shield.token(for: "student-\(index)"), expected[index])
            XCTAssertEqual(try? shield.reveal(expected[index]), "student-\(index)")
        }
    }

    func testKeyMustBe64Bytes() {
        XCTAssertEqual(PIIShield.newKey().count, 64)
        XCTAssertThrowsError(try PIIShield(key: SecureRandom.bytes(32))) { error in
            XCTAssertEqual(error as? CryptoError, .badKeyLength(algorithm: "PII Shield", expected: [64], actual: 32))
        }
    }
}
