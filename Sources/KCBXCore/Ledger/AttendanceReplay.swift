@_implementationOnly import GRDB

/// The marks an `attendance.recorded` event gives when replayed, in its order: a packed (format
/// v2) payload as it is (every id must be one an earlier event created), a JSON (v1) payload with
/// each student key looked up to its id in `schema.students`. The one reading of attendance
/// payloads for the live projection (`Projector`) and verify's rebuild (`MarksReplay`); of two
/// marks for one child and day the later one is the day's mark.
enum AttendanceReplay {
    static func forEachMark(
        payload: String, seq: Int64, students schema: String, _ db: Database, _ body: (PackedMark) throws -> Void
    ) throws {
        if PackedMarks.isPacked(payload) {
            let maxID = try Int64.fetchOne(db.cachedStatement(sql: "SELECT COALESCE(MAX(id), 0) FROM \(schema).students")) ?? 0
            try PackedMarks.decode(payload, seq: seq) { m in
                guard m.sid >= 1, m.sid <= maxID else {
                    throw KCBXError.integrity("event #\(seq) names student id \(m.sid), which no earlier event created")
                }
                try body(m)
            }
            return
        }
        let p = try PayloadCoding.decode(MarksPayload.self, payload, seq: seq)
        let find = try db.cachedStatement(sql: "SELECT id FROM \(schema).students WHERE key = ?")
        var ids: [String: Int64] = [:]
        for m in p.marks {
            var sid = ids[m.s]
            if sid == nil {
                sid = try Int64.fetchOne(find, arguments: [m.s])
                guard let found = sid else {
                    throw KCBXError.integrity("event #\(seq) has a mark for \(IDMask.key(m.s)), whom no earlier event created")
                }
                ids[m.s] = found
            }
            try body(PackedMark(sid: sid ?? 0, day: m.d, kind: UInt8(clamping: m.k), leaveFrom: m.lf, leaveTo: m.lt, slip: m.sl))
        }
    }
}
