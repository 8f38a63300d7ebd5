/// One command about to run: its spec, its expanded words and the session it runs in.
public final class Invocation {
    public let spec: CommandSpec
    public let session: Session
    /// The command's own words (`district use`), for errors about the whole command.
    public let commandWord: Argument
    public let positionals: [Argument]
    public let flags: [String: Argument]

    init(spec: CommandSpec, session: Session, commandWord: Argument, positionals: [Argument], flags: [String: Argument]) {
        self.spec = spec; self.session = session; self.commandWord = commandWord
        self.positionals = positionals; self.flags = flags
    }

    public var output: Output { session.output }
    public func say(_ s: String) { session.output.say(s) }

    public func has(_ flag: String) -> Bool { flags[flag] != nil }
    public func flag(_ name: String) -> String? { flags[name]?.text }

    public func argument(_ i: Int) -> Argument? { i < positionals.count ? positionals[i] : nil }

    /// The rest of the words from `i` on, joined by blanks (for free text like `message`).
    public func text(from i: Int) -> String? {
        guard i < positionals.count else { return nil }
        return positionals[i...].map(\.text).joined(separator: " ")
    }

    /// An error pointing at the command itself.
    public func error(_ message: String) -> LanguageError {
        LanguageError(message, at: commandWord.position, length: commandWord.length)
    }

    /// Runs a domain rule, pointing its refusal at `word` (or the command).
    public func checked<T>(_ word: Argument? = nil, _ body: () throws -> T) throws -> T {
        do { return try body() } catch let e as LanguageError { throw e } catch {
            let message = "\(error)"
            if let word { throw word.error(message) }
            throw self.error(message)
        }
    }
}
