import Glibc

/// The few file operations the data plane needs, on Glibc directly.
enum FileSystem {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    static func errorText() -> String { String(cString: strerror(errno)) }

    /// The names in a folder (no `.` or `..`).
    static func list(_ folder: String) throws -> [String] {
        guard let dir = opendir(folder) else { throw Failure(description: "cannot open folder \(folder): \(errorText())") }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafePointer(to: entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted()
    }

    static func isDirectory(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR
    }

    /// Streams a file in chunks: `consume` gets everything not yet used (the unused tail
    /// of the previous chunk first) and whether it is the end, and returns how much it used.
    static func readChunks(_ path: String, chunkSize: Int = 4 << 20,
                           _ consume: (UnsafeBufferPointer<UInt8>, Bool) throws -> Int) throws {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw Failure(description: "cannot read \(path): \(errorText())") }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: chunkSize)
        var filled = 0
        while true {
            if filled == buffer.count { buffer.append(contentsOf: repeatElement(0, count: buffer.count)) }
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress! + filled, $0.count - filled) }
            if n < 0 {
                if errno == EINTR { continue }
                throw Failure(description: "cannot read \(path): \(errorText())")
            }
            filled += n
            let end = n == 0
            let used = try buffer.withUnsafeBufferPointer { try consume(UnsafeBufferPointer(rebasing: $0[0..<filled]), end) }
            if end { return }
            if used > 0 {
                buffer.withUnsafeMutableBytes { raw in
                    let base = raw.baseAddress!
                    _ = memmove(base, base + used, filled - used)
                }
                filled -= used
            }
        }
    }

    static func makeDirectory(_ path: String) throws {
        if mkdir(path, 0o755) != 0 && errno != EEXIST {
            throw Failure(description: "cannot make folder \(path): \(errorText())")
        }
    }
}
