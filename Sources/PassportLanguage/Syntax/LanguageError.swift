/// Where in the input something is: 1-based line and column (in characters).
public struct SourcePosition: Sendable, Equatable, Comparable {
    public var line: Int
    public var column: Int
    public init(line: Int, column: Int) { self.line = line; self.column = column }
    public static func < (a: SourcePosition, b: SourcePosition) -> Bool { (a.line, a.column) < (b.line, b.column) }
}

/// An error in a command, with the place it points at (the word at fault) when known.
public struct LanguageError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public var position: SourcePosition?
    /// How many characters from `position` the error covers (for the caret line).
    public var length: Int
    /// The chain of scripts this error happened inside, outermost first ("outer.passport:4").
    public var trace: [String] = []
    /// Printed already (inside a `run` under --keep-going); it only makes the outer command fail.
    public var alreadyReported = false

    public init(_ message: String, at position: SourcePosition? = nil, length: Int = 1) {
        self.message = message; self.position = position; self.length = max(1, length)
    }
    public var description: String { message }
}
