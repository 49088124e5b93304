import KCBXCore

// The one table of the ABI's enumerated values: each `@c` enum's raw values (in the files that
// declare them) are the numbers of include/kcbx.h, pinned by Tests/abi/constants.txt. Every
// KCBXCore value crosses the boundary through an exhaustive switch below, never by its position
// in `allCases`, so reordering a Swift enum cannot change the ABI. Where KCBXCore keeps the same
// numbers for its bulk columns (child status, rule, mark kind, registration, reason, group bit),
// ABIValuesTests checks that they equal these.

extension kcbx_case_status {
    init(_ s: LedgerCaseStatus) {
        switch s {
        case .suspected: self = .suspected
        case .verified: self = .verified
        case .dismissed: self = .dismissed
        case .persuading: self = .persuading
        case .returned: self = .returned
        case .closed: self = .closed
        case .deferred: self = .deferred
        case .suspended: self = .suspended
        }
    }
}

extension kcbx_case_kind {
    init(_ k: LedgerCaseKind) {
        switch k {
        case .outOfSchool: self = .outOfSchool
        case .suspectedDropout: self = .suspectedDropout
        case .dropout: self = .dropout
        }
    }
}

extension kcbx_reason {
    init(_ r: ReasonCode?) {
        switch r {
        case nil: self = .none
        case .A?: self = .a
        case .B?: self = .b
        case .C?: self = .c
        case .D?: self = .d
        case .E?: self = .e
        case .F?: self = .f
        case .G?: self = .g
        case .H?: self = .h
        case .I?: self = .i
        case .J?: self = .j
        case .K?: self = .k
        case .L?: self = .l
        case .M?: self = .m
        case .N?: self = .n
        case .O?: self = .o
        case .P?: self = .p
        case .Q?: self = .q
        case .R?: self = .r
        case .S?: self = .s
        case .T?: self = .t
        }
    }
}

extension kcbx_child_status {
    init(_ s: ChildStatus) {
        switch s {
        case .inSchool: self = .inSchool
        case .onLeave: self = .onLeave
        case .threeLineAlert: self = .threeLineAlert
        case .suspectedDropout: self = .suspectedDropout
        case .dropout: self = .dropout
        case .outOfSchool: self = .outOfSchool
        case .deferred: self = .deferred
        case .suspended: self = .suspended
        case .homeDelivered: self = .homeDelivered
        case .transferredOut: self = .transferredOut
        case .graduated: self = .graduated
        case .overAge: self = .overAge
        case .belowSchoolAge: self = .belowSchoolAge
        case .studyingElsewhere: self = .studyingElsewhere
        case .attendanceUnknown: self = .attendanceUnknown
        }
    }
}

extension kcbx_rule {
    init(_ r: ClassificationRule) {
        switch r {
        case .attending: self = .attending
        case .approvedLeave: self = .approvedLeave
        case .threeLineAlertAfter: self = .threeLineAlertAfter
        case .suspectedAfter: self = .suspectedAfter
        case .dropoutAfterSuspected: self = .dropoutAfterSuspected
        case .outOfSchool: self = .outOfSchool
        case .deferral: self = .deferral
        case .suspension: self = .suspension
        case .homeDelivery: self = .homeDelivery
        case .transfer: self = .transfer
        case .graduation: self = .graduation
        case .overAge: self = .overAge
        case .belowSchoolAge: self = .belowSchoolAge
        case .studyingElsewhere: self = .studyingElsewhere
        case .noAttendance: self = .noAttendance
        case .absentBelowThreshold: self = .absentBelowThreshold
        }
    }
}

extension kcbx_mark_kind {
    init(_ k: MarkKind) {
        switch k {
        case .present: self = .present
        case .approvedLeave: self = .approvedLeave
        case .unexcused: self = .unexcused
        case .late: self = .late
        case .leftEarly: self = .leftEarly
        }
    }
}

extension kcbx_registration {
    init(_ r: RegistrationState) {
        switch r {
        case .enrolled: self = .enrolled
        case .none: self = .none
        case .deferred: self = .deferred
        case .suspended: self = .suspended
        case .homeDelivered: self = .homeDelivered
        case .transferredOut: self = .transferredOut
        case .graduated: self = .graduated
        }
    }
}

extension kcbx_special_group {
    init(_ g: SpecialGroup) {
        switch g {
        case .registeredPoor: self = .registeredPoor
        case .unstableOutOfPoverty: self = .unstableOutOfPoverty
        case .marginalRisk: self = .marginalRisk
        case .suddenHardship: self = .suddenHardship
        case .disabled: self = .disabled
        case .leftBehind: self = .leftBehind
        case .migrant: self = .migrant
        case .minority: self = .minority
        case .subsistenceAllowance: self = .subsistenceAllowance
        case .extremeHardship: self = .extremeHardship
        case .prisonerChild: self = .prisonerChild
        case .unsupported: self = .unsupported
        case .relocated: self = .relocated
        case .familyCrisis: self = .familyCrisis
        }
    }
}

extension kcbx_table_column {
    init(_ c: TableColumn) {
        switch c {
        case .childID: self = .childId
        case .status: self = .status
        case .since: self = .since
        case .rule: self = .rule
        case .alerts: self = .alerts
        case .riskFlags: self = .riskFlags
        case .streakStart: self = .streakStart
        case .streakUnexcusedDays: self = .streakUnexcusedDays
        case .streakClockDays: self = .streakClockDays
        case .termSchoolDays: self = .termSchoolDays
        case .termUnexcusedDays: self = .termUnexcusedDays
        case .missingDays: self = .missingDays
        case .conflicts: self = .conflicts
        case .proposedReason: self = .proposedReason
        }
    }
}

extension kcbx_id_problem {
    init(_ p: ResidentID.Problem) {
        switch p {
        case .none: self = .none
        case .length: self = .length
        case .characters: self = .characters
        case .region: self = .region
        case .birthDate: self = .birthDate
        case .checksum: self = .checksum
        }
    }
}

extension kcbx_sex {
    init(_ s: ResidentID.Sex) {
        switch s {
        case .male: self = .male
        case .female: self = .female
        }
    }
}

extension kcbx_registry_kind {
    init(_ k: StudentRegistryNumber.Kind) {
        switch k {
        case .resident: self = .resident
        case .temporary: self = .temporary
        }
    }
}

extension kcbx_stage {
    init(_ s: Stage) {
        switch s {
        case .preschool: self = .preschool
        case .primary: self = .primary
        case .junior: self = .junior
        case .beyond: self = .beyond
        }
    }
}

extension kcbx_duration_unit {
    init(_ u: DurationUnit?) {
        switch u {
        case nil: self = .off
        case .calendarDays?: self = .calendarDays
        case .schoolDays?: self = .schoolDays
        case .calendarMonths?: self = .calendarMonths
        }
    }
}

extension kcbx_provenance {
    init(_ p: Provenance) {
        switch p {
        case .document: self = .document
        case .defaulted: self = .defaulted
        case .file: self = .file
        }
    }
}
