import COpenSSL

/// The synthetic IV of an empty plaintext, computed here because OpenSSL 3.0's AES-SIV
/// refuses to finish when no plaintext was fed to it. With nothing to encrypt, SIV is
/// S2V alone (RFC 5297 §2.4) over the associated data and the empty string, which needs
/// only AES-CMAC under the first half of the key.
package enum EmptyPlaintextSIV {
    static func syntheticIV(key: [UInt8], associatedData: [[UInt8]]) throws -> [UInt8] {
        try syntheticIV(key: key, associatedData: associatedData, shortPlaintext: [])
    }

    /// S2V for any plaintext shorter than a block; only the empty one is needed, the rest
    /// let tests check this S2V against OpenSSL's own.
    package static func syntheticIV(key: [UInt8], associatedData: [[UInt8]], shortPlaintext: [UInt8]) throws -> [UInt8] {
        precondition(shortPlaintext.count < 16, "this S2V handles only a last string shorter than one block")
        let macKey = Array(key.prefix(key.count / 2))
        let cbc = macKey.count == 32 ? "AES-256-CBC" : "AES-128-CBC"
        var d = try cmac(cbc, macKey, [UInt8](repeating: 0, count: 16))
        for component in associatedData {
            d = xor(doubled(d), try cmac(cbc, macKey, component))
        }
        // A last string shorter than a block: T = dbl(D) xor pad(Sn), where pad appends 10*.
        var t = doubled(d)
        for (index, byte) in shortPlaintext.enumerated() {
            t[index] ^= byte
        }
        t[shortPlaintext.count] ^= 0x80
        return try cmac(cbc, macKey, t)
    }

    private static func cmac(_ cbc: String, _ key: [UInt8], _ data: [UInt8]) throws -> [UInt8] {
        var mac = [UInt8](repeating: 0, count: 16)
        var length = 0
        let input = data.isEmpty ? [0] : data
        let done = key.withUnsafeBytes { keyBytes in
            input.withUnsafeBufferPointer { inputBytes in
                EVP_Q_mac(nil, "CMAC", nil, cbc, nil, keyBytes.baseAddress, keyBytes.count,
                          inputBytes.baseAddress, data.count, &mac, mac.count, &length)
            }
        }
        guard done != nil, length == 16 else {
            throw OpenSSLErrorQueue.failure("compute AES-CMAC")
        }
        return mac
    }

    /// Multiplication by x in GF(2^128), the "dbl" of RFC 5297 §2.3.
    private static func doubled(_ block: [UInt8]) -> [UInt8] {
        var result = [UInt8](repeating: 0, count: 16)
        for index in 0..<16 {
            let carry: UInt8 = index < 15 ? block[index + 1] >> 7 : 0
            result[index] = block[index] << 1 | carry
        }
        if block[0] & 0x80 != 0 {
            result[15] ^= 0x87
        }
        return result
    }

    private static func xor(_ a: [UInt8], _ b: [UInt8]) -> [UInt8] {
        zip(a, b).map { $0 ^ $1 }
    }
}
