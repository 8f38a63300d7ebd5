import Glibc
import PassportLanguage

/// The command line of `passport` itself.
struct StartupOptions {
    var store: String?
    var commands: String?
    var file: String?
    var scriptArguments: [String] = []
    var format: OutputFormat?
    var session = SessionOptions()
    var skipStartupFile = false
    var help = false
    var version = false

    struct UsageError: Error { var message: String }

    static let usage = """
    usage: passport [OPTIONS] [FILE.passport [ARGS…]]
           passport [OPTIONS] -c 'COMMAND; COMMAND'
           passport [OPTIONS] -f FILE [ARGS…]
           COMMANDS | passport [OPTIONS]

    With no file, -c or piped input, passport starts the interactive shell.

    options:
      -c COMMANDS          run these commands and exit
      -f FILE              run a script file (the same as naming it)
      --store PATH         the store to use (default: $PASSPORT_STORE, else $XDG_DATA_HOME/passport/passport.db)
      --format FORMAT      table (default), json or csv
      --dry-run            everything works but `send`, which only shows what it would send
      --keep-going         run on after a failing command; exit 1 at the end if any failed
      --echo               print each command before it runs
      -X                   do not run the startup file ($XDG_CONFIG_HOME/passport/passportrc)
      -h, --help           this help
      --version            the version
    """

    static func parse(_ args: [String]) throws -> StartupOptions {
        var o = StartupOptions()
        var i = 0
        func value(_ flag: String) throws -> String {
            guard i + 1 < args.count else { throw UsageError(message: "\(flag) needs a value") }
            i += 1
            return args[i]
        }
        while i < args.count {
            let a = args[i]
            if o.file != nil { o.scriptArguments.append(a); i += 1; continue }
            var flag = a
            var inline: String?
            if a.hasPrefix("--"), let eq = a.firstIndex(of: "=") {
                flag = String(a[..<eq]); inline = String(a[a.index(after: eq)...])
            }
            func flagValue() throws -> String { try inline ?? value(flag) }
            switch flag {
            case "-c": o.commands = try value(flag)
            case "-f": o.file = try value(flag)
            case "--store": o.store = try flagValue()
            case "--format":
                let f = try flagValue()
                guard let format = OutputFormat(rawValue: f) else { throw UsageError(message: "unknown format '\(f)'; use table, json or csv") }
                o.format = format
            case "--dry-run": o.session.dryRun = true
            case "--keep-going": o.session.keepGoing = true
            case "--echo": o.session.echo = true
            case "-X": o.skipStartupFile = true
            case "-h", "--help": o.help = true
            case "--version": o.version = true
            case "-":
                o.file = "-"
            default:
                if a.hasPrefix("-") {
                    throw UsageError(message: "unknown option '\(a)'")
                }
                o.file = a
            }
            if inline != nil && ["--dry-run", "--keep-going", "--echo"].contains(flag) {
                throw UsageError(message: "\(flag) takes no value")
            }
            i += 1
        }
        if o.commands != nil && o.file != nil { throw UsageError(message: "give -c or a script file, not both") }
        if let store = o.store, store.isEmpty || store.hasPrefix(":") || store.hasPrefix("file:") {
            throw UsageError(message: "--store needs the path of a store file, not '\(store)'")
        }
        return o
    }
}

/// Where passport keeps things: XDG base directories, as fish and psql's users expect.
enum Paths {
    static func env(_ name: String) -> String? {
        guard let v = getenv(name) else { return nil }
        let s = String(cString: v)
        return s.isEmpty ? nil : s
    }
    static var home: String { env("HOME") ?? "/" }
    static func xdg(_ name: String, _ fallback: String) -> String {
        (env(name).flatMap { $0.hasPrefix("/") ? $0 : nil } ?? home + "/" + fallback) + "/passport"
    }
    static var defaultStore: String { xdg("XDG_DATA_HOME", ".local/share") + "/passport.db" }
    static var history: String { xdg("XDG_STATE_HOME", ".local/state") + "/history" }
    static var startupFile: String { xdg("XDG_CONFIG_HOME", ".config") + "/passportrc" }

    /// Creates the folders above `path` (mode 0700 for new ones).
    static func makeParent(of path: String) throws {
        let parts = path.split(separator: "/", omittingEmptySubsequences: false).dropLast()
        var current = path.hasPrefix("/") ? "" : "."
        for part in parts where !part.isEmpty {
            current += "/" + part
            if mkdir(current, 0o700) != 0 && errno != EEXIST {
                throw StartupOptions.UsageError(message: "cannot create \(current): \(String(cString: strerror(errno)))")
            }
        }
    }
}
