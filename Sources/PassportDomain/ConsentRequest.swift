/// Which schools a request covers.
public enum SchoolSelection: Codable, Sendable, Equatable {
    /// All schools of the district, including schools added to the directory later, and the district office.
    case all
    /// These schools (NCES ids), in the order they were added.
    case some([String])
}

/// SFTP Delivery Config. The password is kept sealed (never in clear); `passwordEnv` remembers
/// the environment variable it came from, so a saved draft can refer to it instead of holding it.
public struct SFTPConfig: Codable, Sendable, Equatable {
    public var host: String
    public var port: Int
    public var user: String
    public var sealedPassword: String
    public var passwordEnv: String?
    public var path: String?

    public init(host: String, port: Int = 22, user: String, sealedPassword: String, passwordEnv: String? = nil, path: String? = nil) {
        self.host = host; self.port = port; self.user = user
        self.sealedPassword = sealedPassword; self.passwordEnv = passwordEnv; self.path = path
    }

    /// Checks host, port and user; the password is checked where it is read.
    public static func check(host: String, port: Int, user: String) throws {
        guard !host.isEmpty, host.allSatisfy({ $0.isLetter || $0.isNumber || "-._:[]".contains($0) }), !host.hasPrefix("-") else {
            throw DomainError("'\(host)' is not a host name or address")
        }
        guard (1...65535).contains(port) else { throw DomainError("port \(port) is out of range; it must be 1–65535") }
        guard !user.isEmpty, !user.contains(where: { $0.isWhitespace }) else { throw DomainError("the SFTP user must be one word") }
    }
}

/// The kinds of attachment a district accepts, recognised by their content.
public enum AttachmentKind: String, Codable, Sendable, CaseIterable {
    case pdf, doc, docx, png, jpg

    public static let maximumSize = 10 * 1024 * 1024

    /// Judges a file by its content: the format's signature at the start and its ending where the
    /// format has one (a PDF's %%EOF, a PNG's IEND, a JPEG's end marker), and for a zip a Word part inside.
    public static func recognise(name: String, content: [UInt8]) -> AttachmentKind? {
        func starts(_ sig: [UInt8]) -> Bool { content.count >= sig.count && Array(content.prefix(sig.count)) == sig }
        let tail = Array(content.suffix(1024))
        if starts(Array("%PDF-".utf8)) { return contains(tail, Array("%%EOF".utf8)) ? .pdf : nil }
        if starts([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) {
            return content.count > 16 && Array(content[12..<16]) == Array("IHDR".utf8) && contains(tail, Array("IEND".utf8)) ? .png : nil
        }
        if starts([0xFF, 0xD8, 0xFF]) { return contains(Array(content.suffix(64)), [0xFF, 0xD9]) ? .jpg : nil }
        if starts([0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) { return content.count >= 1536 ? .doc : nil }   // OLE2 (Word 97-2003)
        if starts([0x50, 0x4B, 0x03, 0x04]), contains(content, Array("word/document.xml".utf8)) { return .docx }
        return nil
    }

    /// The file name endings that fit this kind.
    public var extensions: [String] {
        switch self {
        case .jpg: return ["jpg", "jpeg"]
        default: return [rawValue]
        }
    }

    static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard needle.count <= haystack.count, let first = needle.first else { return false }
        var i = 0
        let last = haystack.count - needle.count
        while i <= last {
            if haystack[i] == first && Array(haystack[i..<i + needle.count]) == needle { return true }
            i += 1
        }
        return false
    }
}

public struct Attachment: Codable, Sendable, Equatable {
    public var name: String
    public var kind: AttachmentKind
    public var size: Int
    public var sha256: String
    public init(name: String, kind: AttachmentKind, size: Int, sha256: String) {
        self.name = name; self.kind = kind; self.size = size; self.sha256 = sha256
    }
}

/// A Data Access Consent request as the vendor builds it (the draft), and as it is frozen when sent.
public struct ConsentRequest: Codable, Sendable, Equatable {
    public var appId: Int64
    public var districtId: String
    public var schools: SchoolSelection
    public var piiShield: Bool
    public var excluded: [AttributePath]
    public var filters: [FilterRule]
    public var sftp: SFTPConfig?
    public var thresholdPercent: Int?
    public var attachments: [Attachment]
    public var expires: Day?
    public var message: String?
    /// The approved consent this request would change ("Request Changes"), if any.
    public var replaces: Int64?

    public init(appId: Int64, districtId: String, schools: SchoolSelection) {
        self.appId = appId; self.districtId = districtId; self.schools = schools
        piiShield = true; excluded = []; filters = []; attachments = []
    }

    // MARK: Edits that enforce the section rules as they are made.

    public mutating func exclude(_ paths: [AttributePath], app: App) throws {
        for p in paths {
            if p.isLink {
                throw DomainError("\(p) cannot be excluded: sourcedId and the links between records are always shared")
            }
            if app.requirements[p]?.required == true {
                throw DomainError("\(p) cannot be excluded: \(app.name) marks it Required")
            }
        }
        for p in paths where !excluded.contains(p) { excluded.append(p) }
        excluded.sort()
    }

    public mutating func include(_ paths: [AttributePath]) {
        excluded.removeAll { paths.contains($0) }
    }

    public mutating func setSFTP(_ config: SFTPConfig, app: App) throws {
        guard app.delivery == .sftp else {
            throw DomainError("\(app.name) is a Data API app: it takes a sync hold threshold (`threshold N%`), not SFTP delivery")
        }
        sftp = config
    }

    public mutating func setThreshold(_ percent: Int, app: App) throws {
        guard app.delivery == .api else {
            throw DomainError("\(app.name) delivers by SFTP: a sync hold threshold is for Data API apps only")
        }
        guard (0...100).contains(percent) else { throw DomainError("threshold \(percent)% is out of range; it must be 0–100%") }
        thresholdPercent = percent
    }

    public mutating func setExpiration(_ day: Day, today: Day) throws {
        guard day > today else { throw DomainError("expiration \(day) is not after today (\(today)); access must end on a later date") }
        expires = day
    }

    /// What this request adds to and removes from `old`, section by section, in words.
    public func changes(from old: ConsentRequest) -> [(section: String, added: [String], removed: [String])] {
        var out: [(String, [String], [String])] = []
        func diff(_ section: String, _ new: [String], _ was: [String]) {
            let added = new.filter { !was.contains($0) }, removed = was.filter { !new.contains($0) }
            if !added.isEmpty || !removed.isEmpty { out.append((section, added, removed)) }
        }
        func schoolWords(_ s: SchoolSelection) -> [String] {
            switch s { case .all: return ["all schools"]; case .some(let ids): return ids }
        }
        diff("Schools", schoolWords(schools), schoolWords(old.schools))
        diff("PII Shield", [piiShield ? "on" : "off"], [old.piiShield ? "on" : "off"])
        // Excluding an attribute removes it from what is shared, and the other way round.
        diff("Attributes shared", old.excluded.map(\.description), excluded.map(\.description))
        diff("Filters", filters.map(\.words), old.filters.map(\.words))
        let sftpWords = { (c: SFTPConfig?) in c.map { ["\($0.user)@\($0.host):\($0.port)\($0.path ?? "")"] } ?? [] }
        diff("SFTP Delivery", sftpWords(sftp), sftpWords(old.sftp))
        diff("Sync hold threshold", thresholdPercent.map { ["\($0)%"] } ?? [], old.thresholdPercent.map { ["\($0)%"] } ?? [])
        diff("Attachments", attachments.map(\.name), old.attachments.map(\.name))
        diff("Expires", expires.map { [$0.description] } ?? ["never"], old.expires.map { [$0.description] } ?? ["never"])
        diff("Message", message.map { [$0] } ?? [], old.message.map { [$0] } ?? [])
        return out
    }

    /// The encrypted attribute a rule filters on, if any: a filter on a value the vendor must not read
    /// would tell the vendor about that value through what is shared.
    public func maskedPathFiltered(by rule: FilterRule, app: App) -> AttributePath? {
        guard piiShield else { return nil }
        let masked = Set(app.maskedAttributes)
        return rule.conditions.lazy.map { AttributePath(entity: rule.entity, attribute: $0.attribute) }.first { masked.contains($0) }
    }

    /// Attributes the PII Shield will encrypt: the app's masked ones still shared.
    public func encryptedAttributes(app: App) -> [AttributePath] {
        piiShield ? app.maskedAttributes.filter { !excluded.contains($0) } : []
    }
}

/// One broken rule that blocks sending.
public struct RuleViolation: Sendable, Equatable, CustomStringConvertible {
    public var section: String
    public var message: String
    public init(_ section: String, _ message: String) { self.section = section; self.message = message }
    public var description: String { "\(section): \(message)" }
}

extension ConsentRequest {
    /// Every rule of DOMAIN.md's request table that this request breaks now.
    /// `districtSchools` are the ids of the district's schools in the directory.
    public func violations(app: App, districtSchools: Set<String>, today: Day) -> [RuleViolation] {
        var out: [RuleViolation] = []
        if !app.published {
            out.append(.init("App", "\(app.name) is not published; only a published app can send requests (`app publish`)"))
        }
        switch schools {
        case .all:
            if districtSchools.isEmpty { out.append(.init("Schools", "the district has no schools in the directory")) }
        case .some(let ids):
            if ids.isEmpty { out.append(.init("Schools", "no school is selected; add one with `schools add SCHOOL` or `schools all`")) }
            for id in ids where !districtSchools.contains(id) {
                out.append(.init("Schools", "school \(id) is not a school of district \(districtId)"))
            }
        }
        for p in excluded where app.requirements[p]?.required == true {
            out.append(.init("Attributes", "\(p) is excluded but \(app.name) marks it Required; `attributes include \(p)`"))
        }
        for (i, rule) in filters.enumerated() {
            if (try? FilterRule(entity: rule.entity, conditions: rule.conditions)) == nil {
                out.append(.init("Filters", "rule \(i + 1) is not valid; remove it with `filter remove \(i + 1)`"))
            }
            if let p = maskedPathFiltered(by: rule, app: app) {
                out.append(.init("Filters", "rule \(i + 1) filters on \(p), which the PII Shield encrypts; remove it with `filter remove \(i + 1)`"))
            }
        }
        switch app.delivery {
        case .sftp:
            if sftp == nil { out.append(.init("SFTP Delivery", "\(app.name) delivers by SFTP: give `sftp --host HOST --user USER --password-env VAR`")) }
            if thresholdPercent != nil { out.append(.init("Sync hold threshold", "only Data API apps take a threshold; remove it")) }
        case .api:
            if thresholdPercent == nil { out.append(.init("Sync hold threshold", "\(app.name) is a Data API app: set one with `threshold N%` (0–100%)")) }
            if sftp != nil { out.append(.init("SFTP Delivery", "Data API apps take no SFTP delivery config")) }
        }
        for a in attachments where a.size > AttachmentKind.maximumSize {
            out.append(.init("Attachments", "\(a.name) is over the 10 MB limit"))
        }
        if let e = expires, e <= today {
            out.append(.init("Expiration", "\(e) is not after today (\(today))"))
        }
        return out
    }
}
