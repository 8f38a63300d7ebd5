/// Writes CSV records the RFC 4180 way: CRLF line ends, and a field quoted (its quotes
/// doubled) only when it holds a comma, a quote, a line break or blanks at its ends.
struct CSVWriter {
    var output: [UInt8] = []

    mutating func field(_ value: UnsafeBufferPointer<UInt8>, first: Bool) {
        if !first { output.append(UInt8(ascii: ",")) }
        var needsQuotes = false
        for c in value where c == UInt8(ascii: ",") || c == UInt8(ascii: "\"") || c == UInt8(ascii: "\n") || c == UInt8(ascii: "\r") {
            needsQuotes = true
            break
        }
        if let f = value.first, let l = value.last, f == UInt8(ascii: " ") || l == UInt8(ascii: " ") { needsQuotes = true }
        if !needsQuotes { output.append(contentsOf: value); return }
        output.append(UInt8(ascii: "\""))
        for c in value {
            output.append(c)
            if c == UInt8(ascii: "\"") { output.append(c) }
        }
        output.append(UInt8(ascii: "\""))
    }

    mutating func field(_ value: String, first: Bool) {
        var v = value
        v.withUTF8 { field($0, first: first) }
    }

    mutating func endRecord() { output.append(contentsOf: [UInt8(ascii: "\r"), UInt8(ascii: "\n")]) }

    mutating func record(_ values: [String]) {
        for (i, v) in values.enumerated() { field(v, first: i == 0) }
        endRecord()
    }
}
