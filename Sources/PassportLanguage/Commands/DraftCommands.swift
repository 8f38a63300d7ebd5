#if canImport(Glibc)
import Glibc
#endif
import PassportCrypto
import PassportDomain

/// The request draft (Data Access Consent), section by section.
enum DraftCommands {
    static var all: [CommandSpec] {
        [
            CommandSpec("request access", group: .draft, summary: "open a draft for all schools of the district (\"Request Access\")",
                        details: "Needs a selected, published app and a chosen district. \"All\" includes schools added to the directory later and the district office.",
                        example: "request access", related: ["request connect", "preview"]) { inv in
                try open(inv, schools: .all, label: "request access")
            },
            CommandSpec("request connect", group: .draft, summary: "open a draft for one school (\"Connect\")",
                        arguments: [ArgumentSpec("SCHOOL", .school)],
                        example: "request connect \"Lanphier High School\"", related: ["request access", "schools add"]) { inv in
                let district = try inv.session.requireDistrict(inv)
                let school = try inv.session.findSchool(inv.positionals[0], in: district)
                try open(inv, schools: .some([school.id]), label: "request connect \(school.name)")
            },
            CommandSpec("schools", group: .draft, summary: "the schools the draft covers",
                        flags: [formatFlag], example: "schools", related: ["schools add", "schools remove", "schools all"]) { inv in
                let draft = try inv.session.requireDraft(inv)
                let all = try inv.session.store.schools(inDistrict: draft.request.districtId)
                let chosen: [School]
                switch draft.request.schools {
                case .all: chosen = all
                case .some(let ids): chosen = ids.compactMap { id in all.first { $0.id == id } }
                }
                try withFormat(inv) {
                    if inv.output.format == .table {
                        let scope = draft.request.schools == .all ? "all \(all.count) schools, and the district office" : "\(chosen.count) of \(all.count) schools"
                        inv.say("The draft covers \(scope):")
                    }
                    inv.output.table(Table([.init("id", "NCES ID"), .init("name", "SCHOOL"), .init("grades", "GRADES")],
                                           rows: chosen.map { [.text($0.id), .text($0.name), .text($0.gradeSpan)] }),
                                     empty: "No school selected yet; `schools add SCHOOL`.")
                }
            },
            CommandSpec("schools add", group: .draft, summary: "add schools of the district to the draft",
                        arguments: [ArgumentSpec("SCHOOL", .schoolNotInDraft, repeating: true)],
                        example: "schools add \"Lanphier High School\" 173708003766", related: ["schools remove", "schools"]) { inv in
                let draft = try inv.session.requireDraft(inv)
                let district = try inv.session.store.district(id: draft.request.districtId)!
                if draft.request.schools == .all { throw inv.error("the draft covers all schools already") }
                let schools = try inv.positionals.map { try inv.session.findSchool($0, in: district) }
                try inv.session.changeDraft(inv, "schools add " + schools.map(\.name).joined(separator: ", ")) { r in
                    guard case .some(var ids) = r.schools else { return }
                    for s in schools where !ids.contains(s.id) { ids.append(s.id) }
                    r.schools = .some(ids)
                }
                inv.say("Added \(schools.map(\.name).joined(separator: ", ")); \(scopeWords(inv.session.draft!.request, total: district.schoolCount)).")
            },
            CommandSpec("schools remove", group: .draft, summary: "take schools out of the draft",
                        arguments: [ArgumentSpec("SCHOOL", .schoolInDraft, repeating: true)],
                        details: "Removing from \"all\" turns it into the list of every other school, so schools added to the directory later are no longer included.",
                        example: "schools remove \"Lanphier High School\"", related: ["schools add", "schools all"]) { inv in
                let draft = try inv.session.requireDraft(inv)
                let district = try inv.session.store.district(id: draft.request.districtId)!
                let all = try inv.session.store.schools(inDistrict: district.id)
                let schools = try inv.positionals.map { try inv.session.findSchool($0, in: district) }
                var current: [String]
                switch draft.request.schools {
                case .all: current = all.map(\.id)
                case .some(let ids): current = ids
                }
                for (word, s) in zip(inv.positionals, schools) where !current.contains(s.id) {
                    throw word.error("\(s.name) is not in the draft")
                }
                current.removeAll { id in schools.contains { $0.id == id } }
                try inv.session.changeDraft(inv, "schools remove " + schools.map(\.name).joined(separator: ", ")) { $0.schools = .some(current) }
                inv.say("Removed \(schools.map(\.name).joined(separator: ", ")); \(scopeWords(inv.session.draft!.request, total: district.schoolCount)).")
            },
            CommandSpec("schools all", group: .draft, summary: "cover all schools of the district again",
                        example: "schools all", related: ["schools"]) { inv in
                try inv.session.changeDraft(inv, "schools all") { $0.schools = .all }
                inv.say("The draft covers all schools of the district, and the district office.")
            },
            CommandSpec("pii", group: .draft, summary: "PII Shield: encrypt every attribute the app marked Data Masking",
                        arguments: [ArgumentSpec("on|off", .choice(["on", "off"]), optional: true)],
                        details: "On by default. Encrypted values are deterministic tokens only the district can reveal.",
                        example: "pii on", related: ["app require", "preview"], extraForms: ["pii on", "pii off"]) { inv in
                let draft = try inv.session.requireDraft(inv)
                let app = try inv.session.store.app(id: draft.request.appId)!
                guard let w = inv.argument(0) else {
                    inv.say("PII Shield is \(draft.request.piiShield ? "on" : "off"). \(shieldWords(draft.request, app))")
                    return
                }
                let on: Bool
                switch w.text.lowercased() {
                case "on": on = true
                case "off": on = false
                default: throw w.error("say on or off, not '\(w.text)'")
                }
                try inv.session.changeDraft(inv, "pii \(on ? "on" : "off")") { $0.piiShield = on }
                inv.say("PII Shield \(on ? "on" : "off"). \(shieldWords(inv.session.draft!.request, app))")
            },
            CommandSpec("attributes", group: .draft, summary: "the Attributes section: what is shared, excluded, required, encrypted",
                        arguments: [ArgumentSpec("ENTITY", .entity, optional: true)], flags: [formatFlag],
                        example: "attributes students", related: ["attributes exclude", "attributes include"]) { inv in
                let draft = try inv.session.requireDraft(inv)
                let app = try inv.session.store.app(id: draft.request.appId)!
                var entities = Entity.allCases
                if let w = inv.argument(0) {
                    guard let e = Entity.named(w.text) else {
                        throw w.error("unknown entity '\(w.text)'\(Registry.didYouMean(Registry.nearest(w.text, in: Entity.allCases.map(\.rawValue))))")
                    }
                    entities = [e]
                }
                let encrypted = Set(draft.request.encryptedAttributes(app: app))
                var rows: [[Value]] = []
                for e in entities {
                    for a in e.attributes {
                        let p = AttributePath(entity: e, attribute: a.name)
                        let r = app.requirements[p]
                        let marks = [r?.required == true ? "Required" : nil, r?.masked == true ? "Data Masking" : nil,
                                     p.isLink ? "link" : nil].compactMap { $0 }
                        rows.append([.text(p.description), .text(a.type.rawValue), .bool(!draft.request.excluded.contains(p)),
                                     .bool(encrypted.contains(p)), .text(marks.joined(separator: ", "))])
                    }
                }
                try withFormat(inv) {
                    inv.output.table(Table([.init("attribute", "ATTRIBUTE"), .init("type", "TYPE"), .init("shared", "SHARED"),
                                            .init("encrypted", "ENCRYPTED"), .init("marks", "MARKS")], rows: rows))
                }
            },
            CommandSpec("attributes exclude", group: .draft, summary: "do not share these attributes",
                        arguments: [ArgumentSpec("ENTITY.ATTRIBUTE", .attributePath, repeating: true)],
                        details: "Required attributes, sourcedId and the links between records cannot be excluded. `ENTITY.*` names all of an entity's attributes that can be.",
                        example: "attributes exclude students.phone students.sms", related: ["attributes include", "attributes"]) { inv in
                let draft = try inv.session.requireDraft(inv)
                let app = try inv.session.store.app(id: draft.request.appId)!
                var paths: [AttributePath] = []
                for w in inv.positionals {
                    var expanded = try inv.checked(w) { try AttributePath.expand(w.text) }
                    // `ENTITY.*` means every attribute that can be excluded.
                    if w.text.hasSuffix(".*") { expanded.removeAll { $0.isLink || app.requirements[$0]?.required == true } }
                    for p in expanded {
                        var probe = draft.request
                        try inv.checked(w) { try probe.exclude([p], app: app) }
                    }
                    paths += expanded
                }
                try inv.session.changeDraft(inv, "attributes exclude " + paths.map(\.description).joined(separator: " ")) { r in
                    try r.exclude(paths, app: app)
                }
                inv.say("Excluded \(paths.map(\.description).joined(separator: ", ")).")
            },
            CommandSpec("attributes include", group: .draft, summary: "share these attributes again",
                        arguments: [ArgumentSpec("ENTITY.ATTRIBUTE", .attributePath, repeating: true)],
                        example: "attributes include students.phone", related: ["attributes exclude"]) { inv in
                let paths = try inv.positionals.flatMap { w in try inv.checked(w) { try AttributePath.expand(w.text) } }
                try inv.session.changeDraft(inv, "attributes include " + paths.map(\.description).joined(separator: " ")) { $0.include(paths) }
                inv.say("Included \(paths.map(\.description).joined(separator: ", ")).")
            },
            CommandSpec("filter add", group: .draft, summary: "add a filter rule (conditions joined by `and` must all hold)",
                        arguments: [ArgumentSpec("ENTITY", .entity), ArgumentSpec("ATTRIBUTE OPERATOR [VALUE] [and …]", repeating: true)],
                        details: """
                        Operators: = != in (comma list) for every attribute; < <= > >= for grades (CEDS order IT PR PK TK KG 01 … 13 PS), numbers and dates; contains not-contains starts-with ends-with for text; empty not-empty (no value); before after is-past is-future for dates. A list attribute (grades) matches when any of its values does. Rules on one entity add up: a record is shared when it matches any of them.
                        """,
                        example: "filter add classes grades >= 07", related: ["filter list", "filter remove"],
                        complete: FilterCompletion.complete) { inv in
                let rule = try FilterParsing.parse(inv)
                let draft = try inv.session.requireDraft(inv)
                if let app = try inv.session.store.app(id: draft.request.appId), let p = draft.request.maskedPathFiltered(by: rule, app: app) {
                    throw inv.error("\(p) is encrypted by the PII Shield, so a filter cannot use it (it would reveal the values through what is shared)")
                }
                if let same = inv.session.draft?.request.filters.firstIndex(of: rule) {
                    throw inv.error("filter \(same + 1) is this rule already (`filter list`)")
                }
                try inv.session.changeDraft(inv, rule.command) { $0.filters.append(rule) }
                inv.say("Filter \(inv.session.draft!.request.filters.count): \(rule.words).")
            },
            CommandSpec("filter list", group: .draft, summary: "the draft's filter rules, numbered",
                        flags: [formatFlag], example: "filter list", related: ["filter add", "filter remove"]) { inv in
                let draft = try inv.session.requireDraft(inv)
                try withFormat(inv) {
                    inv.output.table(Table([.init("n", "N", rightAligned: true), .init("entity", "ENTITY"), .init("rule", "RULE"), .init("command", "COMMAND")],
                                           rows: draft.request.filters.enumerated().map { [.int($0.offset + 1), .text($0.element.entity.rawValue), .text($0.element.words), .text($0.element.command)] }),
                                     empty: "No filters: everything in the chosen schools is shared.")
                }
            },
            CommandSpec("filter remove", group: .draft, summary: "remove filter rule N (see `filter list`)",
                        arguments: [ArgumentSpec("N", .number)], example: "filter remove 1", related: ["filter list"]) { inv in
                let draft = try inv.session.requireDraft(inv)
                let w = inv.positionals[0]
                guard let n = Int(w.text), n >= 1, n <= draft.request.filters.count else {
                    throw w.error(draft.request.filters.isEmpty ? "the draft has no filters" : "no filter \(w.text); the draft has filters 1–\(draft.request.filters.count)")
                }
                let removed = draft.request.filters[n - 1]
                try inv.session.changeDraft(inv, "filter remove \(n)") { $0.filters.remove(at: n - 1) }
                inv.say("Removed filter \(n): \(removed.words).")
            },
            CommandSpec("sftp", group: .draft, summary: "SFTP Delivery Config (SFTP apps)",
                        flags: [FlagSpec("host", "HOST", "the vendor's SFTP server"), FlagSpec("port", "N", "default 22", kind: .number),
                                FlagSpec("user", "USER", "the account on it"),
                                FlagSpec("password-env", "VAR", "read the password from this environment variable"),
                                FlagSpec("password", "[SECRET]", "the password; alone, it is asked for without echo"),
                                FlagSpec("path", "DIR", "folder on the server for deliveries")],
                        details: "The password is kept encrypted and never shown back. In scripts use --password-env, so no secret is written in the script.",
                        example: "sftp --host sftp.acme.example --user springfield --password-env ACME_SFTP_PASSWORD",
                        related: ["preview"]) { inv in
                try SFTPSection.set(inv)
            },
            CommandSpec("sftp test", group: .draft, summary: "connect to the draft's SFTP server now and say what it found",
                        flags: [FlagSpec("accept-new-key", nil, "trust the server's host key even though it differs from the one seen before")],
                        details: "Signs in with the stored password, lists the delivery folder, and checks that passport can create (and remove) a folder there, as every sync will. The server's host key is remembered at the first connection; a server presenting another key later is refused before the password is sent.",
                        example: "sftp test", related: ["sftp"]) { inv in
                try SFTPSection.test(inv)
            },
            CommandSpec("threshold", group: .draft, summary: "Sync hold threshold (Data API apps): hold a sync that changes more than this",
                        arguments: [ArgumentSpec("PERCENT", .number)],
                        example: "threshold 15%", related: ["preview"]) { inv in
                let draft = try inv.session.requireDraft(inv)
                let app = try inv.session.store.app(id: draft.request.appId)!
                let w = inv.positionals[0]
                let digits = w.text.hasSuffix("%") ? String(w.text.dropLast()) : w.text
                guard let n = Int(digits) else { throw w.error("'\(w.text)' is not a percentage; write a whole number 0–100, e.g. 15%") }
                if app.delivery == .api && !(0...100).contains(n) { throw w.error("threshold \(n)% is out of range; it must be 0–100%") }
                try inv.session.changeDraft(inv, "threshold \(n)%") { r in try r.setThreshold(n, app: app) }
                inv.say("Sync hold threshold \(n)%: a sync that changes more than \(n)% of an entity's records is held until approved.")
            },
            CommandSpec("attach", group: .draft, summary: "attach a file (pdf, doc, docx, png, jpg; up to 10 MB)",
                        arguments: [ArgumentSpec("FILE", .file)],
                        example: "attach ./agreements/springfield-dpa.pdf", related: ["detach"]) { inv in
                try AttachmentSection.attach(inv)
            },
            CommandSpec("detach", group: .draft, summary: "remove an attachment",
                        arguments: [ArgumentSpec("NAME", .attachment)], example: "detach springfield-dpa.pdf", related: ["attach"]) { inv in
                let draft = try inv.session.requireDraft(inv)
                let w = inv.positionals[0]
                guard draft.request.attachments.contains(where: { $0.name == w.text }) else {
                    throw w.error("no attachment named '\(w.text)'\(Registry.didYouMean(Registry.nearest(w.text, in: draft.request.attachments.map(\.name))))")
                }
                try inv.session.changeDraft(inv, "detach \(w.text)") { $0.attachments.removeAll { $0.name == w.text } }
                inv.say("Removed attachment \(w.text).")
            },
            CommandSpec("expires", group: .draft, summary: "when access ends (a date after today)",
                        arguments: [ArgumentSpec("YYYY-MM-DD", .day)], example: "expires 2027-06-30", related: ["preview"]) { inv in
                let w = inv.positionals[0]
                guard let day = Day(w.text) else { throw w.error("'\(w.text)' is not a date; write YYYY-MM-DD, e.g. 2027-06-30") }
                let today = inv.session.today
                try inv.session.changeDraft(inv, "expires \(day)") { r in
                    do { try r.setExpiration(day, today: today) } catch { throw w.error("\(error)") }
                }
                inv.say("Access expires after \(day).")
            },
            CommandSpec("message", group: .draft, summary: "a note to the district (`message \"\"` clears it)",
                        arguments: [ArgumentSpec("TEXT", repeating: true)],
                        example: "message \"Our DPA is attached; questions to privacy@acme.example\"", related: ["preview"]) { inv in
                let text = (inv.text(from: 0) ?? "").trimmingBlanks
                if let w = inv.argument(0) { try plainText(Argument(text: text, position: w.position, length: w.length, quoted: w.quoted), what: "a message", allowNewlines: true) }
                try inv.session.changeDraft(inv, text.isEmpty ? "message cleared" : "message") { $0.message = text.isEmpty ? nil : text }
                inv.say(text.isEmpty ? "Message cleared." : "Message set.")
            },
            CommandSpec("preview", group: .send, summary: "the whole request as the district will see it, with every problem that blocks sending",
                        flags: [formatFlag], example: "preview", related: ["send", "status"]) { inv in
                let draft = try inv.session.requireDraft(inv)
                try withFormat(inv) { try RequestPreview.show(draft.request, inv: inv, title: "Data Access Consent request (draft)", withProblems: true) }
            },
            CommandSpec("send", group: .send, summary: "send the request to the district (\"Send Request\")",
                        flags: [FlagSpec("yes", nil, "do not ask to confirm (scripts)")],
                        details: "Refused while any rule is broken (see `preview`). On a terminal it asks to confirm. The sent request is frozen and `pending` until the district approves or rejects it.",
                        example: "send --yes", related: ["preview", "consents"]) { inv in
                try SendRequest.run(inv)
            },
            CommandSpec("undo", group: .draft, summary: "step back one draft change", example: "undo", related: ["redo", "status"]) { inv in
                guard let label = try inv.session.stepDraft(inv, { $0.undo() }) else { throw inv.error("nothing to undo: the draft is as it was opened") }
                inv.say("Undid: \(label).")
            },
            CommandSpec("redo", group: .draft, summary: "step forward again after undo", example: "redo", related: ["undo"]) { inv in
                guard let label = try inv.session.stepDraft(inv, { $0.redo() }) else { throw inv.error("nothing to redo") }
                inv.say("Redid: \(label).")
            },
            CommandSpec("discard", group: .draft, summary: "drop the open draft (it cannot be undone)",
                        flags: [FlagSpec("yes", nil, "do not ask to confirm")],
                        details: "On a terminal it asks first; `draft save FILE` keeps a copy you can replay.",
                        example: "discard", related: ["request access", "draft save"]) { inv in
                let d = try inv.session.requireDraft(inv)
                let district = try inv.session.store.district(id: d.request.districtId)?.name ?? d.request.districtId
                if !inv.has("yes"), let confirm = inv.session.confirm,
                   !confirm("Discard the draft for \(district) (\(d.undoSteps.count) change\(d.undoSteps.count == 1 ? "" : "s"))? [y/N] ") {
                    inv.say("Kept the draft.")
                    return
                }
                try inv.session.saveDraft(nil)
                inv.say("Discarded the draft for \(district).")
            },
            DraftScript.spec,
        ]
    }

    static func open(_ inv: Invocation, schools: SchoolSelection, label: String) throws {
        let app = try inv.session.requireApp(inv)
        let district = try inv.session.requireDistrict(inv)
        try inv.session.refreshDraft()
        if inv.session.draft != nil {
            throw inv.error("a draft is open already; `preview` it, `send` it or `discard` it first")
        }
        guard app.published else {
            throw inv.error("\(app.name) is not published; only a published app can send requests (`app publish`)")
        }
        let draft = Draft(ConsentRequest(appId: app.id, districtId: district.id, schools: schools), label: label)
        try inv.session.saveDraft(draft)
        inv.say("Opened a draft: \(app.name) › \(district.name), \(scopeWords(draft.request, total: district.schoolCount)). PII Shield is on.")
    }

    static func scopeWords(_ r: ConsentRequest, total: Int) -> String {
        switch r.schools {
        case .all: return "all \(total) school\(total == 1 ? "" : "s")"
        case .some(let ids): return "\(ids.count) of \(total) school\(total == 1 ? "" : "s")"
        }
    }

    /// What the PII Shield does to this request; a sentence, or a phrase to follow "on — ".
    static func shieldWords(_ r: ConsentRequest, _ app: App, sentence: Bool = true) -> String {
        let masked = app.maskedAttributes
        let encrypted = r.encryptedAttributes(app: app)
        let words: String
        if masked.isEmpty { return "\(app.name) marks no attribute Data Masking, so nothing is encrypted" + (sentence ? "." : "") }
        if r.piiShield {
            words = encrypted.isEmpty ? "every masked attribute is excluded, so nothing is encrypted"
                : "encrypts " + encrypted.map(\.description).joined(separator: ", ")
        } else {
            words = "masked attributes are sent as is: " + masked.map(\.description).joined(separator: ", ")
        }
        return sentence ? words.prefix(1).uppercased() + words.dropFirst() + "." : words
    }
}
