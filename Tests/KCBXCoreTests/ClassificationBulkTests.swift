// Bulk classification from columns (issue 3): the table's columns, duplicate marks reported by
// their positions in the input, deterministic errors naming the column and index, and the C
// enums matching the core's codes.
import CInterface
import Foundation
import Testing

@testable import KCBXCore

private func bulkError(_ body: () throws -> Void) -> String? {
    do { try body() } catch let e as KCBXError { return e.description } catch { return "\(error)" }
    return nil
}

@Suite("Classification: bulk columns")
struct ClassificationBulkTests {
    @Test("001 附件1 填表说明1-2 in bulk: one call classifies every child; columns, dates in both encodings, counts")
    func bulkTable() throws {
        let c = try calendar2025()
        let k = try classifier("guyuan-2021", c)
        // Child 0 attends; child 1 absent from 8 Sept (suspected 15 Sept, dropout 16 Oct); child 2 is
        // on leave; child 3 has no registration (out of school, reason B); child 4 has no marks.
        var child: [Int32] = []
        var date: [Int32] = []
        var kind: [Int8] = []
        func add(_ ch: Int32, _ ms: [AttendanceMark]) {
            for m in ms {
                child.append(ch)
                date.append(m.date.yyyymmdd)
                kind.append(Int8(m.kind.rawValue))
            }
        }
        add(0, marks(.present, from: "2025-09-01", through: "2025-10-20", in: c))
        add(
            1,
            marks(.present, from: "2025-09-01", through: "2025-09-05", in: c)
                + marks(.unexcused, from: "2025-09-08", through: "2025-10-20", in: c))
        add(
            2,
            marks(.present, from: "2025-09-01", through: "2025-10-16", in: c)
                + marks(.approvedLeave, from: "2025-10-17", through: "2025-10-20", in: c))
        var facts = [ChildFacts](repeating: ChildFacts(), count: 5)
        facts[3] = ChildFacts(birthDate: day("2012-05-01"), registration: .none)
        facts[1].groups = [.leftBehind]
        let t = try k.classifyMany(
            children: facts, ids: [10, 11, 12, 13, 14], markChild: child, markDate: date, markKind: kind,
            encoding: .yyyymmdd, asOf: day("2025-10-20"))
        #expect(t.rows == 5)
        #expect(try (0..<5).map { try t.row($0).status } == [.inSchool, .dropout, .onLeave, .outOfSchool, .attendanceUnknown])
        #expect(
            try t.row(1).since == day("2025-10-16") && t.row(1).streakStart == day("2025-09-08") && t.row(1).rule == .dropoutAfterSuspected)
        #expect(try t.row(1).riskFlags.contains(.specialGroup) && t.row(1).riskFlags.contains(.chronicAbsence))
        #expect(try t.row(3).proposedReason == .B && t.row(4).alerts.contains(.missingAttendance))
        #expect(try t.value(.childID, row: 2) == 12 && t.value(.status, row: 1) == Int64(ChildStatus.dropout.rawValue))
        var out = [Int32](repeating: -1, count: 5)
        out.withUnsafeMutableBufferPointer { _ = t.copy(.since, into: $0, dates: .yyyymmdd) }
        #expect(out[1] == 20_251_016 && out[4] == 0)
        out.withUnsafeMutableBufferPointer { _ = t.copy(.streakStart, into: $0, dates: .dayNumber) }
        #expect(out[1] == day("2025-09-08").dayNumber && out[0] == Int32.min)
        var ids = [Int64](repeating: 0, count: 5)
        ids.withUnsafeMutableBufferPointer { _ = t.copyChildIDs(into: $0) }
        #expect(ids == [10, 11, 12, 13, 14])
        #expect(t.count(.dropout) == 1 && t.count(.suspectedDropout) == 0)
    }

    @Test("DOMAIN.md §7 in bulk: duplicates are resolved later-wins and reported by input position")
    func bulkConflicts() throws {
        let c = try calendar2025()
        let k = try classifier("guyuan-2021", c)
        let d8 = day("2025-09-08").dayNumber
        let d9 = day("2025-09-09").dayNumber
        // Shuffled: child 1 first, child 0's duplicate at positions 1 and 3.
        let t = try k.classifyMany(
            children: [ChildFacts(), ChildFacts()], markChild: [1, 0, 0, 0], markDate: [d8, d8, d9, d8],
            markKind: [0, 2, 0, 0], asOf: day("2025-09-09"))
        #expect(t.conflicts == [BulkMarkConflict(row: 0, date: day("2025-09-08"), replacedMark: 1, keptMark: 3)])
        #expect(try t.row(0).conflicts == 1 && t.row(0).termUnexcusedDays == 0 && t.row(0).alerts.contains(.conflictingMarks))
    }

    @Test("Bulk input errors are deterministic and name the column and index (weekend, unknown codes, bad dates, facts)")
    func bulkErrors() throws {
        let c = try calendar2025()
        let k = try classifier("guyuan-2021", c)
        let asOf = day("2025-09-19")
        func run(
            children: [ChildFacts] = [ChildFacts(), ChildFacts()], child: [Int32], date: [String], kind: [Int8],
            leaveFrom: [Int32]? = nil
        ) -> String? {
            bulkError {
                _ = try k.classifyMany(
                    children: children, markChild: child, markDate: date.map { day($0).dayNumber }, markKind: kind,
                    leaveFrom: leaveFrom, asOf: asOf)
            }
        }
        let weekend = run(
            child: [0, 0, 1, 1, 0], date: ["2025-09-08", "2025-09-09", "2025-09-13", "2025-09-10", "2025-09-14"], kind: [0, 0, 0, 0, 0])
        #expect(weekend?.hasPrefix("marks.date[2]: ") == true && weekend?.contains("Saturday") == true)
        #expect(run(child: [2], date: ["2025-09-08"], kind: [0])?.hasPrefix("marks.child[0]") == true)
        #expect(run(child: [0, 1], date: ["2025-09-08", "2025-09-08"], kind: [0, 9])?.hasPrefix("marks.kind[1]") == true)
        #expect(
            run(child: [0], date: ["2025-09-08"], kind: [0], leaveFrom: [day("2025-09-08").dayNumber])?.hasPrefix("marks.leave_from[0]")
                == true)
        #expect(run(child: [0], date: ["2025-10-03"], kind: [2])?.contains("国庆节") == true)
        let notADate = bulkError {
            _ = try k.classifyMany(
                children: [ChildFacts()], markChild: [0], markDate: [20_250_931], markKind: [0], encoding: .yyyymmdd, asOf: asOf)
        }
        #expect(notADate?.hasPrefix("marks.date[0]: 20250931 is not a date") == true)
        let shape = bulkError {
            _ = try k.classifyMany(children: [ChildFacts()], markChild: [0, 0], markDate: [1], markKind: [0], asOf: asOf)
        }
        #expect(shape?.hasPrefix("marks:") == true)
        var deferred = [ChildFacts](repeating: ChildFacts(), count: 4)
        deferred[3].registration = .deferred
        deferred[2].registration = .suspended
        deferred[2].expertOpinion = "opinion"
        let refused = bulkError { _ = try k.classifyMany(children: deferred, markChild: [], markDate: [], markKind: [], asOf: asOf) }
        #expect(refused?.contains("children[3].expert_opinion") == true && refused?.contains("000, 002") == true)
        let born = bulkError {
            _ = try k.classifyMany(
                children: [ChildFacts(), ChildFacts(birthDate: day("2025-09-09"))], markChild: [1], markDate: [day("2025-09-08").dayNumber],
                markKind: [0], asOf: asOf)
        }
        #expect(born?.hasPrefix("marks.date[0]") == true && born?.contains("before the birth date") == true)
        // Unknown registration codes and group bits, raw columns.
        let bad: [Int8] = [0, 9]
        let msg = bad.withUnsafeBufferPointer { reg in
            bulkError {
                let cols = ChildColumns(count: 2, registration: reg, encoding: .dayNumber)
                let none = UnsafeBufferPointer<Int32>(start: nil, count: 0)
                _ = try k.classifyMany(
                    children: cols,
                    marks: MarkColumns(child: none, date: none, kind: UnsafeBufferPointer(start: nil, count: 0), encoding: .dayNumber),
                    asOf: asOf)
            }
        }
        #expect(msg?.hasPrefix("children.registration[1]") == true)
        let groups: [UInt32] = [1 << 20]
        let gmsg = groups.withUnsafeBufferPointer { g in
            bulkError {
                let none = UnsafeBufferPointer<Int32>(start: nil, count: 0)
                _ = try k.classifyMany(
                    children: ChildColumns(count: 1, groupMask: g, encoding: .dayNumber),
                    marks: MarkColumns(child: none, date: none, kind: UnsafeBufferPointer(start: nil, count: 0), encoding: .dayNumber),
                    asOf: asOf)
            }
        }
        #expect(gmsg?.hasPrefix("children.group_mask[0]") == true)
    }

    /// The KCBX_* constants of include/kcbx.h. (Read from the header, not through Swift: in debug
    /// builds Swift 6.3 misreports `rawValue` of a non-zero-based `@c` enum used from another module.)
    private static func headerConstants() throws -> [String: Int] {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let text = try String(contentsOf: root.appendingPathComponent("include/kcbx.h"), encoding: .utf8)
        var out: [String: Int] = [:]
        for line in text.split(separator: "\n") {
            let t = line.trimmingCharacters(in: .whitespaces)
            guard t.hasPrefix("KCBX_"), t.hasSuffix(","), let eq = t.range(of: " = ") else { continue }
            out[String(t[..<eq.lowerBound])] = Int(t[eq.upperBound...].dropLast())
        }
        return out
    }

    private static func constant(_ s: String) -> String {
        var out = ""
        for ch in s {
            if ch.isUppercase, !out.isEmpty { out += "_" }
            out += ch.uppercased()
        }
        return out
    }

    @Test(
        "include/kcbx.h: the C enums carry the core's codes (status, mark kind, registration, rule, alert and flag bits, groups, columns, reasons)"
    )
    func cEnumsMatchCore() throws {
        let h = try Self.headerConstants()
        func check(_ prefix: String, _ name: String, _ value: Int) {
            #expect(h["KCBX_\(prefix)_\(Self.constant(name))"] == value, "KCBX_\(prefix)_\(Self.constant(name))")
        }
        for s in ChildStatus.allCases { #expect(h["KCBX_CHILD_STATUS_\(s.label.uppercased())"] == Int(s.rawValue), "\(s)") }
        for m in MarkKind.allCases { #expect(h["KCBX_MARK_KIND_\(m.label.uppercased())"] == Int(m.rawValue), "\(m)") }
        for r in ClassificationRule.allCases { #expect(h["KCBX_RULE_\(r.label.uppercased())"] == Int(r.rawValue), "\(r)") }
        for r in RegistrationState.allCases { check("REGISTRATION", caseName(r), Int(r.rawValue)) }
        for (a, label) in AlertSet.all { #expect(h["KCBX_ALERT_\(label.uppercased())"] == Int(a.rawValue), "\(label)") }
        for (f, label) in RiskFlags.all { #expect(h["KCBX_RISK_FLAG_\(label.uppercased())"] == Int(f.rawValue), "\(label)") }
        for g in SpecialGroup.allCases { #expect(h["KCBX_SPECIAL_GROUP_\(g.rawValue.uppercased())"] == g.bit.trailingZeroBitCount, "\(g)") }
        #expect(h["KCBX_CHILD_FACT_NOT_IN_HOUSEHOLD_REGISTRY"] == Int(ChildFactBits.notInHouseholdRegistry.rawValue))
        #expect(h["KCBX_CHILD_FACT_STUDYING_ELSEWHERE"] == Int(ChildFactBits.studyingElsewhere.rawValue))
        #expect(h["KCBX_CHILD_FACT_PAST_DROPOUT"] == Int(ChildFactBits.pastDropout.rawValue))
        for c in TableColumn.allCases { check("TABLE_COLUMN", c == .childID ? "childId" : caseName(c), Int(c.rawValue)) }
        for (i, r) in ReasonCode.allCases.enumerated() { #expect(h["KCBX_REASON_\(r.rawValue)"] == i + 1) }
        #expect(h["KCBX_REASON_NONE"] == 0)
        #expect(
            h["KCBX_DATE_ENCODING_YYYYMMDD"] == Int(DateEncoding.yyyymmdd.rawValue)
                && h["KCBX_DATE_ENCODING_DAY_NUMBER"] == Int(DateEncoding.dayNumber.rawValue))
    }
}

/// The Swift case name of an enum value ("suspectedDropout").
private func caseName<T>(_ v: T) -> String { String(describing: v) }
