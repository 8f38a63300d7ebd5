#if canImport(Glibc)
import Glibc
#endif
import PassportDomain

/// Tab for `filter add ENTITY ATTRIBUTE OPERATOR [VALUE] [and …]`: entities, then that entity's
/// attributes, then operators that fit the attribute's type, then values where they are known.
enum FilterCompletion {
    static func complete(_ request: CompletionRequest) throws -> [Candidate] {
        let words = request.arguments
        guard let first = words.first else {
            return Entity.allCases.map { Candidate($0.rawValue, "\($0.attributes.count) attributes") }
        }
        guard let entity = Entity.named(first) else { return [] }
        var i = 1
        while true {
            // Expecting an attribute.
            guard i < words.count else {
                return entity.attributes.map { Candidate($0.name, $0.type.rawValue) }
            }
            guard let attr = entity.attribute(named: words[i]) else { return [] }
            // Expecting an operator.
            guard i + 1 < words.count else {
                return FilterOperator.fitting(attr.type).map { Candidate($0.rawValue, $0.takesValue ? "" : "no value") }
            }
            guard let op = FilterOperator.named(words[i + 1]) else { return [] }
            i += 2
            if op.takesValue {
                guard i < words.count else { return valueCandidates(attr.type, op: op) }
                i += 1
            }
            guard i < words.count else { return [Candidate("and", "another condition that must also hold")] }
            guard words[i].lowercased() == "and" else { return [] }
            i += 1
        }
    }

    static func valueCandidates(_ type: AttributeType, op: FilterOperator) -> [Candidate] {
        switch type {
        case .grades:
            let ordered = [.less, .lessOrEqual, .greater, .greaterOrEqual].contains(op)
            return Grade.allCases.filter { !ordered || $0.isOrdered }.map { Candidate($0.rawValue, $0.words) }
        case .boolean: return [Candidate("true"), Candidate("false")]
        default: return []
        }
    }
}

/// File paths for `attach` and `run`: the folder's entries, folders ending in `/`.
enum FileCompletion {
    static func candidates(_ prefix: String, resolve: (String) -> String) -> [Candidate] {
        let slash = prefix.lastIndex(of: "/")
        let dirPart = slash.map { String(prefix[...$0]) } ?? ""
        let dir = dirPart.isEmpty ? "." : resolve(dirPart)
        guard let handle = opendir(dir) else { return [] }
        defer { closedir(handle) }
        var out: [Candidate] = []
        while let entry = readdir(handle) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if name == "." || name == ".." { continue }
            let namePrefix = slash.map { String(prefix[prefix.index(after: $0)...]) } ?? prefix
            if name.hasPrefix(".") && !namePrefix.hasPrefix(".") { continue }
            var st = stat()
            let isDir = stat(dir + "/" + name, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR
            out.append(Candidate(dirPart + name + (isDir ? "/" : ""), "", partial: isDir))
        }
        return out.sorted { $0.value < $1.value }
    }
}
