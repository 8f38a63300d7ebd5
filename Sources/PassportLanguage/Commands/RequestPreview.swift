import PassportCrypto
import PassportData
import PassportDomain

/// A request as the district sees it: `preview` of the draft, `consent show` of a sent one.
enum RequestPreview {
    /// Labelled lines for people and the same facts as a record for programs.
    struct Sheet {
        var rows: [(label: String, lines: [String])] = []
        var fields: [(String, Value)] = []
        mutating func add(_ label: String, _ lines: [String], _ key: String, _ value: Value) {
            rows.append((label, lines)); fields.append((key, value))
        }
        func text(title: String) -> String {
            var out = title + "\n"
            let width = (rows.map { $0.label.count }.max() ?? 0) + 2
            for row in rows {
                let pad = String(repeating: " ", count: width - row.label.count)
                for (k, line) in row.lines.enumerated() {
                    out += k == 0 ? "  \(row.label):\(pad)\(line)\n" : "  " + String(repeating: " ", count: width + 1) + line + "\n"
                }
            }
            return out
        }
    }

    /// `allSchools`: name every school (a sent consent), not only the first ten (a draft's preview).
    static func sheet(_ r: ConsentRequest, session: Session, allSchools: Bool = false) throws -> Sheet {
        var s = Sheet()
        let app = try session.store.app(id: r.appId)
        let district = try session.store.district(id: r.districtId)
        let schools = try session.store.schools(inDistrict: r.districtId)
        if let app {
            s.add("App", ["\(app.name) (\(app.delivery.words))\(app.published ? "" : " — not published")"], "app",
                  .record([("id", .int(app.id)), ("name", .text(app.name)), ("delivery", .text(app.delivery.rawValue)), ("published", .bool(app.published))]))
            if !app.description.isEmpty { s.rows.append(("About the app", [app.description])) }
        }
        let districtName = district.map { "\($0.name) (\($0.id), \($0.state))" } ?? r.districtId
        s.add("District", [districtName], "district", .record([("id", .text(r.districtId)), ("name", .optional(district?.name)), ("state", .optional(district?.state))]))

        // Schools: n of N, named.
        let chosen: [School]
        var schoolLines: [String]
        switch r.schools {
        case .all:
            chosen = schools
            schoolLines = ["all \(schools.count) of \(schools.count), and the district office (schools added later are included)"]
        case .some(let ids):
            chosen = ids.map { id in schools.first { $0.id == id } ?? School(id: id, districtId: r.districtId, name: "(not in the directory)") }
            schoolLines = ["\(ids.count) of \(schools.count)"]
        }
        let shown = r.schools == .all && !allSchools ? Array(chosen.prefix(10)) : chosen
        schoolLines += shown.map { "\($0.name) (\($0.id), grades \($0.gradeSpan))" }
        if shown.count < chosen.count { schoolLines.append("… and \(chosen.count - shown.count) more (`schools` lists them all)") }
        s.add("Schools", schoolLines, "schools",
              .record([("all", .bool(r.schools == .all)), ("count", .int(chosen.count)), ("of", .int(schools.count)),
                       ("schools", .list(chosen.map { .record([("id", .text($0.id)), ("name", .text($0.name))]) }))]))

        // PII Shield and exactly what it encrypts.
        let encrypted = app.map { r.encryptedAttributes(app: $0) } ?? []
        var shield = [r.piiShield ? "on" : "off"]
        if let app {
            shield = [(r.piiShield ? "on — " : "off — ") + DraftCommands.shieldWords(r, app, sentence: false)]
        }
        s.add("PII Shield", shield, "piiShield",
              .record([("on", .bool(r.piiShield)), ("encrypts", .list(encrypted.map { .text($0.description) }))]))

        s.add("Attributes", r.excluded.isEmpty ? ["all included"] : ["all included except:"] + r.excluded.map { "  \($0)" },
              "excludedAttributes", .list(r.excluded.map { .text($0.description) }))

        s.add("Filters", r.filters.isEmpty ? ["none (everything in the chosen schools)"] : r.filters.enumerated().map { "\($0.offset + 1). \($0.element.words)" },
              "filters", .list(r.filters.map { .record([("entity", .text($0.entity.rawValue)), ("rule", .text($0.words)), ("command", .text($0.command))]) }))

        if app?.delivery != .api || r.sftp != nil {
            s.add("SFTP Delivery", [r.sftp.map(SFTPSection.describe) ?? "not set"], "sftp",
                  r.sftp.map { .record([("host", .text($0.host)), ("port", .int($0.port)), ("user", .text($0.user)), ("password", .text("********")),
                                        ("passwordEnv", .optional($0.passwordEnv)), ("path", .optional($0.path))]) } ?? .null)
        }
        if app?.delivery == .api || r.thresholdPercent != nil {
            s.add("Sync hold", [r.thresholdPercent.map { "hold a sync that changes more than \($0)% of an entity's records" } ?? "not set"],
                  "thresholdPercent", r.thresholdPercent.map { .int($0) } ?? .null)
        }
        s.add("Attachments", r.attachments.isEmpty ? ["none"] : r.attachments.map { "\($0.name) (\($0.kind.rawValue), \(sizeWords($0.size)), sha256 \($0.sha256))" },
              "attachments", .list(r.attachments.map { .record([("name", .text($0.name)), ("kind", .text($0.kind.rawValue)), ("size", .int($0.size)), ("sha256", .text($0.sha256))]) }))
        s.add("Expires", [r.expires.map { "access ends after \($0)" } ?? "never (until revoked)"], "expires", .optional(r.expires?.description))
        s.add("Message", [r.message ?? "none"], "messageToDistrict", .optional(r.message))
        return s
    }

    static func show(_ r: ConsentRequest, inv: Invocation, title: String, withProblems: Bool) throws {
        let session = inv.session
        var s = try sheet(r, session: session)
        if let old = r.replaces {
            s.rows.insert(("Changes", try ConsentCommands.changeLines(r, replacing: old, session: session)), at: 0)
            s.fields.append(("replaces", .int(old)))
        }
        var text = s.text(title: title)
        // The vendor sees counts only: rows of a district's roster are not the vendor's before approval.
        if let impact = try dataImpact(r, session: session, samples: false) {
            text += impact.text
            s.fields.append(("dataImpact", impact.value))
        }
        if withProblems {
            let problems = try violations(r, session: session)
            s.fields.append(("problems", .list(problems.map { .record([("section", .text($0.section)), ("message", .text($0.message))]) })))
            if problems.isEmpty {
                text += "\nReady to send: `send` (`send --yes` in a script).\n"
            } else {
                text += "\n\(problems.count) problem\(problems.count == 1 ? "" : "s") block\(problems.count == 1 ? "s" : "") sending:\n"
                text += problems.map { "  - \($0)\n" }.joined()
            }
        }
        inv.output.show(text: text, value: .record(s.fields))
    }

    /// Records per entity before and after, when the district has imported a roster; with `samples`, a
    /// few rows as the vendor would receive them — shown only to the district's admin reviewing a
    /// request (`consent show`), never to the vendor before approval. Tokens in the samples are made
    /// with a preview key; the consent's real key is made when the district approves.
    static func dataImpact(_ r: ConsentRequest, session: Session, samples: Bool) throws -> (text: String, value: Value)? {
        let plane = DataPlane(session: session)
        guard let roster = try plane.roster(r.districtId), let app = try session.store.app(id: r.appId) else { return nil }
        let seed = "passport preview \(r.districtId) \(r.appId)"
        let shield = try PIIShield(key: SHA256.digest(Array((seed + " 1").utf8)) + SHA256.digest(Array((seed + " 2").utf8)))
        let impact = try ConsentEngine.impact(roster: roster, request: r, app: app, shield: shield, today: session.today,
                                              schoolSourcedIds: try plane.schoolSourcedIds(r), samples: samples ? 2 : 0)
        var text = "\nData impact (the district's roster, before → after):\n"
        let width = impact.entries.map(\.entity.rawValue.count).max() ?? 0
        for e in impact.entries {
            text += "  \(e.entity.rawValue.padding(width))  \(e.before) → \(e.after)\n"
        }
        // A few telling columns: the record, what a filter or the PII Shield touches, and its links.
        let telling: [Entity: [String]] = [.students: ["sourcedId", "username", "givenName", "familyName", "email", "grades"],
                                           .classes: ["sourcedId", "title", "grades", "schoolSourcedId"]]
        for e in impact.entries where !e.samples.isEmpty && telling[e.entity] != nil {
            text += "Sample \(e.entity.rawValue) as \(app.name) receives them:\n"
            let shown = telling[e.entity]!.compactMap { name in e.columns.firstIndex(of: name).map { (name, $0) } }
            let table = Table(shown.map { Table.Column($0.0, $0.0) }, rows: e.samples.map { row in
                shown.map { Value.text(row[$0.1].count > 28 ? String(row[$0.1].prefix(27)) + "…" : row[$0.1]) }
            })
            text += session.output.render(table).split(separator: "\n").map { "  " + $0 + "\n" }.joined()
        }
        let value = Value.list(impact.entries.map { e in
            .record([("entity", .text(e.entity.rawValue)), ("before", .int(e.before)), ("after", .int(e.after)),
                     ("samples", .list(e.samples.map { row in .record(zip(e.columns, row).map { ($0, Value.text($1)) }) }))])
        })
        return (text, value)
    }

    static func violations(_ r: ConsentRequest, session: Session) throws -> [RuleViolation] {
        guard let app = try session.store.app(id: r.appId) else { return [RuleViolation("App", "the app no longer exists")] }
        let schools = Set(try session.store.schools(inDistrict: r.districtId).map(\.id))
        return r.violations(app: app, districtSchools: schools, today: session.today)
    }
}

/// `send [--yes]`.
enum SendRequest {
    static func run(_ inv: Invocation) throws {
        let session = inv.session
        let draft = try session.requireDraft(inv)
        let problems = try RequestPreview.violations(draft.request, session: session)
        if !problems.isEmpty {
            throw inv.error("cannot send: \(problems.count) problem\(problems.count == 1 ? "" : "s") block\(problems.count == 1 ? "s" : "") it:\n"
                            + problems.map { "  - \($0)" }.joined(separator: "\n"))
        }
        let app = try session.store.app(id: draft.request.appId)!
        let district = try session.store.district(id: draft.request.districtId)!
        if session.options.dryRun {
            inv.say("Dry run: this request would be sent to \(district.name); nothing was sent.")
            try RequestPreview.show(draft.request, inv: inv, title: "Data Access Consent request (would be sent)", withProblems: false)
            return
        }
        if !inv.has("yes") {
            guard let confirm = session.confirm else {
                throw inv.error("send asks to confirm, and nobody is there to answer; use `send --yes` in scripts")
            }
            guard confirm("Send request to \(district.name)? [y/N] ") else {
                inv.say("Not sent; the draft is still open.")
                return
            }
        }
        let consent = try session.store.sendConsent(draft.request, account: session.account!, organization: session.organization!,
                                                    appName: app.name, districtName: district.name, at: session.now())
        session.draft = nil
        inv.say("Sent request \(consent.id) to \(district.name): pending approval.")
    }
}
