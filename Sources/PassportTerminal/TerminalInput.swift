import Glibc

/// Small terminal facts and the one read that must not echo.
public enum TerminalInput {
    public static func isTerminal(_ fd: Int32) -> Bool { isatty(fd) == 1 }

    /// Reads a secret from the terminal with echo off. Ctrl-C or Ctrl-D on an empty line give nil.
    /// The terminal's settings are restored on every path, Ctrl-C included (signals are off while reading).
    public static func readSecret(prompt: String, fd: Int32 = 0) -> String? {
        var saved = termios()
        guard tcgetattr(fd, &saved) == 0 else { return nil }
        var raw = saved
        raw.c_lflag &= ~tcflag_t(ECHO | ICANON | ISIG)
        withUnsafeMutablePointer(to: &raw.c_cc) { cc in
            cc.withMemoryRebound(to: cc_t.self, capacity: Int(NCCS)) { $0[Int(VMIN)] = 1; $0[Int(VTIME)] = 0 }
        }
        _ = prompt.withCString { write(2, $0, strlen($0)) }
        guard tcsetattr(fd, TCSAFLUSH, &raw) == 0 else { return nil }
        defer {
            tcsetattr(fd, TCSAFLUSH, &saved)
            _ = write(2, "\n", 1)
        }
        var bytes: [UInt8] = []
        var byte: UInt8 = 0
        while read(fd, &byte, 1) == 1 {
            switch byte {
            case 0x0A, 0x0D: return String(decoding: bytes, as: UTF8.self)
            case 0x03: return nil                        // Ctrl-C
            case 0x04: if bytes.isEmpty { return nil }   // Ctrl-D
            case 0x7F, 0x08:
                // Remove one whole UTF-8 character.
                while let last = bytes.popLast(), last & 0xC0 == 0x80 {}
            case 0x15: bytes.removeAll()                 // Ctrl-U
            default: bytes.append(byte)
            }
        }
        return nil
    }
}
