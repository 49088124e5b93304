import Foundation
import GRDB
import Testing

@testable import KCBXCore

/// Packed roster events (file format v3, docs/ledger.md "Packed roster payload"): a roster import
/// records `students.upserted` events of up to 5,000 students; each child's history still shows
/// its own roster changes (who, when, which unit, what); verify replays them and names a tampered one.
@Suite struct LedgerRosterBatchTests {
    func tamper(_ path: String, _ sql: String, dropTriggers: Bool = true) throws {
        try DatabaseQueue(path: path).writeWithoutTransaction { db in
            if dropTriggers { try db.execute(sql: "DROP TRIGGER events_no_update; DROP TRIGGER events_no_delete") }
            try db.execute(sql: sql)
        }
    }

    func integrityMessage(_ l: Ledger) -> String {
        do {
            try l.verify()
            return ""
        } catch let KCBXError.integrity(m) { return m } catch { return "\(error)" }
    }

    /// `n` valid students of school A1, born on distinct days of 2016.
    func many(_ n: Int) -> [LedgerStudentRow] {
        (0..<n).map { i in
            let day = CivilDate(dayNumber: LF.date("2016-01-01").dayNumber + Int32(i % 360))
            return LF.row(LF.rid(String(day.yyyymmdd), 100 + i / 360), "学生\(i)")
        }
    }

    @Test func packedPayloadGivesBackEveryStudent() throws {
        var a = LedgerStudent(
            residentID: LF.kidA, registryNumber: "G" + LF.kidA, name: "马小明", sex: 1, birthDate: "2016-03-10",
            address: "西吉县吉强镇1村", regionCode: "640422", schoolID: "S-A1", schoolName: "吉强一小", townshipCode: "640422100",
            grade: 4, registration: "enrolled", registrationDate: "", expertOpinion: "", groups: ["left_behind", "registered_poor"])
        var b = a
        b.residentID = ""
        b.registryNumber = "L2025XJ0007"
        b.regionCode = "640402"
        b.registration = "deferred"
        b.registrationDate = "2025-09-01"
        b.expertOpinion = "专家组意见 2025-3"
        b.groups = SpecialGroup.allCases.map(\.rawValue).sorted()
        a.name = "马\"小明\\"
        var bytes: [UInt8] = []
        PackedStudents.append(a, to: &bytes)
        PackedStudents.append(b, to: &bytes)
        let text = PackedStudents.payload(bytes)
        #expect(text.hasPrefix("packed-students-v3:"))
        var back: [LedgerStudent] = []
        try PackedStudents.decode(text, seq: 7) { back.append($0) }
        #expect(back == [a, b])
        #expect(Set(PackedStudents.groupBits) == Set(SpecialGroup.allCases.map(\.rawValue)), "every special group has its bit")
        #expect(Set(PackedStudents.registrationCodes) == Set(LedgerRegistration.allCases.map(\.rawValue)))
        for bad in ["packed-students-v3:!!!!", String(text.dropLast(4)), "packed-students-v3:" + "CA=="] {
            #expect(throws: KCBXError.self) { try PackedStudents.decode(bad, seq: 7) { _ in } }
        }
    }

    @Test func oneEventPerBatchAndEachChildsHistoryShowsItsOwnChange() throws {
        let p = LF.path()
        let l = try LF.open(p)
        #expect(try l.importStudents(LF.roster).added == 4)
        let events = try l.events()
        #expect(events.map(\.kind) == ["ledger.created", "students.upserted"])
        // The audit trail shows the batch readable, every student in it.
        let batch = try #require(events.last)
        #expect(batch.payload.hasPrefix("{\"students\":[") && batch.payload.contains("马小明") && batch.payload.contains("王小花"))
        #expect(!batch.payload.contains(LF.kidA), "resident IDs masked in the audit trail")
        // A child's history: its own record, who recorded it, when, which unit; not the other children.
        let h = try l.history(student: LF.kidA)
        #expect(h.count == 1 && h[0].kind == "students.upserted" && h[0].student == IDMask.key(LF.kidA) && h[0].seq == 2)
        #expect(h[0].actor == LF.countyActor && h[0].at.hasPrefix("2025-12-15T12:00:00") && h[0].hash == batch.hash)
        #expect(h[0].payload.contains("\"name\":\"马小明\"") && !h[0].payload.contains("王小花"))
        // A change of one child is one more event, in that child's history only.
        var rows = LF.roster
        rows[1].address = "西吉县吉强镇9村"
        #expect(try l.importStudents(rows).updated == 1)
        #expect(try l.history(student: LF.kidB).map(\.seq) == [2, 3])
        #expect(try l.history(student: LF.kidA).map(\.seq) == [2])
        #expect(try l.history(student: LF.kidB).last?.payload.contains("吉强镇9村") == true)
        #expect(try l.verify().isIntact)
        // A school sees the history of its own child.
        let school = try LF.open(p, LF.schoolA1Actor)
        #expect(try school.history(student: LF.kidA).map(\.kind) == ["students.upserted"])
    }

    @Test func batchesOfFiveThousandReplayAndVerify() throws {
        let p = LF.path()
        let l = try LF.open(p)
        let rows = many(RosterBatch.chunkSize + 3)
        let r = try l.importStudents(rows)
        #expect(r.added == rows.count && r.rows == rows.count)
        #expect(try l.events().map(\.kind) == ["ledger.created", "students.upserted", "students.upserted"])
        #expect(try l.events().last?.reason == "roster import rows 5001-5003: 3 added")
        #expect(try l.history(student: rows[5001].residentID).map(\.seq) == [3])
        #expect(try l.history(student: rows[4999].residentID).map(\.seq) == [2])
        #expect(try l.importStudents(rows).unchanged == rows.count)
        #expect(try l.head().seq == 3, "an unchanged roster records nothing")
        let v = try l.verify()
        #expect(v.isIntact && v.events == 3)
        // Marks refer to the ids the batch gave: replayed, they match.
        try l.setCalendar(LF.calendar)
        var problems: [LedgerRowProblem] = []
        _ = try l.importMarks([LedgerMarkRow(student: rows[5002].residentID, date: "2025-09-01", kind: "0")], problems: &problems)
        #expect(try l.verify().isIntact)
    }

    @Test func verifyNamesATamperedBatchEventAndAnEditedLink() throws {
        let p = LF.path()
        let l = try LF.open(p)
        _ = try l.importStudents(LF.roster)
        _ = try l.importStudents([LF.row(LF.rid("20150101", 9), "新同学")])
        try tamper(p, "UPDATE events SET payload = replace(payload, 'A', 'B') WHERE seq = 2")
        let m = integrityMessage(l)
        #expect(m.contains("event #2 students.upserted") && m.contains("was edited or moved"))

        let q = LF.path()
        let k = try LF.open(q)
        _ = try k.importStudents(LF.roster)
        _ = try k.importStudents([LF.row(LF.rid("20150101", 9), "新同学")])
        // student_events is a projection (no trigger guards it): verify compares it with the replay.
        try tamper(q, "DELETE FROM student_events WHERE seq = 3", dropTriggers: false)
        let gone = integrityMessage(k)
        #expect(gone.contains("student_events row") && gone.contains("deleted outside the ledger"))
        try tamper(q, "INSERT INTO student_events (sid, seq) VALUES (5, 3), (1, 3)", dropTriggers: false)
        #expect(integrityMessage(k).contains("added outside the ledger"))
    }

    @Test func csvIsStreamedWithEveryProblemAndBothRowsOfADuplicate() throws {
        let p = LF.path()
        let l = try LF.open(p)
        let file = (p as NSString).deletingLastPathComponent + "/roster.csv"
        let csv =
            "resident_id,name,school_id,township_code,grade\n"
            + "\(LF.kidA),马小明,S-A1,640422100,4\n\(LF.kidB),王小花,S-A1,6404,5\n\(LF.kidA),马小明,S-A1,640422100,4\n"
        try csv.write(toFile: file, atomically: true, encoding: .utf8)
        var problems: [LedgerRowProblem] = []
        #expect(throws: KCBXError.self) { _ = try l.importStudentsCSV(path: file, problems: &problems) }
        #expect(problems.map(\.row) == [3, 4] && problems.map(\.field) == ["township_code", "resident_id"])
        #expect(problems[1].rule.contains("already in row 2"), "a duplicate names the earlier row (CSV rows: header = 1)")
        #expect(try l.head().seq == 1, "nothing of a bad file is recorded")
        var ticks: [Int] = []
        try csv.split(separator: "\n").prefix(3).joined(separator: "\n").replacing(",6404,", with: ",640422100,").write(
            toFile: file, atomically: true, encoding: .utf8)
        let r = try l.importStudentsCSV(path: file, problems: &problems) { rows, _, _ in ticks.append(rows) }
        #expect(r.added == 2 && ticks.last == 2)
    }

    @Test func rowOutsideTheJurisdictionRefusesTheBatchAndIsRecorded() throws {
        let p = LF.path()
        _ = try LF.open(p).importStudents(LF.roster)
        let school = try LF.open(p, LF.schoolA1Actor)
        let before = try school.head().seq
        var rows = [LF.row(LF.rid("20150101", 9), "新同学"), LF.row(LF.rid("20150102", 9), "外校生", school: LF.schoolB1, town: LF.townB)]
        #expect {
            _ = try school.importStudents(rows)
        } throws: { e in
            guard case KCBXError.permissionDenied(let m) = e else { return false }
            return m.contains("row 2: student") && m.contains("not applied")
        }
        #expect(try school.head().seq == before + 1, "only the refusal is recorded")
        rows.removeLast()
        #expect(try school.importStudents(rows).added == 1)
    }
}
