import Foundation
import GRDB

/// The stored marks of a ledger file (format v4: `mark_months`, `mark_leaves`, docs/ledger.md)
/// as tests read and tamper with them, decoded here independently of `MarkMonths`.
enum StoredMarks {
    /// Every stored mark as `key day kind leave_from leave_to slip`, by key and day.
    static func all(_ db: Database) throws -> [String] {
        var out: [String] = []
        let leaves = try Row.fetchAll(db, sql: "SELECT sid, day, leave_from, leave_to, slip FROM mark_leaves")
        var leave: [String: Row] = [:]
        for r in leaves { leave["\(r[0] as Int64) \(r[1] as Int64)"] = r }
        for r in try Row.fetchAll(db, sql: "SELECT s.key, m.sid, m.month, m.days FROM mark_months m JOIN students s ON s.id = m.sid") {
            let days: Data = r[3]
            let sid: Int64 = r[1]
            let month: Int64 = r[2]
            for (i, b) in days.enumerated() where b != 0 {
                let day = month * 100 + Int64(i + 1)
                var line = "\(r[0] as String) \(day) \(Int(b & 0x7F) - 1)"
                if b & 0x80 != 0, let l = leave["\(sid) \(day)"] {
                    line += " \(l[2] as Int64) \(l[3] as Int64) \(l[4] as String)"
                } else {
                    line += " 0 0 "
                }
                out.append(line)
            }
        }
        return out.sorted()
    }

    /// `key day kind` of every stored mark, by key and day.
    static func kinds(_ db: Database) throws -> [String] {
        try all(db).map { $0.split(separator: " ").prefix(3).joined(separator: " ") }
    }

    /// The stored kind of the child's day, nil when none.
    static func kind(_ db: Database, key: String, day: Int) throws -> Int? {
        try kinds(db).first { $0.hasPrefix("\(key) \(day) ") }.flatMap { $0.split(separator: " ").last.flatMap { Int($0) } }
    }

    static func count(_ db: Database) throws -> Int { try all(db).count }

    /// Sets the stored byte of student `sid`'s `day` (YYYYMMDD) to `byte` (0: no mark), as an edit
    /// outside the ledger would; the month row is made when missing.
    static func setByte(_ db: Database, sid: Int64, day: Int, _ byte: UInt8) throws {
        let month = day / 100
        var days =
            try Data.fetchOne(db, sql: "SELECT days FROM mark_months WHERE sid = ? AND month = ?", arguments: [sid, month])
            ?? Data(count: 31)
        days[day % 100 - 1] = byte
        try db.execute(sql: "INSERT OR REPLACE INTO mark_months (sid, month, days) VALUES (?, ?, ?)", arguments: [sid, month, days])
    }

    /// Sets the stored kind (`nil`: deletes the mark) of student `sid`'s `day`, keeping its leave flag.
    static func setKind(_ db: Database, sid: Int64, day: Int, _ kind: Int?) throws {
        let month = day / 100
        let days = try Data.fetchOne(db, sql: "SELECT days FROM mark_months WHERE sid = ? AND month = ?", arguments: [sid, month])
        let flag = (days?[day % 100 - 1] ?? 0) & 0x80
        try setByte(db, sid: sid, day: day, kind.map { UInt8($0 + 1) | flag } ?? 0)
    }

    /// Deletes every stored mark of student `sid`.
    static func deleteAll(_ db: Database, sid: Int64) throws {
        try db.execute(sql: "DELETE FROM mark_months WHERE sid = ?; DELETE FROM mark_leaves WHERE sid = ?", arguments: [sid, sid])
    }
}
