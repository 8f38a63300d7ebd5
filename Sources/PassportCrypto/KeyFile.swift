#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A 32-byte secret key in a file only its owner can read (mode 0600), made on first
/// use; it keeps the SFTP passwords encrypted beside the store.
public struct KeyFile: Sendable {
    public static let keyLength = 32

    /// Reads the key at `path`, or makes a new random one there if no file exists yet.
    /// Refuses a file of the wrong size or one that group or others may read.
    public static func loadOrCreate(path: String) throws -> [UInt8] {
        if let key = try load(path: path) {
            return key
        }
        return try create(path: path)
    }

    /// The key at `path`, or nil if there is no file.
    private static func load(path: String) throws -> [UInt8]? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        if descriptor < 0 {
            if errno == ENOENT { return nil }
            throw problem(path, "cannot be opened: \(lastSystemError())")
        }
        defer { close(descriptor) }

        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            throw problem(path, "cannot be examined: \(lastSystemError())")
        }
        guard status.st_mode & S_IFMT == S_IFREG else {
            throw problem(path, "is not a regular file.")
        }
        let permissions = status.st_mode & 0o777
        guard permissions & 0o077 == 0 else {
            let octal = String(permissions, radix: 8)
            throw problem(path, "may be read by other users (mode \(octal)); run `chmod 600 \(path)` if it is yours.")
        }
        guard status.st_size == keyLength else {
            throw problem(path, "holds \(status.st_size) bytes, but a key is \(keyLength) bytes; it is damaged or not a key file.")
        }

        var key = [UInt8](repeating: 0, count: keyLength)
        var filled = 0
        while filled < keyLength {
            let count = key.withUnsafeMutableBytes { buffer in
                read(descriptor, buffer.baseAddress! + filled, keyLength - filled)
            }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else {
                throw problem(path, "cannot be read: \(count == 0 ? "it ended early" : lastSystemError())")
            }
            filled += count
        }
        return key
    }

    /// Writes a new key beside `path` and links it into place, so no reader ever sees a
    /// half-written key and two processes racing to create it end up sharing one.
    private static func create(path: String) throws -> [UInt8] {
        let key = SecureRandom.bytes(keyLength)
        let draft = path + ".new-" + Base64URL.encode(SecureRandom.bytes(6))
        let descriptor = open(draft, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw problem(path, "cannot be created: \(lastSystemError())")
        }
        defer { unlink(draft) }

        var written = 0
        while written < keyLength {
            let count = key.withUnsafeBytes { buffer in
                write(descriptor, buffer.baseAddress! + written, keyLength - written)
            }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else {
                let reason = lastSystemError()
                close(descriptor)
                throw problem(path, "cannot be written: \(reason)")
            }
            written += count
        }
        guard fsync(descriptor) == 0 else {
            let reason = lastSystemError()
            close(descriptor)
            throw problem(path, "cannot be saved to disk: \(reason)")
        }
        close(descriptor)

        if link(draft, path) != 0 {
            if errno == EEXIST, let existing = try load(path: path) {
                return existing
            }
            throw problem(path, "cannot be created: \(lastSystemError())")
        }
        return key
    }

    private static func problem(_ path: String, _ text: String) -> CryptoError {
        .keyFile(path: path, problem: text)
    }

    private static func lastSystemError() -> String {
        String(cString: strerror(errno))
    }
}
