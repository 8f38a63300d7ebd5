/// Reads what ByteWriter wrote, refusing anything short or out of shape.
struct ByteReader {
    struct Malformed: Error {}

    private let input: [UInt8]
    private var offset = 0

    init(_ input: [UInt8]) { self.input = input }

    var atEnd: Bool { offset == input.count }

    mutating func u32() throws -> UInt32 {
        guard offset + 4 <= input.count else { throw Malformed() }
        var v: UInt32 = 0
        for k in 0..<4 { v |= UInt32(input[offset + k]) << (8 * UInt32(k)) }
        offset += 4
        return v
    }

    mutating func u32Array() throws -> [UInt32] {
        let n = Int(try u32())
        guard n <= (input.count - offset) / 4 else { throw Malformed() }
        let start = offset
        offset += 4 * n
        return input.withUnsafeBytes { raw in
            (0..<n).map { UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: start + 4 * $0, as: UInt32.self)) }
        }
    }

    mutating func bytes() throws -> [UInt8] {
        let n = Int(try u32())
        guard n <= input.count - offset else { throw Malformed() }
        defer { offset += n }
        return Array(input[offset..<(offset + n)])
    }

    mutating func string() throws -> String { String(decoding: try bytes(), as: UTF8.self) }
}
