// Inputs found by the libFuzzer harnesses (fuzz/README.md); each crashing input is also
// committed in fuzz/regressions/<harness>/ and replayed by `make fuzz-smoke`.
import Testing

@testable import KCBXCore

@Test("fuzz bulk crash-0bc14341: a day-number birth date outside the years 0001-9999 is refused, not classified and trapped on read-back")
func bulkDayNumberOutsideCivilYearsIsRefused() throws {
    let cal = try SchoolCalendar.standard(schoolYear: 2025)
    let classifier = try Classifier(profile: try PolicyProfile.builtin("guyuan-2021"), calendar: cal)
    let asOf = try CivilDate(iso: "2025-09-01")
    let today = try CivilDate(iso: "2025-12-15")
    // The fuzzer's columns: child 0 born on day -788529152 (year about -2.16 million), no registration.
    var a = BulkArrays(encoding: .dayNumber)
    a.birth = [-788_529_152, 0]
    a.grade = [0, 0]
    a.registration = [1, 0]
    a.registrationDate = [Int32.min, Int32.min]
    a.factBits = [0, 0]
    a.groupMask = [0, 0]
    #expect(throws: KCBXError.self) { _ = try classifier.classifyMany(a, asOf: asOf, today: today) }
    // The edges of the range still classify, and read back in both encodings.
    a.birth = [-719_162, try CivilDate(iso: "2016-03-10").dayNumber]
    let table = try classifier.classifyMany(a, asOf: asOf, today: today)
    var out = [Int32](repeating: 0, count: table.rows)
    for c in TableColumn.allCases {
        for e in DateEncoding.allCases { _ = out.withUnsafeMutableBufferPointer { table.copy(c, into: $0, dates: e) } }
    }
    #expect((try? CivilDate(year: 1, month: 1, day: 1))?.dayNumber == -719_162)
    #expect((try? CivilDate(year: 9999, month: 12, day: 31))?.dayNumber == 2_932_896)
}

/// A row outside the table is an error naming it, never a trap (issue 11: no precondition
/// reachable from a C call; kcbx_table_value goes through `value(_:row:)`).
@Test("ClassificationTable: a row outside 0..<rows is an error, not a trap")
func tableRowOutsideIsAnError() throws {
    let classifier = try Classifier(
        profile: try PolicyProfile.builtin("guyuan-2021"), calendar: try SchoolCalendar.standard(schoolYear: 2025))
    var a = BulkArrays(encoding: .dayNumber)
    a.birth = [try CivilDate(iso: "2016-03-10").dayNumber, try CivilDate(iso: "2015-05-01").dayNumber]
    a.grade = [0, 0]
    a.registration = [0, 0]
    a.registrationDate = [Int32.min, Int32.min]
    a.factBits = [0, 0]
    a.groupMask = [0, 0]
    let t = try classifier.classifyMany(a, asOf: try CivilDate(iso: "2025-09-01"), today: try CivilDate(iso: "2025-12-15"))
    #expect(t.rows == 2)
    _ = try t.row(1)
    #expect(throws: KCBXError.self) { _ = try t.row(2) }
    #expect(throws: KCBXError.self) { _ = try t.value(.status, row: -1) }
}
