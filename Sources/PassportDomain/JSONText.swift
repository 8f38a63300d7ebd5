/// JSON text written by hand where it must be fast or ordered (the store's draft rows, `--format json`).
public enum JSONText {
    /// A string as a JSON string literal.
    public static func string(_ s: String) -> String {
        // Most strings need no escape at all: then they are copied whole.
        if !s.utf8.contains(where: { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C }) { return "\"" + s + "\"" }
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if u.value < 0x20 {
                    let hex = String(u.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else { out.unicodeScalars.append(u) }
            }
        }
        return out + "\""
    }
}

extension ConsentRequest {
    /// The request as JSON that `JSONDecoder` reads back into the same value (keys as the synthesized
    /// `Codable` names them). Written by hand: a draft is saved after every change, and Foundation's
    /// encoder was most of the time a 10,000-command replay took.
    public var jsonText: String {
        var f: [String] = []
        f.append("\"appId\":\(appId)")
        f.append("\"districtId\":" + JSONText.string(districtId))
        switch schools {
        case .all: f.append("\"schools\":{\"all\":{}}")
        case .some(let ids): f.append("\"schools\":{\"some\":{\"_0\":[" + ids.map(JSONText.string).joined(separator: ",") + "]}}")
        }
        f.append("\"piiShield\":\(piiShield)")
        f.append("\"excluded\":[" + excluded.map { JSONText.string($0.description) }.joined(separator: ",") + "]")
        f.append("\"filters\":[" + filters.map { rule in
            "{\"entity\":" + JSONText.string(rule.entity.rawValue) + ",\"conditions\":[" + rule.conditions.map { c in
                "{\"attribute\":" + JSONText.string(c.attribute) + ",\"op\":" + JSONText.string(c.op.rawValue)
                    + (c.value.map { ",\"value\":" + JSONText.string($0) } ?? "") + "}"
            }.joined(separator: ",") + "]}"
        }.joined(separator: ",") + "]")
        if let s = sftp {
            var parts = ["\"host\":" + JSONText.string(s.host), "\"port\":\(s.port)", "\"user\":" + JSONText.string(s.user),
                         "\"sealedPassword\":" + JSONText.string(s.sealedPassword)]
            if let e = s.passwordEnv { parts.append("\"passwordEnv\":" + JSONText.string(e)) }
            if let p = s.path { parts.append("\"path\":" + JSONText.string(p)) }
            f.append("\"sftp\":{" + parts.joined(separator: ",") + "}")
        }
        if let t = thresholdPercent { f.append("\"thresholdPercent\":\(t)") }
        f.append("\"attachments\":[" + attachments.map { a in
            "{\"name\":" + JSONText.string(a.name) + ",\"kind\":" + JSONText.string(a.kind.rawValue)
                + ",\"size\":\(a.size),\"sha256\":" + JSONText.string(a.sha256) + "}"
        }.joined(separator: ",") + "]")
        if let e = expires { f.append("\"expires\":" + JSONText.string(e.description)) }
        if let m = message { f.append("\"message\":" + JSONText.string(m)) }
        if let r = replaces { f.append("\"replaces\":\(r)") }
        return "{" + f.joined(separator: ",") + "}"
    }
}
