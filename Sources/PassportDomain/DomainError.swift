/// A refusal written for the person at the terminal: what was wrong and, where it helps, how to write it.
public struct DomainError: Error, Equatable, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
