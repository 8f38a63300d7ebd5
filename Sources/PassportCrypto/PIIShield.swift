/// PII Shield: a masked value is sealed with AES-SIV under the consent's own key, so
/// the same value always gives the same token under one consent (the vendor can still
/// join and de-duplicate) while only the district, holding the key, can reveal it.
///
/// A token is "pii1." followed by the base64url (unpadded) of the AES-SIV output
/// (16-byte SIV, then the ciphertext), sealed with the single associated-data component
/// "pii1" so the format version is authenticated too. An empty value stays empty.
public struct PIIShield: Sendable {
    public static let keyLength = 64
    static let prefix = "pii1."
    private static let associatedData: [[UInt8]] = [Array("pii1".utf8)]

    private let cipher: AESSIV

    public init(key: [UInt8]) throws {
        guard key.count == Self.keyLength else {
            throw CryptoError.badKeyLength(algorithm: "PII Shield", expected: [Self.keyLength], actual: key.count)
        }
        cipher = try AESSIV(key: key)
    }

    /// A fresh random key for a new consent.
    public static func newKey() -> [UInt8] {
        SecureRandom.bytes(keyLength)
    }

    public func token(for value: String) throws -> String {
        if value.isEmpty { return "" }
        let sealed = try cipher.seal(Array(value.utf8), associatedData: Self.associatedData)
        return Self.prefix + Base64URL.encode(sealed)
    }

    /// The value a token stands for. An empty token reveals the empty value.
    public func reveal(_ token: String) throws -> String {
        if token.isEmpty { return "" }
        let sealed = try Self.sealedBytes(of: token)
        let plaintext: [UInt8]
        do {
            plaintext = try cipher.open(sealed, associatedData: Self.associatedData)
        } catch CryptoError.authenticationFailed {
            throw CryptoError.tokenDoesNotAuthenticate
        }
        guard let value = String(validating: plaintext, as: UTF8.self) else {
            throw CryptoError.revealedValueNotText
        }
        return value
    }

    /// Whether `s` has the shape of a PII Shield token (it may still belong to another key).
    public static func isToken(_ s: String) -> Bool {
        (try? sealedBytes(of: s)) != nil
    }

    private static func sealedBytes(of token: String) throws -> [UInt8] {
        guard token.hasPrefix(prefix) else {
            throw CryptoError.malformedToken(reason: "it does not start with \"\(prefix)\"")
        }
        guard let sealed = Base64URL.decode(String(token.dropFirst(prefix.count))) else {
            throw CryptoError.malformedToken(reason: "the part after \"\(prefix)\" is not base64url")
        }
        // A non-empty value seals to the 16-byte SIV plus at least one byte.
        guard sealed.count > AESSIV.tagLength else {
            throw CryptoError.malformedToken(reason: "it is too short to hold a value")
        }
        return sealed
    }
}
