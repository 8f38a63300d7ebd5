/// The interactive prompt shows where you are: `passport [Acme Reading › Springfield SD 186 › draft]> `.
public enum Prompt {
    public static func text(_ s: Session, continuation: Bool = false) -> String {
        var parts: [String] = []
        if s.adminOf != nil { parts.append("admin") }
        if let id = s.appId, let app = try? s.store.app(id: id) { parts.append(app.name) }
        if let id = s.districtId, let d = try? s.store.district(id: id) { parts.append(d.name) }
        if s.draft != nil { parts.append("draft") }
        let place = parts.isEmpty ? "" : " [" + parts.joined(separator: " › ") + "]"
        if continuation { return String(repeating: " ", count: max(0, "passport\(place)".count - 3)) + "...> " }
        return "passport\(place)> "
    }
}

/// What reaches the history file: secrets typed on a line are taken out first.
public enum HistoryRedaction {
    /// `--password VALUE` / `--password=VALUE` lose their value (recalling the line then asks for it).
    public static func redact(_ line: String) -> String {
        var out: [Substring] = []
        var skipNext = false
        let words = line.split(separator: " ", omittingEmptySubsequences: false)
        for w in words {
            if skipNext { skipNext = false; if !w.hasPrefix("--") && !w.isEmpty { continue } }
            if w == "--password" { out.append(w); skipNext = true; continue }
            if w.hasPrefix("--password=") { out.append("--password"); continue }
            out.append(w)
        }
        return out.joined(separator: " ")
    }
}
