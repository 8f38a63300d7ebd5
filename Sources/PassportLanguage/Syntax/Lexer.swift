/// Splits input into commands and words (LANGUAGE.md "Lexical rules").
public struct Lexer {
    /// Whether the text ends with a `\` continuation, so the command goes on on the next line.
    /// (Quotes never span lines: an unterminated quote is an error on its line.)
    public static func needsMoreInput(_ text: String) -> Bool {
        guard text.utf8.last == UInt8(ascii: "\\") else { return false }  // the common case, without lexing
        var scanner = Scanner(text, firstLine: 1)
        _ = try? scanner.commands()
        return scanner.endsWithContinuation
    }

    /// The commands of `text`, in order. `firstLine` numbers the text's first line.
    public static func commands(_ text: String, firstLine: Int = 1) throws -> [CommandText] {
        var scanner = Scanner(text, firstLine: firstLine)
        return try scanner.commands()
    }

    struct Scanner {
        let chars: [Character]
        var i = 0
        var line: Int
        var column = 1
        var endsWithContinuation = false

        init(_ text: String, firstLine: Int) {
            // "\r\n" is one Character in Swift; treat it as a newline.
            chars = Array(text)
            line = firstLine
        }

        var position: SourcePosition { SourcePosition(line: line, column: column) }
        var atEnd: Bool { i >= chars.count }
        var current: Character { chars[i] }
        func peek(_ k: Int = 1) -> Character? { i + k < chars.count ? chars[i + k] : nil }

        mutating func advance() {
            if chars[i].isNewline { line += 1; column = 1 } else { column += 1 }
            i += 1
        }

        mutating func commands() throws -> [CommandText] {
            var out: [CommandText] = []
            var words: [Word] = []
            var startIndex = 0
            func finish(_ end: Int) {
                if !words.isEmpty {
                    let source = String(chars[startIndex..<end]).trimmingBlanksAndContinuations
                    out.append(CommandText(words: words, source: source))
                }
                words = []
            }
            while !atEnd {
                let c = current
                if c == "\\" && (peek() == nil || peek()!.isNewline) {
                    // Line continuation: the command goes on.
                    endsWithContinuation = peek() == nil
                    advance(); if !atEnd { advance() }
                    continue
                }
                endsWithContinuation = false
                if c.isNewline || c == ";" {
                    finish(i); advance(); startIndex = i; continue
                }
                if c == " " || c == "\t" { advance(); continue }
                if c == "#" {
                    // Comment to the end of the line.
                    while !atEnd && !current.isNewline { advance() }
                    continue
                }
                if words.isEmpty { startIndex = i }
                words.append(try word())
            }
            finish(i)
            return out
        }

        mutating func word() throws -> Word {
            let start = position
            let startIndex = i
            var pieces: [Word.Piece] = []
            var literal = ""
            var quoted = false
            func flush() { if !literal.isEmpty { pieces.append(.literal(literal)); literal = "" } }
            while !atEnd {
                let c = current
                if c == " " || c == "\t" || c.isNewline || c == ";" || c == "#" { break }
                if c == "\\" && (peek() == nil || peek()!.isNewline) { break }
                if c == "'" {
                    quoted = true
                    let qpos = position
                    advance()
                    while !atEnd && current != "'" && !current.isNewline { literal.append(current); advance() }
                    guard !atEnd, current == "'" else { throw LanguageError("unterminated single quote: close it on the same line", at: qpos) }
                    advance()
                } else if c == "\"" {
                    quoted = true
                    let qpos = position
                    advance()
                    while !atEnd && current != "\"" && !current.isNewline {
                        if current == "\\", let n = peek() {
                            switch n {
                            case "\"", "\\", "$": literal.append(n); advance(); advance(); continue
                            case "n": literal.append("\n"); advance(); advance(); continue
                            case "t": literal.append("\t"); advance(); advance(); continue
                            default: break
                            }
                        }
                        if current == "$", let v = try variable() { flush(); pieces.append(v); continue }
                        literal.append(current); advance()
                    }
                    guard !atEnd, current == "\"" else { throw LanguageError("unterminated double quote: close it on the same line", at: qpos) }
                    advance()
                } else if c == "$", let v = try variable() {
                    flush(); pieces.append(v)
                } else {
                    literal.append(c); advance()
                }
            }
            flush()
            if pieces.isEmpty { pieces = [.literal("")] }
            return Word(pieces: pieces, position: start, source: String(chars[startIndex..<i]), quoted: quoted)
        }

        /// `$NAME`, `${NAME}` or `$1`; nil (and nothing consumed) when `$` starts no name.
        mutating func variable() throws -> Word.Piece? {
            let start = position
            guard let n = peek() else { return nil }
            if n == "{" {
                advance(); advance()
                var name = ""
                while !atEnd && current != "}" && !current.isNewline { name.append(current); advance() }
                guard !atEnd, current == "}" else { throw LanguageError("unterminated ${ in variable reference", at: start) }
                advance()
                guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else {
                    throw LanguageError("'${\(name)}' is not a variable name; names are letters, digits and _", at: start, length: name.count + 3)
                }
                return .variable(name, start)
            }
            if n.isNumber {
                advance()
                var name = ""
                while !atEnd && current.isNumber { name.append(current); advance() }
                return .variable(name, start)
            }
            guard n.isLetter || n == "_" else { return nil }
            advance()
            var name = ""
            while !atEnd && (current.isLetter || current.isNumber || current == "_") { name.append(current); advance() }
            return .variable(name, start)
        }
    }
}

extension String {
    var trimmingBlanksAndContinuations: String {
        if !utf8.contains(0x0A) && utf8.first != 0x20 && utf8.last != 0x20 && utf8.first != 0x09 && utf8.last != 0x09 { return self }
        return replacing("\\\n", with: " ").split(whereSeparator: \.isNewline).joined(separator: " ")
            .drop(while: { $0 == " " || $0 == "\t" }).reversed().drop(while: { $0 == " " || $0 == "\t" }).reversed()
            .map { String($0) }.joined()
    }
}
