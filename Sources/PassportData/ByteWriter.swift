/// Appends little-endian integers and length-prefixed byte runs: the Roster's blob format.
struct ByteWriter {
    private(set) var output: [UInt8] = []

    mutating func u32(_ v: UInt32) {
        withUnsafeBytes(of: v.littleEndian) { output.append(contentsOf: $0) }
    }

    mutating func u32Array(_ values: [UInt32]) {
        u32(UInt32(values.count))
        values.withUnsafeBufferPointer { b in
            if UInt32(1).littleEndian == 1 {
                output.append(contentsOf: UnsafeRawBufferPointer(b))
            } else {
                for v in b { u32(v) }
            }
        }
    }

    mutating func bytes(_ b: [UInt8]) {
        u32(UInt32(b.count))
        output.append(contentsOf: b)
    }

    mutating func string(_ s: String) { bytes(Array(s.utf8)) }
}
