import Foundation
import GRDB
import Testing

@testable import KCBXCore

/// verify's rebuild of the marks from the attendance events (issue 13: `MarksReplay`, compared with
/// the stored table in one ordered scan): a stored mark added, deleted or edited outside the ledger
/// is named with the child, the day, what differs and the event that recorded the day (seed 002:
/// 台账数据填报不实); the day's mark is the one recorded last (DOMAIN.md §7); the rebuild by ranges of
/// student ids (large ledgers, bounded memory) finds exactly what the one-range rebuild finds.
@Suite struct LedgerVerifyMarksTests {
    /// kidA unexcused 1–19 Sept, then 15–19 Sept re-marked present (a later import replaces the
    /// day's mark); kidB present 1–12 Sept; kidD on leave 8 Sept with span and slip.
    func sample() throws -> (String, Ledger, replaced: Int64) {
        let (p, l) = try LF.seeded()
        try LF.marks(l, LF.kidA, .unexcused, "2025-09-01", "2025-09-19")
        try LF.marks(l, LF.kidB, .present, "2025-09-01", "2025-09-12")
        var problems: [LedgerRowProblem] = []
        _ = try l.importMarks(
            [
                LedgerMarkRow(
                    student: LF.kidD, date: "2025-09-08", kind: "approved_leave", leaveFrom: "2025-09-08", leaveTo: "2025-09-09",
                    slip: "假条-1")
            ], problems: &problems)
        try LF.marks(l, LF.kidA, .present, "2025-09-15", "2025-09-19")
        #expect(problems.isEmpty)
        return (p, l, try l.head().seq)
    }

    func tamper(_ path: String, _ sql: String) throws {
        try DatabaseQueue(path: path).write { db in try db.execute(sql: sql) }
    }

    func edit(_ path: String, _ body: (Database) throws -> Void) throws {
        try DatabaseQueue(path: path).write { db in try body(db) }
    }

    func sid(_ path: String, _ key: String) throws -> Int64 {
        try DatabaseQueue(path: path).read { db in try Int64.fetchOne(db, sql: "SELECT id FROM students WHERE key = ?", arguments: [key]) }
            ?? 0
    }

    /// The problems of a full check with the default budget and with a budget of 5 marks (the
    /// rebuild in ranges of ids); both must agree.
    func problems(_ l: Ledger) throws -> [String] {
        let one = try l.check().problems
        let ranged = try l.check(anchor: nil, receivedHeads: [], publicKey: nil, marksBudget: 5).problems
        #expect(one == ranged, "the ranged rebuild names what the one-range rebuild names")
        return one
    }

    @Test func theLaterMarkOfADayIsTheDaysMarkAndAnIntactLedgerVerifies() throws {
        let (_, l, _) = try sample()
        #expect(try problems(l).isEmpty)
        #expect(try l.verify().isIntact)
        let marks = try l.read { db in try l.marks(of: LF.kidA, from: LF.date("2025-09-12"), through: LF.date("2025-09-15"), db) }
        #expect(marks.map(\.kind) == [.unexcused, .present], "15 Sept: the later import's mark")
    }

    @Test func aStoredMarkEditedBackToTheReplacedKindIsNamedWithWhatDiffers() throws {
        let (p, l, replaced) = try sample()
        let a = try sid(p, LF.kidA)
        // 15 Sept was recorded unexcused, then present: setting it back to unexcused is a false entry.
        try edit(p) { try StoredMarks.setKind($0, sid: a, day: 20_250_915, 2) }
        let found = try problems(l)
        #expect(
            found == [
                "marks row \(LF.kidA) 20250915 was edited outside the ledger: it differs from the state the events give (kind 2 in the file, 0 from the events) (last event about it: #\(replaced) attendance.recorded)"
            ])
        #expect { try l.verify() } throws: { e in
            if case KCBXError.integrity(let m) = e { return m.contains("marks row \(LF.kidA) 20250915 was edited") } else { return false }
        }
    }

    @Test func aStoredMarkDeletedOrAddedIsNamed() throws {
        let (p, l, _) = try sample()
        let b = try sid(p, LF.kidB)
        let recordedB = try l.read { db in
            try Int64.fetchOne(db, sql: "SELECT seq FROM events WHERE kind = 'attendance.recorded' ORDER BY seq LIMIT 1 OFFSET 1")
        }
        try edit(p) { try StoredMarks.setKind($0, sid: b, day: 20_250_903, nil) }
        try edit(p) { try StoredMarks.setKind($0, sid: b, day: 20_250_922, 2) }
        let found = try problems(l)
        #expect(found.count == 2)
        #expect(
            found.first
                == "marks row \(LF.kidB) 20250903 was deleted outside the ledger (last event about it: #\(recordedB ?? 0) attendance.recorded)"
        )
        #expect(found.last == "marks row \(LF.kidB) 20250922 was added outside the ledger: no event creates it")
    }

    @Test func aLeaveSpanOrSlipEditedAndAKindNoMarkHasAreNamed() throws {
        let (p, l, _) = try sample()
        let d = try sid(p, LF.kidD)
        let a = try sid(p, LF.kidA)
        try tamper(p, "UPDATE mark_leaves SET leave_to = 20250912, slip = '假条-2' WHERE sid = \(d)")
        // A day byte of 0x7F reads as kind 126, which no event records.
        try edit(p) { try StoredMarks.setByte($0, sid: a, day: 20_250_901, 0x7F) }
        let found = try problems(l)
        #expect(found.count == 2)
        #expect(
            found.contains {
                $0.hasPrefix("marks row \(LF.kidA) 20250901 was edited outside the ledger")
                    && $0.contains("kind 126 in the file, 2 from the events")
            })
        #expect(
            found.contains {
                $0.hasPrefix("marks row \(LF.kidD) 20250908 was edited outside the ledger")
                    && $0.contains(
                        "leave_to 20250912 in the file, 20250909 from the events, slip '假条-2' in the file, '假条-1' from the events")
            })
    }

    /// A month row that is no month of marks (a blob of another length, the leave flag on a day
    /// without a mark) is named unreadable; its marks then count as deleted.
    @Test func anUnreadableMonthAndAnOrphanLeaveRowAreNamed() throws {
        let (p, l, _) = try sample()
        let d = try sid(p, LF.kidD)
        let a = try sid(p, LF.kidA)
        try tamper(p, "UPDATE mark_months SET days = substr(days, 1, 30) WHERE sid = \(d)")
        try tamper(p, "INSERT INTO mark_leaves VALUES (\(a), 20250902, 20250902, 20250902, 'forged')")
        let found = try problems(l)
        #expect(found.count == 4)
        #expect(found.first == "mark_months row \(LF.kidD) 202509 is unreadable (30 bytes, not 31): it was changed outside the ledger")
        #expect(found.contains { $0.hasPrefix("marks row \(LF.kidD) 20250908 was deleted outside the ledger") })
        for (key, day) in [(LF.kidA, 20_250_902), (LF.kidD, 20_250_908)] {
            #expect(
                found.contains {
                    $0 == "mark_leaves row \(key) \(day) was added outside the ledger: no stored mark of that day carries a leave"
                })
        }
        // Reads refuse the unreadable month by name rather than count it as no marks.
        #expect { try l.read { db in try l.marks(of: LF.kidD, from: LF.date("2025-09-01"), through: LF.date("2025-09-30"), db) } } throws: {
            e in
            if case KCBXError.integrity(let m) = e {
                return m.contains("month 202509 are unreadable (30 bytes, not 31)")
            } else {
                return false
            }
        }
    }

    @Test func moreThanTenDifferencesAreCountedAfterTheFirstTen() throws {
        let (p, l, _) = try sample()
        let a = try sid(p, LF.kidA)
        try edit(p) { try StoredMarks.deleteAll($0, sid: a) }  // 15 school days
        let found = try problems(l)
        #expect(found.count == 11)
        #expect(
            found.prefix(10).allSatisfy { $0.hasPrefix("marks row \(LF.kidA) 202509") && $0.contains("was deleted outside the ledger") })
        #expect(found.last == "marks: 5 more rows differ from the state the events give (15 in all)")
    }

    @Test func aMarkForAStudentIdNoEventCreatedCannotBeReplayed() throws {
        let (p, l, _) = try sample()
        // An attendance event naming an id beyond the roster, chained correctly (as a forger with
        // the file could): the chain holds, the replay refuses it by name.
        let seq = try DatabaseQueue(path: p).write { db -> Int64 in
            let head = try Row.fetchOne(db, sql: "SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1")
            let seq = (head?["seq"] as Int64? ?? 0) + 1
            let prev: String = head?["hash"] ?? ""
            let payload = PackedMarks.encode([PackedMark(sid: 99, day: 20_250_922, kind: 2)])
            let actor = LF.countyActor.fields
            let at = "2025-12-15T12:00:00.000Z"
            let hash = LedgerEvent.chainHash(
                prev: prev,
                canonical: LedgerEvent.canonicalBytes(
                    seq: seq, at: at, actor: actor, kind: "attendance.recorded", student: "", caseID: 0, reason: "", payload: payload))
            try db.execute(
                sql: "INSERT INTO events VALUES (?, ?, ?, ?, ?, ?, 'attendance.recorded', '', 0, '', ?, ?, ?)",
                arguments: [seq, at, actor[0], actor[1], actor[2], actor[3], payload, prev, hash])
            try db.execute(sql: "UPDATE ledger_meta SET value = ? WHERE key = 'head_seq'", arguments: ["\(seq)"])
            try db.execute(sql: "UPDATE ledger_meta SET value = ? WHERE key = 'head_hash'", arguments: [hash])
            return seq
        }
        let v = try l.check()
        #expect(v.firstBadSeq == seq)
        #expect(v.problems.first?.contains("event #\(seq) attendance.recorded") == true)
        #expect(v.problems.first?.contains("names student id 99, which no earlier event created") == true)
        #expect(v.problems.last == "the current-state tables were not compared: the events could not be replayed")
    }

    /// The v1 fixture's JSON attendance payloads (keys looked up to ids) rebuild in ranges too.
    @Test func aMigratedV1LedgerVerifiesInRangesAndAnEditedMarkIsNamed() throws {
        let p = LF.path("v1")
        try FileManager.default.copyItem(
            atPath: LedgerMigrationTests.fixtures.appendingPathComponent("ledger-v1.kcbx").path, toPath: p)
        let l = try Ledger(path: p, policy: try PolicyProfile.builtin("guyuan-2021"), actor: LedgerMigrationTests.actor)
        #expect(try problems(l).isEmpty)
        let (key, day) = try DatabaseQueue(path: p).write { db -> (String, Int64) in
            let first =
                try StoredMarks.kinds(db).map { $0.split(separator: " ").map(String.init) }.first { $0[2] == "2" } ?? ["", "0", "0"]
            let sid = try Int64.fetchOne(db, sql: "SELECT id FROM students WHERE key = ?", arguments: [first[0]]) ?? 0
            try StoredMarks.setKind(db, sid: sid, day: Int(first[1]) ?? 0, 0)
            return (first[0], Int64(first[1]) ?? 0)
        }
        let found = try problems(l)
        #expect(found.count == 1)
        #expect(
            found.first?.hasPrefix(
                "marks row \(key) \(day) was edited outside the ledger: it differs from the state the events give (kind 0 in the file, 2 from the events) (last event about it: #"
            ) == true)
    }
}
