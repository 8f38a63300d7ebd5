/// One field of a CSV row: a byte range into the buffer being read, so reading a file
/// makes no String per field. `start..<end` is the content (inside the quotes of a
/// quoted field); `escapedQuotes` says that `""` pairs inside it still need undoing.
public struct CSVField: Sendable, Equatable {
    public var start: Int
    public var end: Int
    public var quoted: Bool
    public var escapedQuotes: Bool

    /// Where the field begins in the raw bytes: its opening quote, if it has one.
    var rawStart: Int { quoted ? start - 1 : start }
}

/// A problem in the CSV syntax itself, at a 1-based line and character column.
public struct CSVProblem: Sendable, Equatable {
    public var line: Int
    public var column: Int
    public var message: String
}

/// One record as the reader hands it over. It borrows the reader's buffer: it is only
/// valid inside the closure it is given to.
public struct CSVRow {
    public let bytes: UnsafeBufferPointer<UInt8>
    public let fields: [CSVField]
    /// The line the record starts on (1-based; a quoted newline makes a record span lines).
    public let line: Int
    let start: Int

    public var count: Int { fields.count }

    /// The field's bytes, with `""` undone.
    public func bytes(_ index: Int) -> ArraySlice<UInt8> {
        let f = fields[index]
        if !f.escapedQuotes { return ArraySlice(bytes[f.start..<f.end]) }
        var out: [UInt8] = []
        out.reserveCapacity(f.end - f.start)
        var i = f.start
        while i < f.end {
            out.append(bytes[i])
            i += bytes[i] == CSVReader.quote && i + 1 < f.end && bytes[i + 1] == CSVReader.quote ? 2 : 1
        }
        return out[...]
    }

    public func string(_ index: Int) -> String {
        let f = fields[index]
        if !f.escapedQuotes {
            return String(decoding: UnsafeBufferPointer(rebasing: bytes[f.start..<f.end]), as: UTF8.self)
        }
        return String(decoding: bytes(index), as: UTF8.self)
    }

    /// Whether the field's bytes equal `text` exactly.
    public func field(_ index: Int, equals text: StaticString) -> Bool {
        let f = fields[index]
        guard !f.escapedQuotes, f.end - f.start == text.utf8CodeUnitCount else { return false }
        let t = text.utf8Start
        for k in 0..<(f.end - f.start) where bytes[f.start + k] != t[k] { return false }
        return true
    }

    /// The 1-based line and character column where field `index` begins (its opening
    /// quote, if quoted). A field past the end of a short row is placed just after it.
    public func position(ofField index: Int) -> (line: Int, column: Int) {
        if index < fields.count { return position(ofByte: fields[index].rawStart) }
        guard let last = fields.last else { return (line, 1) }
        let p = position(ofByte: last.end + (last.quoted ? 1 : 0))
        return (p.line, p.column + 1)
    }

    func position(ofByte offset: Int) -> (line: Int, column: Int) {
        var l = line, lineStart = start, i = start
        while i < offset {
            let c = bytes[i]
            if c == CSVReader.lf || (c == CSVReader.cr && !(i + 1 < offset && bytes[i + 1] == CSVReader.lf)) {
                l += 1; lineStart = i + 1
            }
            i += 1
        }
        var column = 1
        for k in lineStart..<offset where bytes[k] & 0xC0 != 0x80 { column += 1 }
        return (l, column)
    }
}

/// An RFC 4180 reader that takes real exports as they come: a UTF-8 BOM, CRLF, LF or CR
/// line ends, quoted fields holding commas, quotes and newlines, blank lines (skipped),
/// and a missing final newline. Syntax it cannot read cleanly (a quote inside an
/// unquoted field, text after a closing quote, a quote never closed) is read as well as
/// it can be and reported with its line and column.
///
/// It reads a stream in chunks: `read(_:isFinal:)` hands over every complete record in
/// the chunk and returns how many bytes it used; the caller keeps the rest and prepends
/// it to the next chunk. Line numbers carry over between chunks.
public struct CSVReader {
    static let quote = UInt8(ascii: "\""), comma = UInt8(ascii: ","), lf = UInt8(ascii: "\n"), cr = UInt8(ascii: "\r")

    public private(set) var problems: [CSVProblem] = []
    /// The line the next record starts on.
    public private(set) var line = 1
    private var atStart = true
    private var fields: [CSVField] = []

    public init() { fields.reserveCapacity(32) }

    /// Reads the complete records at the front of `bytes`, giving each to `body`.
    /// Returns the number of bytes consumed; when `isFinal`, that is all of them.
    public mutating func read(_ bytes: UnsafeBufferPointer<UInt8>, isFinal: Bool, _ body: (CSVRow) throws -> Void) rethrows -> Int {
        let n = bytes.count
        var i = 0
        if atStart {
            if n < 3 && !isFinal { return 0 }
            if n >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF { i = 3 }
            atStart = false
        }
        let q = Self.quote, c0 = Self.comma, lf = Self.lf, cr = Self.cr
        records: while i < n {
            let rowStart = i, rowLine = line
            var lineBreaks = 0
            var rowProblems: [(Int, String)] = []
            fields.removeAll(keepingCapacity: true)
            while true {
                var field: CSVField
                if i < n && bytes[i] == q {
                    let open = i
                    i += 1
                    var escaped = false, closed = false
                    while i < n {
                        let c = bytes[i]
                        if c == q {
                            if i + 1 < n && bytes[i + 1] == q { escaped = true; i += 2; continue }
                            if i + 1 >= n && !isFinal { return rowStart }
                            closed = true
                            break
                        }
                        if c == lf { lineBreaks += 1 } else if c == cr {
                            if i + 1 >= n && !isFinal { return rowStart }
                            if !(i + 1 < n && bytes[i + 1] == lf) { lineBreaks += 1 }
                        }
                        i += 1
                    }
                    if !closed {
                        if !isFinal { return rowStart }
                        rowProblems.append((open, "this quote is never closed; the rest of the file was read as one field"))
                        field = CSVField(start: open + 1, end: n, quoted: true, escapedQuotes: escaped)
                        fields.append(field)
                        break
                    }
                    field = CSVField(start: open + 1, end: i, quoted: true, escapedQuotes: escaped)
                    i += 1
                    if i < n, bytes[i] != c0, bytes[i] != lf, bytes[i] != cr {
                        // `"abc"def`: keep the quoted part, report and skip the rest.
                        rowProblems.append((i, "text after a closing quote was dropped; quote the whole field and double the quotes inside"))
                        while i < n, bytes[i] != c0, bytes[i] != lf, bytes[i] != cr { i += 1 }
                    }
                } else {
                    let s = i
                    while i < n {
                        let c = bytes[i]
                        if c == c0 || c == lf || c == cr { break }
                        if c == q { rowProblems.append((i, "a quote inside an unquoted field was read as a character; quote the field and double the quote")) }
                        i += 1
                    }
                    field = CSVField(start: s, end: i, quoted: false, escapedQuotes: false)
                }
                fields.append(field)
                if i >= n {
                    if !isFinal { return rowStart }
                    break
                }
                let c = bytes[i]
                if c == c0 { i += 1; continue }
                if c == lf { i += 1; lineBreaks += 1; break }
                // c == cr
                if i + 1 >= n && !isFinal { return rowStart }
                i += (i + 1 < n && bytes[i + 1] == lf) ? 2 : 1
                lineBreaks += 1
                break
            }
            line += lineBreaks
            let row = CSVRow(bytes: bytes, fields: fields, line: rowLine, start: rowStart)
            for (offset, message) in rowProblems {
                let p = row.position(ofByte: offset)
                problems.append(CSVProblem(line: p.line, column: p.column, message: message))
            }
            if fields.count == 1 && !fields[0].quoted && fields[0].start == fields[0].end { continue records }
            try body(row)
        }
        return n
    }

    /// Reads a whole buffer into Strings: for small files and tests.
    public static func rows(of bytes: [UInt8]) -> (rows: [[String]], problems: [CSVProblem]) {
        var reader = CSVReader()
        var rows: [[String]] = []
        bytes.withUnsafeBufferPointer { buffer in
            _ = reader.read(buffer, isFinal: true) { row in
                rows.append((0..<row.count).map { row.string($0) })
            }
        }
        return (rows, reader.problems)
    }
}
