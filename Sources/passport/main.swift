import Glibc
import PassportLanguage
import PassportStore

// The thin executable: read the command line, open the store, and hand over to a script run or the shell.

let arguments = Array(CommandLine.arguments.dropFirst())
let options: StartupOptions
do {
    options = try StartupOptions.parse(arguments)
} catch let e as StartupOptions.UsageError {
    StandardStream.error("passport: \(e.message)\n\(StartupOptions.usage)\n")
    exit(2)
}
if options.help { StandardStream.out.write(StartupOptions.usage + "\n"); StandardStream.out.flush(); exit(0) }
if options.version { StandardStream.out.write("passport 0.1.0\n"); StandardStream.out.flush(); exit(0) }

let stdinIsTerminal = isatty(0) == 1
let interactive = options.commands == nil && options.file == nil && stdinIsTerminal
let storePath = options.store ?? Paths.env("PASSPORT_STORE") ?? Paths.defaultStore
if let named = getenv("PASSPORT_STORE").map({ String(cString: $0) }), options.store == nil, named.isEmpty || named.hasPrefix(":") {
    StandardStream.error("passport: PASSPORT_STORE needs the path of a store file, not '\(named)'\n")
    exit(2)
}

func fail(_ message: String) -> Never {
    StandardStream.error("passport: \(message)\n")
    exit(1)
}

let store: SQLiteStore
do {
    // The default store's folders are passport's to make; a store you name must be in a folder that exists.
    if options.store == nil && Paths.env("PASSPORT_STORE") == nil {
        try Paths.makeParent(of: storePath)
    } else {
        let folder = storePath.contains("/") ? String(storePath[..<storePath.lastIndex(of: "/")!]) : "."
        if !folder.isEmpty && access(folder, F_OK) != 0 {
            fail("cannot open store \(storePath): the folder \(folder) does not exist")
        }
    }
    if interactive && access(storePath, F_OK) != 0 {
        StandardStream.error("Loading the public directory of US districts and schools into \(storePath)…\n")
    }
    store = try SQLiteStore(path: storePath)
} catch {
    fail("\(error)")
}

let output = Output(out: { StandardStream.out.write($0) }, err: { StandardStream.error($0) })
if let f = options.format { output.format = f }
var sessionOptions = options.session
sessionOptions.interactive = interactive
let session = Session(store: store, storePath: storePath, output: output, options: sessionOptions)

/// Leaves with `code`, after writing out what is buffered and closing the store.
@MainActor func finish(_ code: Int32) -> Never {
    StandardStream.out.flush()
    store.close()
    exit(code)
}

if interactive {
    finish(Shell(session: session, options: options).run())
}

// A script: a file, -c, or piped standard input.
let interpreter = Interpreter(session: session)
let report: (LanguageError, String) -> Void = { error, file in output.error(Interpreter.diagnostic(error, file: file)) }
var ok = true
if let c = options.commands {
    ok = interpreter.run(text: c, file: "<command>", report: report)
} else if let file = options.file, file != "-" {
    let text: String
    do { text = try ScriptRunner.read(file) } catch { fail("\(error)") }
    session.scriptArguments = options.scriptArguments
    ok = interpreter.run(text: text, file: file, pushFile: file, report: report)
} else {
    // Piped input runs as it arrives, a line at a time, like psql or sqlite3 reading a pipe.
    session.scriptArguments = options.scriptArguments
    var pending: [UInt8] = []
    var logical = ""
    var logicalStart = 1
    var lineNumber = 1
    var chunk = [UInt8](repeating: 0, count: 65_536)
    var atEnd = false
    reading: while !atEnd {
        let n = read(0, &chunk, chunk.count)
        if n < 0 && errno == EINTR { continue }
        if n <= 0 { atEnd = true } else { pending.append(contentsOf: chunk[0..<n]) }
        if lineNumber == 1 && logical.isEmpty && pending.starts(with: [0xEF, 0xBB, 0xBF]) { pending.removeFirst(3) }
        // Take every complete line (or, at the end, what is left).
        while let newline = pending.firstIndex(of: 0x0A) ?? (atEnd && !pending.isEmpty ? pending.count : nil) {
            guard let line = String(validating: pending[..<newline], as: UTF8.self) else {
                pending.removeFirst(min(newline + 1, pending.count))
                report(LanguageError("not UTF-8 text; send the script as UTF-8", at: SourcePosition(line: lineNumber, column: 1)), "<stdin>")
                lineNumber += 1
                ok = false
                if !sessionOptions.keepGoing { break reading }
                continue
            }
            pending.removeFirst(min(newline + 1, pending.count))
            if logical.isEmpty { logicalStart = lineNumber }
            logical += logical.isEmpty ? line : "\n" + line
            lineNumber += 1
            if Lexer.needsMoreInput(line) && !(atEnd && pending.isEmpty) { continue }
            let good = interpreter.run(text: logical, file: "<stdin>", firstLine: logicalStart, report: report)
            logical = ""
            StandardStream.out.flush()
            if !good {
                ok = false
                if !sessionOptions.keepGoing { break reading }
            }
            if session.exitCode != nil { break reading }
        }
    }
    // Input that ends in the middle of a continued command still runs what was given.
    if !logical.isEmpty && (ok || sessionOptions.keepGoing) && session.exitCode == nil {
        ok = interpreter.run(text: logical, file: "<stdin>", firstLine: logicalStart, report: report) && ok
    }
}
if let code = session.exitCode { finish(ok || code != 0 ? code : 1) }
finish(ok ? 0 : 1)
