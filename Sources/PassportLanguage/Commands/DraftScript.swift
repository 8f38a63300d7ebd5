#if canImport(Glibc)
import Glibc
#endif
import PassportDomain

/// `draft save FILE`: a `.passport` script that rebuilds the open draft exactly, with no secret in it.
/// Attachments are written beside the script (FILE.attachments/NAME) so replaying attaches the same bytes.
enum DraftScript {
    static var spec: CommandSpec { CommandSpec("draft save", group: .draft, summary: "write the draft as a script that rebuilds it (no secret in it)",
                                  arguments: [ArgumentSpec("FILE", .file)],
                                  details: "The SFTP password becomes an environment reference (--password-env); attachments are saved beside the script in FILE.attachments/. Support staff replay it with `passport FILE`.",
                                  example: "draft save springfield-draft.passport", related: ["run", "preview"]) { inv in
        try save(inv)
    } }

    static func save(_ inv: Invocation) throws {
        let session = inv.session
        let draft = try session.requireDraft(inv)
        let r = draft.request
        let word = inv.positionals[0]
        let path = session.resolvePath(word.text)
        guard let app = try session.store.app(id: r.appId), let district = try session.store.district(id: r.districtId) else {
            throw inv.error("the draft's app or district no longer exists")
        }
        var lines = [
            "# A Data Access Consent draft, saved by passport on \(session.now()).",
            "# \(app.name) › \(district.name). Replay with: passport \(word.text.split(separator: "/").last ?? "")",
        ]
        var passwordEnv: String?
        if let sftp = r.sftp {
            passwordEnv = sftp.passwordEnv ?? "PASSPORT_SFTP_PASSWORD"
            lines.append("# Set \(passwordEnv!) to the SFTP password for \(sftp.user)@\(sftp.host) first.")
        }
        lines += ["login \(Quoting.word(session.account!))", "app use \(Quoting.word(app.name))", "district use \(district.id)"]
        switch r.schools {
        case .all: lines.append("request access")
        case .some(let ids):
            if let first = ids.first {
                lines.append("request connect \(first)")
                if ids.count > 1 { lines.append("schools add " + ids.dropFirst().joined(separator: " ")) }
            } else {
                // A draft left with no school: open it for one and take that one out again.
                let any = try session.store.schools(inDistrict: district.id).first?.id ?? ""
                lines += ["request connect \(any)", "schools remove \(any)"]
            }
        }
        if !r.piiShield { lines.append("pii off") }
        if !r.excluded.isEmpty { lines.append("attributes exclude " + r.excluded.map(\.description).joined(separator: " ")) }
        lines += r.filters.map(\.command)
        if let s = r.sftp {
            var line = "sftp --host \(Quoting.word(s.host)) --port \(s.port) --user \(Quoting.word(s.user)) --password-env \(passwordEnv!)"
            if let p = s.path { line += " --path \(Quoting.word(p))" }
            lines.append(line)
        }
        if let t = r.thresholdPercent { lines.append("threshold \(t)%") }
        if !r.attachments.isEmpty {
            let folder = path + ".attachments"
            if mkdir(folder, 0o700) != 0 && errno != EEXIST {
                throw word.error("cannot create \(folder): \(String(cString: strerror(errno)))")
            }
            let relative = String(folder.split(separator: "/").last!)
            for a in r.attachments {
                guard let bytes = try session.store.attachmentContent(sha256: a.sha256) else {
                    throw inv.error("the content of \(a.name) is missing from the store")
                }
                try write(bytes, to: folder + "/" + a.name, word: word)
                lines.append("attach \(Quoting.word(relative + "/" + a.name))")
            }
        }
        if let e = r.expires { lines.append("expires \(e)") }
        if let m = r.message { lines.append("message \(Quoting.word(m))") }
        try write(Array((lines.joined(separator: "\n") + "\n").utf8), to: path, word: word)
        inv.say("Saved the draft to \(word.text)\(r.attachments.isEmpty ? "" : " (attachments in \(word.text).attachments/)")\(passwordEnv.map { "; set \($0) before replaying it" } ?? "").")
    }

    /// Writes a file whole: a temporary file in the same folder, then renamed into place.
    static func write(_ bytes: [UInt8], to path: String, word: Argument) throws {
        let temp = path + ".tmp-\(getpid())"
        guard let f = fopen(temp, "wb") else { throw word.error("cannot write \(path): \(String(cString: strerror(errno)))") }
        let n = bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, f) }
        let closed = fclose(f)
        guard n == bytes.count, closed == 0, rename(temp, path) == 0 else {
            unlink(temp)
            throw word.error("cannot write \(path): \(String(cString: strerror(errno)))")
        }
    }
}
