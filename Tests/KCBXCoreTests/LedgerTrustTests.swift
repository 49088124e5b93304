import Foundation
import GRDB
import Testing

@testable import KCBXCore

/// Issue 11, ledger integrity: the schema version and the profile in force are part of the file,
/// a read-only ledger opens for reading, dates before birth are refused, verify checks the schema.
@Suite struct LedgerTrustTests {
    func sql(_ path: String, _ text: String) throws {
        let q = try DatabaseQueue(path: path)
        try q.writeWithoutTransaction { db in try db.execute(sql: text) }
    }

    /// A guyuan-2021 profile file whose suspected_after is 3,660 calendar days (same id).
    func lenientProfile() throws -> PolicyProfile {
        var text = try PolicyProfile.builtin("guyuan-2021").json(pretty: false)
        let json = try JSONValue.parse(text)
        guard case .object(var o) = json, case .object(var params)? = o["parameters"], case .object(var sa)? = params["suspected_after"]
        else {
            Issue.record("profile JSON shape")
            return try PolicyProfile.builtin("guyuan-2021")
        }
        sa["amount"] = .number(3660)
        sa["unit"] = .string("calendar_days")
        params["suspected_after"] = .object(sa)
        o["parameters"] = .object(params)
        text = JSONValue.object(o).serialized(pretty: false)
        return try PolicyProfile(json: text)
    }

    /// "1" to "3" on a file already migrated to v4 is a version the file's tables are not.
    @Test(arguments: ["1", "2", "3", "5", "99", "0"])
    func unknownSchemaVersionIsRefusedAtOpen(_ version: String) throws {
        let p = LF.path()
        do { _ = try LF.open(p) }
        try sql(p, "UPDATE ledger_meta SET value = '\(version)' WHERE key = 'schema_version'")
        do {
            _ = try LF.open(p)
            Issue.record("a ledger with schema_version \(version) opened")
        } catch let KCBXError.storage(m) {
            #expect(m.contains("schema_version '\(version)'") && m.contains("schema_version 4 only"))
        }
    }

    @Test func ledgerCreatedUnderGuyuanRefusesAFileProfileWith3660DaysSuspectedAfter() throws {
        let (p, l) = try LF.seeded()
        try LF.marks(l, LF.kidA, .unexcused, "2025-09-01", "2025-12-12")
        let before = try LF.eventCount(l)
        let lenient = try lenientProfile()
        #expect(lenient.id == "guyuan-2021" && lenient.canonicalHash != l.profileHash)
        do {
            _ = try LF.open(p, policy: lenient)
            Issue.record("opened under another profile")
        } catch let KCBXError.ruleViolation(rule, detail) {
            #expect(rule.contains("profile in force is part of the ledger") && detail.contains(String(l.profileHash.prefix(16))))
            #expect(detail.contains(String(lenient.canonicalHash.prefix(16))))
        }
        // Another built-in id is refused too, and nothing was recorded.
        #expect(throws: KCBXError.self) { _ = try LF.open(p, profile: "fujian-2020") }
        #expect(try LF.eventCount(l) == before)
        // The sweep under the recorded profile names it.
        let s = try l.sweep(asOf: LF.date("2025-12-15"))
        #expect(s.profile == "guyuan-2021" && s.profileHash == l.profileHash && !s.opened.isEmpty)
        #expect(s.jsonValue.serialized(pretty: false).contains(l.profileHash))
        let r = try l.report(.guyuanAttachment1, asOf: LF.date("2025-12-15"))
        #expect(r.notes.contains { $0.contains("guyuan-2021") && $0.contains(l.profileHash) })
    }

    @Test func changingTheProfileIsAnAttributedEventByCountyLevel() throws {
        let (p, l) = try LF.seeded()
        let lenient = try lenientProfile()
        do {
            _ = try Ledger.changeProfile(path: p, to: lenient, actor: LF.schoolA1Actor, reason: "试用新参数", clock: { LF.now })
            Issue.record("a school changed the profile")
        } catch let KCBXError.permissionDenied(m) { #expect(m.contains("county level or above")) }
        let refused = try #require(try l.events().last)
        #expect(
            refused.kind == "access.refused" && refused.actor == LF.schoolA1Actor && refused.reason.contains("change the ledger's profile"))
        // Still under the old profile.
        #expect(try l.recordedProfile().hash == l.profileHash)
        let changed = try Ledger.changeProfile(path: p, to: lenient, actor: LF.countyActor, reason: "市局通知调整", clock: { LF.now })
        let e = try #require(try changed.events().last)
        #expect(
            e.kind == "profile.changed" && e.actor == LF.countyActor && e.reason == "市局通知调整" && e.payload.contains(lenient.canonicalHash))
        #expect(try changed.recordedProfile().hash == lenient.canonicalHash)
        // Now the new profile opens and the old one is refused; verify agrees with ledger_meta.
        #expect(try LF.open(p, policy: lenient).sweep(asOf: LF.date("2025-12-15")).profileHash == lenient.canonicalHash)
        #expect(throws: KCBXError.self) { _ = try LF.open(p) }
        #expect(try changed.verify().isIntact)
        // Editing ledger_meta back to dodge the check is flagged by verify.
        try sql(p, "UPDATE ledger_meta SET value = '\(l.profileHash)' WHERE key = 'profile_hash'")
        #expect(try LF.open(p).check().problems.contains { $0.contains("ledger_meta was edited") })
    }

    @Test func readOnlyFileOpensForReadingAndRefusesWrites() throws {
        let p = LF.path()
        do {
            let l = try LF.open(p)
            try l.setCalendar(LF.calendar)
            _ = try l.importStudents(LF.roster)
            let c = try l.openCase(student: LF.kidA, kind: .suspectedDropout, on: LF.date("2025-09-16"))
            try l.recordAction(c.id, .homeVisit, on: LF.date("2025-09-17"))
        }
        #expect(chmod(p, 0o444) == 0)
        defer { chmod(p, 0o644) }
        let ro = try LF.open(p)
        #expect(ro.isReadOnly && ro.readOnlyReason?.contains("444") == true)
        let v = try ro.verify()
        #expect(v.isIntact && v.events == 5)  // created, calendar, one roster event, case opened, action
        #expect(try ro.cases().count == 1)
        #expect(try ro.history(case: 1).count == 2)
        #expect(try ro.report(.guyuanAttachment1, asOf: LF.date("2025-12-15")).rows.count > 0)
        let out = LF.path("export") + ".csv"
        #expect(try ro.exportCSV(.baiyinAttachment4, to: out) == 1)
        do {
            try ro.recordAction(1, .homeVisit, on: LF.date("2025-09-18"))
            Issue.record("a read-only ledger was written")
        } catch let KCBXError.storage(m) { #expect(m.contains("open read-only") && m.contains("verify, reports")) }
        #expect(try ro.head().seq == v.head.seq)
    }

    @Test func actionsDatedBeforeTheChildsBirthAreRefused() throws {
        let (_, l) = try LF.seeded()
        // kidA was born 2016-03-10.
        do {
            try l.recordStudentAction(student: LF.kidA, .guardianContact, on: LF.date("2016-03-09"))
            Issue.record("an action before birth was recorded")
        } catch let KCBXError.invalidInput(field, rule) {
            #expect(field == "date" && rule.contains("before the birth") && rule.contains("2016-03-10"))
        }
        #expect(throws: KCBXError.self) { try l.openCase(student: LF.kidA, kind: .suspectedDropout, on: LF.date("2015-01-01")) }
        // kidC (born 2017-01-02) is of school age from 2023-09-01: no out-of-school case before.
        do {
            _ = try l.openCase(student: LF.kidC, kind: .outOfSchool, on: LF.date("2023-08-31"))
            Issue.record("an out-of-school case before school age")
        } catch let KCBXError.ruleViolation(rule, _) { #expect(rule.contains("000 二（一）")) }
        #expect(try l.openCase(student: LF.kidC, kind: .outOfSchool, on: LF.date("2023-09-01")).id > 0)
        try l.recordStudentAction(student: LF.kidA, .guardianContact, on: LF.date("2025-09-03"))
    }

    @Test func plantedTriggerCopyingEventsToAShadowTableIsFlagged() throws {
        let (p, l) = try LF.seeded()
        try sql(
            p,
            """
            CREATE TABLE shadow (payload TEXT);
            CREATE TRIGGER spy AFTER INSERT ON events BEGIN INSERT INTO shadow VALUES (NEW.payload); END;
            """)
        try l.recordStudentAction(student: LF.kidA, .guardianContact, on: LF.date("2025-09-03"))
        let problems = try l.check().problems
        #expect(problems.contains { $0.contains("trigger spy") && $0.contains("does not create") })
        #expect(problems.contains { $0.contains("table shadow") })
        #expect(throws: KCBXError.self) { try l.verify() }
        // An extra index or a changed view is flagged the same way.
        try sql(p, "DROP TRIGGER spy; DROP TABLE shadow; CREATE INDEX events_kind ON events(kind)")
        #expect(try l.check().problems.contains { $0.contains("index events_kind") })
    }
}
