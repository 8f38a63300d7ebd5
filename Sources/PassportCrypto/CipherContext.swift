import COpenSSL

/// One EVP cipher operation (seal or open) from start to finish; the OpenSSL context
/// and the fetched algorithm are freed when it goes away. Not shared across threads:
/// each seal or open makes its own.
final class CipherContext {
    private let cipher: OpaquePointer
    private let context: OpaquePointer
    private let name: String

    /// Fetches `name` (for example "AES-256-SIV") from the default provider and starts
    /// encrypting (`encrypt`) or decrypting under `key`, with `iv` if the mode takes one.
    init(name: String, key: [UInt8], iv: [UInt8]? = nil, encrypt: Bool) throws {
        OpenSSLErrorQueue.clear()
        guard let cipher = EVP_CIPHER_fetch(nil, name, nil) else {
            throw OpenSSLErrorQueue.failure("find the cipher \(name)")
        }
        guard let context = EVP_CIPHER_CTX_new() else {
            EVP_CIPHER_free(cipher)
            throw OpenSSLErrorQueue.failure("allocate a cipher context")
        }
        self.cipher = cipher
        self.context = context
        self.name = name
        let started = key.withUnsafeBufferPointer { keyBytes in
            if let iv {
                return iv.withUnsafeBufferPointer { ivBytes in
                    EVP_CipherInit_ex2(context, cipher, keyBytes.baseAddress, ivBytes.baseAddress, encrypt ? 1 : 0, nil)
                }
            }
            return EVP_CipherInit_ex2(context, cipher, keyBytes.baseAddress, nil, encrypt ? 1 : 0, nil)
        }
        guard started == 1 else {
            throw OpenSSLErrorQueue.failure("start \(name)")
        }
    }

    deinit {
        EVP_CIPHER_CTX_free(context)
        EVP_CIPHER_free(cipher)
    }

    /// Feeds one associated-data component. For SIV each call is one component of the
    /// S2V vector, so an empty component still counts and must still be fed.
    func addAssociatedData(_ bytes: [UInt8]) throws {
        var written: Int32 = 0
        let done = Self.withNonNilPointer(bytes) { pointer in
            EVP_CipherUpdate(context, nil, &written, pointer, Int32(bytes.count))
        }
        guard done == 1 else {
            throw OpenSSLErrorQueue.failure("add associated data to \(name)")
        }
    }

    /// Encrypts or decrypts `input` in one call (SIV accepts only one), returning the output.
    /// A `false` result from OpenSSL is returned as `nil` so the caller can tell an
    /// authentication failure (SIV checks its tag here) from other failures.
    func update(_ input: [UInt8]) -> [UInt8]? {
        if input.isEmpty { return [] }
        var output = [UInt8](repeating: 0, count: input.count + 16)
        var written: Int32 = 0
        let done = output.withUnsafeMutableBufferPointer { out in
            input.withUnsafeBufferPointer { bytes in
                EVP_CipherUpdate(context, out.baseAddress, &written, bytes.baseAddress, Int32(bytes.count))
            }
        }
        guard done == 1 else { return nil }
        return Array(output.prefix(Int(written)))
    }

    /// Finishes the operation; `false` means the tag did not verify (when opening).
    func finish() -> Bool {
        var scratch = [UInt8](repeating: 0, count: 32)
        var written: Int32 = 0
        return EVP_CipherFinal_ex(context, &scratch, &written) == 1
    }

    func tag(count: Int) throws -> [UInt8] {
        var tag = [UInt8](repeating: 0, count: count)
        guard EVP_CIPHER_CTX_ctrl(context, EVP_CTRL_AEAD_GET_TAG, Int32(count), &tag) == 1 else {
            throw OpenSSLErrorQueue.failure("read the \(name) tag")
        }
        return tag
    }

    func setExpectedTag(_ tag: [UInt8]) throws {
        var tag = tag
        guard EVP_CIPHER_CTX_ctrl(context, EVP_CTRL_AEAD_SET_TAG, Int32(tag.count), &tag) == 1 else {
            throw OpenSSLErrorQueue.failure("set the expected \(name) tag")
        }
    }

    /// An empty Swift array may have no storage; OpenSSL wants a real pointer even for
    /// zero bytes of associated data, so lend it one.
    private static func withNonNilPointer<R>(_ bytes: [UInt8], _ body: (UnsafePointer<UInt8>) -> R) -> R {
        if bytes.isEmpty {
            var placeholder: UInt8 = 0
            return withUnsafePointer(to: &placeholder) { body($0) }
        }
        return bytes.withUnsafeBufferPointer { body($0.baseAddress!) }
    }
}
