import Glibc
import PassportLanguage
import PassportStore
import PassportTerminal

/// The interactive shell: libedit line editing, history, Tab, Ctrl-C and Ctrl-D.
final class Shell {
    let session: Session
    let options: StartupOptions
    let interpreter: Interpreter
    let completer: Completer

    init(session: Session, options: StartupOptions) {
        self.session = session
        self.options = options
        interpreter = Interpreter(session: session)
        completer = Completer(session: session)
    }

    func run() -> Int32 {
        let out = session.output
        out.color = TerminalInput.isTerminal(1) && Paths.env("NO_COLOR") == nil && Paths.env("TERM") != "dumb"
        let completer = self.completer
        // A terminal that cannot edit (TERM=dumb, as inside Emacs) gets plain line reading.
        let editor: LineReading = Paths.env("TERM") == "dumb"
            ? PlainLineReader(historyFile: Paths.history)
            : LineEditor(programName: "passport", historyFile: Paths.history) { text in
                completer.complete(text).map { CompletionAction(deleteBeforeCursor: $0.deleteBeforeCursor, insert: $0.insert, listing: $0.listing) }
            }
        session.confirm = { prompt in
            StandardStream.out.flush()
            if case .line(let answer) = editor.readLine(prompt: prompt) {
                return ["y", "yes"].contains(answer.trimmingCharacters().lowercased())
            }
            return false
        }
        session.readSecret = { prompt in TerminalInput.readSecret(prompt: prompt) }

        if let store = session.store as? SQLiteStore, let seconds = store.directoryLoadSeconds {
            let counts = (try? store.directoryCounts()) ?? (0, 0)
            StandardStream.error("Loaded \(counts.0) districts and \(counts.1) schools in \(String(format1: seconds)) s.\n")
        }
        out.raw("passport 0.1.0 — Data Access Consent requests to school districts.\n")
        out.raw("Type `help` for commands; Tab completes; Ctrl-D leaves. Store: \(session.storePath)\n")
        if let warning = editor.historyWarning { out.warn(warning) }
        StandardStream.out.flush()

        if !options.skipStartupFile, access(Paths.startupFile, R_OK) == 0 {
            runFile(Paths.startupFile)
        }

        var pending = ""
        var pendingLine = 1
        while session.exitCode == nil {
            let prompt = Prompt.text(session, continuation: !pending.isEmpty)
            StandardStream.out.flush()
            switch editor.readLine(prompt: prompt) {
            case .endOfInput:
                if !pending.isEmpty { pending = ""; continue }
                return 0
            case .interrupted:
                pending = ""
                continue
            case .line(let line):
                if pending.isEmpty { pendingLine = 1 }
                pending += pending.isEmpty ? line : "\n" + line
                if Lexer.needsMoreInput(line) { continue }
                let entry = pending
                pending = ""
                if entry.allSatisfy({ $0 == " " || $0 == "\t" }) { continue }
                editor.addHistory(HistoryRedaction.redact(entry))
                interpreter.run(text: entry, file: "<stdin>", firstLine: pendingLine) { error, _ in
                    self.report(error, in: entry)
                }
                StandardStream.out.flush()
            }
        }
        return session.exitCode ?? 0
    }

    /// The error with a caret under the word at fault.
    func report(_ error: LanguageError, in entry: String) {
        StandardStream.out.flush()
        var text = ""
        if !error.trace.isEmpty { text += error.trace.map { "in \($0): " }.joined() }
        text += "error: \(error.message)\n"
        if let pos = error.position {
            let lines = entry.split(separator: "\n", omittingEmptySubsequences: false)
            if pos.line - 1 < lines.count {
                let line = HistoryRedaction.mask(String(lines[pos.line - 1]))
                let before = String(line.prefix(pos.column - 1))
                let under = String(line.dropFirst(pos.column - 1).prefix(error.length))
                text += "  \(line)\n  " + String(repeating: " ", count: before.displayWidth)
                    + "^" + String(repeating: "~", count: max(0, under.displayWidth - 1)) + "\n"
            }
        }
        StandardStream.error(text)
    }

    func runFile(_ path: String) {
        guard let text = try? ScriptRunner.read(path) else { return }
        interpreter.run(text: text, file: path, pushFile: path) { error, file in
            StandardStream.error(Interpreter.diagnostic(error, file: file) + "\n")
        }
    }
}

extension String {
    func trimmingCharacters() -> String {
        String(drop(while: { $0 == " " }).reversed().drop(while: { $0 == " " || $0 == "\n" }).reversed())
    }
    init(format1 value: Double) {
        let tenths = Int((value * 10).rounded())
        self = "\(tenths / 10).\(tenths % 10)"
    }
}
