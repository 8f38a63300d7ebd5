#if canImport(Glibc)
import Glibc
#endif
import PassportDomain

/// Runs commands: from a script file, `-c`, a pipe, or one line typed at the prompt.
public final class Interpreter {
    public let session: Session
    /// How deep `run` may nest scripts.
    public static let maximumDepth = 16

    public init(session: Session) { self.session = session }

    /// Expands a word's variables: session variables first, then the environment; unknown is an error.
    func expand(_ word: Word) throws -> Argument {
        var text = ""
        for piece in word.pieces {
            switch piece {
            case .literal(let s): text += s
            case .variable(let name, let pos):
                if let n = Int(name) {
                    guard n >= 1, n <= session.scriptArguments.count else {
                        throw LanguageError("$\(name) is not set: the script was given \(session.scriptArguments.count) argument\(session.scriptArguments.count == 1 ? "" : "s")", at: pos, length: name.count + 1)
                    }
                    text += session.scriptArguments[n - 1]
                } else if let v = session.variables[name] ?? session.environment(name) {
                    text += v
                } else {
                    throw LanguageError("unknown variable $\(name); set it with `set \(name) VALUE` or in the environment", at: pos, length: name.count + 1)
                }
            }
        }
        return Argument(text: text, position: word.position, length: max(1, word.source.count), quoted: word.quoted)
    }

    /// Runs one command.
    public func run(_ command: CommandText) throws {
        if session.options.echo { session.output.raw("> " + HistoryRedaction.mask(command.source) + "\n") }
        let args = try command.words.map(expand)
        let (spec, commandWord, positionals, flags) = try session.registry.parse(args)
        let inv = Invocation(spec: spec, session: session, commandWord: commandWord, positionals: positionals, flags: flags)
        // `run` nests whole scripts: each command inside is a command of its own.
        let own = spec.name != "run"
        if own { session.output.beginCommand() }
        defer { if own { session.output.endCommand() } }
        do {
            try spec.run(inv)
        } catch let e as LanguageError {
            throw e
        } catch {
            throw inv.error("\(error)")
        }
    }

    /// The outcome of running a text.
    public struct Failure: Error {
        public var error: LanguageError
        public var file: String
    }

    /// Runs every command of `text` (a whole script, `-c`, or one typed line), stopping at the first
    /// failure unless keep-going is on. Reports each failure through `report`; returns whether all succeeded.
    @discardableResult
    public func run(text: String, file: String, firstLine: Int = 1, pushFile: String? = nil,
                    report: (LanguageError, String) -> Void) -> Bool {
        if let pushFile { session.scriptStack.append((pushFile, 0)) }
        defer { if pushFile != nil { session.scriptStack.removeLast() } }
        var ok = true
        // Lex line by line, so commands before a malformed line still run, as a script reads.
        var lines: [(String, Int)] = []
        var pending = ""
        var pendingStart = firstLine
        var lineNumber = firstLine
        // Lines are found in the UTF-8 bytes: splitting by Character would weigh every grapheme.
        for raw in text.utf8.split(separator: 0x0A, omittingEmptySubsequences: false) {
            let bytes = raw.last == 0x0D ? raw.dropLast() : raw[...]
            let line = String(Substring(bytes))
            if pending.isEmpty { pendingStart = lineNumber }
            pending += pending.isEmpty ? line : "\n" + line
            // Quotes never span lines, so whether a command goes on is told by its last line alone.
            if !Lexer.needsMoreInput(line) { lines.append((pending, pendingStart)); pending = "" }
            lineNumber += 1
        }
        if !pending.isEmpty { lines.append((pending, pendingStart)) }
        for (chunk, start) in lines {
            let commands: [CommandText]
            do { commands = try Lexer.commands(chunk, firstLine: start) } catch let e as LanguageError {
                report(e, file); ok = false
                if !session.options.keepGoing { return false }
                continue
            } catch { continue }
            for command in commands {
                do { try run(command) } catch let e as LanguageError {
                    if !e.alreadyReported { report(e, file) }
                    ok = false
                    if !session.options.keepGoing { return false }
                } catch {
                    report(LanguageError("\(error)", at: command.position), file); ok = false
                    if !session.options.keepGoing { return false }
                }
                if session.exitCode != nil { return ok }
            }
        }
        return ok
    }

    /// `FILE:LINE:COLUMN: error: MESSAGE`, with the chain of scripts it happened inside.
    public static func diagnostic(_ e: LanguageError, file: String) -> String {
        let place = e.position.map { "\(file):\($0.line):\($0.column)" } ?? file
        let chain = e.trace.map { "in \($0): " }.joined()
        return "\(place): \(chain)error: \(e.message)"
    }
}
