import Glibc

/// The history on disk, in libedit's format: a `_HiStOrY_V2_` line, then one entry a line,
/// encoded the way strvis(3) does (blanks and control characters as `\ooo`, backslash as `\\`).
/// Written by hand rather than with H_LOAD/H_SAVE: H_SAVE writes in place, and H_LOAD does not
/// tell a damaged file from a good one.
struct HistoryFile {
    let path: String

    private static let cookie = "_HiStOrY_V2_"

    /// The entries, oldest first. A missing or empty file is an empty history; a damaged or
    /// unreadable one is an empty history and a warning for the user.
    func load() -> (entries: [String], warning: String?) {
        let bytes: [UInt8]
        switch readAll() {
        case .success(let read): bytes = read
        case .failure(let problem): return ([], "cannot read history file \(path) (\(problem)); starting with an empty history")
        }
        if bytes.isEmpty { return ([], nil) }
        let damaged = "history file \(path) is damaged; starting with an empty history"
        var lines = bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        if lines.last?.isEmpty == true { lines.removeLast() }
        guard let header = lines.first, header.elementsEqual(Self.cookie.utf8) else { return ([], damaged) }
        var entries: [String] = []
        for line in lines.dropFirst() where !line.isEmpty {
            guard let entry = Self.decode(line) else { return ([], damaged) }
            entries.append(entry)
        }
        return (entries, nil)
    }

    /// Writes every entry to a temporary file beside the old one, mode 0600, then renames it
    /// over the old file, so a crash never leaves half a history.
    @discardableResult
    func save(_ entries: [String]) -> Bool {
        var contents = Array((Self.cookie + "\n").utf8)
        for entry in entries {
            contents += Self.encode(entry)
            contents.append(UInt8(ascii: "\n"))
        }
        var template = Array("\(path).XXXXXX".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { return false }
        let temporary = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        let written = fchmod(fd, 0o600) == 0 && writeAll(fd, contents) && fsync(fd) == 0
        close(fd)
        guard written, rename(temporary, path) == 0 else {
            unlink(temporary)
            return false
        }
        return true
    }

    /// Adds one entry to the file as it is on disk now (re-read under a lock), so two shells at
    /// once keep both sessions' lines. Keeps the newest `limit` entries.
    func append(_ entry: String, limit: Int) {
        locked {
            var onDisk = load().entries
            if onDisk.last != entry { onDisk.append(entry) }
            save(Array(onDisk.suffix(limit)))
        }
    }

    /// Runs `body` holding an exclusive lock (a `.lock` file beside the history), so two shells
    /// saving at the same moment do not lose each other's lines.
    func locked(_ body: () -> Void) {
        let fd = open(path + ".lock", O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        if fd >= 0 { _ = flock(fd, LOCK_EX) }
        body()
        if fd >= 0 { _ = flock(fd, LOCK_UN); close(fd) }
    }

    /// Creates the file's directory and any missing parents, mode 0700.
    func createDirectory() -> String? {
        var directory = ""
        let parts = path.split(separator: "/", omittingEmptySubsequences: false).dropLast()
        for (index, part) in parts.enumerated() {
            directory += index == 0 ? String(part) : "/" + part
            if directory.isEmpty { continue }
            if mkdir(directory, 0o700) != 0 && errno != EEXIST {
                return "cannot create directory \(directory) (\(String(cString: strerror(errno)))); history will not be saved"
            }
        }
        return nil
    }

    private func readAll() -> Result<[UInt8], ReadProblem> {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 {
            return errno == ENOENT ? .success([]) : .failure(ReadProblem(errno: errno))
        }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            if count < 0 { return .failure(ReadProblem(errno: errno)) }
            if count == 0 { return .success(bytes) }
            bytes += chunk[0..<count]
        }
    }

    private func writeAll(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let count = bytes[offset...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            if count <= 0 { return false }
            offset += count
        }
        return true
    }

    private struct ReadProblem: Error, CustomStringConvertible {
        let errno: Int32
        var description: String { String(cString: strerror(errno)) }
    }

    static func encode(_ entry: String) -> [UInt8] {
        var encoded: [UInt8] = []
        for byte in entry.utf8 {
            if byte == UInt8(ascii: "\\") {
                encoded += [byte, byte]
            } else if byte <= 0x20 || byte == 0x7F {
                encoded += [UInt8(ascii: "\\"), 0x30 + (byte >> 6), 0x30 + ((byte >> 3) & 7), 0x30 + (byte & 7)]
            } else {
                encoded.append(byte)
            }
        }
        return encoded
    }

    /// Undoes strvis(3) in all the styles libedit may have written; nil for a damaged line.
    static func decode(_ line: ArraySlice<UInt8>) -> String? {
        var bytes: [UInt8] = []
        var rest = line[...]
        func next() -> UInt8? { rest.popFirst() }
        func control(_ byte: UInt8?) -> UInt8? {
            guard let byte else { return nil }
            return byte == UInt8(ascii: "?") ? 0x7F : byte & 0x1F
        }
        while let byte = next() {
            guard byte == UInt8(ascii: "\\") else { bytes.append(byte); continue }
            guard let escaped = next() else { return nil }
            switch escaped {
            case UInt8(ascii: "0")...UInt8(ascii: "7"):
                var value = Int(escaped - 0x30)
                for _ in 0..<2 {
                    guard let digit = rest.first, (0x30...0x37).contains(digit) else { break }
                    value = value * 8 + Int(digit - 0x30)
                    _ = next()
                }
                guard value < 256 else { return nil }
                bytes.append(UInt8(value))
            case UInt8(ascii: "\\"): bytes.append(escaped)
            case UInt8(ascii: "n"): bytes.append(0x0A)
            case UInt8(ascii: "t"): bytes.append(0x09)
            case UInt8(ascii: "r"): bytes.append(0x0D)
            case UInt8(ascii: "b"): bytes.append(0x08)
            case UInt8(ascii: "a"): bytes.append(0x07)
            case UInt8(ascii: "v"): bytes.append(0x0B)
            case UInt8(ascii: "f"): bytes.append(0x0C)
            case UInt8(ascii: "s"): bytes.append(0x20)
            case UInt8(ascii: "E"): bytes.append(0x1B)
            case UInt8(ascii: "^"):
                guard let value = control(next()) else { return nil }
                bytes.append(value)
            case UInt8(ascii: "M"):
                switch next() {
                case UInt8(ascii: "-"):
                    guard let value = next() else { return nil }
                    bytes.append(value | 0x80)
                case UInt8(ascii: "^"):
                    guard let value = control(next()) else { return nil }
                    bytes.append(value | 0x80)
                default: return nil
                }
            default: return nil
            }
        }
        guard !bytes.contains(0) else { return nil }
        return String(validating: bytes, as: UTF8.self)
    }
}
