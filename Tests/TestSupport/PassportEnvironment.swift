import Foundation

/// The environment every test runs passport in: its own home and XDG folders, a store, a fixed
/// "now" (so dates in transcripts do not move), UTF-8, and no colour.
public enum PassportEnvironment {
    public static let now = "2026-12-03T12:00:00Z"

    public static func make(home: URL, store: String) -> [String: String] {
        [
            "PATH": "/usr/bin:/bin", "HOME": home.path, "LANG": "C.UTF-8",
            "XDG_DATA_HOME": home.appendingPathComponent("data").path,
            "XDG_STATE_HOME": home.appendingPathComponent("state").path,
            "XDG_CONFIG_HOME": home.appendingPathComponent("config").path,
            "PASSPORT_STORE": store, "PASSPORT_NOW": now, "NO_COLOR": "1",
        ]
    }
}
