import PassportDomain

/// One value Tab can offer, with a short description for the list.
public struct Candidate: Sendable, Equatable {
    public var value: String
    public var description: String
    /// A value that is a step on the way (a folder, `students.`): no space after it.
    public var partial: Bool
    /// Another spelling that also finds it (a school's name, when the value is its id).
    public var alias: String?
    public init(_ value: String, _ description: String = "", partial: Bool = false, alias: String? = nil) {
        self.value = value; self.description = description; self.partial = partial; self.alias = alias
    }
}

/// What Tab should do: delete the word being typed and insert its completion, or list candidates.
public struct CompletionResult: Sendable, Equatable {
    public var deleteBeforeCursor: Int
    public var insert: String
    public var listing: [String]
}

/// The words of the command being typed, as Tab sees them.
public struct CompletionRequest {
    public let session: Session
    /// Finished words after the command's own words.
    public let arguments: [String]
    /// The word under the cursor, unquoted.
    public let prefix: String
}

/// Completes commands, flags and real values from the store, from the same registry the parser uses.
public final class Completer {
    let session: Session
    private var schoolCache: [String: [School]] = [:]
    /// The most district names a Tab lists.
    static let districtLimit = 100

    public init(session: Session) { self.session = session }

    /// The partial line split into finished words and the word under the cursor.
    struct Partial {
        var words: [String] = []
        var current = ""
        /// The current word as typed (quotes and escapes included), to know how much to delete.
        var currentSource = ""
        var openQuote: Character?
    }

    static func split(_ text: String) -> Partial {
        var p = Partial()
        var inWord = false
        var quote: Character?
        var escaped = false
        for ch in text {
            if let q = quote {
                p.currentSource.append(ch)
                if escaped { p.current.append(ch == "n" ? "\n" : ch); escaped = false; continue }
                if q == "\"" && ch == "\\" { escaped = true; continue }
                if ch == q { quote = nil; continue }
                p.current.append(ch)
                continue
            }
            if ch == ";" { p = Partial(); inWord = false; continue }
            if ch == " " || ch == "\t" {
                if inWord { p.words.append(p.current); p.current = ""; p.currentSource = ""; inWord = false }
                continue
            }
            inWord = true
            p.currentSource.append(ch)
            if ch == "\"" || ch == "'" { quote = ch; continue }
            p.current.append(ch)
        }
        p.openQuote = quote
        return p
    }

    public func complete(_ textBeforeCursor: String) -> CompletionResult? {
        let p = Completer.split(textBeforeCursor)
        if textBeforeCursor.contains("#") && p.openQuote == nil,
           let hash = textBeforeCursor.lastIndex(of: "#"), !textBeforeCursor[hash...].contains(";") { return nil }
        let candidates = (try? candidatesFor(p)) ?? []
        return Completer.result(for: candidates, partial: p)
    }

    func candidatesFor(_ p: Partial) throws -> [Candidate] {
        let registry = session.registry
        let lower = p.words.map { $0.lowercased() }
        let match = registry.match(p.words)
        let subs = registry.commands(under: p.words)
        if p.words.isEmpty {
            return registry.topWords.map { word in
                let specs = registry.commands.filter { $0.path[0] == word }
                return Candidate(word, specs.count == 1 ? specs[0].summary : "")
            }
        }
        if !subs.isEmpty, match == nil || match!.length == lower.count {
            var out = Array(Set(subs.map { $0.path[lower.count] })).sorted().map { next -> Candidate in
                let spec = subs.first { $0.path[lower.count] == next && $0.path.count == lower.count + 1 }
                return Candidate(next, spec?.summary ?? "")
            }
            if let (spec, _) = match, !spec.arguments.isEmpty { out += try argumentCandidates(spec, args: [], prefix: p.current) }
            return out
        }
        guard let (spec, length) = match else { return [] }
        return try argumentCandidates(spec, args: Array(p.words[length...]), prefix: p.current)
    }

    func argumentCandidates(_ spec: CommandSpec, args: [String], prefix: String) throws -> [Candidate] {
        if prefix.hasPrefix("-") {
            let used = Set(args.filter { $0.hasPrefix("--") }.map { String($0.dropFirst(2).split(separator: "=")[0]) })
            return spec.flags.filter { !used.contains($0.name) }.map { Candidate("--" + $0.name, $0.help) }
        }
        // Sort the finished words into flag values and positionals.
        var positionals: [String] = []
        var i = 0
        var pendingFlag: FlagSpec?
        while i < args.count {
            let a = args[i]
            if a.hasPrefix("--"), let f = spec.flag(named: String(a.dropFirst(2))) {
                if f.value != nil && !a.contains("=") {
                    if i + 1 < args.count { i += 2; continue }
                    pendingFlag = f
                }
                i += 1; continue
            }
            positionals.append(a); i += 1
        }
        if let f = pendingFlag { return try values(f.kind) }
        if let custom = spec.complete { return try custom(CompletionRequest(session: session, arguments: positionals, prefix: prefix)) }
        guard !spec.arguments.isEmpty else { return [] }
        let index = positionals.count
        let arg = index < spec.arguments.count ? spec.arguments[index] : (spec.arguments.last!.repeating ? spec.arguments.last! : nil)
        guard let arg else { return [] }
        var out = try values(arg.kind, prefix: prefix)
        if arg.repeating { out.removeAll { positionals.contains($0.value) } }
        return out
    }

    /// Real values of a kind, from the store where they live there.
    func values(_ kind: ValueKind, prefix: String = "") throws -> [Candidate] {
        switch kind {
        case .none, .text, .number, .day: return []
        case .state:
            return ["AK", "AL", "AR", "AS", "AZ", "BI", "CA", "CO", "CT", "DC", "DE", "FL", "GA", "GU", "HI", "IA", "ID", "IL", "IN", "KS", "KY",
                    "LA", "MA", "MD", "ME", "MI", "MN", "MO", "MP", "MS", "MT", "NC", "ND", "NE", "NH", "NJ", "NM", "NV", "NY", "OH", "OK",
                    "OR", "PA", "PR", "RI", "SC", "SD", "TN", "TX", "UT", "VA", "VI", "VT", "WA", "WI", "WV", "WY"].map { Candidate($0) }
        case .attachment:
            return session.draft?.request.attachments.map { Candidate($0.name, "\($0.kind.rawValue), \($0.size) bytes") } ?? []
        case .consent:
            guard session.account != nil else { return [] }
            let list = try session.adminOf.map { try session.store.consents(addressedTo: $0) }
                ?? session.store.consents(organization: session.organization ?? "", districtId: nil, limit: 50)
            let today = session.today
            return list.prefix(50).map { Candidate(String($0.id), "\($0.appName) › \($0.districtName), \($0.status(today: today).rawValue)") }
        case .choice(let list): return list.map { Candidate($0) }
        case .format: return OutputFormat.allCases.map { Candidate($0.rawValue) }
        case .status: return [ConsentStatus.pending, .approved, .rejected, .expired].map { Candidate($0.rawValue, $0.words) }
        case .command: return session.registry.topWords.map { Candidate($0) }
        case .variable: return session.variables.keys.sorted().map { Candidate($0, session.variables[$0]!) }
        case .entity: return Entity.allCases.map { Candidate($0.rawValue, "\($0.attributes.count) attributes") }
        case .attributePath:
            var out: [Candidate] = []
            for e in Entity.allCases {
                out.append(Candidate(e.rawValue + ".*", "all of \(e.rawValue)'s attributes"))
                for a in e.attributes { out.append(Candidate("\(e.rawValue).\(a.name)", a.type.rawValue)) }
            }
            // Before the dot, offer entities as steps.
            if !prefix.contains(".") { return Entity.allCases.map { Candidate($0.rawValue + ".", "", partial: true) } }
            return out
        case .app:
            guard let org = session.organization else { return [] }
            return try session.store.apps(organization: org).map { Candidate($0.name, "\($0.delivery.rawValue)\($0.published ? "" : ", unpublished")") }
        case .district:
            let found = try session.store.districtsStarting(with: prefix, limit: Completer.districtLimit + 1)
            if !prefix.isEmpty, prefix.allSatisfy(\.isNumber) {
                return found.map { Candidate($0.id, "\($0.name) (\($0.state))") }
            }
            var byName: [String: [District]] = [:]
            for d in found { byName[d.name, default: []].append(d) }
            var out = byName.keys.sorted().map { name in
                Candidate(name, byName[name]!.map { "\($0.id) \($0.state)" }.joined(separator: ", "))
            }
            if found.count > Completer.districtLimit { out.append(Candidate("", "… more districts; type more of the name")) }
            return out
        case .school, .schoolNotInDraft, .schoolInDraft:
            guard let districtId = session.draft?.request.districtId ?? session.districtId else { return [] }
            var schools = try schoolsOf(districtId)
            if let draft = session.draft, kind != .school {
                let inDraft: (School) -> Bool
                switch draft.request.schools {
                case .all: inDraft = { _ in true }
                case .some(let ids): let set = Set(ids); inDraft = { set.contains($0.id) }
                }
                schools = schools.filter { kind == .schoolInDraft ? inDraft($0) : !inDraft($0) }
            }
            // Only those that can match (as `result` will check), so descriptions are made for them alone.
            let typed = prefix.lowercased()
            if !typed.isEmpty { schools = schools.filter { $0.name.lowercased().hasPrefix(typed) || $0.id.hasPrefix(typed) } }
            // A name two schools share cannot choose one: offer their ids instead.
            var named: [String: Int] = [:]
            for school in try schoolsOf(districtId) { named[school.name, default: 0] += 1 }
            return schools.map { school in
                named[school.name, default: 0] > 1
                    ? Candidate(school.id, "\(school.name), grades \(school.gradeSpan)", alias: school.name)
                    : Candidate(school.name, "\(school.id), grades \(school.gradeSpan)")
            }
        case .file:
            return FileCompletion.candidates(prefix, resolve: session.resolvePath)
        }
    }

    func schoolsOf(_ districtId: String) throws -> [School] {
        if let cached = schoolCache[districtId] { return cached }
        let schools = try session.store.schools(inDistrict: districtId)
        schoolCache[districtId] = schools
        return schools
    }

    /// Turns the matching candidates into an edit of the line.
    static func result(for all: [Candidate], partial p: Partial) -> CompletionResult? {
        let typed = p.current.lowercased()
        var seen = Set<String>()
        let matches = all.filter { c in
            (typed.isEmpty || c.value.isEmpty || c.value.lowercased().hasPrefix(typed) || c.alias?.lowercased().hasPrefix(typed) == true)
                && seen.insert(c.value).inserted
        }
        let real = matches.filter { !$0.value.isEmpty }
        guard !real.isEmpty else { return nil }
        let deleteCount = p.currentSource.unicodeScalars.count
        if real.count == 1 && matches.count == 1 {
            let c = real[0]
            // Found by its alias, the value replaces what was typed, quote and all.
            let open = c.value.lowercased().hasPrefix(typed) ? p.openQuote : nil
            return CompletionResult(deleteBeforeCursor: deleteCount, insert: quoted(c.value, complete: !c.partial, open: open) + (c.partial ? "" : " "), listing: [])
        }
        let byValue = typed.isEmpty || real.allSatisfy { $0.value.lowercased().hasPrefix(typed) }
        let common = byValue ? commonPrefix(real.map(\.value)) : ""
        if common.count > p.current.count {
            // When every candidate must be quoted, open the quote now so the blank typed next stays in the word.
            let open = p.openQuote ?? (real.allSatisfy { quoted($0.value, complete: true, open: nil) != $0.value } ? "\"" : nil)
            return CompletionResult(deleteBeforeCursor: deleteCount, insert: quoted(common, complete: false, open: open), listing: [])
        }
        let widths = matches.map { $0.value.displayWidth }
        let width = min(48, widths.max() ?? 0)
        let spaces = String(repeating: " ", count: width + 2)
        let listing = zip(matches, widths).map { c, w -> String in
            guard !c.value.isEmpty else { return c.description }
            guard !c.description.isEmpty else { return c.value }
            return c.value + spaces.prefix(max(1, width - w + 2)) + c.description
        }
        return CompletionResult(deleteBeforeCursor: 0, insert: "", listing: listing)
    }

    /// The longest prefix all share, compared without case; spelled as the first has it.
    static func commonPrefix(_ values: [String]) -> String {
        guard var prefix = values.first.map(Array.init) else { return "" }
        for v in values.dropFirst() {
            if prefix.isEmpty { break }  // nothing in common already: the rest cannot change that
            var n = 0
            for ch in v {
                guard n < prefix.count, ch == prefix[n] || ch.lowercased() == prefix[n].lowercased() else { break }
                n += 1
            }
            if n < prefix.count { prefix.removeSubrange(n...) }
        }
        return String(prefix)
    }

    /// The value as it must be typed: bare when it can be, else quoted (kept open until the value is complete).
    static func quoted(_ value: String, complete: Bool, open: Character?) -> String {
        let special: Set<Character> = [" ", "\t", ";", "#", "'", "\"", "$", "\\"]
        let needs = open != nil || value.contains(where: { special.contains($0) })
        guard needs else { return value }
        let q: Character = open ?? (value.contains("'") || value.contains("$") ? "\"" : "\"")
        var body = ""
        for ch in value {
            if q == "\"" && (ch == "\"" || ch == "\\" || ch == "$") { body.append("\\") }
            body.append(ch)
        }
        return String(q) + body + (complete ? String(q) : "")
    }
}
