import PassportData
import PassportDomain
import XCTest

/// An export with every kind of mess issue 4 names, written out here byte for byte.
final class MessyImportTests: XCTestCase {
    static let export = Samples.files([
        // A BOM, CRLF, header names in drifting case with blanks around them, a duplicate.
        "orgs.csv": "\u{FEFF} SourcedID ,Status,DATELASTMODIFIED,name,type,identifier,parentSourcedId\r\n"
            + "d1,,,District,district,0600001,\r\n"
            + "s1,,,North School,school,060000100001,d1\r\n"
            + "s2,,,\"South School, Annex\",school,060000100002,d1\r\n"
            + "s1,,,Dup School,school,x,d1\r\n",
        // A bare grade number (normalised), a code outside CEDS, a dangling org.
        "courses.csv": "sourcedId,status,dateLastModified,schoolYearSourcedId,title,courseCode,grades,orgSourcedId,subjects,subjectCodes\n"
            + "c1,,,,Math 7,M7,7,s1,,\n"
            + "c2,,,,Art,A1,\"KG,Kindergarten\",s9,,\n",
        // A quoted newline in a title, a dangling course, a short row.
        "classes.csv": "sourcedId,status,dateLastModified,title,grades,courseSourcedId,classCode,classType,location,schoolSourcedId,termSourcedIds,subjects,subjectCodes,periods\n"
            + "k1,,,\"Math\n7, period 1\",07,c1,M7-1,scheduled,,s1,,,,\n"
            + "k2,,,Art,KG,c3,A-1,scheduled,,s2,,,\n",
        // CR-only line ends; a list reference with one dangling org; a row with no sourcedId.
        "users.csv": "sourcedId,status,dateLastModified,enabledUser,orgSourcedIds,role,username,userIds,givenName,familyName,middleName,identifier,email,sms,phone,agentSourcedIds,grades,password\r"
            + "u1,,,true,s1,student,ann,,Ann,Lee,,,ann@x.org,,,,07,\r"
            + "u2,,,true,\"s1,s7\",teacher,bob,,Bob,Ray,,,bob@x.org,,,,,\r"
            + ",,,true,s1,student,nobody,,No,Body,,,,,,,,\r",
        // Dangling class and user, a duplicate, an extra field.
        "enrollments.csv": "sourcedId,status,dateLastModified,classSourcedId,schoolSourcedId,userSourcedId,role,primary,beginDate,endDate\n"
            + "e1,,,k1,s1,u1,student,false,,\n"
            + "e2,,,k9,s1,u1,student,false,,\n"
            + "e3,,,k1,s1,u5,student,false,,,extra\n"
            + "e1,,,k1,s1,u2,teacher,true,,\n",
    ])

    func testEveryProblemIsReportedWhereItIs() throws {
        let r = try RosterImport.read(files: Self.export)
        XCTAssertEqual(r.problemLines, [
            "orgs.csv:5:1: duplicate sourcedId 's1'; the first record with it is kept, this row is skipped",
            "courses.csv:3:14: grade 'Kindergarten' not CEDS (write KG for kindergarten); dropped, the record is kept (grades are IT PR PK TK KG 01 … 13 PS UG Other)",
            "courses.csv:3:32: orgSourcedId 's9' is not in orgs.csv; the record is kept",
            "classes.csv:4:37: this row has 13 fields, the header has 14; the missing ones are left empty",
            "classes.csv:4:13: courseSourcedId 'c3' is not in courses.csv; the record is kept",
            "users.csv:3:11: orgSourcedIds 's7' is not in orgs.csv; the record is kept",
            "users.csv:4:1: no sourcedId; the row is skipped",
            "enrollments.csv:3:6: classSourcedId 'k9' is not in classes.csv; the record is kept",
            "enrollments.csv:4:31: this row has 11 fields, the header has 10; the extra ones are dropped",
            "enrollments.csv:4:12: userSourcedId 'u5' is not in users.csv; the record is kept",
            "enrollments.csv:5:1: duplicate sourcedId 'e1'; the first record with it is kept, this row is skipped",
        ])
        XCTAssertEqual(r.counts[.orgs], .init(rows: 4, kept: 3))
        XCTAssertEqual(r.counts[.users], .init(rows: 3, kept: 2))
        XCTAssertEqual(r.counts[.enrollments], .init(rows: 4, kept: 3))
        XCTAssertEqual(r.table(.orgs).value(2, "name"), "South School, Annex")
        XCTAssertEqual(r.table(.courses).value(0, "grades"), "07")
        XCTAssertEqual(r.table(.courses).value(1, "grades"), "KG")
        XCTAssertEqual(r.table(.classes).value(0, "title"), "Math\n7, period 1")
        XCTAssertEqual(r.table(.classes).value(1, "periods"), "")
    }

    func testAStoredRosterComesBackTheSame() throws {
        let r = try RosterImport.read(files: Self.export)
        let back = try Roster(encoded: r.encoded())
        XCTAssertEqual(back.problems, r.problems)
        XCTAssertEqual(back.counts, r.counts)
        for file in RosterFile.allCases {
            XCTAssertEqual(back.has(file), r.has(file))
            let a = r.table(file), b = back.table(file)
            XCTAssertEqual(a.columns, b.columns)
            XCTAssertEqual((0..<a.count).map { a.record($0) }, (0..<b.count).map { b.record($0) })
        }
        XCTAssertThrowsError(try Roster(encoded: Array(r.encoded().dropLast())))

        // The normalised CSV form reads back to the same records, with no problem left but the dangling ones.
        let again = try RosterImport.read(files: Dictionary(uniqueKeysWithValues: r.csvFiles().map { ($0.name, $0.bytes) }))
        for file in RosterFile.allCases {
            let a = r.table(file), b = again.table(file)
            XCTAssertEqual((0..<a.count).map { a.record($0) }, (0..<b.count).map { b.record($0) }, file.rawValue)
        }
        XCTAssertFalse(again.problems.contains { $0.message.contains("duplicate") || $0.message.contains("grade") })
    }

    func testAnExportWithoutUsersIsRefused() {
        XCTAssertThrowsError(try RosterImport.read(files: Samples.files(["orgs.csv": "sourcedId,name\n"]))) { error in
            XCTAssertTrue("\(error)".contains("has no users.csv"), "\(error)")
        }
    }
}
