import FoundationEssentials

/// Event kinds and their payloads. A payload holds everything the projector needs to rebuild
/// the current state, so the events alone are the ledger (projections are a cache).
enum EventKind: String, CaseIterable {
    case created = "ledger.created"
    case studentUpserted = "student.upserted"
    /// Up to 5,000 students of a roster import (file format v3): packed payload `PackedStudents`;
    /// each student's link to the event is in `student_events`.
    case studentsUpserted = "students.upserted"
    case marksRecorded = "attendance.recorded"
    case calendarSet = "calendar.set"
    case caseOpened = "case.opened"
    case casePromoted = "case.promoted"
    case caseVerified = "case.verified"
    case caseDismissed = "case.dismissed"
    case casePersuading = "case.persuading"
    case caseReturned = "case.returned"
    case caseClosed = "case.closed"
    case caseExempted = "case.exempted"
    case caseAction = "case.action"
    case caseFlagged = "case.flagged"
    case obligationEscalated = "obligation.escalated"
    /// An action on a child before any case (guardian contact, three-line report); payload `CaseActionPayload`.
    case studentAction = "student.action"
    case accessRefused = "access.refused"
    /// The profile in force was changed; payload `ProfileChangedPayload`.
    case profileChanged = "profile.changed"
    case exported = "export.full_ids"
    /// A report duty of the profile's calendar recorded as filed (Supervision/DutyFiling.swift); payload `DutyFiledPayload`.
    case dutyFiled = "duty.filed"
    /// Supervision (Supervision/): a contradicted entry found by `Ledger.audit`; payload `AuditFindingPayload`.
    case auditFinding = "audit_finding"
    /// A spot-check draw with its seed, strata and sample; payload `SpotCheckDrawnPayload`.
    case spotCheckDrawn = "spot_check_drawn"
    /// The result of one home verification of a drawn case; payload `HomeVerificationPayload`.
    case homeVerification = "home_verification"
}

/// `profileHash` (SHA-256 of the profile's canonical JSON) and `profileJSON` are absent in
/// ledgers created before the profile was bound to the ledger.
struct CreatedPayload: Codable {
    var profile: String
    var region: String
    var schema: Int
    var profileHash: String?
    var profileJSON: String?
}

/// The profile in force changed (by county level or above): old and new id and hash, the new
/// profile's canonical JSON.
struct ProfileChangedPayload: Codable {
    var fromProfile: String
    var fromHash: String
    var profile: String
    var profileHash: String
    var profileJSON: String
}

/// Marks for some (student, day) pairs, each replacing what was stored for that day.
/// `d` is the date YYYYMMDD, `k` the MarkKind code; leave span `lf`/`lt` (YYYYMMDD, 0 = the day) and slip `sl`.
struct MarksPayload: Codable {
    struct Mark: Codable, Hashable {
        var s: String
        var d: Int32
        var k: Int
        var lf: Int32
        var lt: Int32
        var sl: String
    }
    var marks: [Mark]
}

/// The school calendar in its file format (docs/calendar-format.md).
struct CalendarPayload: Codable { var json: String }

struct CaseOpenedPayload: Codable {
    var id: Int64
    var kind: String
    var date: String
    var source: String
    var relapseOf: Int64
    enum CodingKeys: String, CodingKey {
        case id, kind, date, source
        case relapseOf = "relapse_of"
    }
}

struct CasePromotedPayload: Codable {
    var kind: String
    var date: String
}
struct CaseVerifiedPayload: Codable {
    var reason: String
    var date: String
}
struct CaseDismissedPayload: Codable {
    var why: String
    var date: String
}
struct CasePersuadingPayload: Codable {
    var plan: String
    var person: String
    var date: String
    var from: String
}
struct CaseReturnedPayload: Codable {
    var school: String
    var placement: String
    var date: String
}
struct CaseExemptedPayload: Codable {
    var exemption: String
    var opinion: String
    var date: String
}
/// `department` (a `Department` raw value) only on referrals that name the department; absent otherwise.
struct CaseActionPayload: Codable {
    var action: String
    var date: String
    var department: String? = nil
}
struct CaseFlaggedPayload: Codable {
    var flag: String
    var date: String
}

/// The closure check as it was made, so the history shows why closing was allowed.
struct CaseClosedPayload: Codable {
    var date: String
    var attended: Int
    var schoolDays: Int
    var required: Int
    var window: Int
    enum CodingKeys: String, CodingKey {
        case date, attended
        case schoolDays = "school_days"
        case required, window
    }
}

/// An overdue obligation handed to the next level (Escalation/EscalationLadder.swift).
struct EscalatedPayload: Codable {
    var obligation: String
    var action: String
    var from: String
    var to: String
    var notify: [String]
    var due: String
    var newDue: String
    var date: String
    enum CodingKeys: String, CodingKey {
        case obligation, action, from, to, notify, due
        case newDue = "new_due"
        case date
    }
}

/// A report duty's occurrence (`due`) filed on `date`.
struct DutyFiledPayload: Codable {
    var duty: String
    var due: String
    var date: String
}

struct RefusedPayload: Codable {
    var operation: String
    var detail: String
}
struct ExportedPayload: Codable { var format: String }

enum PayloadCoding {
    static func encode<T: Encodable>(_ value: T) throws -> String {
        if let marks = value as? MarksPayload { return try marks.canonicalJSON }
        if let student = value as? LedgerStudent, let text = student.canonicalJSON { return text }
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try e.encode(value), as: UTF8.self)
    }

    static func decode<T: Decodable>(_ type: T.Type, _ text: String, seq: Int64) throws -> T {
        if T.self == MarksPayload.self, let marks = MarksPayload(canonicalJSON: text) as? T { return marks }
        do { return try JSONDecoder().decode(T.self, from: Data(text.utf8)) } catch {
            throw KCBXError.integrity("event #\(seq) has an unreadable payload (\(error))")
        }
    }
}
