import Foundation
import GRDB
import Testing

@testable import KCBXCore

/// The attendance import from columns (issue 13: C arrays, Arrow, Swift arrays as bytes, no
/// `String` per value) stores, counts and refuses exactly what the CSV import of the same marks
/// does (docs/ledger.md, "Attendance marks"); a stream read once refuses to be read again.
@Suite struct LedgerMarkColumnsTests {
    private func csv(_ lines: [String]) throws -> String {
        let p = LF.path("marks") + ".csv"
        try (["student,date,kind"] + lines).joined(separator: "\n").write(toFile: p, atomically: true, encoding: .utf8)
        return p
    }

    /// Two children's September and October, every kind, and a day of the second child marked
    /// twice (the later mark wins).
    private var marks: [(key: String, day: CivilDate, kind: MarkKind)] {
        let days = LF.calendar.schoolDayList(from: LF.date("2025-09-01"), through: LF.date("2025-10-31"))
        var out = days.enumerated().map { (LF.kidA, $0.element, MarkKind.allCases[$0.offset % MarkKind.allCases.count]) }
        out += days.map { (LF.kidB, $0, MarkKind.unexcused) }
        out.append((LF.kidB, LF.date("2025-09-02"), .late))
        return out
    }

    private func columns(_ l: Ledger, _ rows: [(key: String, date: Int32, kind: Int)], tuning: MarkImportTuning = MarkImportTuning())
        throws -> (LedgerMarkImportResult, [LedgerRowProblem])
    {
        var problems: [LedgerRowProblem] = []
        do {
            let r = try l.importMarkColumns(problems: &problems, tuning: tuning, rereadable: true) { add in
                for (i, m) in rows.enumerated() {
                    var key = m.key
                    try key.withUTF8 { try add(i + 1, $0, m.date, m.kind) }
                }
            }
            return (r, problems)
        } catch let e as KCBXError {
            #expect(!problems.isEmpty, "a refused batch lists its rows: \(e)")
            return (LedgerMarkImportResult(), problems)
        }
    }

    private func csvImport(_ l: Ledger, _ lines: [String]) throws -> (LedgerMarkImportResult, [LedgerRowProblem]) {
        var problems: [LedgerRowProblem] = []
        do { return (try l.importMarksCSV(path: try csv(lines), problems: &problems), problems) } catch is KCBXError {
            return (LedgerMarkImportResult(), problems)
        }
    }

    @Test func columnsStoreCountAndNameConflictsAsTheCSVOfTheSameMarks() throws {
        let (_, byCSV) = try LF.seeded()
        let (_, byColumns) = try LF.seeded()
        let (a, _) = try csvImport(byCSV, marks.map { "\($0.key),\($0.day),\($0.kind.label)" })
        let (b, _) = try columns(byColumns, marks.map { ($0.key, $0.day.yyyymmdd, Int($0.kind.rawValue)) })
        #expect(a.rows == marks.count && a.changed == marks.count - 1 && a.conflicts.count == 1)
        #expect(b.rows == a.rows && b.changed == a.changed && b.unchanged == a.unchanged)
        // DOMAIN.md §7: the later mark of a day wins and the earlier row is named, each form by its
        // own row numbers (a CSV counts its header as row 1).
        let earlier = try #require(marks.firstIndex { $0.key == LF.kidB && $0.day == LF.date("2025-09-02") })
        let (x, y) = (try #require(a.conflicts.first), try #require(b.conflicts.first))
        #expect(y.row + 1 == x.row && y.row == marks.count && y.field == x.field)
        #expect(y.rule.contains("replaces row \(earlier + 1) (unexcused → late)"))
        #expect(y.rule.replacingOccurrences(of: "row \(earlier + 1) ", with: "row \(earlier + 2) ") == x.rule)
        #expect(try byColumns.read { try StoredMarks.all($0) } == byCSV.read { try StoredMarks.all($0) })
        try byColumns.verify()
        let head = try byColumns.head()
        let (again, _) = try columns(byColumns, marks.map { ($0.key, $0.day.yyyymmdd, Int($0.kind.rawValue)) })
        #expect(again.changed == 0 && again.unchanged == a.changed, "the same columns again record nothing")
        #expect(try byColumns.head() == head)
    }

    @Test func badColumnsAreRefusedInTheWordsOfTheCSVImport() throws {
        // DOMAIN.md §7: marks on days that are not school days, in the future, or of no kind are
        // refused by name; the same values as CSV text give the same problems.
        let rows: [(key: String, date: Int32, kind: Int)] = [
            (LF.kidA, 20_250_908, 0),
            (LF.kidA, 20_250_906, 0),  // a Saturday
            (LF.kidA, 20_250_230, 0),  // no date
            (LF.kidA, 20_251_216, 2),  // after today (2025-12-15)
            (LF.kidA, 20_250_909, 9),  // no kind
            (LF.kidA, 20_250_910, -1),
            ("640422000000000000", 20_250_908, 0),  // on no roster
            (LF.kidB, -5, 0),
            (LF.kidB, 20_251_002, 1),  // National Day holiday
        ]
        let (_, byCSV) = try LF.seeded()
        let (_, byColumns) = try LF.seeded()
        let head = try byColumns.head()
        let (_, a) = try csvImport(byCSV, rows.map { "\($0.key),\($0.date),\($0.kind)" })
        let (_, b) = try columns(byColumns, rows)
        #expect(a.count == 8)
        #expect(b.map { LedgerRowProblem(row: $0.row + 1, field: $0.field, rule: $0.rule) } == a)
        #expect(b.map(\.row) == [2, 3, 4, 5, 6, 7, 8, 9])
        #expect(b[0].rule.contains("is not a school day") && b[1].rule == "'20250230' is not a date YYYY-MM-DD")
        #expect(b[3].rule.hasPrefix("'9' is not a mark kind") && b[4].rule.hasPrefix("'-1' is not a mark kind"))
        #expect(try byColumns.head() == head, "a refused batch records nothing")
    }

    @Test func csvDatesYYYYMMDDStoreWhatYYYY_MM_DDStores() throws {
        let (_, iso) = try LF.seeded()
        let (_, packed) = try LF.seeded()
        let (a, _) = try csvImport(iso, marks.map { "\($0.key),\($0.day),\($0.kind.rawValue)" })
        let (b, _) = try csvImport(packed, marks.map { "\($0.key),\($0.day.yyyymmdd),\($0.kind.rawValue)" })
        #expect(a == b && a.changed == marks.count - 1)
        #expect(try iso.read { try StoredMarks.all($0) } == packed.read { try StoredMarks.all($0) })
    }

    @Test func aStreamReadOnceStopsWhenTheRosterChangesAndAReimportCompletesIt() throws {
        let (_, l) = try LF.seeded()
        var t = MarkImportTuning()
        t.partRows = 5
        t.pauseSeconds = 0
        let rows = marks.map { ($0.key, $0.day.yyyymmdd, Int($0.kind.rawValue)) }
        var reads = 0
        var changedRoster = false
        var problems: [LedgerRowProblem] = []
        do {
            _ = try l.importMarkColumns(
                problems: &problems, tuning: t, rereadable: false,
                written: { _, _ in
                    guard !changedRoster else { return }
                    changedRoster = true
                    var moved = LF.roster
                    moved[0].grade = "5"
                    _ = try? l.importStudents(moved)
                }
            ) { add in
                reads += 1
                for (i, m) in rows.enumerated() {
                    var key = m.0
                    try key.withUTF8 { try add(i + 1, $0, m.1, m.2) }
                }
            }
            Issue.record("the import went on after the roster changed")
        } catch KCBXError.storage(let message) {
            #expect(message.contains("cannot be read again") && message.contains("import them again"))
            #expect(message.contains("5 of \(rows.count) marks written"))
        }
        #expect(reads == 1, "a stream is never asked for twice")
        #expect(try l.read { try StoredMarks.count($0) } == 5, "the part written before the change stays, whole")
        try l.verify()
        let (rest, _) = try columns(l, rows)
        #expect(rest.changed == rows.count - 1 - 5 && rest.unchanged == 5, "importing again completes the batch")
        let (_, whole) = try LF.seeded()
        _ = try columns(whole, rows)
        #expect(try l.read { try StoredMarks.all($0) } == whole.read { try StoredMarks.all($0) })
        try l.verify()
    }

    @Test func decimalTextIsTheTextOfString() {
        let d = DecimalText()
        for v: Int64 in [0, 7, -1, 4, 20_250_908, -20_250_908, Int64(Int32.min), Int64.min, Int64.max] {
            #expect(String(decoding: d.text(v), as: UTF8.self) == String(v))
        }
    }
}
