import PassportCrypto
import PassportDomain

/// Why a consent could not be applied.
public struct ConsentEngineError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// Turns (roster, consent) into exactly the data the vendor may have.
///
/// - Scope: with `.all`, every org (the district office included) and everything tied to
///   them. With `.some`, the orgs of type school whose `identifier` is one of the
///   request's NCES ids, or whose sourcedId the caller matched another way
///   (`schoolSourcedIds`, e.g. by exact name); district-office records stay out.
/// - Classes of shared schools; courses of shared classes or of shared orgs; the
///   academic sessions those reference (with their parents); enrollments of shared
///   classes; demographics of shared users.
/// - Users only through what is shared: students and teachers through a shared
///   enrollment, or through a shared school in their orgSourcedIds when they have no
///   enrollment in the shared schools at all (so a student whose every class was
///   filtered out is not shared); admins through a shared org; contacts (parent,
///   guardian, relative) only as agents of shared students, either direction of
///   agentSourcedIds. Users whose role no entity covers (aide, proctor) are not shared.
/// - Filters (LANGUAGE.md, through `FilterRule.matches`): rules on one entity OR, a
///   record with no rule on its entity passes. Filters on `schools` judge orgs of type
///   school only. Linked records follow: a class whose course is filtered out goes, an
///   enrollment goes with its class or its user, and so do users shared only through
///   those enrollments, and their demographics.
/// - A record whose parent is missing from the roster (a dangling reference the import
///   reported) is judged without it; a record whose parent is there but not shared goes.
/// - Excluded attributes: the column is left out. users.csv holds four entities: a column
///   is left out when all four exclude it, otherwise it is blank in the rows of those that
///   do. sourcedId, links, status, dateLastModified and role are never left out.
/// - PII Shield: each attribute of `request.encryptedAttributes(app:)` is replaced by its
///   token (empty stays empty); each distinct value is sealed once.
/// - Output columns are OneRoster 1.1's; extension columns are not shared.
public enum ConsentEngine {
    public static func apply(roster: Roster, request: ConsentRequest, app: App, shield: PIIShield?, today: Day,
                             schoolSourcedIds: Set<String> = []) throws -> SharedData {
        var run = Run(roster: roster, request: request, today: today)
        run.scope(schoolSourcedIds: schoolSourcedIds)
        return try run.output(masked: request.encryptedAttributes(app: app), shield: shield)
    }

    /// Records per entity before and after the consent, with a few rows as the vendor receives them.
    public static func impact(roster: Roster, request: ConsentRequest, app: App, shield: PIIShield?, today: Day,
                              schoolSourcedIds: Set<String> = [], samples: Int = 3) throws -> DataImpact {
        let shared = try apply(roster: roster, request: request, app: app, shield: shield, today: today, schoolSourcedIds: schoolSourcedIds)
        let before = roster.entityCounts, after = shared.entityCounts
        let entries = Entity.allCases.map { entity -> DataImpact.Entry in
            let table = shared.table(RosterFile.of(entity))
            let rows = shared.rows(of: entity).prefix(samples).map { r in (0..<table.columns.count).map { table.value(r, $0) } }
            return DataImpact.Entry(entity: entity, before: before[entity] ?? 0, after: after[entity] ?? 0,
                                    columns: table.columns, samples: Array(rows))
        }
        return DataImpact(entries: entries)
    }
}

/// One application of a consent: which rows of each file are shared.
private struct Run {
    let roster: Roster
    let request: ConsentRequest
    let today: Day
    let pool: StringPool
    var shared: [RosterFile: [Bool]] = [:]
    /// The entity of each users.csv row, nil for roles no entity covers.
    var userEntity: [Entity?] = []
    var listMemo: [UInt32: [UInt32]] = [:]

    init(roster: Roster, request: ConsentRequest, today: Day) {
        self.roster = roster; self.request = request; self.today = today; pool = roster.pool
    }

    /// A set of pool ids.
    struct IdSet {
        var words: [UInt64]
        init(capacity: Int) { words = Array(repeating: 0, count: capacity / 64 + 1) }
        func contains(_ id: UInt32) -> Bool { words[Int(id >> 6)] & (1 << UInt64(id & 63)) != 0 }
        mutating func insert(_ id: UInt32) { words[Int(id >> 6)] |= 1 << UInt64(id & 63) }
    }

    func newSet() -> IdSet { IdSet(capacity: pool.count) }

    func column(_ t: RosterTable, _ name: String) -> [UInt32] {
        t.column(named: name).map { t.cells[$0] } ?? Array(repeating: 0, count: t.count)
    }

    mutating func parts(_ id: UInt32) -> [UInt32] {
        if id == 0 { return [] }
        if let known = listMemo[id] { return known }
        let ids = pool.string(id).split(separator: ",").map { $0.trimmingBlanks }.compactMap { pool.find($0) }
        listMemo[id] = ids
        return ids
    }

    /// Judges the rows of a table against the rules on one entity (nil: no rule, all pass).
    /// Results are remembered per combination of the values the rules read.
    func filter(_ entity: Entity, _ table: RosterTable) -> ((Int) -> Bool)? {
        let rules = request.filters.filter { $0.entity == entity }
        if rules.isEmpty { return nil }
        var names: [String] = []
        for rule in rules { for c in rule.conditions where !names.contains(c.attribute) { names.append(c.attribute) } }
        let columns = names.map { table.column(named: $0) }
        let kinds = names.map { entity.attribute(named: $0)?.type ?? .text }
        let isList = zip(names, kinds).map { name, type in type == .grades || type == .list || name.hasSuffix("Ids") }
        let pool = self.pool, today = self.today
        final class Memo { var one: [UInt32: Bool] = [:]; var many: [[UInt32]: Bool] = [:] }
        let memo = Memo()
        func judge(_ key: [UInt32]) -> Bool {
            rules.contains { rule in
                rule.matches(today: today) { attribute in
                    guard let k = names.firstIndex(of: attribute) else { return [] }
                    let text = pool.string(key[k])
                    if !isList[k] { return [text] }
                    return text.split(separator: ",").map { $0.trimmingBlanks }
                }
            }
        }
        if columns.count == 1 {
            // The common case, without building a key per row.
            guard let c = columns[0] else { let all = judge([0]); return { _ in all } }
            let cells = table.cells[c]
            return { row in
                let id = cells[row]
                if let known = memo.one[id] { return known }
                let result = judge([id])
                memo.one[id] = result
                return result
            }
        }
        return { row in
            let key = columns.map { c in c.map { table.cells[$0][row] } ?? 0 }
            if let known = memo.many[key] { return known }
            let result = judge(key)
            memo.many[key] = result
            return result
        }
    }

    mutating func scope(schoolSourcedIds: Set<String>) {
        let orgs = roster.table(.orgs), classes = roster.table(.classes), courses = roster.table(.courses)
        let sessions = roster.table(.academicSessions), users = roster.table(.users)
        let enrollments = roster.table(.enrollments), demographics = roster.table(.demographics)

        // Orgs in scope.
        var all = false, nces: Set<UInt32> = []
        switch request.schools {
        case .all: all = true
        case .some(let ids): nces = Set(ids.compactMap { pool.find($0) })
        }
        let extra = Set(schoolSourcedIds.compactMap { pool.find($0) })
        let orgType = column(orgs, "type"), orgIdentifier = column(orgs, "identifier"), orgId = orgs.cells[0]
        let schoolFilter = filter(.schools, orgs)
        var sharedOrgs = newSet(), orgRows = [Bool](repeating: false, count: orgs.count)
        for r in 0..<orgs.count {
            let isSchool = pool.string(orgType[r]).lowercased() == "school"
            let inScope = all || (isSchool && (nces.contains(orgIdentifier[r]) || extra.contains(orgId[r])))
            guard inScope, !isSchool || schoolFilter?(r) ?? true else { continue }
            orgRows[r] = true
            sharedOrgs.insert(orgId[r])
        }
        shared[.orgs] = orgRows

        // Courses that pass their filter; classes in shared schools whose course (when the roster has it) passes.
        let courseFilter = filter(.courses, courses)
        var courseExists = newSet(), coursePasses = newSet()
        for r in 0..<courses.count {
            courseExists.insert(courses.cells[0][r])
            if courseFilter?(r) ?? true { coursePasses.insert(courses.cells[0][r]) }
        }
        let classSchool = column(classes, "schoolSourcedId"), classCourse = column(classes, "courseSourcedId")
        let classTerms = column(classes, "termSourcedIds")
        let classFilter = filter(.classes, classes)
        var classInScope = newSet(), sharedClasses = newSet(), classRows = [Bool](repeating: false, count: classes.count)
        var referencedCourses = newSet(), referencedSessions: [UInt32] = []
        for r in 0..<classes.count where sharedOrgs.contains(classSchool[r]) {
            classInScope.insert(classes.cells[0][r])
            let course = classCourse[r]
            if course != 0 && courseExists.contains(course) && !coursePasses.contains(course) { continue }
            guard classFilter?(r) ?? true else { continue }
            classRows[r] = true
            sharedClasses.insert(classes.cells[0][r])
            referencedCourses.insert(course)
            referencedSessions += parts(classTerms[r])
        }
        shared[.classes] = classRows

        let courseOrg = column(courses, "orgSourcedId"), courseYear = column(courses, "schoolYearSourcedId")
        var courseRows = [Bool](repeating: false, count: courses.count)
        for r in 0..<courses.count {
            let id = courses.cells[0][r]
            guard coursePasses.contains(id), referencedCourses.contains(id) || sharedOrgs.contains(courseOrg[r]) else { continue }
            courseRows[r] = true
            referencedSessions.append(courseYear[r])
        }
        shared[.courses] = courseRows

        // Sessions referenced, and their parents.
        let sessionParent = column(sessions, "parentSourcedId")
        var sessionRowOf: [UInt32: Int] = [:]
        for r in 0..<sessions.count { sessionRowOf[sessions.cells[0][r]] = r }
        var wanted = [Bool](repeating: all, count: sessions.count)
        var queue = referencedSessions
        while let id = queue.popLast() {
            guard let r = sessionRowOf[id], !wanted[r] else { continue }
            wanted[r] = true
            queue.append(sessionParent[r])
        }
        let sessionFilter = filter(.calendars, sessions)
        shared[.academicSessions] = (0..<sessions.count).map { wanted[$0] && (sessionFilter?($0) ?? true) }

        // Users: their entity by role, and whether they pass their entity's filters.
        let role = column(users, "role")
        var entityOfRole: [UInt32: Entity?] = [:]
        userEntity = role.map { id in
            if let known = entityOfRole[id] { return known }
            let e = RosterFile.userEntity(role: pool.string(id))
            entityOfRole[id] = e
            return e
        }
        var userFilters: [Entity: (Int) -> Bool] = [:]
        for e in RosterFile.users.entities { userFilters[e] = filter(e, users) }
        var userRowOf = [Int32](repeating: -1, count: pool.count)
        for r in 0..<users.count { userRowOf[Int(users.cells[0][r])] = Int32(r) }
        let userPasses = (0..<users.count).map { r in userEntity[r].map { userFilters[$0]?(r) ?? true } ?? false }

        // Enrollments of shared classes, whose user passes.
        let enrollClass = column(enrollments, "classSourcedId"), enrollUser = column(enrollments, "userSourcedId")
        let enrollFilter = filter(.enrollments, enrollments)
        var enrollRows = [Bool](repeating: false, count: enrollments.count)
        var enrolledShared = [Bool](repeating: false, count: users.count)
        var enrolledInScope = [Bool](repeating: false, count: users.count)
        for r in 0..<enrollments.count {
            let u = Int(userRowOf[Int(enrollUser[r])])
            guard u >= 0, classInScope.contains(enrollClass[r]) else { continue }
            enrolledInScope[u] = true
            guard sharedClasses.contains(enrollClass[r]), userPasses[u], enrollFilter?(r) ?? true else { continue }
            enrollRows[r] = true
            enrolledShared[u] = true
        }

        // Users shared through what is shared.
        let userOrgs = column(users, "orgSourcedIds"), agents = column(users, "agentSourcedIds")
        var userRows = [Bool](repeating: false, count: users.count)
        var sharedStudents = newSet()
        func inSharedOrg(_ r: Int) -> Bool { parts(userOrgs[r]).contains { sharedOrgs.contains($0) } }
        for r in 0..<users.count where userPasses[r] {
            switch userEntity[r] {
            case .students?, .teachers?:
                userRows[r] = enrolledShared[r] || (!enrolledInScope[r] && inSharedOrg(r))
                if userRows[r] && userEntity[r] == .students { sharedStudents.insert(users.cells[0][r]) }
            case .admins?:
                userRows[r] = inSharedOrg(r)
            default: break
            }
        }
        var agentsOfShared = newSet()
        for r in 0..<users.count where userRows[r] && userEntity[r] == .students {
            for a in parts(agents[r]) { agentsOfShared.insert(a) }
        }
        for r in 0..<users.count where userPasses[r] && userEntity[r] == .contacts {
            userRows[r] = agentsOfShared.contains(users.cells[0][r]) || parts(agents[r]).contains { sharedStudents.contains($0) }
        }
        shared[.users] = userRows
        var sharedUsers = newSet()
        for r in 0..<users.count where userRows[r] { sharedUsers.insert(users.cells[0][r]) }
        for r in 0..<enrollments.count where enrollRows[r] && !sharedUsers.contains(enrollUser[r]) { enrollRows[r] = false }
        shared[.enrollments] = enrollRows

        let demographicFilter = filter(.demographics, demographics)
        shared[.demographics] = (0..<demographics.count).map {
            sharedUsers.contains(demographics.cells[0][$0]) && (demographicFilter?($0) ?? true)
        }
    }

    /// The shared tables: columns after exclusions, masked values sealed.
    func output(masked: [AttributePath], shield: PIIShield?) throws -> SharedData {
        let excluded = Set(request.excluded)
        let masked = Set(masked.filter { !$0.isLink })
        if !masked.isEmpty && shield == nil {
            throw ConsentEngineError("the PII Shield is on but no key was given, so masked values cannot be sealed")
        }
        var tokens = StringPool()
        var tokenOf: [UInt32: UInt32] = [:]
        var tables: [RosterFile: SharedTable] = [:]
        var userEntities: [Entity] = []
        for file in RosterFile.allCases {
            let table = roster.table(file)
            let flags = shared[file] ?? []
            var rows: [UInt32] = []
            rows.reserveCapacity(flags.count)
            for (r, keep) in flags.enumerated() where keep { rows.append(UInt32(r)) }
            let entities = file.entities
            let rowEntity: [Entity] = file == .users ? rows.map { userEntity[Int($0)]! } : []
            if file == .users { userEntities = rowEntity }
            var columns: [String] = [], sources: [SharedTable.Source] = []
            for name in file.columns {
                let paths = entities.map { AttributePath(entity: $0, attribute: name) }
                let isAttribute = entities[0].attribute(named: name) != nil
                let excludedBy = Set(paths.filter { isAttribute && !$0.isLink && excluded.contains($0) }.map(\.entity))
                let maskedBy = Set(paths.filter { isAttribute && masked.contains($0) }.map(\.entity))
                if excludedBy.count == entities.count { continue }
                columns.append(name)
                guard let c = table.column(named: name) else {
                    sources.append(.cells(Array(repeating: 0, count: rows.count)))
                    continue
                }
                if excludedBy.isEmpty && maskedBy.isEmpty { sources.append(.roster(c)); continue }
                var ids = [UInt32](repeating: 0, count: rows.count)
                for (k, r) in rows.enumerated() {
                    let entity = file == .users ? rowEntity[k] : entities[0]
                    let id = table.cells[c][Int(r)]
                    if excludedBy.contains(entity) || id == 0 { continue }
                    if !maskedBy.contains(entity) { ids[k] = id; continue }
                    if let t = tokenOf[id] { ids[k] = t; continue }
                    let t = tokens.intern(try shield!.token(for: pool.string(id))) | SharedTable.tokenBit
                    tokenOf[id] = t
                    ids[k] = t
                }
                sources.append(.cells(ids))
            }
            tables[file] = SharedTable(file: file, columns: columns, sources: sources, rows: rows, table: table, tokens: StringPool())
        }
        // Every table sees the finished token pool.
        for (file, t) in tables {
            tables[file] = SharedTable(file: file, columns: t.columns, sources: t.sources, rows: t.rows, table: t.table, tokens: tokens)
        }
        return SharedData(tables: tables, userEntities: userEntities)
    }
}
