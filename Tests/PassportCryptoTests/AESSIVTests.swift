import PassportCrypto
import XCTest

final class AESSIVTests: XCTestCase {
    // RFC 5297, Appendix A.1: Deterministic Authenticated Encryption Example (AES-128-SIV).
    private let a1Key = hex("fffefdfc fbfaf9f8 f7f6f5f4 f3f2f1f0 f0f1f2f3 f4f5f6f7 f8f9fafb fcfdfeff")
    private let a1AssociatedData = hex("10111213 14151617 18191a1b 1c1d1e1f 20212223 24252627")
    private let a1Plaintext = hex("11223344 55667788 99aabbcc ddee")
    private let a1Output = hex("85632d07 c6e8f37f 950acd32 0a2ecc93 40c02b96 90c4dc04 daef7f6a fe5c")

    func testRFC5297A1DeterministicExampleSeals() throws {
        let siv = try AESSIV(key: a1Key)
        XCTAssertEqual(hexString(try siv.seal(a1Plaintext, associatedData: [a1AssociatedData])), hexString(a1Output))
    }

    func testRFC5297A1DeterministicExampleOpens() throws {
        let siv = try AESSIV(key: a1Key)
        XCTAssertEqual(try siv.open(a1Output, associatedData: [a1AssociatedData]), a1Plaintext)
    }

    // RFC 5297, Appendix A.2: several associated-data components, the nonce last.
    func testRFC5297A2NonceBasedExample() throws {
        let siv = try AESSIV(key: hex("7f7e7d7c 7b7a7978 77767574 73727170 40414243 44454647 48494a4b 4c4d4e4f"))
        let associatedData = [
            hex("00112233 44556677 8899aabb ccddeeff deaddada deaddada ffeeddcc bbaa9988 77665544 33221100"),
            hex("10203040 50607080 90a0"),
            hex("09f91102 9d74e35b d84156c5 635688c0"),
        ]
        let plaintext = Array("this is some plaintext to encrypt using SIV-AES".utf8)
        let expected = hex("""
            7bdb6e3b 432667eb 06f4d14b ff2fbd0f cb900f2f ddbe4043 26601965 c889bf17
            dba77ceb 094fa663 b7a3f748 ba8af829 ea64ad54 4a272e9c 485b62a3 fd5c0d
            """)
        XCTAssertEqual(hexString(try siv.seal(plaintext, associatedData: associatedData)), hexString(expected))
        XCTAssertEqual(try siv.open(expected, associatedData: associatedData), plaintext)
    }

    // AES-256-SIV (64-byte key), the size PII Shield uses; vector from the Miscreant
    // project's "NIST SIV test vectors (256-bit subkeys #1)".
    func testAES256SIVKnownAnswer() throws {
        let siv = try AESSIV(key: hex("""
            fffefdfcfbfaf9f8f7f6f5f4f3f2f1f06f6e6d6c6b6a69686766656463626160
            f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff000102030405060708090a0b0c0d0e0f
            """))
        let expected = hex("f125274c598065cfc26b0e71575029088b035217e380cac8919ee800c126")
        XCTAssertEqual(hexString(try siv.seal(a1Plaintext, associatedData: [a1AssociatedData])), hexString(expected))
        XCTAssertEqual(try siv.open(expected, associatedData: [a1AssociatedData]), a1Plaintext)
    }

    func testBlockSizedPlaintextWithoutAssociatedData() throws {
        let siv = try AESSIV(key: a1Key)
        let plaintext = hex("00112233445566778899aabbccddeeff")
        let expected = hex("f304f912863e303d5b540e5057c7010c942ffaf45b0e5ca5fb9a56a5263bb065")
        XCTAssertEqual(hexString(try siv.seal(plaintext)), hexString(expected))
        XCTAssertEqual(try siv.open(expected), plaintext)
    }

    func testEmptyPlaintextWithoutAssociatedData() throws {
        let siv = try AESSIV(key: a1Key)
        XCTAssertEqual(hexString(try siv.seal([])), "f2007a5beb2b8900c588a7adf599f172")
        XCTAssertEqual(try siv.open(hex("f2007a5beb2b8900c588a7adf599f172")), [])
        XCTAssertThrowsError(try siv.open(hex("f2007a5beb2b8900c588a7adf599f173"))) { error in
            XCTAssertEqual(error as? CryptoError, .authenticationFailed(algorithm: "AES-128-SIV"))
        }
    }

    // OpenSSL 3.0 cannot seal an empty plaintext itself, so PassportCrypto does that S2V
    // on its own; for short non-empty plaintexts the same S2V must agree with OpenSSL's
    // synthetic IV, header vector after header vector.
    func testOwnS2VAgreesWithOpenSSL() throws {
        for key in [a1Key, SecureRandom.bytes(64)] {
            let siv = try AESSIV(key: key)
            for associatedData in [[], [a1AssociatedData], [a1AssociatedData, [], Array("nonce".utf8)]] {
                for plaintext in [[0x41], Array("fifteen bytes!!".utf8)] as [[UInt8]] {
                    let own = try EmptyPlaintextSIV.syntheticIV(key: key, associatedData: associatedData, shortPlaintext: plaintext)
                    XCTAssertEqual(own, Array(try siv.seal(plaintext, associatedData: associatedData).prefix(16)))
                }
                let sealed = try siv.seal([], associatedData: associatedData)
                XCTAssertEqual(sealed.count, 16)
                XCTAssertEqual(try siv.open(sealed, associatedData: associatedData), [])
                XCTAssertThrowsError(try siv.open(sealed, associatedData: associatedData + [[]]))
            }
        }
    }

    func testSealingIsDeterministic() throws {
        let siv = try AESSIV(key: SecureRandom.bytes(64))
        let value = Array("Ada Lovelace".utf8)
        XCTAssertEqual(try siv.seal(value), try siv.seal(value))
        XCTAssertEqual(try siv.open(try siv.seal(value)), value)
    }

    func testEveryTamperedByteIsRefused() throws {
        let siv = try AESSIV(key: a1Key)
        for index in a1Output.indices {
            XCTAssertThrowsError(try siv.open(flippingBit(in: a1Output, at: index), associatedData: [a1AssociatedData])) { error in
                XCTAssertEqual(error as? CryptoError, .authenticationFailed(algorithm: "AES-128-SIV"), "byte \(index)")
            }
        }
    }

    func testOtherAssociatedDataIsRefused() throws {
        let siv = try AESSIV(key: a1Key)
        XCTAssertThrowsError(try siv.open(a1Output, associatedData: [])) { error in
            XCTAssertEqual(error as? CryptoError, .authenticationFailed(algorithm: "AES-128-SIV"))
        }
        XCTAssertThrowsError(try siv.open(a1Output, associatedData: [flippingBit(in: a1AssociatedData, at: 0)]))
        // An extra, empty component is still a different header vector.
        XCTAssertThrowsError(try siv.open(a1Output, associatedData: [a1AssociatedData, []]))
    }

    func testOtherKeyIsRefused() throws {
        let siv = try AESSIV(key: flippingBit(in: a1Key, at: 31))
        XCTAssertThrowsError(try siv.open(a1Output, associatedData: [a1AssociatedData])) { error in
            XCTAssertEqual(error as? CryptoError, .authenticationFailed(algorithm: "AES-128-SIV"))
        }
    }

    func testTooShortToHoldTheSIV() throws {
        let siv = try AESSIV(key: a1Key)
        XCTAssertThrowsError(try siv.open(Array(a1Output.prefix(15)))) { error in
            XCTAssertEqual(error as? CryptoError, .sealedTooShort(algorithm: "AES-128-SIV", minimum: 16, actual: 15))
        }
    }

    func testKeyOfWrongLengthIsRefused() {
        XCTAssertThrowsError(try AESSIV(key: [UInt8](repeating: 7, count: 16))) { error in
            XCTAssertEqual(error as? CryptoError, .badKeyLength(algorithm: "AES-SIV", expected: [64, 32], actual: 16))
            XCTAssertEqual("\(error)", "AES-SIV needs a key of 64 or 32 bytes, but this key has 16 bytes.")
        }
    }
}
