import PassportCrypto
import PassportData
import PassportDomain
import XCTest

/// A small district where each rule of the engine shows: two schools and the district
/// office, and people tied to them in every way DOMAIN.md names.
final class ConsentEngineTests: XCTestCase {
    static let district = Samples.files([
        "orgs.csv": "sourcedId,status,dateLastModified,name,type,identifier,parentSourcedId\n"
            + "d1,,,Riverton Unified,district,0600001,\n"
            + "s1,,,North Middle,school,060000100001,d1\n"
            + "s2,,,South High,school,060000100002,d1\n",
        "academicSessions.csv": "sourcedId,status,dateLastModified,title,type,startDate,endDate,parentSourcedId,schoolYear\n"
            + "y1,,,2025-2026,schoolYear,2025-08-18,2026-06-05,,2026\n"
            + "t1,,,Fall,semester,2025-08-18,2026-01-16,y1,2026\n"
            + "t2,,,Spring,semester,2026-01-20,2026-06-05,y1,2026\n",
        "courses.csv": "sourcedId,status,dateLastModified,schoolYearSourcedId,title,courseCode,grades,orgSourcedId,subjects,subjectCodes\n"
            + "c1,,,y1,Math 7,M7,07,s1,Mathematics,\n"
            + "c2,,,y1,Art 5,A5,05,s1,Art,\n"
            + "c3,,,y1,Biology,B9,09,s2,Science,\n"
            + "cd,,,y1,District PD,PD,,d1,,\n",
        "classes.csv": "sourcedId,status,dateLastModified,title,grades,courseSourcedId,classCode,classType,location,schoolSourcedId,termSourcedIds,subjects,subjectCodes,periods\n"
            + "k1,,,\"Math 7, \"\"Honors\"\"\",07,c1,M7-1,scheduled,Room 1,s1,t1,,,1\n"
            + "k2,,,Art 5,05,c2,A5-1,scheduled,Room 2,s1,t1,,,2\n"
            + "k3,,,Biology,09,c3,B9-1,scheduled,Lab,s2,t2,,,3\n",
        "users.csv": "sourcedId,status,dateLastModified,enabledUser,orgSourcedIds,role,username,userIds,givenName,familyName,middleName,identifier,email,sms,phone,agentSourcedIds,grades,password\n"
            + "st1,,,true,s1,student,zq1,,Zebulon,Quackenbush,,S1,zebulon.q@students.example.org,,555-0101,p1,07,\n"
            + "st2,,,true,s1,student,wy2,,Wilhelmina,Yarborough,,S2,wilhelmina.y@students.example.org,,555-0102,,05,\n"
            + "st3,,,true,s2,student,xe3,,Xanthe,Eberhardt,,S3,xanthe.e@students.example.org,,555-0103,p3,09,\n"
            + "st4,,,true,s1,student,vo4,,Vivienne,Oyelaran,,S4,vivienne.o@students.example.org,,555-0104,,07,\n"
            + "te1,,,true,s1,teacher,tn1,,Teodora,Nakashima,,T1,teodora.n@example.org,,555-0201,,\"05,07\",\n"
            + "te2,,,true,s1,teacher,tn2,,Ugo,Fairweather,,T2,ugo.f@example.org,,555-0202,,05,\n"
            + "te3,,,true,s2,teacher,tn3,,Rosalind,Achterberg,,T3,rosalind.a@example.org,,555-0203,,09,\n"
            + "p1,,,true,s1,parent,,,Percival,Quackenbush,,,percival@mail.example.com,,555-0301,st1,,\n"
            + "p2,,,true,s1,guardian,,,Gwendolyn,Yarborough,,,gwen@mail.example.com,,555-0302,st2,,\n"
            + "p3,,,true,s2,relative,,,Hieronymus,Eberhardt,,,hiero@mail.example.com,,555-0303,,,\n"
            + "ad1,,,true,d1,administrator,sup,,Cornelia,Superintendent,,,cornelia@example.org,,555-0401,,,\n"
            + "ad2,,,true,s1,administrator,prin,,Bartholomew,Principal,,,bart@example.org,,555-0402,,,\n"
            + "ai1,,,true,s1,aide,aide,,Ambrose,Aide,,,ambrose@example.org,,,,,\n",
        "enrollments.csv": "sourcedId,status,dateLastModified,classSourcedId,schoolSourcedId,userSourcedId,role,primary,beginDate,endDate\n"
            + "e1,,,k1,s1,st1,student,false,2025-08-18,2026-01-16\n"
            + "e2,,,k2,s1,st2,student,false,2025-08-18,2026-01-16\n"
            + "e3,,,k3,s2,st3,student,false,2026-01-20,2026-06-05\n"
            + "e4,,,k1,s1,te1,teacher,true,2025-08-18,2026-01-16\n"
            + "e5,,,k2,s1,te1,teacher,true,2025-08-18,2026-01-16\n"
            + "e6,,,k2,s1,te2,teacher,false,2025-08-18,2026-01-16\n"
            + "e7,,,k3,s2,te3,teacher,true,2026-01-20,2026-06-05\n",
        "demographics.csv": "sourcedId,status,dateLastModified,birthDate,sex,americanIndianOrAlaskaNative,asian,blackOrAfricanAmerican,nativeHawaiianOrOtherPacificIslander,white,demographicRaceTwoOrMoreRaces,hispanicOrLatinoEthnicity,countryOfBirthCode,stateOfBirthAbbreviation,cityOfBirth,publicSchoolResidenceStatus\n"
            + "st1,,,2012-04-17,male,false,false,false,false,true,false,false,US,CA,Fresno,01652\n"
            + "st2,,,2014-09-03,female,false,true,false,false,false,false,false,US,CA,Oakland,01652\n"
            + "st3,,,2010-01-29,female,false,false,true,false,false,false,true,MX,,Guadalajara,01652\n"
            + "st4,,,2012-11-30,male,false,false,false,false,true,false,false,US,OR,Eugene,01652\n",
    ])

    var roster: Roster!
    let app = App(id: 1, name: "Acme Reading", organization: "Acme")

    override func setUpWithError() throws {
        roster = try RosterImport.read(files: Self.district)
        XCTAssertEqual(roster.problems, [])
    }

    func request(_ schools: SchoolSelection, filters: [FilterRule] = [], excluded: [String] = []) throws -> ConsentRequest {
        var r = ConsentRequest(appId: 1, districtId: "0600001", schools: schools)
        r.filters = filters
        r.excluded = try excluded.map { try AttributePath.parse($0) }
        return r
    }

    func rule(_ entity: Entity, _ conditions: (String, FilterOperator, String?)...) throws -> FilterRule {
        try FilterRule(entity: entity, conditions: conditions.map { FilterCondition(attribute: $0.0, op: $0.1, value: $0.2) })
    }

    func apply(_ request: ConsentRequest, app: App? = nil, schoolSourcedIds: Set<String> = []) throws -> SharedData {
        try ConsentEngine.apply(roster: roster, request: request, app: app ?? self.app, shield: try Samples.shield(),
                                today: Samples.today, schoolSourcedIds: schoolSourcedIds)
    }

    func ids(_ data: SharedData) -> [String: [String]] {
        var out: [String: [String]] = [:]
        for file in RosterFile.allCases { out[file.rawValue] = data.table(file).sourcedIds }
        return out
    }

    func testOneSchoolSharesWhatIsTiedToItAndNothingOfTheDistrictOffice() throws {
        let data = try apply(try request(.some(["060000100001"])))
        XCTAssertEqual(ids(data), [
            "orgs": ["s1"],
            "academicSessions": ["y1", "t1"],
            "courses": ["c1", "c2"],
            "classes": ["k1", "k2"],
            // st4 has no enrollment and is shared through its school; the aide is no entity's.
            "users": ["st1", "st2", "st4", "te1", "te2", "p1", "p2", "ad2"],
            "enrollments": ["e1", "e2", "e4", "e5", "e6"],
            "demographics": ["st1", "st2", "st4"],
        ])
        XCTAssertEqual(data.entityCounts[.contacts], 2)
        XCTAssertEqual(data.entityCounts[.admins], 1)
    }

    func testAllSchoolsAddsTheDistrictOffice() throws {
        let data = try apply(try request(.all))
        XCTAssertEqual(ids(data), [
            "orgs": ["d1", "s1", "s2"],
            "academicSessions": ["y1", "t1", "t2"],
            "courses": ["c1", "c2", "c3", "cd"],
            "classes": ["k1", "k2", "k3"],
            "users": ["st1", "st2", "st3", "st4", "te1", "te2", "te3", "p1", "p2", "p3", "ad1", "ad2"],
            "enrollments": ["e1", "e2", "e3", "e4", "e5", "e6", "e7"],
            "demographics": ["st1", "st2", "st3", "st4"],
        ])
    }

    func testSchoolsMatchedByTheCallerCount() throws {
        let data = try apply(try request(.some(["999999999999"])), schoolSourcedIds: ["s2"])
        XCTAssertEqual(data.table(.orgs).sourcedIds, ["s2"])
        XCTAssertEqual(data.table(.users).sourcedIds, ["st3", "te3", "p3"])
    }

    func testAClassFilterRemovesItsEnrollmentsAndTheUsersSharedOnlyThroughThem() throws {
        let data = try apply(try request(.some(["060000100001"]), filters: [try rule(.classes, ("grades", .greaterOrEqual, "07"))]))
        XCTAssertEqual(data.table(.classes).sourcedIds, ["k1"])
        XCTAssertEqual(data.table(.courses).sourcedIds, ["c1", "c2"])  // c2 is still a course of the shared school
        XCTAssertEqual(data.table(.enrollments).sourcedIds, ["e1", "e4"])
        // st2 and te2 were there only through k2; p2 only as st2's agent.
        XCTAssertEqual(data.table(.users).sourcedIds, ["st1", "st4", "te1", "p1", "ad2"])
        XCTAssertEqual(data.table(.demographics).sourcedIds, ["st1", "st4"])
    }

    func testRulesOnOneEntityAddUpAndConditionsOfOneRuleAllHold() throws {
        let either = try apply(try request(.all, filters: [
            try rule(.classes, ("grades", .equal, "05")),
            try rule(.classes, ("title", .contains, "biology")),
        ]))
        XCTAssertEqual(either.table(.classes).sourcedIds, ["k2", "k3"])
        let both = try apply(try request(.all, filters: [
            try rule(.classes, ("grades", .greaterOrEqual, "07"), ("title", .contains, "math")),
        ]))
        XCTAssertEqual(both.table(.classes).sourcedIds, ["k1"])
        // A list attribute matches when any of its values does: te1 teaches 05 and 07.
        let teachers = try apply(try request(.all, filters: [try rule(.teachers, ("grades", .equal, "07"))]))
        XCTAssertEqual(teachers.rows(of: .teachers).map { teachers.table(.users).value($0, 0) }, ["te1"])
    }

    func testAStudentFilteredOutTakesItsEnrollmentsAndAgentsAlong() throws {
        let data = try apply(try request(.some(["060000100001"]), filters: [try rule(.students, ("grades", .equal, "05"))]))
        XCTAssertEqual(data.table(.users).sourcedIds, ["st2", "te1", "te2", "p2", "ad2"])
        XCTAssertEqual(data.table(.enrollments).sourcedIds, ["e2", "e4", "e5", "e6"])
        XCTAssertEqual(data.table(.classes).sourcedIds, ["k1", "k2"])
    }

    func testExcludedAttributesLeaveTheirColumnOut() throws {
        let some = try apply(try request(.all, excluded: ["students.email", "schools.name", "demographics.cityOfBirth"]))
        XCTAssertFalse(some.table(.orgs).columns.contains("name"))
        XCTAssertEqual(some.table(.orgs).columns.first, "sourcedId")
        XCTAssertFalse(some.table(.demographics).columns.contains("cityOfBirth"))
        // users.csv holds teachers too: the column stays, blank for students only.
        let users = some.table(.users)
        XCTAssertEqual(users.value(0, "email"), "")
        XCTAssertEqual(users.value(users.sourcedIds.firstIndex(of: "te1")!, "email"), "teodora.n@example.org")
        let all = try apply(try request(.all, excluded: ["students.email", "teachers.email", "contacts.email", "admins.email"]))
        XCTAssertFalse(all.table(.users).columns.contains("email"))
        XCTAssertTrue(all.table(.users).columns.contains("agentSourcedIds"))
    }

    func testThePIIShieldSealsMaskedValuesAndNoneLeaksInClear() throws {
        var app = self.app
        try app.require(try ["students.givenName", "students.familyName", "students.email", "demographics.birthDate"].map { try AttributePath.parse($0) },
                        mask: true, required: false)
        let request = try request(.all)
        let data = try apply(request, app: app)
        let shield = try Samples.shield()
        let users = data.table(.users)
        let st1 = users.sourcedIds.firstIndex(of: "st1")!
        let token = users.value(st1, "givenName")!
        XCTAssertTrue(token.hasPrefix("pii1."))
        XCTAssertEqual(try shield.reveal(token), "Zebulon")
        XCTAssertEqual(try shield.reveal(data.table(.demographics).value(0, "birthDate")!), "2012-04-17")
        // Teachers are not masked; a parent's surname equal to a student's stays clear where it is not masked.
        XCTAssertEqual(users.value(users.sourcedIds.firstIndex(of: "te1")!, "givenName"), "Teodora")

        // Deterministic: the same consent gives the same bytes.
        let bytes = OneRosterWriter.files(data).flatMap(\.bytes)
        XCTAssertEqual(bytes, OneRosterWriter.files(try apply(request, app: app)).flatMap(\.bytes))

        // No masked value of a shared student appears in clear anywhere in what is delivered.
        let delivered = String(decoding: bytes, as: UTF8.self)
        let masked = roster.table(.users)
        for r in 0..<masked.count where masked.value(r, "role") == "student" {
            for attribute in ["givenName", "email"] {
                XCTAssertFalse(delivered.contains(masked.value(r, attribute)), "\(masked.value(r, attribute)) leaked")
            }
        }
        for r in 0..<roster.table(.demographics).count {
            XCTAssertFalse(delivered.contains(roster.table(.demographics).value(r, "birthDate")))
        }
        // A surname shared with an unmasked parent may appear through the parent, never in a student row.
        for r in 0..<users.count where data.rows(of: .students).contains(r) {
            XCTAssertTrue(users.value(r, "familyName")!.hasPrefix("pii1."))
        }
    }

    func testWithoutAKeyTheShieldRefuses() throws {
        var app = self.app
        try app.require([try AttributePath.parse("students.email")], mask: true, required: false)
        XCTAssertThrowsError(try ConsentEngine.apply(roster: roster, request: try request(.all), app: app, shield: nil, today: Samples.today))
        var off = try request(.all)
        off.piiShield = false
        XCTAssertNoThrow(try ConsentEngine.apply(roster: roster, request: off, app: app, shield: nil, today: Samples.today))
    }

    func testImpactCountsBeforeAndAfterWithSamplesAsDelivered() throws {
        var app = self.app
        try app.require([try AttributePath.parse("students.givenName")], mask: true, required: false)
        let impact = try ConsentEngine.impact(roster: roster, request: try request(.some(["060000100001"])), app: app,
                                              shield: try Samples.shield(), today: Samples.today, samples: 2)
        let students = impact.entry(.students)!
        XCTAssertEqual([students.before, students.after], [4, 3])
        XCTAssertEqual(students.samples.count, 2)
        XCTAssertTrue(students.samples[0][students.columns.firstIndex(of: "givenName")!].hasPrefix("pii1."))
        XCTAssertEqual([impact.entry(.enrollments)!.before, impact.entry(.enrollments)!.after], [7, 5])
        XCTAssertEqual([impact.entry(.schools)!.before, impact.entry(.schools)!.after], [3, 1])
    }
}
