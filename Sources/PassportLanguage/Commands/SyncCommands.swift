#if canImport(Glibc)
import Glibc
#endif
import PassportCrypto
import PassportData
import PassportDelivery
import PassportDomain
import PassportStore

/// Data flowing under a consent: SFTP deliveries, Data API syncs with their hold threshold, and reading them.
enum SyncCommands {
    static let consentFlag = FlagSpec("consent", "ID", "which consent (default: the newest approved one of the selected app and district)", kind: .consent)

    static var all: [CommandSpec] {
        [
            CommandSpec("sync run", group: .consents, summary: "deliver the shared data of an approved consent now",
                        flags: [consentFlag],
                        details: "SFTP apps: the data is written as OneRoster 1.1 CSV with manifest.csv into a new folder per sync, uploaded under a temporary name and renamed into place when complete. Data API apps: the changes per entity are staged against the last delivered data; within the threshold they are published, above it the whole sync is held until `sync approve` or `sync reject`. A first sync is never held. An expired consent delivers nothing.",
                        example: "sync run --consent 1", related: ["sync show", "sync approve", "data get"]) { inv in
                try run(inv)
            },
            CommandSpec("sync show", group: .consents, summary: "a consent's syncs, or one sync's changes per entity",
                        arguments: [ArgumentSpec("ID", .number, optional: true)], flags: [consentFlag, formatFlag],
                        example: "sync show 2", related: ["sync run", "sync approve"]) { inv in
                try show(inv)
            },
            CommandSpec("sync approve", group: .consents, summary: "publish a held sync",
                        arguments: [ArgumentSpec("ID", .number)], flags: [FlagSpec("message", "TEXT", "why")],
                        example: "sync approve 2", related: ["sync reject", "sync show"]) { inv in
                try decide(inv, approve: true)
            },
            CommandSpec("sync reject", group: .consents, summary: "drop a held sync; the last published data stays",
                        arguments: [ArgumentSpec("ID", .number)], flags: [FlagSpec("message", "TEXT", "why")],
                        example: "sync reject 2 --message \"Roster export was incomplete\"", related: ["sync approve"]) { inv in
                try decide(inv, approve: false)
            },
            CommandSpec("data get", group: .consents, summary: "read what a Data API consent has published (vendors)",
                        arguments: [ArgumentSpec("ENTITY", .entity)], flags: [consentFlag, FlagSpec("limit", "N", "at most N records", kind: .number), formatFlag],
                        example: "data get classes --consent 1", related: ["sync run"]) { inv in
                try dataGet(inv)
            },
            CommandSpec("data export", group: .consents, summary: "write what a consent shares now as OneRoster CSV to a local folder",
                        arguments: [ArgumentSpec("DIR", .file)], flags: [consentFlag],
                        details: "The same files an SFTP sync would upload, PII Shield tokens included; nothing is recorded as delivered.",
                        example: "data export ./springfield-check --consent 1", related: ["sync run"]) { inv in
                try export(inv)
            },
            CommandSpec("consent reveal", group: .consents, summary: "reveal the value behind a PII Shield token (district admins)",
                        arguments: [ArgumentSpec("ID", .consent), ArgumentSpec("TOKEN")],
                        example: "consent reveal 1 pii1.hXq…", related: ["consent show"]) { inv in
                let session = inv.session
                _ = try session.requireDistrictAdmin(inv)
                let c = try session.visibleConsent(inv.positionals[0])
                guard let shield = try DataPlane(session: session).shield(consent: c.id) else {
                    throw inv.positionals[0].error("consent \(c.id) has no PII Shield key: it was never approved")
                }
                let token = inv.positionals[1]
                let value = try inv.checked(token) { try shield.reveal(token.text) }
                inv.output.show(text: value, value: .record([("token", .text(token.text)), ("value", .text(value))]))
            },
        ]
    }

    /// The consent a sync command means: `--consent ID`, or the newest approved one of the app and district.
    static func consent(_ inv: Invocation) throws -> Consent {
        let session = inv.session
        if let w = inv.flags["consent"] { return try session.visibleConsent(w) }
        _ = try session.requireVendor(inv)
        let app = try session.requireApp(inv)
        let district = try session.requireDistrict(inv)
        let today = session.today
        guard let c = try session.store.consents(organization: session.organization!, districtId: district.id, limit: nil)
            .first(where: { $0.request.appId == app.id && $0.status(today: today) == .approved }) else {
            throw inv.error("\(app.name) has no approved consent with \(district.name); name one with --consent ID")
        }
        return c
    }

    static func run(_ inv: Invocation) throws {
        let session = inv.session
        _ = try session.requireVendor(inv)
        let c = try consent(inv)
        let status = c.status(today: session.today)
        guard status == .approved else {
            let why = status == .expired ? "it expired after \(c.request.expires!)" : "it is \(status.rawValue)"
            throw inv.error("consent \(c.id) delivers nothing: \(why)")
        }
        guard let app = try session.store.app(id: c.request.appId) else { throw inv.error("the consent's app no longer exists") }
        let data = try inv.checked { try DataPlane(session: session).apply(c) }
        let counts = data.entityCounts
        let summary = Entity.allCases.filter { (counts[$0] ?? 0) > 0 }.map { "\($0.rawValue) \(counts[$0]!)" }.joined(separator: ", ")
        switch app.delivery {
        case .sftp: try deliverSFTP(inv, c, data, summary: summary)
        case .api: try stage(inv, c, data)
        }
    }

    static func deliverSFTP(_ inv: Invocation, _ c: Consent, _ data: SharedData, summary: String) throws {
        let session = inv.session
        guard let config = c.request.sftp else { throw inv.error("consent \(c.id) has no SFTP delivery config") }
        let files = OneRosterWriter.files(data)
        let number = try session.store.syncs(consent: c.id).count + 1
        let base = config.path.map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 } ?? "."
        let folder = "\(base)/passport-consent\(c.id)-sync\(number)"
        let destination = "sftp://\(config.user)@\(config.host):\(config.port)/\(folder.hasPrefix("./") ? String(folder.dropFirst(2)) : folder)"
        if session.options.dryRun {
            inv.say("Dry run: sync \(number) of consent \(c.id) would upload \(files.count) files (\(summary)) to \(destination); nothing was sent.")
            return
        }
        let password = try inv.checked { try session.unseal(config.sealedPassword) }
        do {
            let client = try SFTPSection.connect(config, password: password, session: session, inv: inv)
            defer { client.close() }
            // A reader never sees half a sync: everything goes into a hidden folder, renamed when complete.
            let staging = "\(base)/.passport-consent\(c.id)-sync\(number).partial"
            if try client.exists(staging) {
                for entry in try client.list(staging) { try client.remove(staging + "/" + entry.name) }
                try client.removeDirectory(staging)
            }
            try client.makeDirectory(staging)
            for f in files { try client.upload(f.bytes, to: staging + "/" + f.name) }
            try client.rename(staging, to: folder)
        } catch let e as SFTPError {
            throw inv.error("sync not delivered: \(e.description)")
        }
        let record = SyncRecord(consentId: c.id, number: number, status: .delivered, startedAt: session.now(), by: session.account!,
                                destination: destination, changes: counts(data))
        let saved = try session.store.createSync(record, snapshot: nil)
        inv.say("Sync \(saved.id) delivered consent \(c.id) to \(destination): \(files.count) files (\(summary)).")
    }

    /// What an SFTP sync delivered, per entity (each delivery is the whole data, not a change).
    static func counts(_ data: SharedData) -> [SyncRecord.EntityChange] {
        let counts = data.entityCounts
        return Entity.allCases.map { SyncRecord.EntityChange(entity: $0.rawValue, previous: 0, added: counts[$0] ?? 0, updated: 0, deleted: 0, count: counts[$0] ?? 0) }
    }

    /// The snapshot the next Data API sync is staged against: the last one published or approved.
    static func lastPublished(_ consentId: Int64, session: Session) throws -> (SyncRecord, SyncSnapshot)? {
        for s in try session.store.syncs(consent: consentId).reversed() where s.status == .published || s.status == .approved {
            if let bytes = try session.store.syncSnapshot(id: s.id) { return (s, try SyncSnapshot(encoded: bytes)) }
        }
        return nil
    }

    static func stage(_ inv: Invocation, _ c: Consent, _ data: SharedData) throws {
        let session = inv.session
        let snapshot = SyncSnapshot(data)
        let previous = try lastPublished(c.id, session: session)
        let changes = snapshot.changes(from: previous?.1)
        let threshold = c.request.thresholdPercent ?? 0
        let held = SyncSnapshot.holds(changes, thresholdPercent: threshold, firstSync: previous == nil)
        let record = SyncRecord(consentId: c.id, number: 0, status: held ? .held : .published, startedAt: session.now(), by: session.account!,
                                changes: changes.map { .init(entity: $0.entity.rawValue, previous: $0.previous, added: $0.added, updated: $0.updated, deleted: $0.deleted, count: $0.count) },
                                history: [StatusChange(status: held ? .pending : .approved, at: session.now(), by: session.account!,
                                                       message: held ? "held: above the \(threshold)% threshold" : "published")])
        if session.options.dryRun {
            inv.say("Dry run: sync of consent \(c.id) would be \(held ? "held (above the \(threshold)% threshold)" : "published"); nothing was recorded.")
            return
        }
        let saved = try session.store.createSync(record, snapshot: snapshot.encoded())
        let over = changes.filter { $0.changed > 0 && $0.ratio * 100 > Double(threshold) }
        if held {
            inv.say("Sync \(saved.id) of consent \(c.id) is held: " + over.map { "\($0.entity.rawValue) changed \(percent($0.ratio))" }.joined(separator: ", ")
                    + " (threshold \(threshold)%). Nothing was published; `sync show \(saved.id)`, then `sync approve \(saved.id)` or `sync reject \(saved.id)`.")
        } else {
            let changed = changes.filter { $0.changed > 0 }
            let what = changed.isEmpty ? "no changes" : changed.map { "\($0.entity.rawValue) +\($0.added) ~\($0.updated) -\($0.deleted)" }.joined(separator: ", ")
            inv.say("Sync \(saved.id) of consent \(c.id) published\(previous == nil ? " (first sync)" : ""): \(what).")
        }
    }

    static func percent(_ ratio: Double) -> String {
        let tenths = Int((ratio * 1000).rounded())
        return "\(tenths / 10).\(tenths % 10)%"
    }

    static func show(_ inv: Invocation) throws {
        let session = inv.session
        if let w = inv.argument(0) {
            guard let id = Int64(w.text), let s = try session.store.sync(id: id), let _ = try? session.visibleConsent(Argument(text: String(s.consentId), position: w.position, length: w.length, quoted: false)) else {
                throw w.error("no sync \(w.text) of yours (`sync show` lists them)")
            }
            let delivered = s.status == .delivered
            let t = delivered
                ? Table([.init("entity", "ENTITY"), .init("count", "RECORDS", rightAligned: true)],
                        rows: s.changes.map { [.text($0.entity), .int($0.count)] })
                : Table([.init("entity", "ENTITY"), .init("previous", "BEFORE", rightAligned: true), .init("added", "ADDED", rightAligned: true),
                         .init("updated", "UPDATED", rightAligned: true), .init("deleted", "DELETED", rightAligned: true),
                         .init("count", "NOW", rightAligned: true), .init("changed", "CHANGED", rightAligned: true)],
                        rows: s.changes.map { c in
                            let changed = c.added + c.updated + c.deleted
                            let ratio = c.previous == 0 ? (changed == 0 ? 0 : 1) : Double(changed) / Double(c.previous)
                            return [.text(c.entity), .int(c.previous), .int(c.added), .int(c.updated), .int(c.deleted), .int(c.count), .text(percent(ratio))]
                        })
            try withFormat(inv) {
                if inv.output.format == .table {
                    inv.say("Sync \(s.id) (consent \(s.consentId), number \(s.number)): \(s.status.rawValue), started \(s.startedAt) by \(s.by)\(s.destination.map { "\n  to \($0)" } ?? "")")
                    for h in s.history { inv.say("  \(h.at)  \(h.message ?? h.status.rawValue)  by \(h.by)") }
                }
                inv.output.table(t)
            }
            return
        }
        let c = try consent(inv)
        let list = try session.store.syncs(consent: c.id)
        try withFormat(inv) {
            inv.output.table(Table([.init("id", "ID", rightAligned: true), .init("number", "N", rightAligned: true), .init("status", "STATUS"),
                                    .init("started", "STARTED"), .init("by", "BY"), .init("changed", "CHANGED RECORDS", rightAligned: true)],
                                   rows: list.map { s in [.int(s.id), .int(s.number), .text(s.status.rawValue), .text(s.startedAt.description), .text(s.by),
                                                          .int(s.changes.reduce(0) { $0 + $1.added + $1.updated + $1.deleted })] }),
                             empty: "Consent \(c.id) has no syncs yet; `sync run --consent \(c.id)`.")
        }
    }

    static func decide(_ inv: Invocation, approve: Bool) throws {
        let session = inv.session
        let w = inv.positionals[0]
        guard let id = Int64(w.text), var s = try session.store.sync(id: id) else { throw w.error("no sync \(w.text)") }
        _ = try session.visibleConsent(Argument(text: String(s.consentId), position: w.position, length: w.length, quoted: false))
        guard s.status == .held else { throw w.error("sync \(id) is \(s.status.rawValue), not held; only a held sync can be \(approve ? "approved" : "rejected")") }
        s.status = approve ? .approved : .rejected
        s.history.append(StatusChange(status: approve ? .approved : .rejected, at: session.now(), by: session.account!,
                                      message: inv.flag("message") ?? (approve ? "approved and published" : "rejected")))
        try session.store.updateSync(s)
        inv.say(approve ? "Sync \(id) approved: its data is published." : "Sync \(id) rejected: the last published data stays.")
    }

    static func dataGet(_ inv: Invocation) throws {
        let session = inv.session
        _ = try session.requireVendor(inv)
        let c = try consent(inv)
        let w = inv.positionals[0]
        guard let entity = Entity.named(w.text) else {
            throw w.error("unknown entity '\(w.text)'\(Registry.didYouMean(Registry.nearest(w.text, in: Entity.allCases.map(\.rawValue))))")
        }
        guard try session.store.app(id: c.request.appId)?.delivery == .api else {
            throw inv.error("consent \(c.id) delivers by SFTP; `data get` reads Data API consents")
        }
        guard c.status(today: session.today) == .approved else { throw inv.error("consent \(c.id) is \(c.status(today: session.today).rawValue): nothing to read") }
        guard let (_, snapshot) = try lastPublished(c.id, session: session) else {
            throw inv.error("consent \(c.id) has published nothing yet; `sync run --consent \(c.id)`")
        }
        var rows = snapshot.rows[entity] ?? []
        if let l = inv.flags["limit"] {
            guard let n = Int(l.text), n >= 0 else { throw l.error("--limit takes a number") }
            rows = Array(rows.prefix(n))
        }
        let columns = snapshot.columns[entity] ?? []
        try withFormat(inv) {
            inv.output.table(Table(columns.map { Table.Column($0, $0) }, rows: rows.map { $0.map(Value.text) }), empty: "No \(entity.rawValue) shared.")
        }
    }

    static func export(_ inv: Invocation) throws {
        let session = inv.session
        _ = try session.requireVendor(inv)
        let c = try consent(inv)
        guard c.status(today: session.today) == .approved else { throw inv.error("consent \(c.id) is \(c.status(today: session.today).rawValue): it shares nothing") }
        let data = try inv.checked { try DataPlane(session: session).apply(c) }
        let w = inv.positionals[0]
        let dir = session.resolvePath(w.text)
        if mkdir(dir, 0o700) != 0 && errno != EEXIST { throw w.error("cannot create \(dir): \(String(cString: strerror(errno)))") }
        try inv.checked(w) { try OneRosterWriter.write(data, to: dir) }
        let counts = data.entityCounts
        inv.say("Wrote consent \(c.id)'s shared data to \(w.text): " + Entity.allCases.map { "\($0.rawValue) \(counts[$0] ?? 0)" }.joined(separator: ", ") + ".")
    }
}
