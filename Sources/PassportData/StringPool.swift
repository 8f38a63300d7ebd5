import Glibc

/// Every distinct value of a roster, stored once as bytes and named by a 32-bit id, so a
/// million enrollments cost four bytes per cell and links compare as integers.
/// Id 0 is always the empty value.
struct StringPool: Sendable {
    private(set) var bytes: [UInt8] = []
    /// `ends[id]` is where value `id` ends in `bytes`; it starts where `id - 1` ends.
    private(set) var ends: [UInt32] = [0]
    private var hashes: [UInt32] = [0]
    /// Open addressing; a slot holds the value's hash in its high half and id + 1 in its
    /// low half (0 when free), so most probes never touch the values.
    private var slots: [UInt64] = Array(repeating: 0, count: 1024)

    init() {}

    var count: Int { ends.count }

    func range(_ id: UInt32) -> Range<Int> {
        let i = Int(id)
        return (i == 0 ? 0 : Int(ends[i - 1]))..<Int(ends[i])
    }

    func string(_ id: UInt32) -> String {
        if id == 0 { return "" }
        return bytes.withUnsafeBufferPointer { String(decoding: UnsafeBufferPointer(rebasing: $0[range(id)]), as: UTF8.self) }
    }

    func isEmpty(_ id: UInt32) -> Bool { id == 0 }

    /// The id of `value`, adding it when new.
    mutating func intern(_ value: UnsafeBufferPointer<UInt8>) -> UInt32 {
        if value.isEmpty { return 0 }
        let h = Self.hash(value)
        let mask = slots.count - 1
        var s = Int(h) & mask
        while true {
            let slot = slots[s]
            if slot == 0 { break }
            let id = UInt32(truncatingIfNeeded: slot) - 1
            if UInt32(truncatingIfNeeded: slot >> 32) == h && equal(id, value) { return id }
            s = (s + 1) & mask
        }
        let id = UInt32(ends.count)
        bytes.append(contentsOf: value)
        ends.append(UInt32(bytes.count))
        hashes.append(h)
        slots[s] = UInt64(h) << 32 | UInt64(id + 1)
        if ends.count * 2 > slots.count { grow() }
        return id
    }

    mutating func intern(_ value: String) -> UInt32 {
        var v = value
        return v.withUTF8 { intern($0) }
    }

    mutating func intern<C: Collection>(bytes value: C) -> UInt32 where C.Element == UInt8 {
        let array = Array(value)
        return array.withUnsafeBufferPointer { intern($0) }
    }

    /// The id of `value` when the pool holds it.
    func find(_ value: String) -> UInt32? {
        var v = value
        return v.withUTF8 { find($0) }
    }

    func find(_ value: UnsafeBufferPointer<UInt8>) -> UInt32? {
        if value.isEmpty { return 0 }
        let h = Self.hash(value)
        let mask = slots.count - 1
        var s = Int(h) & mask
        while true {
            let slot = slots[s]
            if slot == 0 { return nil }
            let id = UInt32(truncatingIfNeeded: slot) - 1
            if UInt32(truncatingIfNeeded: slot >> 32) == h && equal(id, value) { return id }
            s = (s + 1) & mask
        }
    }

    private func equal(_ id: UInt32, _ value: UnsafeBufferPointer<UInt8>) -> Bool {
        let r = range(id)
        guard r.count == value.count else { return false }
        return bytes.withUnsafeBufferPointer { b in
            memcmp(b.baseAddress! + r.lowerBound, value.baseAddress!, r.count) == 0
        }
    }

    private mutating func grow() {
        var fresh = [UInt64](repeating: 0, count: slots.count * 2)
        let mask = fresh.count - 1
        for id in 1..<ends.count {
            var s = Int(hashes[id]) & mask
            while fresh[s] != 0 { s = (s + 1) & mask }
            fresh[s] = UInt64(hashes[id]) << 32 | UInt64(id + 1)
        }
        slots = fresh
    }

    /// A fast 64-bit multiply-mix over 8-byte words, folded to 32 bits.
    static func hash(_ v: UnsafeBufferPointer<UInt8>) -> UInt32 {
        let k: UInt64 = 0x9E37_79B9_7F4A_7C15
        var h: UInt64 = UInt64(v.count) &* k
        let raw = UnsafeRawBufferPointer(v)
        var i = 0
        while i + 8 <= v.count {
            let w = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            h = (h ^ w) &* k
            h ^= h >> 29
            i += 8
        }
        if i < v.count {
            var w: UInt64 = 0
            var shift: UInt64 = 0
            while i < v.count { w |= UInt64(v[i]) << shift; shift += 8; i += 1 }
            h = (h ^ w) &* k
            h ^= h >> 29
        }
        h = (h ^ (h >> 32)) &* 0xD6E8_FEB8_6659_FD93
        return UInt32(truncatingIfNeeded: h ^ (h >> 32))
    }

    // MARK: Encoding

    /// The pool's values only; the table is rebuilt on decoding.
    func encode(into out: inout ByteWriter) {
        out.u32Array(ends)
        out.bytes(bytes)
    }

    static func decode(_ input: inout ByteReader) throws -> StringPool {
        var pool = StringPool()
        let ends = try input.u32Array()
        let bytes = try input.bytes()
        guard ends.first == 0, ends.last.map({ Int($0) == bytes.count }) ?? false,
              zip(ends, ends.dropFirst()).allSatisfy({ $0 <= $1 }) else { throw ByteReader.Malformed() }
        pool.bytes = bytes
        pool.ends = ends
        pool.hashes = [UInt32](repeating: 0, count: ends.count)
        var size = 1024
        while size < ends.count * 2 + 2 { size *= 2 }
        pool.slots = [UInt64](repeating: 0, count: size)
        let mask = size - 1
        bytes.withUnsafeBufferPointer { b in
            for id in 1..<ends.count {
                let r = Int(ends[id - 1])..<Int(ends[id])
                let h = Self.hash(UnsafeBufferPointer(rebasing: b[r]))
                pool.hashes[id] = h
                var s = Int(h) & mask
                while pool.slots[s] != 0 { s = (s + 1) & mask }
                pool.slots[s] = UInt64(h) << 32 | UInt64(id + 1)
            }
        }
        return pool
    }
}
