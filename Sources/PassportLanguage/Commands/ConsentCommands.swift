import PassportDomain

/// Data Sync Consents: what was sent and where it stands.
enum ConsentCommands {
    static var all: [CommandSpec] {
        [
            CommandSpec("consents", group: .consents, summary: "your consents, newest first (ten unless --all)",
                        flags: [FlagSpec("all", nil, "every consent, not only the newest ten"),
                                FlagSpec("status", "STATUS", "only pending, approved, rejected or expired", kind: .status),
                                FlagSpec("district", "DISTRICT", "only with this district", kind: .district),
                                FlagSpec("app", "APP", "only this app's", kind: .app), formatFlag],
                        example: "consents --status pending", related: ["consent show", "district consents"]) { inv in
                _ = try inv.session.requireAccount(inv)
                var districtId: String?
                if let d = inv.flags["district"] { districtId = try inv.session.findDistrict(d).id }
                var status: ConsentStatus?
                if let s = inv.flags["status"] {
                    guard let st = ConsentStatus(rawValue: s.text.lowercased()), st != .draft else {
                        throw s.error("unknown status '\(s.text)'; use pending, approved, rejected or expired")
                    }
                    status = st
                }
                let today = inv.session.today
                var list: [Consent]
                var appId: Int64?
                if let admin = inv.session.adminOf {
                    list = try inv.session.store.consents(addressedTo: admin)
                    if let a = inv.flags["app"] { list = list.filter { $0.appName.lowercased() == a.text.lowercased() } }
                } else {
                    appId = try inv.flags["app"].map { try inv.session.findApp($0).id }
                    list = try inv.session.store.consents(organization: inv.session.organization!, districtId: districtId, limit: nil)
                }
                if let appId { list = list.filter { $0.request.appId == appId } }
                if let status { list = list.filter { $0.status(today: today) == status } }
                let total = list.count
                if !inv.has("all") { list = Array(list.prefix(10)) }
                try withFormat(inv) {
                    self.list(list, inv, empty: "No consents\(status.map { " with status \($0.rawValue)" } ?? "") yet.")
                    if inv.output.format == .table && total > list.count { inv.say("(\(list.count) of \(total); `consents --all` shows every one)") }
                }
            },
            CommandSpec("consent show", group: .consents, summary: "one consent: every section and its history",
                        arguments: [ArgumentSpec("ID", .consent)], flags: [formatFlag],
                        example: "consent show 1", related: ["consents", "request change"]) { inv in
                _ = try inv.session.requireAccount(inv)
                let c = try inv.session.visibleConsent(inv.positionals[0])
                let status = c.status(today: inv.session.today)
                try withFormat(inv) {
                    var sheet = try RequestPreview.sheet(c.request, session: inv.session, allSchools: true)
                    var history = c.history.map { "\($0.at)  \($0.status.rawValue)  by \($0.by)\($0.message.map { " — \($0)" } ?? "")" }
                    if status == .expired, let e = c.request.expires { history.append("\(e)  expired (access ended)") }
                    if let old = c.request.replaces {
                        sheet.rows.insert(("Changes", try changeLines(c.request, replacing: old, session: inv.session)), at: 0)
                        sheet.fields.append(("replaces", .int(old)))
                    }
                    sheet.rows.append(("Sent", ["\(c.sentAt) by \(c.vendor) (\(c.organization))"]))
                    sheet.rows.append(("History", history))
                    var text = sheet.text(title: "Consent \(c.id) — \(status.words)")
                    // The district's admin, deciding a request, sees what it would deliver, rows included.
                    if inv.session.adminOf != nil, status == .pending,
                       let impact = try RequestPreview.dataImpact(c.request, session: inv.session, samples: true) {
                        text += impact.text
                        sheet.fields.append(("dataImpact", impact.value))
                    }
                    sheet.fields = [("id", .int(c.id)), ("status", .text(status.rawValue)), ("sentAt", .text(c.sentAt.description)),
                                    ("vendor", .text(c.vendor))] + sheet.fields
                    sheet.fields.append(("history", .list(c.history.map {
                        .record([("status", .text($0.status.rawValue)), ("at", .text($0.at.description)), ("by", .text($0.by)), ("message", .optional($0.message))])
                    })))
                    inv.output.show(text: text, value: .record(sheet.fields))
                }
            },
            CommandSpec("consent approve", group: .consents, summary: "approve a pending request (district admins)",
                        arguments: [ArgumentSpec("ID", .consent)], flags: [FlagSpec("message", "TEXT", "a note to the vendor")],
                        details: "Approving a change request supersedes the consent it changes. Every decision is kept in the consent's history with who made it and when.",
                        example: "consent approve 3 --message \"Approved for the 2027 school year\"", related: ["consent reject", "consents"]) { inv in
                try decide(.approved, inv)
            },
            CommandSpec("consent reject", group: .consents, summary: "reject a pending request (district admins)",
                        arguments: [ArgumentSpec("ID", .consent)], flags: [FlagSpec("message", "TEXT", "why, for the vendor")],
                        example: "consent reject 3 --message \"Please exclude phone numbers\"", related: ["consent approve"]) { inv in
                try decide(.rejected, inv)
            },
            CommandSpec("request change", group: .consents, summary: "open a draft that changes an approved consent (\"Request Changes\")",
                        arguments: [ArgumentSpec("ID", .consent)],
                        details: "The draft starts as the approved consent; sending it makes a new pending request that refers to the old one. The old one stays in force until the district approves the change.",
                        example: "request change 1", related: ["consent show", "send"]) { inv in
                let session = inv.session
                _ = try session.requireVendor(inv)
                let c = try session.visibleConsent(inv.positionals[0])
                guard c.status(today: session.today) == .approved else {
                    throw inv.positionals[0].error("consent \(c.id) is \(c.status(today: session.today).rawValue); only an approved consent can be changed")
                }
                if session.draft != nil { throw inv.error("a draft is open already; `send` it or `discard` it first") }
                var request = c.request
                request.replaces = c.id
                let draft = Draft(request, label: "request change \(c.id)")
                session.appId = request.appId
                session.districtId = request.districtId
                try session.saveDraft(draft)
                inv.say("Opened a change draft from consent \(c.id) (\(c.appName) › \(c.districtName)); `preview` shows what it changes.")
            },
        ]
    }

    /// `+`/`-` lines for what a change request adds to and removes from the consent it replaces.
    static func changeLines(_ r: ConsentRequest, replacing old: Int64, session: Session) throws -> [String] {
        guard let previous = try session.store.consent(id: old) else { return ["changes consent \(old) (no longer found)"] }
        let changes = r.changes(from: previous.request)
        var lines = ["changes consent \(old)" + (changes.isEmpty ? ": nothing changed yet" : ":")]
        let schools = Dictionary(try session.store.schools(inDistrict: r.districtId).map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
        for c in changes {
            let name = { (v: String) in c.section == "Schools" ? schools[v].map { "\($0) (\(v))" } ?? v : v }
            lines += c.added.map { "+ \(c.section): \(name($0))" }
            lines += c.removed.map { "- \(c.section): \(name($0))" }
        }
        return lines
    }

    static func decide(_ status: ConsentStatus, _ inv: Invocation) throws {
        let session = inv.session
        let district = try session.requireDistrictAdmin(inv)
        let c = try session.visibleConsent(inv.positionals[0])
        let today = session.today
        let message = inv.flag("message").map { $0.trimmingBlanks }.flatMap { $0.isEmpty ? nil : $0 }
        // A request is decided by the district, never by the organization that sent it.
        if session.organization == c.organization {
            throw inv.positionals[0].error("\(session.account!) belongs to \(c.organization), which sent consent \(c.id); the district decides it")
        }
        let change = StatusChange(status: status, at: session.now(), by: session.account!, message: message)
        try inv.checked(inv.positionals[0]) {
            try session.store.inTransaction {
                try session.store.recordStatus(change, consent: c.id) { current in try current.decide(status, today: today) }
                // The PII Shield key of this consent is made now, and stays on the district side.
                if status == .approved { try DataPlane(session: session).makeKey(consent: c.id) }
                // Approving a change request supersedes the consent it changes.
                if status == .approved, let old = c.request.replaces {
                    try session.store.recordStatus(StatusChange(status: .superseded, at: change.at, by: change.by, message: "superseded by consent \(c.id)"),
                                                   consent: old) { previous in
                        // Only a consent still in force can be changed: two approved changes of one consent would both be in force.
                        let now = previous.status(today: today)
                        guard now == .approved else {
                            throw DomainError("consent \(c.id) changes consent \(old), which is \(now.rawValue) now; reject this one and ask for a new change")
                        }
                    }
                }
            }
        }
        inv.say("Consent \(c.id) (\(c.appName), from \(c.organization)) \(status.rawValue) for \(district.name)\(message.map { ": \($0)" } ?? ".")")
        if status == .approved, let old = c.request.replaces { inv.say("Consent \(old) is superseded by consent \(c.id).") }
    }

    static func list(_ consents: [Consent], _ inv: Invocation, empty: String) {
        let today = inv.session.today
        let t = Table([.init("id", "ID", rightAligned: true), .init("app", "APP"), .init("district", "DISTRICT"), .init("schools", "SCHOOLS"),
                       .init("status", "STATUS"), .init("sent", "SENT")],
                      rows: consents.map { c in
                          let schools: String
                          switch c.request.schools {
                          case .all: schools = "all"
                          case .some(let ids): schools = "\(ids.count)"
                          }
                          return [.int(c.id), .text(c.appName), .text("\(c.districtName) (\(c.request.districtId))"), .text(schools),
                                  .text(c.status(today: today).rawValue), .text(c.sentAt.day.description)]
                      })
        inv.output.table(t, empty: empty)
    }
}

/// `status`: one screen of where you are.
enum StatusReport {
    static func show(_ inv: Invocation) throws {
        let s = inv.session
        let app = try s.appId.flatMap { try s.store.app(id: $0) }
        let district = try s.districtId.flatMap { try s.store.district(id: $0) }
        var lines: [String] = []
        if let admin = s.adminOf, let account = s.account {
            let d = try s.store.district(id: admin)
            let pending = try s.store.consents(addressedTo: admin).filter { $0.status(today: s.today) == .pending }.count
            inv.output.show(text: "Signed in:  \(account), admin of \(d?.name ?? admin) (\(admin))\nRequests:   \(pending) pending (`consents --status pending`)"
                            + (try s.store.roster(districtId: admin) == nil ? "\nRoster:     none yet (`district import DIR`)" : "\nRoster:     imported (`district roster`)"),
                            value: .record([("account", .text(account)), ("districtAdminOf", .text(admin)), ("pending", .int(pending))]))
            return
        }
        lines.append("Signed in:  " + (s.account.map { "\($0) (organization \(s.organization!))" } ?? "no — `login EMAIL`"))
        lines.append("App:        " + (app.map { "\($0.name) (\($0.delivery.rawValue), \($0.published ? "published" : "unpublished"))" } ?? "none — `app use APP`"))
        lines.append("District:   " + (district.map { "\($0.name) (\($0.id), \($0.state)), \($0.schoolCount) schools" } ?? "none — `district use DISTRICT`"))
        var draftValue: Value = .null
        if let d = s.draft {
            let problems = try RequestPreview.violations(d.request, session: s)
            let total = district?.schoolCount ?? 0
            lines.append("Draft:      open — \(DraftCommands.scopeWords(d.request, total: total)), PII Shield \(d.request.piiShield ? "on" : "off"), "
                         + "\(d.request.filters.count) filter\(d.request.filters.count == 1 ? "" : "s"), \(d.request.attachments.count) attachment\(d.request.attachments.count == 1 ? "" : "s")")
            lines.append("            last change: \(d.label); \(d.undoSteps.count) to undo, \(d.redoSteps.count) to redo")
            lines.append("            " + (problems.isEmpty ? "ready to send" : "\(problems.count) problem\(problems.count == 1 ? " blocks" : "s block") sending (`preview`)"))
            draftValue = .record([("lastChange", .text(d.label)), ("undo", .int(d.undoSteps.count)), ("redo", .int(d.redoSteps.count)),
                                  ("problems", .int(problems.count))])
        } else {
            lines.append("Draft:      none")
        }
        if s.options.dryRun { lines.append("Mode:       dry run (`send` sends nothing)") }
        inv.output.show(text: lines.joined(separator: "\n"),
                        value: .record([("account", .optional(s.account)), ("organization", .optional(s.organization)),
                                        ("app", .optional(app?.name)), ("district", .optional(district?.id)), ("draft", draftValue)]))
    }
}
