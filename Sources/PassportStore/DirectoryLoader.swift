#if canImport(Glibc)
import Glibc
#endif

/// Loads the public directory of districts and schools (shipped with passport) into a store.
enum DirectoryLoader {
    struct LoadError: Error, CustomStringConvertible { var description: String }

    /// Where the shipped CSVs are: `PASSPORT_DIRECTORY_DATA`, `share/passport/Directory` beside the executable,
    /// or the source tree this binary was built from.
    static func dataFolder() throws -> String {
        var candidates: [String] = []
        if let env = getenv("PASSPORT_DIRECTORY_DATA") { candidates.append(String(cString: env)) }
        var buf = [CChar](repeating: 0, count: 4096)
        let n = readlink("/proc/self/exe", &buf, buf.count - 1)
        if n > 0 {
            let exe = buf.withUnsafeBufferPointer { String(decoding: UnsafeRawBufferPointer($0).prefix(n), as: UTF8.self) }
            let dir = exe.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
            candidates.append(dir + "/../share/passport/Directory")
        }
        let source = #filePath.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
        candidates.append(source + "/Directory")
        for c in candidates where access(c + "/districts.csv", R_OK) == 0 && access(c + "/schools.csv", R_OK) == 0 {
            return c
        }
        throw LoadError(description: "the directory data (districts.csv, schools.csv) was not found; looked in: \(candidates.joined(separator: ", "))")
    }

    static func readFile(_ path: String) throws -> [UInt8] {
        guard let f = fopen(path, "rb") else { throw LoadError(description: "cannot read \(path): \(String(cString: strerror(errno)))") }
        defer { fclose(f) }
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let n = fread(&chunk, 1, chunk.count, f)
            if n == 0 { break }
            out.append(contentsOf: chunk[0..<n])
        }
        return out
    }

    /// Calls `row` with the fields of each record after the header (RFC 4180: quoted fields may
    /// hold commas, quotes and newlines). Unquoted fields are slices of `bytes`, not copies.
    static func forEachRecord(_ bytes: [UInt8], expectedFields: Int, file: String,
                              _ row: (_ fields: [ArraySlice<UInt8>]) throws -> Void) throws {
        var i = 0
        let end = bytes.count
        if end >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { i = 3 }
        var line = 1
        var header = true
        var fields: [ArraySlice<UInt8>] = []
        fields.reserveCapacity(expectedFields)
        while i < end {
            fields.removeAll(keepingCapacity: true)
            let startLine = line
            while true {
                if i < end, bytes[i] == UInt8(ascii: "\"") {
                    var value: [UInt8] = []
                    i += 1
                    while i < end {
                        if bytes[i] == UInt8(ascii: "\"") {
                            if i + 1 < end, bytes[i + 1] == UInt8(ascii: "\"") { value.append(0x22); i += 2; continue }
                            i += 1; break
                        }
                        if bytes[i] == 0x0A { line += 1 }
                        value.append(bytes[i]); i += 1
                    }
                    fields.append(value[...])
                } else {
                    let s = i
                    while i < end, bytes[i] != UInt8(ascii: ","), bytes[i] != 0x0A, bytes[i] != 0x0D { i += 1 }
                    fields.append(bytes[s..<i])
                }
                if i < end, bytes[i] == UInt8(ascii: ",") { i += 1; continue }
                if i < end, bytes[i] == 0x0D { i += 1 }
                if i < end, bytes[i] == 0x0A { i += 1 }
                line += 1
                break
            }
            if header { header = false; continue }
            if fields.count == 1, fields[0].isEmpty { continue }  // blank line
            guard fields.count >= expectedFields else {
                throw LoadError(description: "\(file):\(startLine): expected \(expectedFields) fields, found \(fields.count)")
            }
            try row(fields)
        }
    }
}
