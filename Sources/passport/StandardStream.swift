import Glibc

/// Buffered writes to a file descriptor (stdout is flushed before anything goes to stderr or the terminal).
final class StandardStream {
    let fd: Int32
    private var buffer: [UInt8] = []
    private let limit: Int

    init(fd: Int32, bufferSize: Int) { self.fd = fd; limit = bufferSize; buffer.reserveCapacity(bufferSize) }

    func write(_ text: String) {
        buffer.append(contentsOf: text.utf8)
        if buffer.count >= limit { flush() }
    }

    func flush() {
        var offset = 0
        while offset < buffer.count {
            let n = buffer.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if n < 0 { if errno == EINTR { continue }; break }
            offset += n
        }
        buffer.removeAll(keepingCapacity: true)
    }

    nonisolated(unsafe) static let out = StandardStream(fd: 1, bufferSize: 1 << 16)
    nonisolated(unsafe) static let err = StandardStream(fd: 2, bufferSize: 0)

    /// Writes to stderr after flushing stdout, so the two stay in order.
    static func error(_ text: String) { out.flush(); err.write(text); err.flush() }
}
