import COpenSSL

/// AES-SIV (RFC 5297): deterministic authenticated encryption through OpenSSL.
/// A 64-byte key selects AES-256-SIV; a 32-byte key selects AES-128-SIV (the RFC's
/// own examples use it). Sealed bytes are laid out as the RFC gives them: the 16-byte
/// synthetic IV, then the ciphertext, which is as long as the plaintext.
public struct AESSIV: Sendable {
    public static let tagLength = 16

    private let key: [UInt8]
    private let algorithm: String

    public init(key: [UInt8]) throws {
        switch key.count {
        case 64: algorithm = "AES-256-SIV"
        case 32: algorithm = "AES-128-SIV"
        default: throw CryptoError.badKeyLength(algorithm: "AES-SIV", expected: [64, 32], actual: key.count)
        }
        self.key = key
    }

    /// Seals `plaintext`; the same key, plaintext and associated data always give the
    /// same output. Each element of `associatedData` is one component of the RFC's
    /// header vector (a nonce, if used, is the last one).
    public func seal(_ plaintext: [UInt8], associatedData: [[UInt8]] = []) throws -> [UInt8] {
        // OpenSSL 3.0 cannot finish an AES-SIV seal with no plaintext; see EmptyPlaintextSIV.
        if plaintext.isEmpty {
            OpenSSLErrorQueue.clear()
            return try EmptyPlaintextSIV.syntheticIV(key: key, associatedData: associatedData)
        }
        let operation = try CipherContext(name: algorithm, key: key, encrypt: true)
        for component in associatedData {
            try operation.addAssociatedData(component)
        }
        guard let ciphertext = operation.update(plaintext), operation.finish() else {
            throw OpenSSLErrorQueue.failure("seal with \(algorithm)")
        }
        return try operation.tag(count: Self.tagLength) + ciphertext
    }

    /// Opens what `seal` made, given the same associated data; throws
    /// `CryptoError.authenticationFailed` for any other key, associated data or bytes.
    public func open(_ sealed: [UInt8], associatedData: [[UInt8]] = []) throws -> [UInt8] {
        guard sealed.count >= Self.tagLength else {
            throw CryptoError.sealedTooShort(algorithm: algorithm, minimum: Self.tagLength, actual: sealed.count)
        }
        if sealed.count == Self.tagLength {
            OpenSSLErrorQueue.clear()
            let expected = try EmptyPlaintextSIV.syntheticIV(key: key, associatedData: associatedData)
            guard CRYPTO_memcmp(expected, sealed, Self.tagLength) == 0 else {
                throw CryptoError.authenticationFailed(algorithm: algorithm)
            }
            return []
        }
        let operation = try CipherContext(name: algorithm, key: key, encrypt: false)
        try operation.setExpectedTag(Array(sealed.prefix(Self.tagLength)))
        for component in associatedData {
            try operation.addAssociatedData(component)
        }
        // OpenSSL checks the SIV while decrypting and again at the end; either refusal
        // means the bytes do not authenticate.
        guard let plaintext = operation.update(Array(sealed.dropFirst(Self.tagLength))), operation.finish() else {
            OpenSSLErrorQueue.clear()
            throw CryptoError.authenticationFailed(algorithm: algorithm)
        }
        return plaintext
    }
}
