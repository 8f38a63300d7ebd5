/// Every command passport knows, in one place.
public final class Registry {
    public private(set) var commands: [CommandSpec] = []

    /// Commands by their first word, so finding one does not walk them all.
    private var byFirstWord: [String: [CommandSpec]] = [:]

    public init(_ commands: [CommandSpec]) {
        self.commands = commands
        for c in commands { byFirstWord[c.path[0], default: []].append(c) }
    }

    /// The commands, built fresh for each process.
    public static func standard() -> Registry {
        Registry(SessionCommands.all + AppCommands.all + DirectoryCommands.all + RosterCommands.all + DraftCommands.all
                 + ConsentCommands.all + SyncCommands.all)
    }

    /// The first words of all commands (`app`, `district`, `preview`…).
    public var topWords: [String] { Array(Set(commands.map { $0.path[0] })).sorted() }

    /// The command whose path is the longest run of leading words.
    public func match(_ words: [String]) -> (spec: CommandSpec, length: Int)? {
        guard let first = words.first, let candidates = byFirstWord[first.lowercased()] else { return nil }
        let lower = words.prefix(3).map { $0.lowercased() }
        var best: (CommandSpec, Int)?
        for c in candidates where c.path.count <= lower.count && Array(lower.prefix(c.path.count)) == c.path {
            if best == nil || c.path.count > best!.1 { best = (c, c.path.count) }
        }
        return best
    }

    public func command(named name: String) -> CommandSpec? {
        let words = name.lowercased().split(separator: " ").map(String.init)
        return commands.first { $0.path == words }
    }

    /// Subcommands under a group word (`app` → `app create`, `app list`…).
    public func commands(under prefix: [String]) -> [CommandSpec] {
        let lower = prefix.map { $0.lowercased() }
        return commands.filter { $0.path.count > lower.count && Array($0.path.prefix(lower.count)) == lower }
    }

    /// The names nearest to `word` (edit distance), for "did you mean".
    public static func nearest(_ word: String, in names: [String], limit: Int = 3) -> [String] {
        let w = word.lowercased()
        var scored: [(name: String, distance: Int)] = []
        for name in names {
            let d = editDistance(w, name.lowercased())
            let close = d <= max(2, w.count / 3)
            let started = !w.isEmpty && name.lowercased().hasPrefix(w)
            if close || started { scored.append((name, d)) }
        }
        scored.sort { $0.distance != $1.distance ? $0.distance < $1.distance : $0.name < $1.name }
        return scored.prefix(limit).map { $0.name }
    }

    static func editDistance(_ a: String, _ b: String) -> Int {
        let x = Array(a), y = Array(b)
        if x.isEmpty { return y.count }
        if y.isEmpty { return x.count }
        var prev = Array(0...y.count)
        for i in 1...x.count {
            var cur = [i] + Array(repeating: 0, count: y.count)
            for j in 1...y.count {
                cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (x[i - 1] == y[j - 1] ? 0 : 1))
            }
            prev = cur
        }
        return prev[y.count]
    }

    static func didYouMean(_ options: [String]) -> String {
        switch options.count {
        case 0: return ""
        case 1: return "; did you mean '\(options[0])'?"
        default: return "; did you mean " + options.dropLast().map { "'\($0)'" }.joined(separator: ", ") + " or '\(options.last!)'?"
        }
    }

    /// Finds the command and sorts its words into flags and positionals.
    func parse(_ args: [Argument]) throws -> (CommandSpec, Argument, [Argument], [String: Argument]) {
        let plain = args.map { $0.quoted ? "\u{0}" : $0.text }
        guard let (spec, length) = match(plain) else {
            let first = args[0]
            let under = commands(under: [first.text])
            if !under.isEmpty {
                let second = args.count > 1 ? args[1] : nil
                let names = under.map { $0.path[1] }
                if let second {
                    let near = Registry.nearest(second.text, in: Array(Set(names)))
                    throw second.error("unknown command '\(first.text) \(second.text)'\(Registry.didYouMean(near.map { "\(first.text.lowercased()) \($0)" })) (see `help \(first.text.lowercased())`)")
                }
                throw first.error("'\(first.text)' needs one of: \(Array(Set(names)).sorted().joined(separator: ", ")) (see `help \(first.text.lowercased())`)")
            }
            let names = topWords + commands.map(\.name)
            throw first.error("unknown command '\(first.text)'\(Registry.didYouMean(Registry.nearest(first.text, in: Array(Set(names))))) (type `help` for the list)")
        }
        let last = args[length - 1]
        let commandWord = Argument(text: spec.name, position: args[0].position,
                                   length: last.position.line == args[0].position.line ? last.position.column + last.length - args[0].position.column : args[0].length,
                                   quoted: false)
        var positionals: [Argument] = []
        var flags: [String: Argument] = [:]
        var i = length
        var flagsDone = false
        while i < args.count {
            let a = args[i]
            if !flagsDone && !a.quoted && a.text == "--" { flagsDone = true; i += 1; continue }
            if !flagsDone && !a.quoted && a.text.hasPrefix("--") && a.text.count > 2 {
                let body = a.text.dropFirst(2)
                let name = String(body.split(separator: "=", maxSplits: 1)[0])
                guard let f = spec.flag(named: name) else {
                    let near = Registry.nearest(name, in: spec.flags.map(\.name)).map { "--" + $0 }
                    let known = spec.flags.isEmpty ? "; `\(spec.name)` takes no flags" : Registry.didYouMean(near).isEmpty
                        ? "; `\(spec.name)` takes " + spec.flags.map { "--" + $0.name }.joined(separator: ", ") : Registry.didYouMean(near)
                    throw a.error("unknown flag --\(name)\(known)")
                }
                if let eq = body.firstIndex(of: "=") {
                    guard f.value != nil else { throw a.error("--\(name) is a switch and takes no value") }
                    let value = String(body[body.index(after: eq)...])
                    flags[name] = Argument(text: value, position: a.position, length: a.length, quoted: a.quoted)
                } else if f.valueIsOptional && (i + 1 >= args.count || (!args[i + 1].quoted && args[i + 1].text.hasPrefix("--"))) {
                    flags[name] = Argument(text: "", position: a.position, length: a.length, quoted: false)
                } else if f.value != nil {
                    guard i + 1 < args.count else { throw a.error("--\(name) needs a value: --\(name) \(f.value!)") }
                    flags[name] = args[i + 1]
                    i += 1
                } else {
                    flags[name] = Argument(text: "", position: a.position, length: a.length, quoted: false)
                }
                i += 1
                continue
            }
            positionals.append(a)
            i += 1
        }
        let needed = spec.arguments.filter { !$0.optional }.count
        if positionals.count < needed {
            let missing = spec.arguments[positionals.count]
            throw commandWord.error("\(spec.name) needs \(missing.name); usage: \(spec.usage)")
        }
        let repeats = spec.arguments.last?.repeating ?? false
        if !repeats && positionals.count > spec.arguments.count {
            let extra = positionals[spec.arguments.count]
            let hint = extra.text.contains(" ") || spec.arguments.isEmpty ? "" : " (quote names that hold blanks)"
            throw extra.error("unexpected '\(extra.text)'\(hint); usage: \(spec.usage)")
        }
        return (spec, commandWord, positionals, flags)
    }
}
