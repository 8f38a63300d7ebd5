import PassportDomain

/// How `district search` orders what it found: whole-name and whole-word matches before
/// word prefixes before substrings; then bigger districts, then by name.
enum DistrictRanking {
    static func words(_ text: String) -> [String] {
        text.lowercased().split(whereSeparator: { !$0.isLetter && !$0.isNumber }).map(String.init)
    }

    static func score(_ d: District, words query: [String]) -> Int {
        let nameWords = words(d.name)
        var score = 0
        if nameWords == query { score += 100 }
        // A name that begins with what was typed reads as the better answer ("albertville" → Albertville City SD).
        if nameWords.starts(with: query) { score += 3 }
        if d.id == query.joined() { score += 1000 }
        for q in query {
            if nameWords.contains(q) { score += 10 }
            else if nameWords.contains(where: { $0.hasPrefix(q) }) { score += 5 }
            else if d.name.lowercased().contains(q) { score += 1 }
        }
        return score
    }

    static func rank(_ districts: [District], words query: [String]) -> [District] {
        districts.map { (score($0, words: query), $0) }
            .sorted { a, b in
                if a.0 != b.0 { return a.0 > b.0 }
                if a.1.schoolCount != b.1.schoolCount { return a.1.schoolCount > b.1.schoolCount }
                if a.1.name != b.1.name { return a.1.name < b.1.name }
                return a.1.id < b.1.id
            }
            .map(\.1)
    }
}
