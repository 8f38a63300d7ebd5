#if canImport(Glibc)
import Glibc
#endif
import PassportCrypto
import PassportDelivery
import PassportDomain

/// `filter add ENTITY ATTRIBUTE OPERATOR [VALUE] [and ATTRIBUTE OPERATOR [VALUE]]…`
enum FilterParsing {
    static func parse(_ inv: Invocation) throws -> FilterRule {
        _ = try inv.session.requireDraft(inv)
        let words = inv.positionals
        let entityWord = words[0]
        guard let entity = Entity.named(entityWord.text) else {
            let near = Registry.didYouMean(Registry.nearest(entityWord.text, in: Entity.allCases.map(\.rawValue)))
            throw entityWord.error("unknown entity '\(entityWord.text)'" + (near.isEmpty ? "; entities are \(Entity.allCases.map(\.rawValue).joined(separator: ", "))" : near))
        }
        var conditions: [FilterCondition] = []
        var i = 1
        while true {
            guard i < words.count else {
                throw (i == 1 ? inv.commandWord : words[i - 1]).error("a condition needs ATTRIBUTE OPERATOR [VALUE] here, e.g. grades >= 07")
            }
            let attrWord = words[i]
            // `students.givenName` where the entity is named already: read the attribute after the dot.
            var attrText = attrWord.text
            if let dot = attrText.firstIndex(of: "."), Entity.named(String(attrText[..<dot])) == entity {
                attrText = String(attrText[attrText.index(after: dot)...])
            }
            guard let attr = entity.attribute(named: attrText) else {
                throw attrWord.error("\(entity.rawValue) has no attribute '\(attrWord.text)'\(Registry.didYouMean(Registry.nearest(attrText, in: entity.attributes.map(\.name))))")
            }
            guard i + 1 < words.count else {
                throw attrWord.error("an operator must follow \(attr.name): one of \(FilterOperator.fitting(attr.type).map(\.rawValue).joined(separator: " "))")
            }
            let opWord = words[i + 1]
            guard let op = FilterOperator.named(opWord.text) else {
                throw opWord.error("unknown operator '\(opWord.text)'; for \(entity.rawValue).\(attr.name) (\(attr.type.rawValue)) use one of: \(FilterOperator.fitting(attr.type).map(\.rawValue).joined(separator: " "))")
            }
            var value: String?
            var valueWord = opWord
            i += 2
            if op.takesValue {
                guard i < words.count, !(words[i].text.lowercased() == "and" && !words[i].quoted) else {
                    throw opWord.error("'\(op.rawValue)' needs a value after it: \(attr.name) \(op.rawValue) VALUE")
                }
                value = words[i].text; valueWord = words[i]; i += 1
            }
            // Check each condition as it is read, so the error points at its words.
            let c = FilterCondition(attribute: attr.name, op: op, value: value)
            _ = try inv.checked(op.fits(attr.type) ? valueWord : opWord) { try FilterRule(entity: entity, conditions: [c]) }
            conditions.append(c)
            if i == words.count { break }
            guard words[i].text.lowercased() == "and", !words[i].quoted else {
                throw words[i].error("expected `and` or the end of the rule, not '\(words[i].text)'\(op.takesValue ? " (quote a value that holds blanks)" : "")")
            }
            i += 1
        }
        return try inv.checked { try FilterRule(entity: entity, conditions: conditions) }
    }
}

/// `sftp --host HOST [--port 22] --user USER (--password-env VAR | --password) [--path DIR]`
enum SFTPSection {
    static func set(_ inv: Invocation) throws {
        let session = inv.session
        let draft = try session.requireDraft(inv)
        let app = try session.store.app(id: draft.request.appId)!
        guard app.delivery == .sftp else {
            throw inv.error("\(app.name) is a Data API app: it takes a sync hold threshold (`threshold N%`), not SFTP delivery")
        }
        let old = draft.request.sftp
        guard let host = inv.flag("host") ?? old?.host else { throw inv.error("sftp needs --host HOST") }
        guard let user = inv.flag("user") ?? old?.user else { throw inv.error("sftp needs --user USER") }
        var port = old?.port ?? 22
        if let p = inv.flags["port"] {
            guard let n = Int(p.text) else { throw p.error("'\(p.text)' is not a port number (1–65535)") }
            port = n
        }
        try inv.checked(inv.flags["port"] ?? inv.flags["host"]) { try SFTPConfig.check(host: host, port: port, user: user) }
        if inv.has("password") && inv.has("password-env") {
            throw inv.flags["password"]!.error("give --password or --password-env, not both")
        }
        var sealed = old?.sealedPassword
        var passwordEnv = old?.passwordEnv
        if let env = inv.flags["password-env"] {
            guard let value = session.environment(env.text) else {
                throw env.error("environment variable \(env.text) is not set; export it before starting passport")
            }
            guard !value.isEmpty else { throw env.error("environment variable \(env.text) is empty") }
            sealed = try session.seal(value)
            passwordEnv = env.text
        } else if let p = inv.flags["password"] {
            var secret = p.text
            if secret.isEmpty {
                guard let ask = session.readSecret else {
                    throw p.error("--password alone asks on a terminal, and there is none; use --password-env VAR in scripts")
                }
                guard let typed = ask("SFTP password for \(user)@\(host): "), !typed.isEmpty else {
                    throw p.error("no password given")
                }
                secret = typed
            }
            sealed = try session.seal(secret)
            passwordEnv = nil
        }
        guard let sealed else { throw inv.error("sftp needs a password: --password-env VAR, or --password to be asked") }
        var path = old?.path
        if let dir = inv.flags["path"] { path = dir.text.isEmpty ? nil : dir.text }
        let config = SFTPConfig(host: host, port: port, user: user, sealedPassword: sealed, passwordEnv: passwordEnv, path: path)
        try session.changeDraft(inv, "sftp \(user)@\(host):\(port)") { r in try r.setSFTP(config, app: app) }
        inv.say("SFTP delivery to \(SFTPSection.describe(config)).")
    }

    static func test(_ inv: Invocation) throws {
        let session = inv.session
        let draft = try session.requireDraft(inv)
        guard let c = draft.request.sftp else { throw inv.error("the draft has no SFTP delivery config yet; `sftp --host HOST --user USER --password-env VAR`") }
        let password = try inv.checked { try session.unseal(c.sealedPassword) }
        let folder = c.path ?? "."
        do {
            let client = try connect(c, password: password, session: session, acceptNewKey: inv.has("accept-new-key"), inv: inv)
            defer { client.close() }
            inv.say("Connected to \(c.host):\(c.port)\(client.banner.map { " (\($0))" } ?? ""), host key \(client.hostKeyFingerprint).")
            inv.say("Signed in as \(c.user).")
            let entries = try client.list(folder)
            let folders = entries.filter(\.isDirectory).count
            inv.say("Folder \(folder): \(entries.count) entr\(entries.count == 1 ? "y" : "ies") (\(folders) folder\(folders == 1 ? "" : "s"), \(entries.count - folders) file\(entries.count - folders == 1 ? "" : "s")).")
            let probe = (folder == "." ? "" : folder + "/") + ".passport-write-test-\(getpid())"
            try client.makeDirectory(probe)
            try client.removeDirectory(probe)
            inv.say("Passport can write there: each sync will arrive as a new folder, renamed into place when complete.")
        } catch let e as SFTPError {
            throw inv.error(e.description)
        }
    }

    /// Connects with the server's host key checked against the one remembered at the first connection
    /// (trust on first use, as ssh does), so the password is never sent to a server posing as this one.
    static func connect(_ c: SFTPConfig, password: String, session: Session, acceptNewKey: Bool = false, inv: Invocation) throws -> SFTPClient {
        let known = acceptNewKey ? nil : try session.store.sftpHostKey(host: c.host, port: c.port)
        let client: SFTPClient
        do {
            client = try SFTPClient(SFTPEndpoint(host: c.host, port: c.port, user: c.user, password: password), timeoutSeconds: 10, expectedHostKey: known)
        } catch let e as SFTPError where e.operation == .verifyHostKey {
            throw inv.error("\(c.host):\(c.port) presents another host key than the one passport saw there before (\(known ?? "?")), so the password was not sent: \(e.description) If the server's key really changed, check it with its administrator, then `sftp test --accept-new-key`.")
        }
        if known == nil {
            try session.store.saveSFTPHostKey(client.hostKeyFingerprint, host: c.host, port: c.port)
            inv.say("First connection to \(c.host):\(c.port): remembered its host key \(client.hostKeyFingerprint); a server with another key will be refused.")
        }
        return client
    }

    static func describe(_ c: SFTPConfig) -> String {
        "sftp://\(c.user)@\(c.host):\(c.port)\(c.path.map { $0.hasPrefix("/") ? $0 : "/" + $0 } ?? "/")"
            + " (password ********\(c.passwordEnv.map { ", from $\($0)" } ?? ""))"
    }
}

/// `attach FILE`: judged by content, up to 10 MB, kept with its size and SHA-256.
enum AttachmentSection {
    static func attach(_ inv: Invocation) throws {
        let session = inv.session
        let draft = try session.requireDraft(inv)
        let w = inv.positionals[0]
        let path = session.resolvePath(w.text)
        let name = String(path.split(separator: "/").last ?? Substring(path))
        let bytes = try read(path, limit: AttachmentKind.maximumSize + 1, word: w)
        guard bytes.count <= AttachmentKind.maximumSize else {
            throw w.error("\(name) is over 10 MB; attachments are up to 10 MB each")
        }
        guard !bytes.isEmpty else { throw w.error("\(name) is empty") }
        guard let kind = AttachmentKind.recognise(name: name, content: bytes) else {
            throw w.error("\(name) is not a pdf, doc, docx, png or jpg file (judged by its content, not its name)")
        }
        let ext = name.contains(".") ? String(name.split(separator: ".").last!).lowercased() : ""
        guard kind.extensions.contains(ext) else {
            throw w.error("\(name) holds a \(kind.rawValue) file but its name \(ext.isEmpty ? "has no ending" : "ends in .\(ext)"); name it .\(kind.extensions[0]) so the district opens it as what it is")
        }
        if draft.request.attachments.contains(where: { $0.name == name }) {
            throw w.error("an attachment named \(name) is attached already; `detach \(name)` first to replace it")
        }
        let digest = SHA256.hex(bytes)
        try session.store.saveAttachmentContent(bytes, sha256: digest)
        let attachment = Attachment(name: name, kind: kind, size: bytes.count, sha256: digest)
        try session.changeDraft(inv, "attach \(name)") { $0.attachments.append(attachment) }
        inv.say("Attached \(name) (\(kind.rawValue), \(sizeWords(bytes.count)), sha256 \(digest.prefix(12))…).")
    }

    static func read(_ path: String, limit: Int, word: Argument) throws -> [UInt8] {
        var st = stat()
        guard stat(path, &st) == 0 else { throw word.error("cannot read \(path): \(String(cString: strerror(errno)))") }
        guard (st.st_mode & S_IFMT) == S_IFREG else { throw word.error("\(path) is not a regular file") }
        guard let f = fopen(path, "rb") else { throw word.error("cannot read \(path): \(String(cString: strerror(errno)))") }
        defer { fclose(f) }
        var out = [UInt8](repeating: 0, count: min(limit, Int(st.st_size) + 1))
        let n = out.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, f) }
        out.removeLast(out.count - n)
        return out
    }
}

func sizeWords(_ n: Int) -> String {
    if n < 1024 { return "\(n) bytes" }
    let kb = Double(n) / 1024
    if kb < 1024 { return "\((kb * 10).rounded() / 10) KB" }
    return "\((kb / 1024 * 10).rounded() / 10) MB"
}
