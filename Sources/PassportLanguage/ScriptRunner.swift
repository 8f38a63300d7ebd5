#if canImport(Glibc)
import Glibc
#endif

/// Reading script files, and `run FILE` nesting them.
public enum ScriptRunner {
    public struct ReadError: Error, CustomStringConvertible { public var description: String }

    /// The largest script passport reads (a script is text someone wrote, not data).
    public static let maximumSize = 64 * 1024 * 1024

    public static func read(_ path: String) throws -> String {
        var st = stat()
        guard stat(path, &st) == 0 else { throw ReadError(description: "cannot read \(path): \(String(cString: strerror(errno)))") }
        guard (st.st_mode & S_IFMT) == S_IFREG else { throw ReadError(description: "\(path) is not a regular file, so it is not read as a script") }
        guard Int(st.st_size) <= maximumSize else { throw ReadError(description: "\(path) is \(st.st_size / 1_048_576) MB; a script may be at most 64 MB") }
        guard let f = fopen(path, "rb") else { throw ReadError(description: "cannot read \(path): \(String(cString: strerror(errno)))") }
        defer { fclose(f) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            let n = fread(&chunk, 1, chunk.count, f)
            if n == 0 { break }
            bytes.append(contentsOf: chunk[0..<n])
        }
        if ferror(f) != 0 { throw ReadError(description: "cannot read \(path): \(String(cString: strerror(errno)))") }
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            // Say where: the line of the first byte that is not UTF-8.
            var line = 1, i = 0
            while i < bytes.count {
                if String(validating: bytes[i..<min(bytes.count, i + 4)].prefix(1), as: UTF8.self) == nil && bytes[i] >= 0x80 {
                    let width = bytes[i] >= 0xF0 ? 4 : bytes[i] >= 0xE0 ? 3 : 2
                    if i + width > bytes.count || String(validating: bytes[i..<i + width], as: UTF8.self) == nil { break }
                    i += width; continue
                }
                if bytes[i] == 0x0A { line += 1 }
                i += 1
            }
            throw ReadError(description: "\(path):\(line): not UTF-8 text; save the script as UTF-8")
        }
        // A `#!` first line is a comment already; nothing to strip.
        return text
    }

    /// `run FILE [ARGS]`: runs the file in this session with its own $1…, and paths relative to it.
    static func runNested(_ inv: Invocation) throws {
        let session = inv.session
        let fileWord = inv.positionals[0]
        let path = session.resolvePath(fileWord.text)
        let canonical = realPath(path) ?? path
        if session.scriptStack.contains(where: { (realPath($0.file) ?? $0.file) == canonical }) {
            throw fileWord.error("\(fileWord.text) is already running (a cycle: \((session.scriptStack.map(\.file) + [path]).joined(separator: " → ")))")
        }
        guard session.scriptStack.count < Interpreter.maximumDepth else {
            throw fileWord.error("scripts nest more than \(Interpreter.maximumDepth) deep")
        }
        let text: String
        do { text = try read(path) } catch { throw fileWord.error("\(error)") }
        let savedArgs = session.scriptArguments
        session.scriptArguments = inv.positionals.dropFirst().map(\.text)
        session.scriptStack.append((path, 0))
        defer { session.scriptStack.removeLast(); session.scriptArguments = savedArgs }
        var failure: LanguageError?
        let keepGoing = session.options.keepGoing
        // Under --keep-going each inner error is printed where it happens, with the chain of `run`s above it.
        let outer = session.scriptStack.dropLast().last?.file ?? "<command>"
        let here = "\(outer):\(inv.commandWord.position.line):\(inv.commandWord.position.column)"
        session.runChain.append(here)
        defer { session.runChain.removeLast() }
        let chain = session.runChain
        let ok = Interpreter(session: session).run(text: text, file: path) { e, file in
            if failure == nil { failure = e }
            if keepGoing { session.output.error(chain.map { "\($0): in " }.joined() + Interpreter.diagnostic(e, file: file)) }
        }
        if !ok, var inner = failure {
            if keepGoing { inner.alreadyReported = true; throw inner }
            // The outer error points at `run`; the chain names where inside it failed.
            let place = inner.position.map { "\(path):\($0.line):\($0.column)" } ?? path
            inner.trace = [place] + inner.trace
            inner.position = inv.commandWord.position
            inner.length = inv.commandWord.length
            throw inner
        }
    }

    static func realPath(_ path: String) -> String? {
        guard let p = realpath(path, nil) else { return nil }
        defer { free(p) }
        return String(cString: p)
    }
}
