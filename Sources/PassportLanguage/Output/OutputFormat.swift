/// How results print (LANGUAGE.md `--format`).
public enum OutputFormat: String, CaseIterable, Sendable {
    case table, json, csv
}

/// Where a session writes: results to standard output, diagnostics to standard error.
public final class Output {
    let writeOut: (String) -> Void
    let writeErr: (String) -> Void
    public var format: OutputFormat = .table
    /// Colour (bold headers) only on a terminal, never with NO_COLOR or TERM=dumb.
    public var color = false

    public init(out: @escaping (String) -> Void, err: @escaping (String) -> Void) {
        // Text others wrote (app names, roster values) reaches a person's terminal: control characters
        // in it must not move the cursor, recolour or retitle it, so they print as U+FFFD.
        writeOut = { out(Output.printable($0)) }
        writeErr = { err(Output.printable($0)) }
    }

    static func printable(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { ($0.value < 0x20 && $0 != "\n" && $0 != "\t") || $0.value == 0x7F || (0x80..<0xA0).contains($0.value) }) else {
            return text
        }
        var out = String.UnicodeScalarView()
        let scalars = Array(text.unicodeScalars)
        var i = 0
        while i < scalars.count {
            let u = scalars[i]
            // passport's own bold on and off (table headers on a terminal) pass.
            if u == "\u{1B}", i + 3 < scalars.count, scalars[i + 1] == "[", scalars[i + 2] == "1" || scalars[i + 2] == "0", scalars[i + 3] == "m" {
                out.append(contentsOf: scalars[i...(i + 3)]); i += 4; continue
            }
            let control = (u.value < 0x20 && u != "\n" && u != "\t") || u.value == 0x7F || (0x80..<0xA0).contains(u.value)
            out.append(control ? "\u{FFFD}" : u)
            i += 1
        }
        return String(out)
    }

    /// Messages of the running command, kept back in JSON so the command prints one document.
    private var pendingMessages: [String] = []
    private var documentsPrinted = 0

    /// A command starts: in JSON it will print exactly one document.
    public func beginCommand() { pendingMessages = []; documentsPrinted = 0 }

    /// A command ends. In JSON its messages become one `{"message": …}` document (lines joined by
    /// newlines) when it printed no result; next to a result they go to standard error instead.
    public func endCommand() {
        defer { pendingMessages = []; documentsPrinted = 0 }
        guard !pendingMessages.isEmpty else { return }
        let text = pendingMessages.joined(separator: "\n")
        if documentsPrinted == 0 {
            writeOut(Value.record([("message", .text(text))]).json + "\n")
        } else {
            writeErr(text + "\n")
        }
    }

    /// A line of text for people. In JSON it is kept for the command's one `{"message": …}`
    /// document; in CSV it goes to standard error, keeping standard output pure data.
    public func say(_ text: String) {
        switch format {
        case .table: writeOut(text + "\n")
        case .json: pendingMessages.append(text)
        case .csv: writeErr(text + "\n")
        }
    }

    /// Text for people only (tables, previews); nothing in JSON or CSV, which get `value` instead.
    public func show(text: String, value: Value) {
        switch format {
        case .table: writeOut(text.hasSuffix("\n") ? text : text + "\n")
        case .json: documentsPrinted += 1; writeOut(value.json + "\n")
        case .csv: writeOut(Output.csv(value))
        }
    }

    public func warn(_ text: String) { writeErr("warning: " + text + "\n") }
    public func error(_ text: String) { writeErr(text + "\n") }
    public func raw(_ text: String) { writeOut(text) }

    public func table(_ t: Table, empty: String? = nil) {
        switch format {
        case .table:
            if t.rows.isEmpty, let empty { writeOut(empty + "\n"); return }
            writeOut(render(t))
        case .json: documentsPrinted += 1; writeOut(t.asValue.json + "\n")
        case .csv: writeOut(Output.csv(t))
        }
    }

    func render(_ t: Table) -> String {
        let cells = t.rows.map { $0.map(\.cell) }
        var widths = t.columns.map { $0.title.displayWidth }
        for row in cells { for (k, c) in row.enumerated() where k < widths.count { widths[k] = max(widths[k], c.displayWidth) } }
        func line(_ row: [String], header: Bool) -> String {
            var parts: [String] = []
            for (k, c) in row.enumerated() {
                let pad = String(repeating: " ", count: widths[k] - c.displayWidth)
                let last = k == row.count - 1
                parts.append(t.columns[k].rightAligned ? pad + c : (last ? c : c + pad))
            }
            let text = parts.joined(separator: "  ")
            return header && color ? "\u{1B}[1m" + text + "\u{1B}[0m" : text
        }
        var out = line(t.columns.map(\.title), header: true) + "\n"
        for row in cells { out += line(row, header: false) + "\n" }
        return out
    }

    static func csvField(_ s: String) -> String {
        if s.contains(where: { $0 == "," || $0 == "\"" || $0.isNewline }) { return "\"" + s.replacing("\"", with: "\"\"") + "\"" }
        return s
    }

    static func csv(_ t: Table) -> String {
        var out = t.columns.map { csvField($0.key) }.joined(separator: ",") + "\n"
        for row in t.rows { out += row.map { csvField($0.cell) }.joined(separator: ",") + "\n" }
        return out
    }

    /// A record as two columns (field, value); a list of records as a table of their keys.
    static func csv(_ v: Value) -> String {
        switch v {
        case .list(let items):
            guard case .record(let first)? = items.first else { return items.map { csvField($0.cell) }.joined(separator: "\n") + "\n" }
            let t = Table(first.map { Table.Column($0.0, $0.0) }, rows: items.map { item in
                guard case .record(let fields) = item else { return [] }
                return fields.map(\.1)
            })
            return csv(t)
        case .record(let fields):
            return "field,value\n" + fields.map { csvField($0.0) + "," + csvField($0.1.cell) }.joined(separator: "\n") + "\n"
        default:
            return csvField(v.cell) + "\n"
        }
    }
}

extension String {
    /// Columns the text takes on a terminal: East Asian wide characters and emoji take two.
    public var displayWidth: Int {
        if utf8.allSatisfy({ $0 < 0x80 }) { return utf8.count }  // ASCII: one column a byte
        var w = 0
        for ch in self {
            guard let u = ch.unicodeScalars.first?.value else { continue }
            if (0x1100...0x115F).contains(u) || (0x2E80...0xA4CF).contains(u) || (0xAC00...0xD7A3).contains(u)
                || (0xF900...0xFAFF).contains(u) || (0xFE30...0xFE4F).contains(u) || (0xFF00...0xFF60).contains(u)
                || (0xFFE0...0xFFE6).contains(u) || (0x1F300...0x1FAFF).contains(u) || (0x20000...0x3FFFD).contains(u) {
                w += 2
            } else {
                w += 1
            }
        }
        return w
    }
}
