/// AES-256-GCM with a fresh random 12-byte nonce per message. Sealed bytes are
/// nonce || ciphertext || 16-byte tag, so `open` needs nothing but the key.
public struct AESGCM: Sendable {
    public static let keyLength = 32
    public static let nonceLength = 12
    public static let tagLength = 16

    private static let algorithm = "AES-256-GCM"
    private let key: [UInt8]

    public init(key: [UInt8]) throws {
        guard key.count == Self.keyLength else {
            throw CryptoError.badKeyLength(algorithm: Self.algorithm, expected: [Self.keyLength], actual: key.count)
        }
        self.key = key
    }

    public func seal(_ plaintext: [UInt8], associatedData: [UInt8] = []) throws -> [UInt8] {
        try seal(plaintext, associatedData: associatedData, nonce: SecureRandom.bytes(Self.nonceLength))
    }

    /// Seals under a caller-chosen nonce. Only for known-answer tests: reusing a nonce
    /// under one key gives away the plaintexts and the authentication key.
    package func seal(_ plaintext: [UInt8], associatedData: [UInt8], nonce: [UInt8]) throws -> [UInt8] {
        precondition(nonce.count == Self.nonceLength, "AES-GCM nonces here are \(Self.nonceLength) bytes")
        let operation = try CipherContext(name: Self.algorithm, key: key, iv: nonce, encrypt: true)
        if !associatedData.isEmpty {
            try operation.addAssociatedData(associatedData)
        }
        guard let ciphertext = operation.update(plaintext), operation.finish() else {
            throw OpenSSLErrorQueue.failure("seal with \(Self.algorithm)")
        }
        return nonce + ciphertext + (try operation.tag(count: Self.tagLength))
    }

    /// Opens what `seal` made, given the same associated data; throws
    /// `CryptoError.authenticationFailed` for any other key, associated data or bytes.
    public func open(_ sealed: [UInt8], associatedData: [UInt8] = []) throws -> [UInt8] {
        let minimum = Self.nonceLength + Self.tagLength
        guard sealed.count >= minimum else {
            throw CryptoError.sealedTooShort(algorithm: Self.algorithm, minimum: minimum, actual: sealed.count)
        }
        let nonce = Array(sealed.prefix(Self.nonceLength))
        let ciphertext = Array(sealed.dropFirst(Self.nonceLength).dropLast(Self.tagLength))
        let tag = Array(sealed.suffix(Self.tagLength))
        let operation = try CipherContext(name: Self.algorithm, key: key, iv: nonce, encrypt: false)
        if !associatedData.isEmpty {
            try operation.addAssociatedData(associatedData)
        }
        guard let plaintext = operation.update(ciphertext) else {
            throw OpenSSLErrorQueue.failure("open with \(Self.algorithm)")
        }
        try operation.setExpectedTag(tag)
        guard operation.finish() else {
            OpenSSLErrorQueue.clear()
            throw CryptoError.authenticationFailed(algorithm: Self.algorithm)
        }
        return plaintext
    }
}
