import PassportDomain

/// Application Settings: the vendor's apps and their Data Requirements.
enum AppCommands {
    static let deliveryChoice = ValueKind.choice(DeliveryMethod.allCases.map(\.rawValue))

    static func delivery(_ word: Argument) throws -> DeliveryMethod {
        guard let d = DeliveryMethod(rawValue: word.text.lowercased()) else {
            throw word.error("unknown delivery '\(word.text)'; use sftp or api")
        }
        return d
    }

    static var all: [CommandSpec] {
        [
            CommandSpec("app create", group: .apps, summary: "make a new app (unpublished) and select it",
                        arguments: [ArgumentSpec("NAME")],
                        flags: [FlagSpec("description", "TEXT", "what the app does, for the district"),
                                FlagSpec("delivery", "sftp|api", "how it receives data (default sftp)", kind: deliveryChoice)],
                        example: "app create \"Acme Reading\" --description \"Reading practice for grades 3-8\" --delivery sftp",
                        related: ["app require", "app publish"]) { inv in
                let account = try inv.session.requireVendor(inv)
                let name = inv.positionals[0]
                guard !name.text.trimmingBlanks.isEmpty else { throw name.error("an app needs a name") }
                try plainText(name, what: "an app's name", allowNewlines: false)
                if let d = inv.flags["description"] { try plainText(d, what: "a description", allowNewlines: true) }
                var app = App(id: 0, name: name.text.trimmingBlanks, description: inv.flag("description") ?? "",
                              organization: inv.session.organization!)
                if let d = inv.flags["delivery"] { app.delivery = try delivery(d) }
                app = try inv.checked(name) { try inv.session.store.createApp(app) }
                _ = account
                // The selected app is the open draft's as long as a draft is open.
                if let draft = inv.session.draft, draft.request.appId != app.id,
                   let current = try inv.session.store.app(id: draft.request.appId) {
                    inv.say("Created app \(app.name) (\(app.delivery.words), unpublished); \(current.name) stays selected while its draft is open.")
                    return
                }
                inv.session.appId = app.id
                inv.say("Created app \(app.name) (\(app.delivery.words), unpublished); it is selected.")
            },
            CommandSpec("app list", group: .apps, summary: "your organization's apps",
                        flags: [formatFlag], example: "app list", related: ["app show", "app use"]) { inv in
                _ = try inv.session.requireVendor(inv)
                try withFormat(inv) {
                    let apps = try inv.session.store.apps(organization: inv.session.organization!)
                    let t = Table([.init("id", "ID", rightAligned: true), .init("name", "NAME"), .init("delivery", "DELIVERY"),
                                   .init("published", "PUBLISHED"), .init("selected", "SELECTED")],
                                  rows: apps.map { [.int($0.id), .text($0.name), .text($0.delivery.rawValue), .bool($0.published),
                                                    .bool($0.id == inv.session.appId)] })
                    inv.output.table(t, empty: "No apps yet; make one with `app create NAME`.")
                }
            },
            CommandSpec("app show", group: .apps, summary: "an app's settings and Data Requirements",
                        arguments: [ArgumentSpec("APP", .app, optional: true)], flags: [formatFlag],
                        example: "app show \"Acme Reading\"", related: ["app require", "app set name"]) { inv in
                let app = try inv.argument(0).map { try inv.session.findApp($0) } ?? inv.session.requireApp(inv)
                try withFormat(inv) { showApp(app, inv) }
            },
            CommandSpec("app use", group: .apps, summary: "select the app you work on (the drop-down at the top right)",
                        arguments: [ArgumentSpec("APP", .app)], example: "app use \"Acme Reading\"", related: ["app list"]) { inv in
                _ = try inv.session.requireVendor(inv)
                let app = try inv.session.findApp(inv.positionals[0])
                if let d = inv.session.draft, d.request.appId != app.id {
                    throw inv.error("your open draft is for another app; `send` or `discard` it before switching apps")
                }
                inv.session.appId = app.id
                inv.say("Using \(app.name)\(app.published ? "" : " (unpublished)").")
            },
            setter("name", "NAME", "rename the selected app", "app set name \"Acme Reading Plus\"") { app, word in
                guard !word.text.trimmingBlanks.isEmpty else { throw word.error("an app needs a name") }
                try plainText(word, what: "an app's name", allowNewlines: false)
                app.name = word.text.trimmingBlanks
            },
            setter("description", "TEXT", "say what the app does and why it needs the data",
                   "app set description \"Reading practice that adapts to each student\"") { app, word in
                try plainText(word, what: "a description", allowNewlines: true)
                app.description = word.text.trimmingBlanks
            },
            setter("delivery", "sftp|api", "how the app receives data", "app set delivery api", kind: deliveryChoice) { app, word in
                app.delivery = try delivery(word)
            },
            CommandSpec("app require", group: .apps, summary: "mark attributes Data Masking and/or Required",
                        arguments: [ArgumentSpec("ENTITY.ATTRIBUTE", .attributePath, repeating: true)],
                        flags: [FlagSpec("mask", nil, "encrypt it when PII Shield is on (user entities and demographics)"),
                                FlagSpec("required", nil, "a request cannot exclude it")],
                        details: "`ENTITY.*` names all of an entity's attributes.",
                        example: "app require students.givenName students.familyName --mask", related: ["app unrequire", "app show"]) { inv in
                var app = try inv.session.requireApp(inv)
                let paths = try inv.positionals.flatMap { w in try inv.checked(w) { try AttributePath.expand(w.text) } }
                try inv.checked { try app.require(paths, mask: inv.has("mask"), required: inv.has("required")) }
                try inv.checked { try inv.session.store.updateApp(app) }
                let marks = [inv.has("mask") ? "Data Masking" : nil, inv.has("required") ? "Required" : nil].compactMap { $0 }.joined(separator: " and ")
                inv.say("Marked \(paths.map(\.description).joined(separator: ", ")) \(marks).")
            },
            CommandSpec("app unrequire", group: .apps, summary: "clear the marks on attributes",
                        arguments: [ArgumentSpec("ENTITY.ATTRIBUTE", .attributePath, repeating: true)],
                        example: "app unrequire students.familyName", related: ["app require"]) { inv in
                var app = try inv.session.requireApp(inv)
                let paths = try inv.positionals.flatMap { w in try inv.checked(w) { try AttributePath.expand(w.text) } }
                app.unrequire(paths)
                try inv.checked { try inv.session.store.updateApp(app) }
                inv.say("Cleared the marks on \(paths.map(\.description).joined(separator: ", ")).")
            },
            CommandSpec("app publish", group: .apps, summary: "publish the selected app so it can send requests",
                        details: "Refused without a name and a clear description (empty, or a copy of the name, is not clear).",
                        example: "app publish", related: ["app set description"]) { inv in
                var app = try inv.session.requireApp(inv)
                if let problem = app.publishProblem { throw inv.error("cannot publish \(app.name): \(problem)") }
                if app.published { inv.say("\(app.name) is published already."); return }
                app.published = true
                try inv.checked { try inv.session.store.updateApp(app) }
                inv.say("Published \(app.name); districts can now receive its requests.")
            },
        ]
    }

    static func setter(_ field: String, _ placeholder: String, _ summary: String, _ example: String, kind: ValueKind = .text,
                       _ apply: @escaping (inout App, Argument) throws -> Void) -> CommandSpec {
        CommandSpec("app set \(field)", group: .apps, summary: summary,
                    arguments: [ArgumentSpec(placeholder, kind, repeating: field == "description")],
                    example: example, related: ["app show"]) { inv in
            var app = try inv.session.requireApp(inv)
            if field == "delivery", inv.session.draft?.request.appId == app.id {
                throw inv.error("an open draft depends on how \(app.name) delivers; `send` or `discard` it first")
            }
            var word = inv.positionals[0]
            word.text = inv.text(from: 0) ?? ""
            try apply(&app, word)
            if app.published, let problem = app.publishProblem {
                throw inv.error("\(app.name) is published and must stay clear: \(problem)")
            }
            try inv.checked(word) { try inv.session.store.updateApp(app) }
            inv.say("Set the \(field) of \(app.name).")
        }
    }

    static func showApp(_ app: App, _ inv: Invocation) {
        let marks = app.requirements.keys.sorted().map { p -> (String, DataRequirement) in (p.description, app.requirements[p]!) }
        var text = """
        App:          \(app.name) (id \(app.id))
        Description:  \(app.description.isEmpty ? "—" : app.description)
        Delivery:     \(app.delivery.rawValue) (\(app.delivery.words))
        Published:    \(app.published ? "yes" : "no\(app.publishProblem.map { " — \($0)" } ?? "")")
        Organization: \(app.organization)
        Data Requirements:
        """
        if marks.isEmpty { text += " none" }
        for (path, r) in marks {
            text += "\n  \(path)  " + [r.masked ? "Data Masking" : nil, r.required ? "Required" : nil].compactMap { $0 }.joined(separator: ", ")
        }
        let value = Value.record([
            ("id", .int(app.id)), ("name", .text(app.name)), ("description", .text(app.description)),
            ("delivery", .text(app.delivery.rawValue)), ("published", .bool(app.published)), ("organization", .text(app.organization)),
            ("requirements", .list(marks.map { .record([("attribute", .text($0.0)), ("masked", .bool($0.1.masked)), ("required", .bool($0.1.required))]) })),
        ])
        inv.output.show(text: text, value: value)
    }
}

/// Names and notes are read by people on other terminals: no control characters in them (a newline
/// only where a note may have several lines), and a name of reasonable length.
func plainText(_ word: Argument, what: String, allowNewlines: Bool) throws {
    if let bad = word.text.unicodeScalars.first(where: { ($0.value < 0x20 && !(allowNewlines && ($0 == "\n" || $0 == "\t"))) || $0.value == 0x7F }) {
        throw word.error("\(what) cannot hold the control character U+\(String(bad.value, radix: 16, uppercase: true))")
    }
    if !allowNewlines && word.text.count > 200 { throw word.error("\(what) is \(word.text.count) characters; at most 200") }
}

/// `--format` on a listing command: this command only.
let formatFlag = FlagSpec("format", "table|json|csv", "how to print this result", kind: .format)

func withFormat(_ inv: Invocation, _ body: () throws -> Void) throws {
    guard let f = inv.flags["format"] else { return try body() }
    guard let format = OutputFormat(rawValue: f.text.lowercased()) else { throw f.error("unknown format '\(f.text)'; use table, json or csv") }
    let saved = inv.output.format
    inv.output.format = format
    defer { inv.output.format = saved }
    try body()
}
