/// The outcome of asking the user for one line.
public enum LineRead: Sendable, Equatable {
    /// A line the user entered, without its trailing newline.
    case line(String)
    /// Ctrl-C: the line being typed was abandoned; the shell goes on.
    case interrupted
    /// Ctrl-D on an empty line, or the terminal went away.
    case endOfInput
}
