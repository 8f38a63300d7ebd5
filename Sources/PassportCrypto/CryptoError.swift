/// Everything that can go wrong in PassportCrypto, worded for the person at the terminal.
public enum CryptoError: Error, Equatable, CustomStringConvertible {
    /// A key of the wrong size was given to a cipher.
    case badKeyLength(algorithm: String, expected: [Int], actual: Int)
    /// Sealed bytes are shorter than the nonce and tag they must carry.
    case sealedTooShort(algorithm: String, minimum: Int, actual: Int)
    /// The tag did not verify: wrong key, wrong associated data, or altered bytes.
    case authenticationFailed(algorithm: String)
    /// A string that should be a PII Shield token is not one.
    case malformedToken(reason: String)
    /// A well-formed PII Shield token that this consent's key did not make (or that was altered).
    case tokenDoesNotAuthenticate
    /// A revealed PII Shield value is not UTF-8 text.
    case revealedValueNotText
    /// A key file cannot be read, created or trusted.
    case keyFile(path: String, problem: String)
    /// OpenSSL refused an operation; `reason` is OpenSSL's own error string.
    case openssl(operation: String, reason: String)

    public var description: String {
        switch self {
        case let .badKeyLength(algorithm, expected, actual):
            let sizes = expected.map(String.init).joined(separator: " or ")
            return "\(algorithm) needs a key of \(sizes) bytes, but this key has \(actual) bytes."
        case let .sealedTooShort(algorithm, minimum, actual):
            return "\(algorithm): the sealed data is \(actual) bytes, but must be at least \(minimum) bytes; it was cut short or is not sealed data."
        case let .authenticationFailed(algorithm):
            return "\(algorithm): the sealed data does not authenticate; it was sealed under another key or altered since."
        case let .malformedToken(reason):
            return "Not a PII Shield token: \(reason)."
        case .tokenDoesNotAuthenticate:
            return "This PII Shield token was not made with this consent's key, or it was altered since."
        case .revealedValueNotText:
            return "The PII Shield token decrypts, but not to text."
        case let .keyFile(path, problem):
            return "Key file \(path): \(problem)"
        case let .openssl(operation, reason):
            return "OpenSSL failed to \(operation): \(reason)."
        }
    }
}
