@testable import KCBXCore

/// Roster rows (docs/ledger.md) as a CSV file, or as the JSON array `kcbx_ledger_import_students_json`
/// takes when the input starts with `[`: read, then every row validated as an import would.
/// Invariants: a valid row's resident ID, registry number, birth date and region re-parse to
/// themselves; a row is either a student or at least one named problem; a CSV row the byte check
/// accepts (`RosterCSVRow.commonStudent`) is the student the string check makes of it.
enum RosterHarness: Harness {
    static func run(_ data: [UInt8]) {
        var rows: [LedgerStudentRow] = []
        if data.first == UInt8(ascii: "[") {
            guard let text = utf8Text(data), let r = try? LedgerStudentRow.rows(json: text) else { return }
            rows = r
        } else {
            // As the import reads it (streamed); a file the reader refuses is no roster.
            var read: [LedgerStudentRow] = []
            let reading: Void? = try? LedgerStudentRow.readCSVRows(path: Fixture.file(data, "roster.csv")) { n, r in
                let row = r.row
                read.append(row)
                guard let fast = r.commonStudent(asOf: Fixture.asOf) else { return }
                var problems: [LedgerRowProblem] = []
                require(row.validated(row: n, asOf: Fixture.asOf, problems: &problems) == fast, "row \(n): byte and string checks differ")
            }
            guard reading != nil else { return }
            rows = read
        }
        for (i, row) in rows.enumerated() {
            var problems: [LedgerRowProblem] = []
            guard let s = row.validated(row: i + 2, asOf: Fixture.asOf, problems: &problems) else {
                require(!problems.isEmpty, "row \(i + 2) refused without a problem")
                for p in problems { require(p.row == i + 2 && !p.field.isEmpty && !p.rule.isEmpty, "problem without row/field/rule") }
                continue
            }
            require(problems.isEmpty, "a valid row carries problems")
            if !s.residentID.isEmpty {
                guard case .success(let id) = ResidentID.check(s.residentID, asOf: Fixture.asOf) else {
                    fatalError("invariant: stored ID \(s.residentID) invalid")
                }
                require(id.text == s.residentID, "stored ID not normalised")
            }
            if !s.registryNumber.isEmpty {
                require(
                    (try? StudentRegistryNumber(s.registryNumber))?.description == s.registryNumber,
                    "stored registry number \(s.registryNumber)")
            }
            require(s.residentID.isEmpty == s.key.hasPrefix("L"), "student key \(s.key) for ID '\(s.residentID)'")
            require((try? CivilDate(iso: s.birthDate))?.description == s.birthDate, "stored birth date \(s.birthDate)")
            require(s.regionCode.utf8.count == 6 && s.regionCode.utf8.allSatisfy { $0 >= 48 && $0 <= 57 }, "stored region \(s.regionCode)")
            require((0...9).contains(s.grade), "stored grade \(s.grade)")
        }
    }
}
