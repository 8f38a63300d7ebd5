import Glibc

/// What the shell reads its lines through: libedit on a real terminal, or plain reading.
public protocol LineReading: AnyObject {
    func readLine(prompt: String) -> LineRead
    func addHistory(_ entry: String)
    var historyWarning: String? { get }
}

/// Lines from a terminal that cannot edit (`TERM=dumb`, as inside Emacs): the prompt, then the line
/// as the terminal's own line discipline delivers it. History is still kept on disk.
public final class PlainLineReader: LineReading {
    public private(set) var historyWarning: String?
    private let historyFile: HistoryFile?

    public init(historyFile: String?) {
        self.historyFile = historyFile.map(HistoryFile.init(path:))
        if let file = self.historyFile {
            historyWarning = file.createDirectory() ?? file.load().warning
        }
    }

    public func readLine(prompt: String) -> LineRead {
        _ = prompt.withCString { write(1, $0, strlen($0)) }
        var bytes: [UInt8] = []
        var byte: UInt8 = 0
        while true {
            let n = read(0, &byte, 1)
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return bytes.isEmpty ? .endOfInput : .line(String(decoding: bytes, as: UTF8.self)) }
            if byte == 0x0A { return .line(String(decoding: bytes, as: UTF8.self)) }
            bytes.append(byte)
        }
    }

    public func addHistory(_ entry: String) {
        guard !entry.isEmpty, !entry.utf8.contains(0) else { return }
        historyFile?.append(entry, limit: LineEditor.historySize)
    }
}
