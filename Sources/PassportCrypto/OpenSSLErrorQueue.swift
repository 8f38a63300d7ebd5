import COpenSSL

/// OpenSSL reports failures on a per-thread queue; these read and empty it so one
/// operation's leftovers never show up as the reason for the next one's failure.
enum OpenSSLErrorQueue {
    static func clear() {
        ERR_clear_error()
    }

    /// The oldest queued reason (the root cause), or a fallback, and an empty queue after.
    static func drainReason() -> String {
        var reason: String?
        while true {
            let code = ERR_get_error()
            if code == 0 { break }
            if reason == nil {
                var buffer = [CChar](repeating: 0, count: 256)
                ERR_error_string_n(code, &buffer, buffer.count)
                reason = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            }
        }
        return reason ?? "no reason given"
    }

    static func failure(_ operation: String) -> CryptoError {
        .openssl(operation: operation, reason: drainReason())
    }
}
