/// A word as written: literal text and variable references, expanded when its command runs
/// (so `set X 1; echo $X` on one line sees the new value).
public struct Word: Sendable, Equatable {
    public enum Piece: Sendable, Equatable {
        case literal(String)
        case variable(String, SourcePosition)
    }
    public var pieces: [Piece]
    public var position: SourcePosition
    /// The word as typed, for carets and messages.
    public var source: String
    /// Quoted words are never flags or keywords.
    public var quoted: Bool

    /// The text when the word holds no variable.
    public var literalText: String? {
        var out = ""
        for p in pieces {
            guard case .literal(let s) = p else { return nil }
            out += s
        }
        return out
    }
}

/// A word after expansion: its final text and where it was written.
public struct Argument: Sendable, Equatable {
    public var text: String
    public var position: SourcePosition
    public var length: Int
    public var quoted: Bool

    public init(text: String, position: SourcePosition, length: Int, quoted: Bool) {
        self.text = text; self.position = position; self.length = length; self.quoted = quoted
    }

    public func error(_ message: String) -> LanguageError {
        LanguageError(message, at: position, length: length)
    }
}

/// The words of one command, before expansion.
public struct CommandText: Sendable, Equatable {
    public var words: [Word]
    public var position: SourcePosition { words.first?.position ?? SourcePosition(line: 1, column: 1) }
    /// The command as typed, for `--echo` and history.
    public var source: String
}
