import Foundation
import Testing

@testable import KCBXCore

/// Data and access (issue 11): refusals disclose nothing, one masking rule on every output path,
/// CSV injection neutralised, one file writer with one policy.
@Suite("Access") struct AccessTests {
    static let maskedD = IDMask.key(LF.kidD)

    // MARK: Refusals disclose nothing

    @Test("a refused case operation names the child only masked, not its school or township")
    func refusalMessageDisclosesNothing() throws {
        let (p, county) = try LF.seeded()
        let d = try county.openCase(student: LF.kidD, kind: .suspectedDropout, on: LF.date("2025-10-20"))
        let school = try LF.open(p, LF.schoolA1Actor)
        for attempt in [
            { _ = try school.recordAction(d.id, .homeVisit, on: LF.date("2025-10-21")) },
            { _ = try school.openCase(student: LF.kidD, kind: .dropout, on: LF.date("2025-10-21")) },
            { _ = try school.ledgerCase(d.id) },
            { _ = try school.history(student: LF.kidD) },
        ] as [() throws -> Void] {
            do {
                try attempt()
                Issue.record("not refused")
            } catch let KCBXError.permissionDenied(m) {
                #expect(!m.contains(LF.kidD) && !m.contains(LF.schoolB1) && !m.contains(LF.townB), "\(m)")
            }
        }
    }

    @Test("an unknown key and a key outside the jurisdiction get the same refusal")
    func unknownAndOutsideAlike() throws {
        let (p, _) = try LF.seeded()
        let school = try LF.open(p, LF.schoolA1Actor)
        let unknown = LF.rid("20160101", 99)
        func message(_ key: String) -> String {
            do {
                _ = try school.openCase(student: key, kind: .dropout, on: LF.date("2025-10-21"))
                return ""
            } catch { return "\(error)" }
        }
        #expect(
            message(unknown).replacingOccurrences(of: IDMask.key(unknown), with: "K")
                == message(LF.kidD).replacingOccurrences(of: Self.maskedD, with: "K"))
    }

    @Test("marks import: a key on no roster and a key on another unit's roster are the same problem; the latter recorded")
    func marksProblemListDisclosesNothing() throws {
        let (p, county) = try LF.seeded()
        let school = try LF.open(p, LF.schoolA1Actor)
        let unknown = LF.rid("20160101", 99)
        var problems: [LedgerRowProblem] = []
        #expect(throws: KCBXError.self) {
            _ = try school.importMarks(
                [
                    LedgerMarkRow(student: unknown, date: "2025-09-08", kind: "unexcused"),
                    LedgerMarkRow(student: LF.kidD, date: "2025-09-08", kind: "unexcused"),
                ], problems: &problems)
        }
        #expect(problems.count == 2)
        #expect(
            problems[0].rule.replacingOccurrences(of: IDMask.key(unknown), with: "K")
                == problems[1].rule.replacingOccurrences(of: Self.maskedD, with: "K"))
        #expect(!problems.map(\.rule).joined().contains(LF.kidD))
        let last = try #require(try county.events().last)
        #expect(last.kind == "access.refused" && last.actor == LF.schoolA1Actor && last.reason.contains("record attendance"))
    }

    @Test("re-importing another unit's exact roster row is refused, not reported unchanged")
    func reimportOfForeignRowRefused() throws {
        let (p, county) = try LF.seeded()
        let school = try LF.open(p, LF.schoolA1Actor)
        let before = try county.head().seq
        do {
            _ = try school.importStudents([LF.roster[3]])
            Issue.record("confirmed a guessed record")
        } catch let KCBXError.permissionDenied(m) { #expect(!m.contains(LF.kidD) && !m.contains(LF.schoolB1)) }
        #expect(try county.head().seq == before + 1)
        #expect(try county.events().last?.kind == "access.refused")
        // Its own rows are still unchanged.
        #expect(try school.importStudents([LF.roster[0]]).unchanged == 1)
    }

    @Test("reconciliation intake: a key on no roster and a key outside the jurisdiction are refused alike, each recorded")
    func intakeDisclosesNothing() throws {
        let (p, county) = try LF.seeded()
        let school = try LF.open(p, LF.schoolA1Actor)
        let unknown = LF.rid("20160101", 99)
        let findings = try Finding.list(
            json: """
                [{"kind": "registered_not_attending", "resident_id": "\(unknown)", "name": "甲"},
                 {"kind": "registered_not_attending", "resident_id": "\(LF.kidD)", "name": "乙"}]
                """)
        let before = try county.head().seq
        let s = try school.intake(findings, asOf: LF.date("2025-10-20"))
        #expect(Set(s.refused) == [unknown, LF.kidD] && s.skipped.isEmpty && s.opened.isEmpty)
        #expect(try county.head().seq == before + 2, "each refusal recorded")
        // (The summary echoes only the keys the actor sent; it adds nothing about where a child is.)
        #expect(!s.jsonValue.serialized(pretty: false).contains(LF.schoolB1))
    }

    // MARK: One masking rule

    static func casesLedger() throws -> (String, Ledger) {
        let (p, l) = try LF.seeded()
        try LF.marks(l, LF.kidA, .unexcused, "2025-09-08", "2025-10-31")
        let a = try l.openCase(student: LF.kidA, kind: .suspectedDropout, on: LF.date("2025-10-20"))
        try l.recordAction(a.id, .homeVisit, on: LF.date("2025-10-21"))
        return (p, l)
    }

    @Test("listings mask IDs for everyone by default: cases, case and student history, due list, escalation")
    func listingsMasked() throws {
        let (p, county) = try Self.casesLedger()
        for actor in [
            LF.countyActor, LF.schoolA1Actor, LF.townAActor, LF.actor(.department, LF.county, "公安"), LF.actor(.classTeacher, LF.schoolA1),
        ] {
            let l = try LF.open(p, actor)
            let before = try county.head().seq
            var text = try l.cases().map { $0.jsonValue.serialized(pretty: false) }.joined()
            text += try l.history(case: 1).map { $0.jsonValue.serialized(pretty: false) }.joined()
            text += try l.history(student: LF.kidA).map { $0.jsonValue.serialized(pretty: false) }.joined()
            let due = try l.due(asOf: LF.date("2025-10-31"))
            #expect(!due.isEmpty)
            text += due.jsonValue.serialized(pretty: false) + due.csv()
            if actor.mayWrite && actor.level >= .school {
                text += try l.escalate(asOf: LF.date("2025-10-31")).jsonValue.serialized(pretty: false)
            }
            #expect(text.contains(IDMask.key(LF.kidA)), "\(actor)")
            #expect(!text.contains(LF.kidA) && !text.contains(LF.kidB), "\(actor): \(text.prefix(300))")
            if !(actor.mayWrite && actor.level >= .school) { #expect(try county.head().seq == before, "reading records nothing") }
        }
    }

    @Test("full IDs on a listing: county and above only, each read recorded; below county refused and recorded")
    func fullIDsOneRule() throws {
        let (p, county) = try Self.casesLedger()
        var f = LedgerCaseFilter()
        f.fullIDs = true
        #expect(try county.cases(f).first?.student == LF.kidA)
        #expect(try county.events().last?.kind == "export.full_ids")
        #expect(try county.history(case: 1, fullIDs: true).contains { $0.student == LF.kidA })
        #expect(try county.due(asOf: LF.date("2025-10-31"), fullIDs: true).contains { $0.student == LF.kidA })
        #expect(try county.events().last?.kind == "export.full_ids")
        for actor in [LF.schoolA1Actor, LF.townAActor, LF.actor(.department, LF.county, "公安"), LF.actor(.village, "640422100001")] {
            let l = try LF.open(p, actor)
            #expect { _ = try l.cases(f) } throws: { isDenied($0) }
            #expect(try county.events().last.map { $0.kind == "access.refused" && $0.actor == actor } == true)
            #expect { _ = try l.due(asOf: LF.date("2025-10-31"), fullIDs: true) } throws: { isDenied($0) }
            #expect { _ = try l.history(case: 1, fullIDs: true) } throws: { isDenied($0) }
        }
    }

    @Test("the masking rule is ResidentID.masked; IDs inside text are masked, hashes and other numbers are not")
    func maskRule() throws {
        let id = try ResidentID(LF.kidA)
        #expect(IDMask.key(LF.kidA) == id.masked)
        #expect(IDMask.key("G" + LF.kidA) == "G" + id.masked)
        #expect(IDMask.key("L12345") == "L12345")
        #expect(IDMask.text("学生 \(LF.kidA) 与 G\(LF.kidB)。") == "学生 \(id.masked) 与 G\(try ResidentID(LF.kidB).masked)。")
        let hash = "ab" + String(repeating: "1", count: 18) + "cd"
        #expect(IDMask.text(hash) == hash)
        #expect(IDMask.text("1234567890123456789") == "1234567890123456789", "19 digits are not an ID")
    }

    // MARK: CSV injection

    @Test("formula-leading roster values are neutralised in every CSV export (OWASP)")
    func csvInjection() throws {
        let (p, county) = try LF.seeded()
        var evil = LF.row(LF.rid("20160401", 71), "=HYPERLINK(\"http://x\",\"点我\")", address: "+1+2")
        evil.schoolName = "@SUM(1)"
        _ = try county.importStudents([evil])
        let c = try county.openCase(student: evil.residentID, kind: .suspectedDropout, on: LF.date("2025-10-20"))
        try county.verifyCase(c.id, reason: .G, on: LF.date("2025-10-21"))
        try county.startPersuasion(c.id, plan: "p", person: "-2+3", on: LF.date("2025-10-22"))
        let dir = (p as NSString).deletingLastPathComponent
        for format in LedgerExportFormat.allCases {
            let file = dir + "/\(format.rawValue).csv"
            try county.exportCSV(format, to: file, asOf: LF.date("2025-11-30"))
            let text = try String(contentsOfFile: file, encoding: .utf8)
            #expect(text.contains("\"'=HYPERLINK(\"\"http://x\"\",\"\"点我\"\")\""), "\(format)")
            #expect(text.contains(",'+1+2,"), "\(format)")
            for cell in text.split(whereSeparator: { $0 == "," || $0 == "\r\n" }) {
                #expect(!["=", "+", "@"].contains(cell.first.map(String.init) ?? ""), "\(format): \(cell)")
            }
        }
        let due = try county.due(asOf: LF.date("2025-10-31")).csv()
        #expect(!due.contains(",="))
        #expect(CSVOutput.neutralised("-3") == "'-3" && CSVOutput.neutralised("-3", numeric: true) == "-3")
        #expect(CSVOutput.neutralised("-3+cmd|' /C calc'!A0", numeric: true).hasPrefix("'"))
        #expect(CSVOutput.neutralised("\tx") == "'\tx" && CSVOutput.neutralised("\rx") == "'\rx")
        let t = ReportTable(title: "t", headers: ["名称", "变化"], rows: [["=1+2", "-3"]], numericColumns: [1])
        #expect(t.csv() == "\u{FEFF}名称,变化\r\n'=1+2,-3\r\n")
    }

    // MARK: One file writer

    static func tempDir() -> String {
        let d = FileManager.default.temporaryDirectory.appendingPathComponent("kcbx-safefile-\(UUID().uuidString)").path
        try? FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
        return d
    }

    @Test("the writer refuses a symlink and leaves it and its target alone")
    func refusesSymlink() throws {
        let d = Self.tempDir()
        try "secret".write(toFile: d + "/target", atomically: false, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: d + "/link.csv", withDestinationPath: d + "/target")
        #expect(throws: KCBXError.self) { try SafeFile.write(Array("x".utf8), to: d + "/link.csv") }
        #expect(try String(contentsOfFile: d + "/target", encoding: .utf8) == "secret")
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: d + "/link.csv") == d + "/target")
        let (p, county) = try LF.seeded()
        _ = p
        #expect(throws: KCBXError.self) { try county.exportCSV(.baiyinAttachment4, to: d + "/link.csv", fullIDs: true) }
        #expect(try county.events().last?.kind != "export.full_ids", "nothing recorded for an export never written")
    }

    @Test("the writer refuses a FIFO without blocking")
    func refusesFIFO() throws {
        let d = Self.tempDir()
        #expect(mkfifo(d + "/fifo.csv", 0o644) == 0)
        let start = Date()
        #expect(throws: KCBXError.self) { try ReportTable(title: "t", headers: ["a"]).writeCSV(to: d + "/fifo.csv") }
        #expect(Date().timeIntervalSince(start) < 5)
        var st = stat()
        #expect(lstat(d + "/fifo.csv", &st) == 0 && st.st_mode & S_IFMT == S_IFIFO)
    }

    @Test("the writer refuses a device: /dev/full stays a character device (even as root)")
    func refusesDevice() throws {
        #expect(throws: KCBXError.self) { try SafeFile.write(Array("x".utf8), to: "/dev/full") }
        var st = stat()
        #expect(lstat("/dev/full", &st) == 0 && st.st_mode & S_IFMT == S_IFCHR)
        #expect(throws: KCBXError.self) { try SafeFile.write(Array("x".utf8), to: Self.tempDir()) }
    }

    @Test("the writer refuses a read-only file (even as root) and never widens an existing file's mode")
    func permissions() throws {
        let d = Self.tempDir()
        let ro = d + "/ro.csv"
        try "old".write(toFile: ro, atomically: false, encoding: .utf8)
        chmod(ro, 0o444)
        #expect(throws: KCBXError.self) { try SafeFile.write(Array("new".utf8), to: ro) }
        #expect(try String(contentsOfFile: ro, encoding: .utf8) == "old")
        let priv = d + "/private.csv"
        try "old".write(toFile: priv, atomically: false, encoding: .utf8)
        chmod(priv, 0o600)
        try SafeFile.write(Array("new".utf8), to: priv)
        var st = stat()
        #expect(lstat(priv, &st) == 0 && st.st_mode & 0o777 == 0o600 && st.st_mode & S_IFMT == S_IFREG)
        #expect(try String(contentsOfFile: priv, encoding: .utf8) == "new")
        let fresh = d + "/new.csv"
        try SafeFile.write(Array("x".utf8), to: fresh)
        #expect(lstat(fresh, &st) == 0 && st.st_mode & 0o077 & ~0o044 == 0, "new files at most 0644")
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: d).sorted() == ["new.csv", "private.csv", "ro.csv"],
            "no temporary file left")
    }
}
