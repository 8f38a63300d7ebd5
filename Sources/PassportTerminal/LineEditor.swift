import CEditLine
import Glibc

/// Reads lines from the terminal with libedit: Emacs keys, history kept on disk, Tab completion
/// decided by the caller. Use it only when standard input is a terminal.
public final class LineEditor: LineReading {
    /// Set when the history file could not be read or was damaged: a sentence for the user
    /// (without a "warning:" prefix). The editor then starts with an empty history.
    public private(set) var historyWarning: String?

    private let editLine: OpaquePointer
    private let history: OpaquePointer
    private let historyFile: HistoryFile?
    private let completer: (_ textBeforeCursor: String) -> CompletionAction?
    private var entries: [String] = []
    private var prompt: UnsafeMutablePointer<CChar>
    private var promptText = ""
    private var interrupted = false

    static let historySize = 1000

    /// historyFile: nil = no persistent history. The file's directory is created (0700) if missing.
    public init(programName: String, historyFile: String?, completer: @escaping (_ textBeforeCursor: String) -> CompletionAction?) {
        Self.chooseUTF8Locale()
        self.completer = completer
        self.historyFile = historyFile.map(HistoryFile.init(path:))
        prompt = strdup("")
        guard let editLine = el_init(programName, passport_stdin(), passport_stdout(), passport_stderr()),
              let history = history_init()
        else { fatalError("libedit could not start") }
        self.editLine = editLine
        self.history = history

        passport_history_set_size(history, Int32(Self.historySize))
        passport_history_set_unique(history, 1)
        passport_el_set_clientdata(editLine, Unmanaged.passUnretained(self).toOpaque())
        passport_el_set_prompt(editLine) { el in LineEditor.owning(el).prompt }
        passport_el_set_editor(editLine, "emacs")
        passport_el_set_signal(editLine, 1)
        passport_el_set_history(editLine, history)
        passport_el_addfn(editLine, "passport-complete", "Complete the word before the cursor") { el, _ in
            LineEditor.owning(el).complete()
        }
        passport_el_bind(editLine, "^I", "passport-complete")
        passport_el_addfn(editLine, "passport-interrupt", "Abandon the line being typed") { el, _ in
            LineEditor.owning(el).interrupt()
        }
        passport_el_bind(editLine, "^C", "passport-interrupt")
        passport_el_disable_intr(editLine)
        el_source(editLine, nil)

        if let file = self.historyFile {
            historyWarning = file.createDirectory()
            let (loaded, warning) = file.load()
            historyWarning = historyWarning ?? warning
            for entry in loaded.suffix(Self.historySize) { remember(entry) }
        }
    }

    deinit {
        el_end(editLine)
        history_end(history)
        free(prompt)
    }

    public func readLine(prompt newPrompt: String) -> LineRead {
        if newPrompt != promptText {
            free(prompt)
            prompt = strdup(newPrompt)
            promptText = newPrompt
        }
        interrupted = false
        var count: Int32 = 0
        var text: UnsafePointer<CChar>?
        repeat {
            errno = 0
            text = el_gets(editLine, &count)
        } while text == nil && count < 0 && errno == EINTR
        if interrupted { return .interrupted }
        guard let text else {
            write("\n")
            return .endOfInput
        }
        var line = String(cString: text)
        if line.unicodeScalars.last == "\n" { line.unicodeScalars.removeLast() }
        return .line(line)
    }

    /// Add an entry and save the whole history at once: write a temporary file in the same
    /// directory, mode 0600, then rename over the old file.
    ///
    /// The file is re-read first (under a lock), so two shells at once keep both sessions' lines;
    /// each shell's Up arrow walks its own session plus what was on disk when it started.
    public func addHistory(_ entry: String) {
        guard !entry.isEmpty, !entry.utf8.contains(0) else { return }
        remember(entry)
        historyFile?.append(entry, limit: Self.historySize)
    }

    /// Keeps `entries` equal to what libedit holds: at most historySize, no adjacent duplicates.
    private func remember(_ entry: String) {
        guard entries.last != entry else { return }
        entries.append(entry)
        if entries.count > Self.historySize { entries.removeFirst(entries.count - Self.historySize) }
        passport_history_enter(history, entry)
    }

    private static func owning(_ el: OpaquePointer?) -> LineEditor {
        Unmanaged<LineEditor>.fromOpaque(passport_el_get_clientdata(el)!).takeUnretainedValue()
    }

    /// Without a UTF-8 character type libedit silently drops every non-ASCII byte.
    private static func chooseUTF8Locale() {
        let chosen = setlocale(LC_ALL, "")
        if chosen == nil || String(cString: nl_langinfo(nl_item(CODESET))) != "UTF-8" {
            setlocale(LC_CTYPE, "C.UTF-8")
        }
        // Numbers are printed the same whatever the user's language.
        setlocale(LC_NUMERIC, "C")
    }

    // MARK: Key functions, called by libedit from inside el_gets

    /// Ctrl-C: show ^C at the end of the line, then let the pushed newline finish the read;
    /// readLine sees `interrupted` and drops the text.
    private func interrupt() -> UInt8 {
        interrupted = true
        if let info = el_wline(editLine)?.pointee, let cursor = info.cursor, let end = info.lastchar {
            _ = el_cursor(editLine, Int32(end - cursor))
        }
        _ = el_insertstr(editLine, "^C")
        el_push(editLine, "\n")
        return UInt8(CC_REFRESH)
    }

    private func complete() -> UInt8 {
        guard let info = el_wline(editLine)?.pointee, let start = info.buffer, let cursor = info.cursor else {
            return UInt8(CC_ERROR)
        }
        let before = Self.text(start, cursor - start)
        guard let action = completer(before) else { return UInt8(CC_ERROR) }
        let deleted = min(max(action.deleteBeforeCursor, 0), before.unicodeScalars.count)
        if deleted > 0 { el_deletestr(editLine, Int32(deleted)) }
        if !action.insert.isEmpty, el_insertstr(editLine, action.insert) != 0 { return UInt8(CC_ERROR) }
        if action.listing.isEmpty { return UInt8(CC_REFRESH) }
        show(action.listing)
        return UInt8(CC_REDISPLAY)
    }

    /// Prints the listing under the whole input (which may span several rows); CC_REDISPLAY
    /// then draws the prompt and line again below it.
    private func show(_ listing: [String]) {
        let columns = max(Int(passport_el_terminal_columns(editLine)), 1)
        var rowsBelowCursor = 0
        if let info = el_wline(editLine)?.pointee, let start = info.buffer, let cursor = info.cursor, let end = info.lastchar {
            let promptWidth = Self.width(promptText.unicodeScalars)
            let cursorColumn = promptWidth + Self.width(Self.text(start, cursor - start).unicodeScalars)
            let endColumn = promptWidth + Self.width(Self.text(start, end - start).unicodeScalars)
            rowsBelowCursor = max(0, (endColumn - 1) / columns - cursorColumn / columns)
        }
        write("\r" + String(repeating: "\n", count: rowsBelowCursor + 1))
        let rows = Int(passport_el_terminal_rows(editLine))
        if rows > 0 && listing.count > rows {
            write("Display all \(listing.count) possibilities? (y or n)")
            var answer: CChar = 0
            let read = el_getc(editLine, &answer)
            write("\n")
            guard read == 1, answer == CChar(UInt8(ascii: "y")) || answer == CChar(UInt8(ascii: "Y")) || answer == CChar(UInt8(ascii: " ")) else {
                return
            }
        }
        // Longer than the screen: a page at a time, as `more` does (space: next page, Enter: next line, q: stop).
        let page = rows > 1 ? rows - 1 : listing.count
        var shown = 0
        var step = page
        while shown < listing.count {
            let next = min(listing.count, shown + step)
            write(listing[shown..<next].map { $0 + "\n" }.joined())
            shown = next
            guard shown < listing.count else { break }
            write("--More-- (\(shown) of \(listing.count); space, Enter or q)")
            var key: CChar = 0
            let read = el_getc(editLine, &key)
            write("\r\u{1B}[K")
            if read != 1 || key == CChar(UInt8(ascii: "q")) || key == CChar(UInt8(ascii: "Q")) || key == 3 { break }
            step = key == CChar(UInt8(ascii: "\r")) || key == CChar(UInt8(ascii: "\n")) ? 1 : page
        }
    }

    private func write(_ text: String) {
        let out = passport_stdout()
        fputs(text, out)
        fflush(out)
    }

    private static func text(_ start: UnsafePointer<wchar_t>, _ count: Int) -> String {
        var scalars = String.UnicodeScalarView()
        for wide in UnsafeBufferPointer(start: start, count: count) {
            if let scalar = Unicode.Scalar(UInt32(bitPattern: wide)) { scalars.append(scalar) }
        }
        return String(scalars)
    }

    /// Terminal columns the way libedit draws them: control characters as ^X, other unprintables as \ooo.
    private static func width(_ scalars: String.UnicodeScalarView) -> Int {
        scalars.reduce(0) { total, scalar in
            let columns = Int(wcwidth(wchar_t(bitPattern: scalar.value)))
            if columns >= 0 { return total + columns }
            return total + (scalar.value < 0x20 || scalar.value == 0x7F ? 2 : 4)
        }
    }
}
