import PassportDomain

/// The public directory of districts and schools.
enum DirectoryCommands {
    static var all: [CommandSpec] {
        [
            CommandSpec("district search", group: .directory, summary: "ranked matches: id, name, state, schools",
                        arguments: [ArgumentSpec("TEXT", repeating: true)],
                        flags: [FlagSpec("state", "ST", "only this state (two letters)", kind: .state),
                                FlagSpec("limit", "N", "how many to show (default 20)", kind: .number), formatFlag],
                        details: "Whole words and word beginnings rank first, then other matches; an NCES id (or its start) works too.",
                        example: "district search springfield --state IL", related: ["district use"]) { inv in
                var limit = 20
                if let l = inv.flags["limit"] {
                    guard let n = Int(l.text), n > 0 else { throw l.error("--limit takes a positive number") }
                    limit = n
                }
                var state: String?
                if let s = inv.flags["state"] {
                    guard s.text.count == 2, s.text.allSatisfy(\.isLetter) else { throw s.error("--state takes a two-letter code, e.g. IL") }
                    state = s.text.uppercased()
                }
                let text = inv.text(from: 0) ?? ""
                let found = try inv.session.store.searchDistricts(text, state: state, limit: limit)
                try withFormat(inv) {
                    let t = Table([.init("id", "ID"), .init("name", "NAME"), .init("state", "STATE"), .init("city", "CITY"),
                                   .init("schools", "SCHOOLS", rightAligned: true)],
                                  rows: found.map { [.text($0.id), .text($0.name), .text($0.state), .text($0.city), .int($0.schoolCount)] })
                    inv.output.table(t, empty: "No district matches '\(text)'\(state.map { " in \($0)" } ?? "").")
                }
            },
            CommandSpec("district use", group: .directory, summary: "choose a district (by NCES id or name)",
                        arguments: [ArgumentSpec("DISTRICT", .district)],
                        example: "district use 1737080", related: ["district search", "district show"]) { inv in
                let d = try inv.session.findDistrict(inv.positionals[0])
                if let draft = inv.session.draft, draft.request.districtId != d.id {
                    throw inv.error("your open draft is for another district; `send` or `discard` it before choosing another")
                }
                inv.session.districtId = d.id
                inv.say("Using \(d.name) (\(d.id), \(d.state)): \(d.schoolCount) school\(d.schoolCount == 1 ? "" : "s").")
            },
            CommandSpec("district show", group: .directory, summary: "the district's Overview: facts and its schools",
                        arguments: [ArgumentSpec("DISTRICT", .district, optional: true)], flags: [formatFlag],
                        example: "district show", related: ["district use", "request access"]) { inv in
                let d = try inv.argument(0).map { try inv.session.findDistrict($0) } ?? inv.session.requireDistrict(inv)
                let schools = try inv.session.store.schools(inDistrict: d.id)
                let table = Table([.init("id", "NCES ID"), .init("name", "SCHOOL"), .init("grades", "GRADES"), .init("city", "CITY")],
                                  rows: schools.map { [.text($0.id), .text($0.name), .text($0.gradeSpan), .text($0.city)] })
                try withFormat(inv) {
                    let place = [d.city, d.state].filter { !$0.isEmpty }.joined(separator: ", ")
                    var text = """
                    \(d.name)
                      NCES id:  \(d.id)
                      Place:    \(place)
                      Grades:   \(d.gradeSpan)
                      Schools:  \(d.schoolCount)

                    """
                    if !schools.isEmpty { text += inv.output.render(table) }
                    let value = Value.record([("id", .text(d.id)), ("name", .text(d.name)), ("state", .text(d.state)),
                                              ("city", .text(d.city)), ("lowestGrade", .text(d.lowestGrade)),
                                              ("highestGrade", .text(d.highestGrade)), ("schools", table.asValue)])
                    inv.output.show(text: text, value: inv.output.format == .csv ? table.asValue : value)
                }
            },
            CommandSpec("district consents", group: .consents, summary: "the selected app's consents with the chosen district",
                        flags: [formatFlag], example: "district consents", related: ["consents", "consent show"]) { inv in
                let app = try inv.session.requireApp(inv)
                let d = try inv.session.requireDistrict(inv)
                let list = try inv.session.store.consents(organization: inv.session.organization!, districtId: d.id, limit: nil)
                    .filter { $0.request.appId == app.id }
                try withFormat(inv) { ConsentCommands.list(list, inv, empty: "\(app.name) has no consents with \(d.name) yet.") }
            },
        ]
    }
}
