import Glibc

/// Bytes going to a file through a buffer, so a large CSV is never held whole in memory.
final class FileSink {
    private let fd: Int32
    private let path: String
    private(set) var buffer: [UInt8] = []
    private let limit = 1 << 20

    init(path: String) throws {
        fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { throw FileSystem.Failure(description: "cannot write \(path): \(FileSystem.errorText())") }
        self.path = path
        buffer.reserveCapacity(limit + 4096)
    }

    deinit { close(fd) }

    func append(_ bytes: [UInt8]) throws {
        buffer.append(contentsOf: bytes)
        if buffer.count >= limit { try flush() }
    }

    func flush() throws {
        var done = 0
        while done < buffer.count {
            let n = buffer.withUnsafeBytes { write(fd, $0.baseAddress! + done, $0.count - done) }
            if n < 0 {
                if errno == EINTR { continue }
                throw FileSystem.Failure(description: "cannot write \(path): \(FileSystem.errorText())")
            }
            done += n
        }
        buffer.removeAll(keepingCapacity: true)
    }
}
