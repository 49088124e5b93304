import KCBXCTypes
import Testing

// The Arrow C stream interface (issue 14, docs/arrow.md) from Swift: a table exported by
// ArrowOutTable is read back by ArrowImport and classified by kcbx_classify_arrow, as a C host
// would. Seed 004 二（三）2: three unexcused school days raise the three-line report (dongchuan-2025).
@testable import CInterface
@testable import KCBXCore

private func stream(_ t: ArrowOutTable) throws -> UnsafeMutablePointer<ArrowArrayStream> {
    let s = UnsafeMutablePointer<ArrowArrayStream>.allocate(capacity: 1)
    try t.export(into: s)
    return s
}

private func marksTable(kind: ArrowOutColumn? = nil) throws -> ArrowOutTable {
    var t = ArrowOutTable()
    let monday = try CivilDate(year: 2025, month: 9, day: 8).dayNumber
    t.add("child", .int32([0, 0, 0, 1, 1]))
    t.add("date", .date32([monday, monday + 1, monday + 2, monday, monday + 1], valid: nil))
    t.add("kind", kind ?? .int8([2, 2, 2, 0, 0]))
    return t
}

private func classifier() throws -> Classifier {
    let cal = try SchoolCalendar.standard([StandardSchoolYear(schoolYear: 2025)])
    return try Classifier(profile: try PolicyProfile.builtin("dongchuan-2025"), calendar: cal)
}

@Test func arrowMarksInPlaceClassifyAsTheColumnsDo() throws {
    let s = try stream(try marksTable())
    defer { s.deallocate() }
    let table = try ArrowClassification.classify(
        try classifier(), asOf: try CivilDate(year: 2025, month: 9, day: 10), marks: s, children: nil)
    #expect(s.pointee.release == nil)  // consumed
    #expect(table.rows == 2)
    #expect(try table.row(0).status == .threeLineAlert)
    #expect(try table.row(1).status == .inSchool)
    #expect(table.convertedInputs.isEmpty)  // int32 rows 0,0,0,1,1 / date32 / int8 used in place
}

@Test func arrowTextKindsAndTextKeysAreConverted() throws {
    var labels = TextColumn()
    for l in ["无故缺勤", "unexcused", "unexcused", "present", "late"] { try labels.append(l) }
    var t = try marksTable(kind: .utf8(labels, valid: nil))
    var keys = TextColumn()
    for k in ["b", "b", "b", "a", "a"] { try keys.append(k) }
    t.fields[0] = ArrowOutField(name: "child", column: .utf8(keys, valid: nil))
    let s = try stream(t)
    defer { s.deallocate() }
    let table = try ArrowClassification.classify(
        try classifier(), asOf: try CivilDate(year: 2025, month: 9, day: 10), marks: s, children: nil)
    #expect(table.childKeys.map { [$0[0], $0[1]] } == ["a", "b"])  // rows follow the sorted keys
    #expect(try table.row(1).status == .threeLineAlert)
    #expect(Set(table.convertedInputs) == ["child", "kind"])
}

@Test func arrowErrorsNameTheColumnAndRow() throws {
    let s = try stream(try marksTable(kind: .dictionary(codes: [0, 0, 1, 0, 0], labels: ["present", "skipped"], valid: nil)))
    defer { s.deallocate() }
    #expect(throws: KCBXError.self) {
        try ArrowClassification.classify(try classifier(), asOf: try CivilDate(year: 2025, month: 9, day: 10), marks: s, children: nil)
    }
    #expect(s.pointee.release == nil)  // released on failure too
    do {
        let s2 = try stream(try marksTable(kind: .dictionary(codes: [0, 0, 1, 0, 0], labels: ["present", "skipped"], valid: nil)))
        defer { s2.deallocate() }
        _ = try ArrowClassification.classify(try classifier(), asOf: try CivilDate(year: 2025, month: 9, day: 10), marks: s2, children: nil)
    } catch let e as KCBXError {
        #expect("\(e)".contains("marks.kind[2]"))
    }
}

@Test func arrowOutTableRoundTripsThroughArrowImport() throws {
    var t = ArrowOutTable()
    t.add("n", .int64([1, 2, 3]))
    t.add("d", .date32([0, 1, 2], valid: [true, false, true]))
    t.metadata = [("kcbx:title", "三查")]
    let s = try stream(t)
    defer { s.deallocate() }
    let imp = try ArrowImport(stream: s, "t", maxRows: 10)
    #expect(imp.rows == 3)
    let (n, borrowed) = try #require(imp.column("n")).integers(Int64.self, format: "l")
    #expect(Array(n) == [1, 2, 3] && borrowed)
    let (d, _) = try #require(imp.column("d")).dates(.dayNumber)
    #expect(Array(d) == [0, Int32.min, 2])  // null is "no date"
}

/// Issue 14, streams of many batches: two slices of the marks classified apart (the second with
/// its first mark index) and joined give the table of one call, conflicts renumbered.
@Test func arrowBatchSlicesJoinedEqualOneCall() throws {
    let c = try classifier()
    let monday = try CivilDate(year: 2025, month: 9, day: 8).dayNumber
    let child: [Int32] = [0, 0, 0, 1, 1, 1, 2, 2]
    let date: [Int32] = [monday, monday + 1, monday + 2, monday, monday, monday + 1, monday, monday + 2]
    let kind: [Int8] = [2, 2, 2, 0, 2, 0, 0, 2]
    let asOf = try CivilDate(year: 2025, month: 9, day: 12)
    let whole = try c.classifyMany(
        children: [ChildFacts](repeating: ChildFacts(), count: 3), ids: [10, 11, 12],
        markChild: child, markDate: date, markKind: kind, asOf: asOf)
    let first = try c.classifyMany(
        children: [ChildFacts(), ChildFacts()], ids: [10, 11], markChild: Array(child[0..<6]),
        markDate: Array(date[0..<6]), markKind: Array(kind[0..<6]), asOf: asOf)
    var second: ClassificationTable?
    try [Int32(0), 0].withUnsafeBufferPointer { ch in
        try Array(date[6...]).withUnsafeBufferPointer { d in
            try Array(kind[6...]).withUnsafeBufferPointer { k in
                try [Int64(12)].withUnsafeBufferPointer { ids in
                    var m = MarkColumns(child: ch, date: d, kind: k, encoding: .dayNumber)
                    m.firstIndex = 6
                    second = try c.classifyMany(children: ChildColumns(count: 1, ids: ids, encoding: .dayNumber), marks: m, asOf: asOf)
                }
            }
        }
    }
    var parts = [first, try #require(second)]
    let joined = try ClassificationTable.joined(&parts, asOf: asOf, idsAreRows: false)
    #expect(parts.isEmpty)
    #expect(try (0..<3).map { try joined.row($0) } == (0..<3).map { try whole.row($0) })
    #expect(joined.conflicts == whole.conflicts && joined.conflicts.count == 1 && joined.conflicts[0].row == 1)
    // 004 二（三）2: three unexcused school days, child 10.
    #expect(try joined.row(0).status == .threeLineAlert)
}
