/// What an obligation asks someone to do (DOMAIN.md §3). Each is discharged by a ledger action
/// (`LedgerAction`) or a case change (plan, person, return).
public enum ObligationAction: String, Sendable, CaseIterable, Codable {
    /// Class teacher contacts the guardian of an absent child (004 二（三）3). Discharged by the
    /// ledger action of the same name; ledgers written before the spelling was unified store the
    /// obligation id's suffix as `contact_guardian`, read as this one (`EscalationRecord`).
    case guardianContact = "guardian_contact"
    /// The school's three-line report: provincial platform, township, county bureau (004 二（三）2).
    case threeLineReport = "three_line_report"
    /// Into the control ledger (纳入控辍保学台账管理, 004 二（二）).
    case enterLedger = "enter_ledger"
    /// Home visit, repeated until the child returns (持续家访，直至劝返, 004 二（三）4).
    case homeVisit = "home_visit"
    /// Per-child persuasion plan (一人一案 001 二（三）, 一生一策 003 三（四）, 一生一案 004 二（三）1).
    case perChildPlan = "per_child_plan"
    /// A named person one-to-one (人盯人挂钩, 003 三（四）).
    case assignPerson = "assign_one_to_one"
    /// The township's persuasion visit (乡镇履行主体劝返责任, 004 二（三）2; 000 二（四）).
    case persuasionVisit = "persuasion_visit"
    /// Four steps, 1: education and criticism (批评教育).
    case education
    /// Four steps, 2: notice to return within a deadline (限期复学通知书 003 二（一）; 责令限期改正).
    case returnNotice = "return_notice"
    /// Four steps, 3: administrative penalty (行政处罚).
    case administrativePenalty = "administrative_penalty"
    /// Four steps, 4: application for court enforcement or a lawsuit (申请强制执行或提起诉讼).
    case courtApplication = "court_application"
    /// Letter to the education bureau of the registration place (004 二（三）3).
    case crossRegionLetter = "cross_region_letter"
    /// Expert panel assessment of an ill or disabled child (000 四（三）; 002 二（三）).
    case expertAssessment = "expert_assessment"
    /// Placement after assessment (特殊教育学校、随班就读、送教上门 or deferral; 000 四（三）).
    case placement
    /// Referral to a joint-control department (联控联保, 000 一（二）, 003 二).
    case referral

    public var chinese: String {
        switch self {
        case .guardianContact: return "联系监护人"
        case .threeLineReport: return "三线报告"
        case .enterLedger: return "纳入台账"
        case .homeVisit: return "家访"
        case .perChildPlan: return "一人一案"
        case .assignPerson: return "人盯人挂钩"
        case .persuasionVisit: return "入户劝返"
        case .education: return "批评教育"
        case .returnNotice: return "限期复学通知书"
        case .administrativePenalty: return "行政处罚"
        case .courtApplication: return "申请强制执行或提起诉讼"
        case .crossRegionLetter: return "向户籍地教育部门发函"
        case .expertAssessment: return "专家组评估"
        case .placement: return "安置"
        case .referral: return "部门转介"
        }
    }

    /// The step of the four steps (四步法, 004 二（七）4), 1–4, or nil.
    public var step: Int? {
        switch self {
        case .education: return 1
        case .returnNotice: return 2
        case .administrativePenalty: return 3
        case .courtApplication: return 4
        default: return nil
        }
    }

    /// The ledger action that discharges it, when it is discharged by one.
    public var ledgerAction: LedgerAction? {
        switch self {
        case .guardianContact: return .guardianContact
        case .threeLineReport: return .threeLineReport
        case .homeVisit: return .homeVisit
        case .persuasionVisit: return .persuasionVisit
        case .education: return .education
        case .returnNotice: return .returnNotice
        case .administrativePenalty: return .administrativePenalty
        case .courtApplication: return .courtApplication
        case .crossRegionLetter: return .crossRegionLetter
        case .expertAssessment: return .expertAssessment
        case .referral: return .referral
        case .enterLedger, .perChildPlan, .assignPerson, .placement: return nil
        }
    }
}

/// Where an obligation stands on the as-of date.
public enum ObligationState: String, Sendable, CaseIterable, Codable {
    /// Open, its due date not yet passed.
    case due
    /// Discharged on `doneOn`.
    case done
    /// Its due date passed and it was not done (escalate() hands it to the next level).
    case overdue
    /// Handed to the next level, whose own due date has not yet passed.
    case escalated

    public var chinese: String {
        switch self {
        case .due: return "待办"
        case .done: return "已办"
        case .overdue: return "逾期"
        case .escalated: return "已升级"
        }
    }
}

/// Who is responsible: a unit of one of the two lines (双线) or a joint-control department.
public struct ObligationOwner: Hashable, Sendable {
    public var level: UnitLevel
    /// School id (class teacher, school), 9-digit township code, 6-digit county code, city code
    /// (4 digits + 00), or the department's code for `.department`.
    public var unit: String
    public var department: Department?

    public init(level: UnitLevel, unit: String, department: Department? = nil) {
        self.level = level
        self.unit = unit
        self.department = department
    }

    /// E.g. "学校 S-A1", "乡镇（街道） 640422100", "县（区）教育局 640422", "公安".
    public var label: String {
        if let department { return department.chinese }
        return level == .county ? "县（区）教育局 \(unit)" : "\(level.chinese) \(unit)"
    }
}

/// One handing-on of an overdue obligation (an `obligation.escalated` event).
public struct ObligationEscalation: Hashable, Sendable {
    public var date: CivilDate
    public var from: UnitLevel
    public var to: ObligationOwner
    /// Units notified, each "<line>:<level>:<unit>" (line: education or government, 双线).
    public var notify: [String]
    /// Due date at the new level (date + escalation_response).
    public var newDue: CivilDate
}

/// Something a unit must do for a child by a date, with its legal or policy basis (DOMAIN.md §3).
public struct Obligation: Hashable, Sendable {
    /// Stable id: `c<case>/<action>[/<n or department>]` or `s<student>/<streak start>/<action>`.
    public var id: String
    /// Case id, 0 for obligations that come from attendance before any case (guardian contact, three-line report).
    public var caseID: Int64
    public var student: String
    public var action: ObligationAction
    /// Responsible now (after escalations).
    public var owner: ObligationOwner
    /// Responsible originally.
    public var originalOwner: ObligationOwner
    /// Document and clause (or DOMAIN.md interpretation) and the parameters that set the dates.
    public var basis: String
    public var opensOn: CivilDate
    /// Due date now (after escalations: the latest level's due date).
    public var dueOn: CivilDate
    /// Due date originally.
    public var originalDueOn: CivilDate
    public var state: ObligationState
    public var doneOn: CivilDate?
    public var escalations: [ObligationEscalation]
    /// Who receives it: the three-line report's three recipients; the department of a referral.
    public var recipients: [String]
    /// Department a referral goes to.
    public var department: Department?
    /// For a notice to return: the deadline it gives the guardian (限期); for the steps, the
    /// date the guardian's time under this step ends.
    public var guardianDeadline: CivilDate?

    public var step: Int? { action.step }

    /// The obligation as a JSON object (dates YYYY-MM-DD, null when unset).
    public var jsonValue: JSONValue {
        func d(_ x: CivilDate?) -> JSONValue { x.map { .string($0.description) } ?? .null }
        func owner(_ o: ObligationOwner) -> JSONValue {
            .object([
                "level": .string(o.level.rawValue), "unit": .string(o.unit), "label": .string(o.label),
                "department": o.department.map { .string($0.rawValue) } ?? .null,
            ])
        }
        return .object([
            "id": .string(id), "case_id": .number(Double(caseID)), "student": .string(student),
            "action": .string(action.rawValue), "action_label": .string(action.chinese),
            "step": step.map { .number(Double($0)) } ?? .null,
            "owner": owner(self.owner), "original_owner": owner(originalOwner), "basis": .string(basis),
            "opens_on": d(opensOn), "due_on": d(dueOn), "original_due_on": d(originalDueOn),
            "state": .string(state.rawValue), "state_label": .string(state.chinese), "done_on": d(doneOn),
            "recipients": .array(recipients.map { .string($0) }),
            "department": department.map { .string($0.rawValue) } ?? .null,
            "guardian_deadline": d(guardianDeadline),
            "escalations": .array(
                escalations.map {
                    .object([
                        "date": d($0.date), "from": .string($0.from.rawValue), "to": owner($0.to),
                        "notify": .array($0.notify.map { .string($0) }), "new_due": d($0.newDue),
                    ])
                }),
        ])
    }

    /// Column headers of `tableRow` (Chinese, as an office prints the due list).
    public static let tableHeaders = ["编号", "案件", "学生", "事项", "责任单位", "依据", "开始日期", "截止日期", "状态", "完成日期", "升级", "接收方"]

    public var tableRow: [String] {
        [
            id, caseID == 0 ? "" : String(caseID), student, action.chinese, owner.label, basis, opensOn.description,
            dueOn.description, state.chinese, doneOn?.description ?? "",
            escalations.map { "\($0.date) \($0.from.chinese)→\($0.to.label)" }.joined(separator: "; "),
            recipients.joined(separator: "; "),
        ]
    }
}

extension Array where Element == Obligation {
    /// The due list as CSV (UTF-8 with BOM, CRLF, Chinese headers `Obligation.tableHeaders`), as
    /// Excel opens it; formula-leading cells neutralised (`CSVOutput`).
    public func csv() -> String { CSVOutput.text([Obligation.tableHeaders] + map(\.tableRow)) }

    /// Writes `csv()` to `path` under the file policy of `SafeFile.write`.
    public func writeCSV(to path: String) throws { try SafeFile.write([UInt8](csv().utf8), to: path) }

    /// JSON array of the obligations.
    public var jsonValue: JSONValue { .array(map(\.jsonValue)) }
}
