import Foundation
import GRDB
import Testing

@testable import KCBXCore

/// The streamed attendance import (issue 13): rows are checked and written as they come, yet a
/// batch stays all or nothing (DOMAIN.md §7: a rejected file changes nothing), a re-import records
/// nothing, and a day marked twice names the earlier row.
@Suite struct LedgerMarkStreamTests {
    private func csv(_ lines: [String]) throws -> String {
        let p = LF.path("marks") + ".csv"
        try (["student,date,kind"] + lines).joined(separator: "\n").write(toFile: p, atomically: true, encoding: .utf8)
        return p
    }

    @Test func aBadRowAfterWrittenRowsRollsBackTheWholeFile() throws {
        let (_, l) = try LF.seeded()
        let head = try l.head()
        let good = LF.calendar.schoolDayList(from: LF.date("2025-09-01"), through: LF.date("2025-11-28")).map { "\(LF.kidA),\($0),present" }
        let path = try csv(good + ["\(LF.kidB),2025-09-06,present"] + ["\(LF.kidB),2025-09-08,9"])
        var problems: [LedgerRowProblem] = []
        #expect(throws: KCBXError.self) { _ = try l.importMarksCSV(path: path, problems: &problems) }
        #expect(problems.map(\.row) == [good.count + 2, good.count + 3], "every bad row is named, by its row in the file")
        #expect(try l.head() == head, "nothing of the rejected file is recorded")
        #expect(try l.read { db in try StoredMarks.count(db) } == 0, "no mark of it is applied")
        try l.verify()
    }

    @Test func reimportingAFileRecordsNothingAndCountsEveryMarkUnchanged() throws {
        let (_, l) = try LF.seeded()
        let days = LF.calendar.schoolDayList(from: LF.date("2025-09-01"), through: LF.date("2025-12-12"))
        let path = try csv(days.map { "\(LF.kidA),\($0),present" } + days.map { "\(LF.kidB),\($0),unexcused" })
        var problems: [LedgerRowProblem] = []
        let first = try l.importMarksCSV(path: path, problems: &problems)
        #expect(first.changed == 2 * days.count && first.unchanged == 0)
        let head = try l.head()
        var seen: (Int, Int64, Int64) = (0, 0, 0)
        let again = try l.importMarksCSV(path: path, problems: &problems) { seen = ($0, $1, $2) }
        #expect(again.changed == 0 && again.unchanged == 2 * days.count)
        #expect(try l.head() == head)
        #expect(seen.0 == 2 * days.count && seen.1 == seen.2 && seen.2 > 0, "the last progress call reports the whole file")
        try l.verify()
    }

    @Test func aDayMarkedThriceNamesEachEarlierRowAndCountsOnce() throws {
        let (_, l) = try LF.seeded()
        let path = try csv([
            "\(LF.kidA),2025-09-02,present", "\(LF.kidB),2025-09-02,present",
            "\(LF.kidA),2025-09-02,unexcused", "\(LF.kidA),2025-09-02,unexcused", "\(LF.kidA),2025-09-02,late",
        ])
        var problems: [LedgerRowProblem] = []
        let r = try l.importMarksCSV(path: path, problems: &problems)
        #expect(r.rows == 5 && r.changed == 2, "two children's days changed, each counted once")
        #expect(r.conflicts.map(\.row) == [4, 6])
        #expect(r.conflicts[0].rule.contains("replaces row 2") && r.conflicts[0].rule.contains("present → unexcused"))
        #expect(r.conflicts[1].rule.contains("replaces row 5"), "the earlier row is the latest one before it")
        let kept = try l.read { db in
            try StoredMarks.kind(db, key: LF.kidA, day: 20_250_902)
        }
        #expect(kept == Int(MarkKind.late.rawValue), "the later mark wins")
        try l.verify()
    }

    @Test("file format v2: the audit trail shows a packed attendance payload as marks with student keys, masked unless granted")
    func theAuditTrailShowsPackedMarksReadably() throws {
        let (_, l) = try LF.seeded()
        var problems: [LedgerRowProblem] = []
        _ = try l.importMarksCSV(path: try csv(["\(LF.kidA),2025-09-02,unexcused"]), problems: &problems)
        let stored = try #require(
            try l.read { db in
                try String.fetchOne(db, sql: "SELECT payload FROM events WHERE kind = 'attendance.recorded' ORDER BY seq DESC LIMIT 1")
            })
        #expect(stored.hasPrefix(PackedMarks.prefix), "stored packed (the chain hashes this text)")
        let shown = try #require(try l.events(after: 0, limit: 10_000).last { $0.kind == "attendance.recorded" })
        #expect(shown.payload.hasPrefix("{\"marks\":[{\"d\":20250902,\"k\":2"), "read as the v1 JSON")
        #expect(!shown.payload.contains(LF.kidA), "the key is masked by default (DOMAIN.md §7)")
        let full = try #require(try l.events(after: 0, limit: 10_000, fullIDs: true).last { $0.kind == "attendance.recorded" })
        #expect(full.payload.contains("\"s\":\"\(LF.kidA)\""), "the key itself when full IDs are granted")
        try l.verify()
    }

    @Test func reimportingAFileThatMarksADayTwiceRecordsNothing() throws {
        // DOMAIN.md §7: the later mark wins; the same file again changes nothing, also when its
        // first mark of the day differs from its last (a first pass finds such days).
        let (_, l) = try LF.seeded()
        let path = try csv(["\(LF.kidA),2025-09-02,present", "\(LF.kidA),2025-09-03,present", "\(LF.kidA),2025-09-02,unexcused"])
        var problems: [LedgerRowProblem] = []
        let first = try l.importMarksCSV(path: path, problems: &problems)
        #expect(first.changed == 2 && first.conflicts.map(\.row) == [4])
        let head = try l.head()
        let again = try l.importMarksCSV(path: path, problems: &problems)
        #expect(again.changed == 0 && again.unchanged == 2)
        #expect(try l.head() == head, "re-importing the file records no event")
        try l.verify()
    }

    @Test func columnsStreamedFromTheCallerStopAtAnUnreadableKeyAndRecordNothing() throws {
        let (_, l) = try LF.seeded()
        let head = try l.head()
        let days = LF.calendar.schoolDayList(from: LF.date("2025-09-01"), through: LF.date("2025-09-30"))
        var problems: [LedgerRowProblem] = []
        #expect(throws: KCBXError.self) {
            _ = try l.importMarks(count: days.count, problems: &problems) { i in
                guard i < days.count - 1 else { throw KCBXError.invalidInput(field: "students[\(i)]", rule: "is not UTF-8") }
                return (LF.kidA, days[i].yyyymmdd, 0)
            }
        }
        #expect(try l.head() == head, "the marks streamed before the bad key are rolled back")
        let r = try l.importMarks(count: days.count, problems: &problems) { (LF.kidA, days[$0].yyyymmdd, 2) }
        #expect(r.rows == days.count && r.changed == days.count)
    }
}

/// A large batch is checked whole, then written in parts of bounded write-lock time (issue 13,
/// two writers): what a part boundary and a crash between parts leave (docs/ledger.md,
/// "Attendance marks").
@Suite struct LedgerMarkPartsTests {
    private func csv(_ lines: [String]) throws -> String {
        let p = LF.path("marks") + ".csv"
        try (["student,date,kind"] + lines).joined(separator: "\n").write(toFile: p, atomically: true, encoding: .utf8)
        return p
    }

    private var lines: [String] {
        let days = LF.calendar.schoolDayList(from: LF.date("2025-09-01"), through: LF.date("2025-10-31"))
        return days.map { "\(LF.kidA),\($0),present" } + days.map { "\(LF.kidB),\($0),unexcused" }
            + ["\(LF.kidA),2025-09-02,late"]  // a day marked twice: the later mark wins
    }

    private func marks(_ l: Ledger) throws -> [String] {
        try l.read { db in
            try StoredMarks.kinds(db)
        }
    }

    @Test func aBatchWrittenInPartsLeavesWhatOneTransactionLeaves() throws {
        let path = try csv(lines)
        let (_, one) = try LF.seeded()
        let (_, parts) = try LF.seeded()
        var problems: [LedgerRowProblem] = []
        let a = try one.importMarksCSV(path: path, problems: &problems)
        var t = MarkImportTuning()
        t.partRows = 7
        t.pauseSeconds = 0
        let b = try parts.importMarksCSV(path: path, problems: &problems, tuning: t)
        #expect(a == b, "the same counts and the same conflict (DOMAIN.md §7: the later mark wins, named)")
        #expect(b.conflicts.count == 1 && b.changed == lines.count - 1)
        #expect(try marks(one) == marks(parts))
        let kinds = try parts.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM events WHERE kind = 'attendance.recorded'") }
        #expect((kinds ?? 0) >= lines.count / 7, "each part is its own transaction with its own events")
        try parts.verify()
        #expect(try parts.importMarksCSV(path: path, problems: &problems, tuning: t).changed == 0, "a re-import records nothing")
    }

    @Test func aBadLastRowRefusesTheBatchBeforeAnyPartIsWritten() throws {
        let (_, l) = try LF.seeded()
        let head = try l.head()
        let path = try csv(lines + ["\(LF.kidB),2025-09-08,9"])
        var t = MarkImportTuning()
        t.partRows = 5
        var problems: [LedgerRowProblem] = []
        #expect(throws: KCBXError.self) { _ = try l.importMarksCSV(path: path, problems: &problems, tuning: t) }
        #expect(problems.map(\.row) == [lines.count + 2])
        #expect(try l.head() == head, "the whole file is checked before the first part: nothing is written")
        #expect(try marks(l).isEmpty)
    }

    @Test func aCrashBetweenPartsLeavesWholePartsAndAReimportCompletesTheBatch() throws {
        let path = try csv(lines)
        let (_, l) = try LF.seeded()
        var t = MarkImportTuning()
        t.partRows = 10
        t.pauseSeconds = 0
        t.stopAfterParts = 2
        var problems: [LedgerRowProblem] = []
        #expect(throws: MarkImportStopped.self) { _ = try l.importMarksCSV(path: path, problems: &problems, tuning: t) }
        let written = try marks(l).count
        #expect(written == 19, "two whole parts of 10 rows each; the day marked twice waits for its later row")
        try l.verify()
        let rest = try l.importMarksCSV(path: path, problems: &problems)
        #expect(rest.changed == lines.count - 1 - 19 && rest.unchanged == 19, "the re-import records only what the crash left out")
        let (_, whole) = try LF.seeded()
        _ = try whole.importMarksCSV(path: path, problems: &problems)
        #expect(try marks(l) == marks(whole), "the completed batch is the batch")
        try l.verify()
    }

    @Test func aRosterChangeBetweenTheCheckAndAPartChecksTheBatchAgain() throws {
        let (_, l) = try LF.seeded()
        var t = MarkImportTuning()
        t.partRows = 5
        t.pauseSeconds = 0
        var problems: [LedgerRowProblem] = []
        var changedRoster = false
        let rows = lines.map { $0.split(separator: ",").map(String.init) }
        let r = try l.importMarkStream(
            problems: &problems, tuning: t,
            written: { _, _ in
                guard !changedRoster else { return }
                changedRoster = true
                var moved = LF.roster
                moved[0].grade = "5"
                _ = try? l.importStudents(moved)
            }
        ) { add in
            for (i, f) in rows.enumerated() { try withMarkFieldBytes(f[0], f[1], f[2], "", "", "") { try add(i + 2, $0) } }
        }
        #expect(changedRoster)
        #expect(r.changed == lines.count - 1 && r.unchanged == 0, "marks of the first attempt count once, as changed")
        try l.verify()
    }
}
