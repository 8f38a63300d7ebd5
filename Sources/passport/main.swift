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

func fail(_ message: String) -> Never {
    StandardStream.error("passport: \(message)\n")
    exit(1)
}

let store: SQLiteStore
do {
    try Paths.makeParent(of: storePath)
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

if interactive {
    exit(Shell(session: session, options: options).run())
}

// A script: a file, -c, or piped standard input.
let text: String
let fileName: String
if let c = options.commands {
    text = c; fileName = "<command>"
} else if let file = options.file, file != "-" {
    do { text = try ScriptRunner.read(file) } catch { fail("\(error)") }
    fileName = file
    session.scriptArguments = options.scriptArguments
} else {
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 65_536)
    while true {
        let n = read(0, &chunk, chunk.count)
        if n <= 0 { break }
        bytes.append(contentsOf: chunk[0..<n])
    }
    text = String(decoding: bytes, as: UTF8.self)
    fileName = "<stdin>"
    session.scriptArguments = options.scriptArguments
}
let interpreter = Interpreter(session: session)
let ok = interpreter.run(text: text, file: fileName, pushFile: fileName) { error, file in
    output.error(Interpreter.diagnostic(error, file: file))
}
StandardStream.out.flush()
if let code = session.exitCode { exit(ok || code != 0 ? code : 1) }
exit(ok ? 0 : 1)
