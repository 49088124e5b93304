import Foundation
import Testing

@testable import KCBXCore

/// Roster and attendance imports: validated rows, all-or-nothing batches, idempotent re-imports.
@Suite struct LedgerRosterTests {
    @Test func importThenReimportChangesNothing() throws {
        let p = LF.path()
        let l = try LF.open(p)
        let first = try l.importStudents(LF.roster)
        #expect(first.added == 4 && first.updated == 0 && first.rows == 4)
        let head = try l.head()
        #expect(head.seq == 2)  // ledger.created + one students.upserted event holding the 4 students
        let again = try l.importStudents(LF.roster)
        #expect(again.unchanged == 4 && again.added == 0 && again.updated == 0)
        #expect(try l.head() == head, "re-importing the same rows records no event")
        var changed = LF.roster
        changed[0].address = "西吉县吉强镇2村"
        let third = try l.importStudents(changed)
        #expect(third.updated == 1 && third.unchanged == 3)
        #expect(try l.history(student: LF.kidA).map(\.kind) == ["students.upserted", "students.upserted"])
        let a = try #require(try l.students(fullIDs: true).first { $0.residentID == LF.kidA })
        #expect(a.sex == 1 && a.birthDate == "2016-03-10" && a.regionCode == "640422" && a.registryNumber == "G" + LF.kidA)
    }

    @Test func badBatchAppliesNothingAndNamesEveryRow() throws {
        let p = LF.path()
        let l = try LF.open(p)
        _ = try l.importStudents([LF.roster[0]])
        let head = try l.head()
        var rows = LF.roster
        rows[1].residentID = String(LF.kidB.dropLast()) + (LF.kidB.last == "1" ? "2" : "1")  // wrong check character
        rows[2].townshipCode = "6404"
        rows[3].sex = "男"  // kidD is a girl
        var problems: [LedgerRowProblem] = []
        #expect {
            _ = try l.importStudents(rows, problems: &problems)
        } throws: { e in
            guard case KCBXError.invalidInput(let field, let rule) = e else { return false }
            return field == "row 2 resident_id" && rule.contains("check character") && rule.contains("not applied")
        }
        #expect(problems.map(\.row) == [2, 3, 4])
        #expect(problems.map(\.field) == ["resident_id", "township_code", "sex"])
        #expect(try l.head() == head, "nothing of a bad batch is applied")
        #expect(try l.students().count == 1)
    }

    @Test func rowRulesAreNamed() throws {
        let l = try LF.open(LF.path())
        func firstProblem(_ edit: (inout LedgerStudentRow) -> Void) -> LedgerRowProblem? {
            var r = LF.roster[0]
            edit(&r)
            var problems: [LedgerRowProblem] = []
            _ = try? l.importStudents([r], problems: &problems)
            return problems.first
        }
        #expect(firstProblem { $0.birthDate = "2016-03-11" }?.rule.contains("reason J") == true)
        #expect(firstProblem { $0.registryNumber = "G" + LF.kidB }?.field == "registry_number")
        #expect(firstProblem { $0.grade = "12" }?.field == "grade")
        #expect(firstProblem { $0.specialGroups = "rich" }?.field == "special_groups")
        #expect(firstProblem { $0.registration = "deferred" }?.field == "expert_opinion")
        #expect(firstProblem { $0.registration = "graduated" }?.field == "registration_date")
        #expect(firstProblem { $0.name = "" }?.field == "name")
        #expect(firstProblem { $0.schoolID = "bad id!" }?.field == "school_id")
        #expect(firstProblem { $0.residentID = LF.rid("20300101", 1) }?.rule.contains("after") == true)
        var dup = [LF.roster[0], LF.roster[0]]
        dup[1].name = "另一个"
        var problems: [LedgerRowProblem] = []
        #expect(throws: KCBXError.self) { _ = try l.importStudents(dup, problems: &problems) }
        #expect(problems.first?.rule.contains("already in row 1") == true)
    }

    @Test func csvWithBOMAndJSON() throws {
        let p = LF.path()
        let l = try LF.open(p)
        let csv =
            "\u{FEFF}resident_id,name,school_id,township_code,grade,special_groups\r\n"
            + "\(LF.kidA),马小明,S-A1,640422100,4,\r\n\(LF.kidB),王小花,S-A1,640422100,5,registered_poor;left_behind\r\n"
        let file = (p as NSString).deletingLastPathComponent + "/roster.csv"
        try csv.write(toFile: file, atomically: true, encoding: .utf8)
        var problems: [LedgerRowProblem] = []
        let r = try l.importStudentsCSV(path: file, problems: &problems)
        #expect(r.added == 2)
        let bad = (p as NSString).deletingLastPathComponent + "/bad.csv"
        try "resident_id,name,township_code\n\(LF.kidC),李小军,640422100\n123,坏,640422100\n".write(
            toFile: bad, atomically: true, encoding: .utf8)
        #expect(throws: KCBXError.self) { _ = try l.importStudentsCSV(path: bad, problems: &problems) }
        #expect(problems.first?.row == 3, "CSV rows are numbered as a spreadsheet shows them (header = row 1)")
        let unknown = (p as NSString).deletingLastPathComponent + "/unknown.csv"
        try "resident_id,name,shoe_size\n".write(toFile: unknown, atomically: true, encoding: .utf8)
        #expect(
            throws: KCBXError.invalidInput(
                field: "\(unknown): column shoe_size", rule: "is not a roster column (\(LedgerStudentRow.columns.joined(separator: ",")))")
        ) {
            _ = try l.importStudentsCSV(path: unknown, problems: &problems)
        }
        let json =
            #"[{"resident_id": "\#(LF.kidD)", "name": "杨小红", "school_id": "S-B1", "township_code": "640422101", "grade": 6, "special_groups": ["disabled"]}]"#
        #expect(try l.importStudentsJSON(json, problems: &problems).added == 1)
        #expect(try l.students().count == 3)
    }

    @Test func jurisdictionRefusalsAreRecorded() throws {
        let p = LF.path()
        let county = try LF.open(p)
        _ = try county.importStudents(LF.roster)
        let school = try LF.open(p, LF.schoolA1Actor)
        // A school acts only on its own students (kidD is at S-B1).
        var moved = LF.roster[3]
        moved.address = "改了"
        #expect(throws: KCBXError.self) { _ = try school.importStudents([moved]) }
        do { _ = try school.importStudents([moved]) } catch let KCBXError.permissionDenied(m) {
            // Issue 11: the refusal names the row and the masked key, never the other unit's school or township.
            #expect(
                m.contains("row 1") && m.contains(IDMask.key(LF.kidD)) && !m.contains("S-B1") && !m.contains(LF.townB)
                    && !m.contains(LF.kidD))
        }
        // A township sees only its area; a department writes nothing.
        let town = try LF.open(p, LF.townAActor)
        #expect(try town.students().map(\.residentID).sorted() == [LF.kidA, LF.kidB, LF.kidC].map(IDMask.key).sorted())
        #expect(try school.students().count == 2)
        let police = try LF.open(p, LF.actor(.department, LF.county, "公安"))
        #expect(throws: KCBXError.self) { _ = try police.importStudents([LF.roster[0]]) }
        let refusals = try county.events().filter { $0.kind == "access.refused" }
        #expect(refusals.count == 3)
        #expect(
            refusals[0].actor == LF.schoolA1Actor && refusals[0].student == IDMask.key(LF.kidD),
            "the audit trail is masked too unless full IDs are asked for")
        #expect(refusals[2].actor.level == .department)
        try county.verify()
    }

    @Test func marksAreValidatedAndIdempotent() throws {
        let (_, l) = try LF.seeded()
        var problems: [LedgerRowProblem] = []
        let rows = [
            LedgerMarkRow(student: LF.kidA, date: "2025-09-01", kind: "present"),
            LedgerMarkRow(student: LF.kidA, date: "20250902", kind: "2"),
            LedgerMarkRow(student: LF.kidA, date: "2025-09-03", kind: "请假", leaveFrom: "2025-09-03", leaveTo: "2025-09-05", slip: "QJ-1"),
        ]
        let r = try l.importMarks(rows, problems: &problems)
        #expect(r.changed == 3)
        let head = try l.head()
        #expect(try l.importMarks(rows, problems: &problems).unchanged == 3)
        #expect(try l.head() == head, "re-importing the same marks records no event")
        // Two marks for one day: the later wins, the conflict is reported, not double-counted.
        let twice = try l.importMarks(
            [
                LedgerMarkRow(student: LF.kidA, date: "2025-09-04", kind: "2"),
                LedgerMarkRow(student: LF.kidA, date: "2025-09-04", kind: "late"),
            ], problems: &problems)
        #expect(twice.changed == 1 && twice.conflicts.count == 1 && twice.conflicts[0].row == 2)
        // Dates outside the calendar, on holidays, in the future, and unknown students are refused by name.
        let bad = [
            LedgerMarkRow(student: LF.kidA, date: "2025-10-02", kind: "0"),
            LedgerMarkRow(student: LF.kidA, date: "2025-12-17", kind: "0"),
            LedgerMarkRow(student: "640422201001010000", date: "2025-09-01", kind: "0"),
            LedgerMarkRow(student: LF.kidA, date: "2025-09-06", kind: "0"),
            LedgerMarkRow(student: LF.kidA, date: "2025-09-08", kind: "9"),
        ]
        #expect(throws: KCBXError.self) { _ = try l.importMarks(bad, problems: &problems) }
        #expect(problems.map(\.row) == [1, 2, 3, 4, 5])
        #expect(problems[0].rule.contains("国庆节") && problems[1].rule.contains("future") && problems[3].rule.contains("Saturday"))
        #expect(try l.head().seq == head.seq + 1)
        let school = try LF.open(try #require(Optional(l.path)), LF.schoolA1Actor)
        #expect(throws: KCBXError.self) {
            _ = try school.importMarks([LedgerMarkRow(student: LF.kidD, date: "2025-09-01", kind: "0")], problems: &problems)
        }
    }

    @Test func calendarNeedsCountyAndIsIdempotent() throws {
        let (p, l) = try LF.seeded()
        #expect(try l.setCalendar(LF.calendar) == false)
        #expect(try l.calendar() == LF.calendar)
        let school = try LF.open(p, LF.schoolA1Actor)
        #expect { try school.setCalendar(LF.calendar) } throws: { e in
            if case KCBXError.permissionDenied = e { return true } else { return false }
        }
    }
}
