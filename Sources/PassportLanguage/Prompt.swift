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
