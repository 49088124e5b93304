@testable import KCBXCore

/// Attendance marks CSV (student,date,kind[,leave_from,leave_to,slip]) imported into a small county
/// ledger (`Ledger.importMarksCSV`, the path of `kcbx_ledger_import_marks_csv` and `kcbx import`).
/// Invariants: a refused file names at least one problem or error and records nothing; an
/// accepted file accounts for every row, and importing it again changes nothing (DOMAIN.md §7).
enum MarksHarness: Harness {
    static func run(_ data: [UInt8]) {
        let l = Fixture.ledger
        let path = Fixture.file(data, "marks.csv")
        let before = head(l)
        var problems: [LedgerRowProblem] = []
        let result: LedgerMarkImportResult
        do { result = try l.importMarksCSV(path: path, problems: &problems) } catch {
            require(head(l) == before, "a refused marks file changed the ledger")
            return
        }
        require(problems.isEmpty, "accepted import with problems")
        require(result.changed + result.unchanged <= result.rows, "marks import counts \(result)")
        var again: [LedgerRowProblem] = []
        do {
            let second = try l.importMarksCSV(path: path, problems: &again)
            require(second.changed == 0, "re-importing the same marks changed \(second.changed)")
        } catch { fatalError("invariant: re-importing accepted marks failed: \(error)") }
    }

    nonisolated(unsafe) static var known: Int64 = 0

    /// The newest event's sequence number.
    static func head(_ l: Ledger) -> Int64 {
        while let e = orDie({ try l.events(after: known, limit: 1000) }).last { known = e.seq }
        return known
    }
}
