#if canImport(Glibc)
import Glibc
#endif
import PassportDomain

/// Signing in, variables, scripts and the shell itself.
enum SessionCommands {
    static var all: [CommandSpec] {
        [
            CommandSpec("help", group: .session, summary: "list the commands, or explain one",
                        arguments: [ArgumentSpec("COMMAND", .command, optional: true, repeating: true)],
                        example: "help filter add", related: ["status"]) { inv in
                try Help.run(inv)
            },
            CommandSpec("status", group: .session, summary: "who is signed in, the app, the district and the open draft",
                        example: "status", related: ["whoami", "preview"]) { inv in
                try StatusReport.show(inv)
            },
            CommandSpec("login", group: .session, summary: "sign in as a vendor admin (or, with --district, as a district's admin)",
                        arguments: [ArgumentSpec("EMAIL")],
                        flags: [FlagSpec("district", "DISTRICT", "sign in as this district's admin, who approves or rejects its requests", kind: .district)],
                        details: "A vendor's organization (the part after @) owns the apps it creates. Signing in brings back the draft you left open, even after the shell was killed. A district admin sees the requests addressed to the district and decides them.",
                        example: "login ops@acme.example", related: ["logout", "whoami", "consent approve"]) { inv in
                let email = inv.positionals[0]
                let parts = email.text.split(separator: "@", omittingEmptySubsequences: false)
                guard parts.count == 2, !parts[0].isEmpty, parts[1].contains("."), !parts[1].hasPrefix("."), !parts[1].hasSuffix("."),
                      !email.text.contains(where: { $0.isWhitespace }) else {
                    throw email.error("'\(email.text)' is not an e-mail address; sign in as NAME@ORGANIZATION.DOMAIN")
                }
                if let d = inv.flags["district"] {
                    let district = try inv.session.findDistrict(d)
                    try inv.session.signIn(email.text, districtAdmin: district.id)
                    inv.say("Signed in as \(inv.session.account!), admin of \(district.name) (\(district.id), \(district.state)).")
                    let pending = try inv.session.store.consents(addressedTo: district.id).filter { $0.status(today: inv.session.today) == .pending }
                    if !pending.isEmpty { inv.say("\(pending.count) request\(pending.count == 1 ? " awaits" : "s await") your decision (`consents --status pending`).") }
                    return
                }
                try inv.session.signIn(email.text)
                inv.say("Signed in as \(inv.session.account!) (organization \(inv.session.organization!)).")
                if let d = inv.session.draft {
                    let app = try inv.session.store.app(id: d.request.appId)?.name ?? "?"
                    let district = try inv.session.store.district(id: d.request.districtId)?.name ?? d.request.districtId
                    inv.say("Your open draft is back: \(app) › \(district) (last change: \(d.label)).")
                }
            },
            CommandSpec("logout", group: .session, summary: "sign out (an open draft stays saved for next time)",
                        example: "logout", related: ["login"]) { inv in
                let who = try inv.session.requireAccount(inv)
                inv.session.signOut()
                inv.say("Signed out \(who).")
            },
            CommandSpec("whoami", group: .session, summary: "the account signed in and its organization",
                        example: "whoami", related: ["login", "status"]) { inv in
                let who = try inv.session.requireAccount(inv)
                if let d = inv.session.adminOf {
                    let name = try inv.session.store.district(id: d)?.name ?? d
                    inv.output.show(text: "\(who), admin of \(name) (\(d))",
                                    value: .record([("account", .text(who)), ("districtAdminOf", .text(d))]))
                    return
                }
                inv.output.show(text: "\(who) (organization \(inv.session.organization!))",
                                value: .record([("account", .text(who)), ("organization", .text(inv.session.organization!))]))
            },
            CommandSpec("run", group: .session, summary: "replay a script; paths inside it are relative to it",
                        arguments: [ArgumentSpec("FILE", .file), ArgumentSpec("ARGS", optional: true, repeating: true)],
                        details: "The script's arguments are $1, $2…. Scripts may run others, up to \(Interpreter.maximumDepth) deep; a cycle is an error.",
                        example: "run onboarding/springfield.passport 1737080", related: ["set"]) { inv in
                try ScriptRunner.runNested(inv)
            },
            CommandSpec("echo", group: .session, summary: "print words", arguments: [ArgumentSpec("WORDS", optional: true, repeating: true)],
                        example: "echo \"Onboarding ${DISTRICT}\"", related: ["set"]) { inv in
                inv.say(inv.text(from: 0) ?? "")
            },
            CommandSpec("set", group: .session, summary: "set a variable, or list them",
                        arguments: [ArgumentSpec("NAME", .variable, optional: true), ArgumentSpec("VALUE", optional: true, repeating: true)],
                        details: "$NAME and ${NAME} read session variables first, then the environment. An unknown variable is an error.",
                        example: "set DISTRICT 1737080", related: ["unset", "echo"]) { inv in
                guard let name = inv.argument(0) else {
                    let t = Table([.init("name", "NAME"), .init("value", "VALUE")],
                                  rows: inv.session.variables.sorted { $0.key < $1.key }.map { [.text($0.key), .text($0.value)] })
                    inv.output.table(t, empty: "No variables set.")
                    return
                }
                guard let first = name.text.first, first.isLetter || first == "_",
                      name.text.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else {
                    throw name.error("'\(name.text)' is not a variable name; names are letters, digits and _, not starting with a digit")
                }
                inv.session.variables[name.text] = inv.text(from: 1) ?? ""
            },
            CommandSpec("unset", group: .session, summary: "forget a variable",
                        arguments: [ArgumentSpec("NAME", .variable)], example: "unset DISTRICT", related: ["set"]) { inv in
                let name = inv.positionals[0]
                guard inv.session.variables.removeValue(forKey: name.text) != nil else {
                    throw name.error("no variable '\(name.text)' is set")
                }
            },
            CommandSpec("format", group: .session, summary: "how results print: table (people), json or csv (programs)",
                        arguments: [ArgumentSpec("FORMAT", .format, optional: true)],
                        example: "format json", related: []) { inv in
                guard let f = inv.argument(0) else { inv.say("Format: \(inv.output.format.rawValue)"); return }
                guard let format = OutputFormat(rawValue: f.text.lowercased()) else {
                    throw f.error("unknown format '\(f.text)'; use table, json or csv")
                }
                inv.output.format = format
            },
            CommandSpec("complete", group: .session, summary: "what Tab would do after TEXT, a partial command line; --time N times it",
                        arguments: [ArgumentSpec("TEXT", repeating: true)],
                        flags: [FlagSpec("time", "N", "run N completions and print the median, p99 and slowest in microseconds", kind: .number),
                                formatFlag],
                        details: "Quote TEXT to keep a blank at its end (`complete 'district use '` lists districts). With --time each of the N completions uses a fresh completer, so only SQLite's page cache is warm; Scripts/bench uses it.",
                        example: "complete --time 1000 'district use Spr'", related: ["help"]) { inv in
                try CompletionTiming.run(inv)
            },
            quit("quit"), quit("exit"),
        ]
    }

    static func quit(_ name: String) -> CommandSpec {
        CommandSpec(name, group: .session, summary: "leave passport (with an exit code)",
                    arguments: [ArgumentSpec("CODE", .number, optional: true)],
                    example: name, related: [name == "quit" ? "exit" : "quit"]) { inv in
            var code: Int32 = 0
            if let c = inv.argument(0) {
                guard let n = Int32(c.text), (0...255).contains(n) else { throw c.error("the exit code must be a number 0–255") }
                code = n
            }
            inv.session.exitCode = code
        }
    }
}

/// `complete`: Tab's answer for a partial line, and how long it takes.
enum CompletionTiming {
    static func run(_ inv: Invocation) throws {
        let text = inv.text(from: 0) ?? ""
        guard let t = inv.flags["time"] else {
            let r = Completer(session: inv.session).complete(text)
            let shown: String
            if let r, !r.listing.isEmpty { shown = r.listing.joined(separator: "\n") }
            else if let r { shown = String(text.unicodeScalars.dropLast(r.deleteBeforeCursor)) + r.insert }
            else { shown = "No completion." }
            try withFormat(inv) {
                inv.output.show(text: shown, value: .record([("line", .text(r.map { String(text.unicodeScalars.dropLast($0.deleteBeforeCursor)) + $0.insert } ?? text)),
                                                               ("listing", .list((r?.listing ?? []).map { .text($0) }))]))
            }
            return
        }
        guard let n = Int(t.text), n > 0 else { throw t.error("--time takes a positive number of completions") }
        var micros: [Double] = []
        micros.reserveCapacity(n)
        var candidates = 0
        for _ in 0..<n {
            let start = now()
            let r = Completer(session: inv.session).complete(text)
            micros.append((now() - start) * 1e6)
            candidates = r.map { $0.listing.isEmpty ? 1 : $0.listing.count } ?? 0
        }
        micros.sort()
        let median = micros[n / 2], p99 = micros[min(n - 1, Int((Double(n) * 0.99).rounded(.up)) - 1)], slowest = micros[n - 1]
        try withFormat(inv) {
            inv.output.show(text: "\(n) completions of '\(text)' (\(candidates) candidate\(candidates == 1 ? "" : "s")): median \(Int(median)) µs, p99 \(Int(p99)) µs, slowest \(Int(slowest)) µs",
                            value: .record([("text", .text(text)), ("runs", .int(Int64(n))), ("candidates", .int(Int64(candidates))),
                                            ("median_us", .int(Int64(median))), ("p99_us", .int(Int64(p99))), ("max_us", .int(Int64(slowest)))]))
        }
    }

    static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }
}
