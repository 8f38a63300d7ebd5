import PassportCrypto
import XCTest

final class AESGCMTests: XCTestCase {
    // McGrew & Viega, "The Galois/Counter Mode of Operation (GCM)", Appendix B, Test Case 16
    // (AES-256, 96-bit IV, with additional authenticated data), as reused by NIST.
    private let case16Key = hex("feffe9928665731c6d6a8f9467308308 feffe9928665731c6d6a8f9467308308")
    private let case16Nonce = hex("cafebabefacedbaddecaf888")
    private let case16AssociatedData = hex("feedfacedeadbeeffeedfacedeadbeef abaddad2")
    private let case16Plaintext = hex("""
        d9313225f88406e5a55909c5aff5269a 86a7a9531534f7da2e4c303d8a318a72
        1c3c0c95956809532fcf0e2449a6b525 b16aedf5aa0de657ba637b39
        """)
    private let case16Ciphertext = hex("""
        522dc1f099567d07f47f37a32a84427d 643a8cdcbfe5c0c97598a2bd2555d1aa
        8cb08e48590dbb3da7b08b1056828838 c5f61e6393ba7a0abcc9f662
        """)
    private let case16Tag = hex("76fc6ece0f4e1768cddf8853bb2d551b")

    private var case16Sealed: [UInt8] { case16Nonce + case16Ciphertext + case16Tag }

    func testGCMSpecTestCase16Seals() throws {
        let gcm = try AESGCM(key: case16Key)
        let sealed = try gcm.seal(case16Plaintext, associatedData: case16AssociatedData, nonce: case16Nonce)
        XCTAssertEqual(hexString(sealed), hexString(case16Sealed))
    }

    func testGCMSpecTestCase16Opens() throws {
        let gcm = try AESGCM(key: case16Key)
        XCTAssertEqual(try gcm.open(case16Sealed, associatedData: case16AssociatedData), case16Plaintext)
    }

    // Test Cases 13 and 14: AES-256, all-zero key and IV; empty and one-block plaintext, no AAD.
    func testGCMSpecTestCases13And14() throws {
        let gcm = try AESGCM(key: [UInt8](repeating: 0, count: 32))
        let nonce = [UInt8](repeating: 0, count: 12)
        XCTAssertEqual(hexString(try gcm.seal([], associatedData: [], nonce: nonce)),
                       hexString(nonce + hex("530f8afbc74536b9a963b4f1c4cb738b")))
        XCTAssertEqual(hexString(try gcm.seal([UInt8](repeating: 0, count: 16), associatedData: [], nonce: nonce)),
                       hexString(nonce + hex("cea7403d4d606b6e074ec5d3baf39d18 d0d1c8a799996bf0265b98b5d48ab919")))
        XCTAssertEqual(try gcm.open(nonce + hex("530f8afbc74536b9a963b4f1c4cb738b")), [])
    }

    func testRandomNoncesMakeEachSealDifferent() throws {
        let gcm = try AESGCM(key: SecureRandom.bytes(32))
        let password = Array("correct horse battery staple".utf8)
        let first = try gcm.seal(password)
        let second = try gcm.seal(password)
        XCTAssertNotEqual(first, second)
        XCTAssertEqual(first.count, 12 + password.count + 16)
        XCTAssertEqual(try gcm.open(first), password)
        XCTAssertEqual(try gcm.open(second), password)
    }

    func testEveryTamperedByteIsRefused() throws {
        let gcm = try AESGCM(key: case16Key)
        let sealed = case16Sealed
        for index in sealed.indices {
            XCTAssertThrowsError(try gcm.open(flippingBit(in: sealed, at: index), associatedData: case16AssociatedData)) { error in
                XCTAssertEqual(error as? CryptoError, .authenticationFailed(algorithm: "AES-256-GCM"), "byte \(index)")
            }
        }
    }

    func testOtherAssociatedDataOrKeyIsRefused() throws {
        XCTAssertThrowsError(try AESGCM(key: case16Key).open(case16Sealed)) { error in
            XCTAssertEqual(error as? CryptoError, .authenticationFailed(algorithm: "AES-256-GCM"))
        }
        XCTAssertThrowsError(try AESGCM(key: flippingBit(in: case16Key, at: 0)).open(case16Sealed, associatedData: case16AssociatedData)) { error in
            XCTAssertEqual(error as? CryptoError, .authenticationFailed(algorithm: "AES-256-GCM"))
        }
    }

    func testTooShortToHoldNonceAndTag() throws {
        XCTAssertThrowsError(try AESGCM(key: case16Key).open(Array(case16Sealed.prefix(27)))) { error in
            XCTAssertEqual(error as? CryptoError, .sealedTooShort(algorithm: "AES-256-GCM", minimum: 28, actual: 27))
        }
    }

    func testKeyOfWrongLengthIsRefused() {
        XCTAssertThrowsError(try AESGCM(key: [UInt8](repeating: 1, count: 16))) { error in
            XCTAssertEqual(error as? CryptoError, .badKeyLength(algorithm: "AES-256-GCM", expected: [32], actual: 16))
        }
    }
}
