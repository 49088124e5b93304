import Foundation

@testable import KCBXCore

/// The bulk classifier's columns (`Classifier.classifyMany`, behind `kcbx_classify_many`, the
/// ledger sweep and Python's `classify_many`): the input is read as column arrays.
///
/// Layout: byte 0 flags (bit 0 day-number dates, bit 1 raw 32-bit dates, bit 2 ids column,
/// bit 3 leave columns, bits 4-7 child count), bytes 1-2 `as_of` (days from 2025-09-01), then 18
/// bytes per child (birth, grade, registration, registration date, fact bits, group mask), then
/// marks (child row as a signed byte, date, kind, and leave span when bit 3 is set). Dates are
/// 16-bit day offsets from 2025-09-01 unless bit 1 makes them raw values of the encoding.
/// Invariants: one result row per child in order with the caller's ids; every row reads back
/// (values, copies in both encodings, row values) without trapping.
enum BulkHarness: Harness {
    static let classifier: Classifier = orDie { try Classifier(profile: Fixture.policy, calendar: Fixture.calendar) }
    static let base: Int32 = orDie { try CivilDate(iso: "2025-09-01") }.dayNumber

    struct Reader {
        let data: [UInt8]
        var at: Int
        mutating func bytes(_ n: Int) -> UInt64 {
            var v: UInt64 = 0
            for i in 0..<n { v |= UInt64(at + i < data.count ? data[at + i] : 0) << (8 * UInt64(i)) }
            at += n
            return v
        }
        var done: Bool { at >= data.count }
    }

    /// `KCBX_FUZZ_DEBUG=1`: print the decoded columns and the rows (to read a crashing input).
    static let debug = ProcessInfo.processInfo.environment["KCBX_FUZZ_DEBUG"] != nil

    static func run(_ data: [UInt8]) {
        guard !data.isEmpty else { return }
        var r = Reader(data: data, at: 0)
        let flags = UInt8(r.bytes(1))
        let encoding: DateEncoding = flags & 1 == 0 ? .yyyymmdd : .dayNumber
        let raw = flags & 2 != 0
        let withIDs = flags & 4 != 0
        let withLeave = flags & 8 != 0
        let n = Int(flags >> 4)
        func date(_ r: inout Reader) -> Int32 {
            if raw { return Int32(truncatingIfNeeded: r.bytes(4)) }
            let d = CivilDate(dayNumber: base + Int32(Int16(truncatingIfNeeded: r.bytes(2))))
            return encoding == .dayNumber ? d.dayNumber : d.yyyymmdd
        }
        let asOf = CivilDate(dayNumber: base + Int32(Int16(truncatingIfNeeded: r.bytes(2))))
        var birth: [Int32] = []
        var grade: [Int8] = []
        var reg: [Int8] = []
        var regDate: [Int32] = []
        var facts: [UInt32] = []
        var groups: [UInt32] = []
        for _ in 0..<n {
            birth.append(date(&r))
            grade.append(Int8(truncatingIfNeeded: r.bytes(1)))
            reg.append(Int8(truncatingIfNeeded: r.bytes(1)))
            regDate.append(date(&r))
            facts.append(UInt32(truncatingIfNeeded: r.bytes(4)))
            groups.append(UInt32(truncatingIfNeeded: r.bytes(4)))
        }
        let ids: [Int64] = (0..<n).map { Int64($0) * 7 + 1000 }
        var markChild: [Int32] = []
        var markDate: [Int32] = []
        var markKind: [Int8] = []
        var leaveFrom: [Int32] = []
        var leaveTo: [Int32] = []
        while !r.done && markChild.count < 4096 {
            markChild.append(Int32(Int8(truncatingIfNeeded: r.bytes(1))))
            markDate.append(date(&r))
            markKind.append(Int8(truncatingIfNeeded: r.bytes(1)))
            if withLeave {
                leaveFrom.append(date(&r))
                leaveTo.append(date(&r))
            }
        }
        var a = BulkArrays(encoding: encoding)
        a.birth = birth
        a.grade = grade
        a.registration = reg
        a.registrationDate = regDate
        a.factBits = facts
        a.groupMask = groups
        a.ids = withIDs ? ids : nil
        a.expertOpinion = { $0 % 2 == 0 ? "专家意见-\($0)" : nil }
        a.markChild = markChild
        a.markDate = markDate
        a.markKind = markKind
        a.leaveFrom = withLeave ? leaveFrom : nil
        a.leaveTo = withLeave ? leaveTo : nil
        if debug {
            print(
                "bulk input: encoding \(encoding) as_of \(asOf) birth \(birth) grade \(grade) registration \(reg) registration_date \(regDate) facts \(facts) groups \(groups) marks \(markChild) \(markDate) \(markKind) leave \(leaveFrom) \(leaveTo)"
            )
        }
        guard let table = try? classifier.classifyMany(a, asOf: asOf, today: Fixture.asOf) else { return }
        if debug { for row in 0..<n { print("bulk row \(row): \(String(describing: try? table.row(row)))") } }
        require(table.rows == n, "\(table.rows) result rows for \(n) children")
        var column = [Int32](repeating: 0, count: n)
        var idsOut = [Int64](repeating: 0, count: n)
        _ = idsOut.withUnsafeMutableBufferPointer { table.copyChildIDs(into: $0) }
        require(idsOut == (withIDs ? ids : (0..<n).map(Int64.init)), "child ids not copied through")
        for c in TableColumn.allCases {
            for row in 0..<n { require((try? table.value(c, row: row)) != nil, "row \(row) column \(c) unreadable") }
            for e in DateEncoding.allCases { _ = column.withUnsafeMutableBufferPointer { table.copy(c, into: $0, dates: e) } }
        }
        var total = 0
        for s in ChildStatus.allCases { total += table.count(s) }
        require(total == n, "status counts \(total) for \(n) children")
        for row in 0..<n {
            guard let v = try? table.row(row) else {
                require(false, "row \(row) unreadable")
                continue
            }
            require(v.conflicts >= 0 && v.missingDays >= 0 && v.termUnexcusedDays <= v.termSchoolDays, "row \(row) counts \(v)")
        }
    }
}
