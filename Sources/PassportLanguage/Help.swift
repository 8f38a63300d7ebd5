/// `help` and `help COMMAND`, written from the command registry.
enum Help {
    static func run(_ inv: Invocation) throws {
        let registry = inv.session.registry
        guard !inv.positionals.isEmpty else { return overview(inv, registry) }
        let words = inv.positionals.map(\.text)
        if let spec = registry.command(named: words.joined(separator: " ")) {
            return detail(spec, inv, registry)
        }
        let under = registry.commands(under: words)
        if !under.isEmpty {
            var text = "Commands starting with `\(words.joined(separator: " "))`:\n"
            let width = under.map(\.name.count).max()!
            for c in under { text += "  \(c.name.padding(width))  \(c.summary)\n" }
            text += "\n`help COMMAND` for one command's forms, flags and an example.\n"
            inv.output.show(text: text, value: .list(under.map { .text($0.name) }))
            return
        }
        let near = Registry.nearest(words.joined(separator: " "), in: registry.commands.map(\.name) + registry.topWords)
        throw inv.positionals[0].error("no command '\(words.joined(separator: " "))'\(Registry.didYouMean(near))")
    }

    static func overview(_ inv: Invocation, _ registry: Registry) {
        var text = "passport: build and send Data Access Consent requests to school districts.\n"
        let width = registry.commands.map(\.name.count).max()!
        for group in CommandGroup.allCases {
            let cmds = registry.commands.filter { $0.group == group }
            guard !cmds.isEmpty else { continue }
            text += "\n\(group.rawValue):\n"
            for c in cmds { text += "  \(c.name.padding(width))  \(c.summary)\n" }
        }
        text += "\n`help COMMAND` gives its forms, flags and an example. Tab completes commands and real values.\n"
        inv.output.show(text: text, value: .list(registry.commands.map {
            .record([("command", .text($0.name)), ("group", .text($0.group.rawValue)), ("summary", .text($0.summary))])
        }))
    }

    static func detail(_ spec: CommandSpec, _ inv: Invocation, _ registry: Registry) {
        var text = "\(spec.name) — \(spec.summary)\n\nUsage:\n"
        for form in [spec.usage] + spec.extraForms { text += "  \(form)\n" }
        if !spec.flags.isEmpty {
            text += "\nFlags:\n"
            let forms = spec.flags.map { "--\($0.name)\($0.value.map { " " + $0 } ?? "")" }
            let width = forms.map(\.count).max()!
            for (f, form) in zip(spec.flags, forms) { text += "  \(form.padding(width))  \(f.help)\n" }
        }
        if !spec.details.isEmpty { text += "\n" + wrap(spec.details, width: 78, indent: "") + "\n" }
        text += "\nExample:\n  \(spec.example)\n"
        let subcommands = registry.commands(under: spec.path).map(\.name)
        let related = spec.related + subcommands.filter { !spec.related.contains($0) }
        if !related.isEmpty { text += "\nSee also: " + related.joined(separator: ", ") + "\n" }
        inv.output.show(text: text, value: .record([
            ("command", .text(spec.name)), ("summary", .text(spec.summary)), ("usage", .list(([spec.usage] + spec.extraForms).map(Value.text))),
            ("flags", .list(spec.flags.map { .record([("flag", .text("--" + $0.name)), ("value", .optional($0.value)), ("help", .text($0.help))]) })),
            ("example", .text(spec.example)), ("related", .list(related.map(Value.text))),
        ]))
    }

    static func wrap(_ text: String, width: Int, indent: String) -> String {
        var lines: [String] = []
        var line = ""
        for word in text.split(separator: " ") {
            if !line.isEmpty && line.count + 1 + word.count > width { lines.append(line); line = "" }
            line += (line.isEmpty ? "" : " ") + word
        }
        if !line.isEmpty { lines.append(line) }
        return lines.map { indent + $0 }.joined(separator: "\n")
    }
}

extension String {
    func padding(_ width: Int) -> String { self + String(repeating: " ", count: max(0, width - count)) }
}

extension Help {
    /// Docs/reference.md, written from the registry so the documentation and `help` never disagree.
    public static func markdownReference(_ registry: Registry = .standard()) -> String {
        var out = """
        # Command reference

        Every command of `passport`, grouped as the job goes. Generated from the command registry
        (the same source as `help` and Tab); a test fails when this file falls behind it.
        Regenerate with `PASSPORT_UPDATE_DOCS=1 swift test --filter testDocsReferenceIsCurrent`.

        """
        for group in CommandGroup.allCases {
            let cmds = registry.commands.filter { $0.group == group }
            guard !cmds.isEmpty else { continue }
            out += "\n## \(group.rawValue)\n"
            for c in cmds {
                out += "\n### `\(c.name)`\n\n\(c.summary.prefix(1).uppercased() + c.summary.dropFirst()).\n\n"
                out += ([c.usage] + c.extraForms).map { "    \($0)\n" }.joined()
                if !c.flags.isEmpty {
                    out += "\n| flag | meaning |\n|---|---|\n"
                    for f in c.flags { out += "| `--\(f.name)\(f.value.map { " " + $0 } ?? "")` | \(f.help.replacing("|", with: "\\|")) |\n" }
                }
                if !c.details.isEmpty { out += "\n\(c.details)\n" }
                out += "\nExample: `\(c.example)`\n"
                if !c.related.isEmpty { out += "\nSee also: " + c.related.map { "`\($0)`" }.joined(separator: ", ") + "\n" }
            }
        }
        return out
    }
}
