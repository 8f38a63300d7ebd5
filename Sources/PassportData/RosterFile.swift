import PassportDomain

/// The OneRoster 1.1 CSV files a roster is made of, with their columns in spec order.
public enum RosterFile: String, CaseIterable, Sendable, Comparable, Codable {
    case orgs, academicSessions, courses, classes, users, enrollments, demographics

    public var fileName: String { rawValue + ".csv" }

    public static func < (a: RosterFile, b: RosterFile) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }

    /// The OneRoster 1.1 columns of this file, in the order the spec gives them.
    public var columns: [String] {
        let common = ["sourcedId", "status", "dateLastModified"]
        switch self {
        case .orgs: return common + ["name", "type", "identifier", "parentSourcedId"]
        case .academicSessions: return common + ["title", "type", "startDate", "endDate", "parentSourcedId", "schoolYear"]
        case .courses: return common + ["schoolYearSourcedId", "title", "courseCode", "grades", "orgSourcedId", "subjects", "subjectCodes"]
        case .classes:
            return common + ["title", "grades", "courseSourcedId", "classCode", "classType", "location", "schoolSourcedId",
                             "termSourcedIds", "subjects", "subjectCodes", "periods"]
        case .users:
            return common + ["enabledUser", "orgSourcedIds", "role", "username", "userIds", "givenName", "familyName", "middleName",
                             "identifier", "email", "sms", "phone", "agentSourcedIds", "grades", "password"]
        case .enrollments:
            return common + ["classSourcedId", "schoolSourcedId", "userSourcedId", "role", "primary", "beginDate", "endDate"]
        case .demographics:
            return common + ["birthDate", "sex", "americanIndianOrAlaskaNative", "asian", "blackOrAfricanAmerican",
                             "nativeHawaiianOrOtherPacificIslander", "white", "demographicRaceTwoOrMoreRaces",
                             "hispanicOrLatinoEthnicity", "countryOfBirthCode", "stateOfBirthAbbreviation", "cityOfBirth",
                             "publicSchoolResidenceStatus"]
        }
    }

    /// The entity (or entities, for users.csv) whose records this file holds.
    public var entities: [Entity] {
        switch self {
        case .orgs: return [.schools]
        case .academicSessions: return [.calendars]
        case .courses: return [.courses]
        case .classes: return [.classes]
        case .users: return [.students, .teachers, .contacts, .admins]
        case .enrollments: return [.enrollments]
        case .demographics: return [.demographics]
        }
    }

    /// The file an entity's records come from.
    public static func of(_ entity: Entity) -> RosterFile {
        switch entity {
        case .schools: return .orgs
        case .calendars: return .academicSessions
        case .courses: return .courses
        case .classes: return .classes
        case .students, .teachers, .contacts, .admins: return .users
        case .enrollments: return .enrollments
        case .demographics: return .demographics
        }
    }

    /// The user entity of a users.csv `role` (DOMAIN.md), nil for roles no entity covers
    /// (OneRoster's aide and proctor).
    public static func userEntity(role: String) -> Entity? {
        switch role.lowercased() {
        case "student": return .students
        case "teacher": return .teachers
        case "parent", "guardian", "relative": return .contacts
        case "administrator": return .admins
        default: return nil
        }
    }
}
