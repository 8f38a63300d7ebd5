import COpenSSL

/// Bytes from OpenSSL's CSPRNG, for keys and nonces.
public enum SecureRandom {
    public static func bytes(_ count: Int) -> [UInt8] {
        precondition(count >= 0, "SecureRandom.bytes needs a count of zero or more")
        var bytes = [UInt8](repeating: 0, count: count)
        if count == 0 { return bytes }
        let done = bytes.withUnsafeMutableBufferPointer { buffer in
            RAND_bytes(buffer.baseAddress, Int32(count))
        }
        // Handing out predictable key material is worse than stopping.
        precondition(done == 1, "OpenSSL could not produce random bytes: \(OpenSSLErrorQueue.drainReason())")
        return bytes
    }
}
