// Issue 11, "the host process dies": values from a caller that used to trap. Dates outside
// 0001-01-01 … 9999-12-31 in any encoding are refused; date arithmetic saturates instead of
// overflowing Int32; counts above the documented maxima are refused before anything is read or
// allocated; a successful C call ends with the last error cleared whatever a callback did.
import CInterface
import KCBXCTypes
import Testing

@testable import KCBXCore

private func message(_ body: () throws -> Void) -> String? {
    do { try body() } catch let e as KCBXError { return e.description } catch { return "\(error)" }
    return nil
}

@Suite("Boundary: ranges of dates and counts")
struct BoundaryRangeTests {
    @Test("CivilDate: day numbers outside 0001-01-01 … 9999-12-31 are refused as input, clamped when trusted")
    func dayNumberRange() throws {
        for v in [Int32.max, Int32.min, 2_932_897, -719_163, 1_000_000_000] {
            #expect(message { _ = try CivilDate(checkedDayNumber: v, field: "birth_date") }?.contains("birth_date") == true)
            let d = CivilDate(dayNumber: v)
            #expect(CivilDate.validDayNumbers.contains(d.dayNumber))
            #expect(d.yyyymmdd == 99_991_231 || d.yyyymmdd == 10101)
        }
        #expect(try CivilDate(checkedDayNumber: 2_932_896).description == "9999-12-31")
        #expect(try CivilDate(checkedDayNumber: -719_162).description == "0001-01-01")
    }

    @Test("CivilDate arithmetic saturates at the ends of the range instead of overflowing Int32")
    func arithmeticSaturates() throws {
        let d = try CivilDate(iso: "2025-09-08")
        #expect(d.adding(days: Int.max) == CivilDate.latest && d.adding(days: Int.min) == CivilDate.earliest)
        #expect(d.adding(days: Int(Int32.max)).yyyymmdd == 99_991_231)
        #expect(d.adding(months: Int.max) == CivilDate.latest && d.adding(months: Int.min) == CivilDate.earliest)
        #expect(CivilDate.latest.adding(months: 1) == CivilDate.latest)
        #expect(d.adding(days: 7).description == "2025-09-15" && d.adding(months: -1).description == "2025-08-08")
    }

    @Test("classify_many in day numbers: a birth date, registration date or mark far outside any calendar is refused by name")
    func bulkDayNumbers() throws {
        let c = try calendar2025()
        let k = try classifier("guyuan-2021", c)
        let monday = try CivilDate(iso: "2025-09-08").dayNumber
        for bad in [Int32.max, Int32.min + 1, 2_932_897, -1_000_000_000] {
            var a = BulkArrays(encoding: .dayNumber)
            a.birth = [bad]
            a.grade = [0]
            a.registration = [0]
            a.registrationDate = [Int32.min]
            a.factBits = [0]
            a.groupMask = [0]
            a.markChild = [0]
            a.markDate = [monday]
            a.markKind = [0]
            #expect(
                message { _ = try k.classifyMany(a, asOf: day("2025-09-15"), today: day("2025-09-15")) }?.contains("birth_date[0]") == true)
            a.birth = [Int32.min]
            a.markDate = [bad]
            #expect(
                message { _ = try k.classifyMany(a, asOf: day("2025-09-15"), today: day("2025-09-15")) }?.contains("marks.date[0]") == true)
        }
    }

    @Test("classify_many: more than 100,000,000 children per call is refused before any allocation")
    func childCount() throws {
        let c = try calendar2025()
        let k = try classifier("guyuan-2021", c)
        let none = UnsafeBufferPointer<Int32>(start: nil, count: 0)
        let kinds = UnsafeBufferPointer<Int8>(start: nil, count: 0)
        let children = ChildColumns(count: Int(Int32.max) - 1, encoding: .yyyymmdd)
        let marks = MarkColumns(child: none, date: none, kind: kinds, encoding: .yyyymmdd)
        #expect(
            message { _ = try k.classifyMany(children: children, marks: marks, asOf: day("2025-09-15")) }?.contains("100000000") == true)
    }

    @Test("C: n_children near INT32_MAX and day numbers out of range return KCBX_STATUS_INVALID_INPUT")
    func cCounts() throws {
        var p: OpaquePointer?
        var cal: OpaquePointer?
        var t: OpaquePointer?
        #expect(kcbx_policy_builtin("guyuan-2021", &p) == .ok)
        let json = try calendar2025().json()
        #expect(kcbx_calendar_from_json(json, &cal) == .ok)
        defer {
            kcbx_policy_free(p)
            kcbx_calendar_free(cal)
        }
        var o = kcbx_classify_many_options()
        #expect(kcbx_classify_many_options_init(&o, UInt32(KCBX_CLASSIFY_MANY_OPTIONS_VERSION)) == .ok)
        o.n_children = Int64(Int32.max) - 1
        #expect(kcbx_classify_many(p, cal, 20_250_915, &o, &t) == .invalidInput)
        #expect(String(cString: kcbx_last_error_message()).contains("n_children"))
        let birth: [Int32] = [Int32.max]
        let status = birth.withUnsafeBufferPointer { b -> kcbx_status in
            o.encoding = 1
            o.n_children = 1
            o.birth_dates = b.baseAddress
            return kcbx_classify_many(p, cal, 20_250_915, &o, &t)
        }
        #expect(status == .invalidInput)
        #expect(String(cString: kcbx_last_error_message()).contains("birth_date[0]"))
        #expect(t == nil)
    }
}
