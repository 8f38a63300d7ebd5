/// Base64url (RFC 4648 §5) without padding: the alphabet A–Z a–z 0–9 - _, safe in
/// file names, URLs and CSV cells.
public enum Base64URL {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    private static let values: [Int8] = {
        var table = [Int8](repeating: -1, count: 256)
        for (value, character) in alphabet.enumerated() {
            table[Int(character)] = Int8(value)
        }
        return table
    }()

    public static func encode(_ bytes: [UInt8]) -> String {
        var text: [UInt8] = []
        text.reserveCapacity((bytes.count * 4 + 2) / 3)
        var index = 0
        while index + 3 <= bytes.count {
            let group = UInt32(bytes[index]) << 16 | UInt32(bytes[index + 1]) << 8 | UInt32(bytes[index + 2])
            text.append(alphabet[Int(group >> 18 & 63)])
            text.append(alphabet[Int(group >> 12 & 63)])
            text.append(alphabet[Int(group >> 6 & 63)])
            text.append(alphabet[Int(group & 63)])
            index += 3
        }
        switch bytes.count - index {
        case 1:
            let group = UInt32(bytes[index]) << 16
            text.append(alphabet[Int(group >> 18 & 63)])
            text.append(alphabet[Int(group >> 12 & 63)])
        case 2:
            let group = UInt32(bytes[index]) << 16 | UInt32(bytes[index + 1]) << 8
            text.append(alphabet[Int(group >> 18 & 63)])
            text.append(alphabet[Int(group >> 12 & 63)])
            text.append(alphabet[Int(group >> 6 & 63)])
        default:
            break
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// The bytes `text` encodes, or nil unless it is exactly what `encode` would print
    /// (no padding, no other characters, no stray bits), so each byte string has one spelling.
    public static func decode(_ text: String) -> [UInt8]? {
        let characters = Array(text.utf8)
        if characters.count % 4 == 1 { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(characters.count * 3 / 4)
        var group: UInt32 = 0
        var bitCount = 0
        for character in characters {
            let value = values[Int(character)]
            if value < 0 { return nil }
            group = group << 6 | UInt32(value)
            bitCount += 6
            if bitCount >= 8 {
                bitCount -= 8
                bytes.append(UInt8(truncatingIfNeeded: group >> UInt32(bitCount)))
                group &= (1 << UInt32(bitCount)) - 1
            }
        }
        // Leftover bits of the last character must be zero, as `encode` leaves them.
        return group == 0 ? bytes : nil
    }
}
