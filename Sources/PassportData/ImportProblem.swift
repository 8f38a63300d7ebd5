/// One thing wrong in an imported roster, where it is: `file:line:column: message`.
/// Lines and columns are 1-based; the column counts characters on that line, so an
/// editor jumps straight to the field.
public struct ImportProblem: Sendable, Equatable, Hashable, Codable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int
    public var message: String

    public init(file: String, line: Int, column: Int, message: String) {
        self.file = file; self.line = line; self.column = column; self.message = message
    }

    public var description: String { "\(file):\(line):\(column): \(message)" }
}
