/// Standard base64 without `=` padding, the form OpenSSH uses for key fingerprints.
func unpaddedBase64(_ bytes: [UInt8]) -> String {
    let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
    var output: [UInt8] = []
    output.reserveCapacity((bytes.count * 4 + 2) / 3)
    var index = 0
    while index < bytes.count {
        let remaining = bytes.count - index
        let b0 = UInt32(bytes[index])
        let b1 = remaining > 1 ? UInt32(bytes[index + 1]) : 0
        let b2 = remaining > 2 ? UInt32(bytes[index + 2]) : 0
        let group = b0 << 16 | b1 << 8 | b2
        output.append(alphabet[Int(group >> 18 & 63)])
        output.append(alphabet[Int(group >> 12 & 63)])
        if remaining > 1 { output.append(alphabet[Int(group >> 6 & 63)]) }
        if remaining > 2 { output.append(alphabet[Int(group & 63)]) }
        index += 3
    }
    return String(decoding: output, as: UTF8.self)
}
