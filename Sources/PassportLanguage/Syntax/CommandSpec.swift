/// Where `help` lists a command: the groups follow the job, from finding a district to following status.
public enum CommandGroup: String, CaseIterable, Sendable {
    case session = "Session and scripts"
    case apps = "Your apps (Application Settings)"
    case directory = "Find a district"
    case draft = "Build the request (Data Access Consent)"
    case send = "Preview and send"
    case consents = "Follow status (Data Sync Consents)"
}

/// What kind of value a word is, so Tab can offer real values.
public enum ValueKind: Sendable, Equatable {
    case none, text, number, day
    case choice([String])
    case app, district, state
    case school, schoolNotInDraft, schoolInDraft
    case attributePath, entity, file, command, status, format, variable
    case attachment, consent
}

public struct FlagSpec: Sendable {
    public var name: String
    /// The value's placeholder, or nil for a switch.
    public var value: String?
    public var help: String
    public var kind: ValueKind
    /// A value written `[VALUE]` may be left out (`--password` alone asks for it).
    public var valueIsOptional: Bool { value?.hasPrefix("[") == true }
    public init(_ name: String, _ value: String? = nil, _ help: String, kind: ValueKind = .text) {
        self.name = name; self.value = value; self.help = help; self.kind = value == nil ? .none : kind
    }
}

public struct ArgumentSpec: Sendable {
    public var name: String
    public var kind: ValueKind
    public var optional: Bool
    public var repeating: Bool
    public init(_ name: String, _ kind: ValueKind = .text, optional: Bool = false, repeating: Bool = false) {
        self.name = name; self.kind = kind; self.optional = optional; self.repeating = repeating
    }
}

/// One command: its words, forms, flags, help, example and completion together, so the
/// parser, `help` and Tab can never disagree.
public struct CommandSpec {
    public var path: [String]
    public var group: CommandGroup
    public var summary: String
    public var arguments: [ArgumentSpec]
    public var flags: [FlagSpec]
    public var details: String
    public var example: String
    public var related: [String]
    /// Forms beyond the one derived from path, arguments and flags.
    public var extraForms: [String]
    /// Completion for commands whose words follow their own grammar (`filter add`).
    public var complete: ((CompletionRequest) throws -> [Candidate])?
    public var run: (Invocation) throws -> Void

    public init(_ path: String, group: CommandGroup, summary: String, arguments: [ArgumentSpec] = [], flags: [FlagSpec] = [],
                details: String = "", example: String, related: [String] = [], extraForms: [String] = [],
                complete: ((CompletionRequest) throws -> [Candidate])? = nil, run: @escaping (Invocation) throws -> Void) {
        self.path = path.split(separator: " ").map(String.init)
        self.group = group; self.summary = summary; self.arguments = arguments; self.flags = flags
        self.details = details; self.example = example; self.related = related; self.extraForms = extraForms
        self.complete = complete; self.run = run
    }

    public var name: String { path.joined(separator: " ") }

    /// The form, as `help` and usage errors show it.
    public var usage: String {
        var parts = [name]
        for a in arguments {
            var s = a.name + (a.repeating ? "…" : "")
            if a.optional { s = "[\(s)]" }
            parts.append(s)
        }
        for f in flags { parts.append("[--\(f.name)\(f.value.map { " " + $0 } ?? "")]") }
        return parts.joined(separator: " ")
    }

    public func flag(named name: String) -> FlagSpec? { flags.first { $0.name == name } }
}
