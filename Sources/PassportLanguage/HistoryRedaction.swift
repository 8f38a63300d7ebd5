/// Secrets typed on a line are taken out before the line reaches history, `--echo` or an error's
/// caret line. Words are found as the lexer finds them (quotes, `;`), so no spacing or quoting lets a
/// password through.
public enum HistoryRedaction {
    /// `--password VALUE` / `--password=VALUE` lose their value (recalling the line then asks for it).
    public static func redact(_ line: String) -> String { apply(line, mask: false) }

    /// The same, but each character of a secret becomes `*`, so a caret under the line still points right.
    public static func mask(_ line: String) -> String { apply(line, mask: true) }

    struct Token { var start: Int; var end: Int; var text: String; var quoted: Bool; var separator: Bool }

    static func tokens(_ chars: [Character]) -> [Token] {
        var out: [Token] = []
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if c == " " || c == "\t" || c.isNewline { i += 1; continue }
            if c == ";" { out.append(Token(start: i, end: i + 1, text: ";", quoted: false, separator: true)); i += 1; continue }
            if c == "#" { break }
            let start = i
            var text = "", quoted = false
            while i < chars.count {
                let ch = chars[i]
                if ch == " " || ch == "\t" || ch.isNewline || ch == ";" { break }
                if ch == "'" || ch == "\"" {
                    quoted = true
                    i += 1
                    while i < chars.count && chars[i] != ch {
                        if ch == "\"" && chars[i] == "\\" && i + 1 < chars.count { i += 1 }
                        text.append(chars[i]); i += 1
                    }
                    i += 1
                    continue
                }
                text.append(ch); i += 1
            }
            out.append(Token(start: start, end: min(i, chars.count), text: text, quoted: quoted, separator: false))
        }
        return out
    }

    static func apply(_ line: String, mask: Bool) -> String {
        var chars = Array(line)
        let toks = tokens(chars)
        var spans: [(Int, Int)] = []  // character ranges holding a secret
        for (k, t) in toks.enumerated() where !t.quoted && !t.separator {
            if t.text == "--password", k + 1 < toks.count {
                let next = toks[k + 1]
                if !next.separator && !(next.text.hasPrefix("--") && !next.quoted) { spans.append((next.start, next.end)) }
            } else if t.text.hasPrefix("--password=") {
                spans.append((t.start + "--password".count, t.end))
            }
        }
        for (start, end) in spans.reversed() {
            if mask {
                for i in start..<end { chars[i] = "*" }
            } else {
                var from = start
                while from > 0 && (chars[from - 1] == " " || chars[from - 1] == "\t") { from -= 1 }
                chars.removeSubrange(from..<end)
            }
        }
        return String(chars)
    }
}
