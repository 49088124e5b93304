/// The texts an operator prints (DOMAIN.md §3): the enrollment notice (义务教育入学通知书, 000 二（一）
/// 附件2, with the legal clauses and consequences 002 三（一） asks for), the notice to return to
/// school within a deadline (限期复学通知书, 003 二（一）) and the three-line report (三线报告,
/// 004 二（三）2). Templates hold `{{field}}` placeholders; every placeholder must be given.
public enum NoticeKind: String, Sendable, CaseIterable, Codable {
    case enrollment
    case returnNotice = "return_notice"
    case threeLineReport = "three_line_report"

    public var title: String {
        switch self {
        case .enrollment: return "义务教育入学通知书"
        case .returnNotice: return "限期复学通知书"
        case .threeLineReport: return "疑似辍学学生“三线”报告"
        }
    }

    /// The template's text (Chinese, plain text; paragraphs separated by blank lines).
    public var template: String {
        switch self {
        case .enrollment:
            return """
                义务教育入学通知书

                {{guardian}}（监护人）：

                您的子女 {{child}}（性别：{{sex}}，出生日期：{{birth_date}}，身份证号：{{child_id}}）截止 {{cutoff}} 已年满六周岁，属义务教育适龄儿童。请您于 {{report_date}} 前携带户口簿等材料，送其到 {{school}} 报到入学，接受并完成义务教育。

                法律规定：
                《中华人民共和国义务教育法》第五条第二款：适龄儿童、少年的父母或者其他法定监护人应当依法保证其按时入学接受并完成义务教育。
                《中华人民共和国义务教育法》第十一条第一款：凡年满六周岁的儿童，其父母或者其他法定监护人应当送其入学接受并完成义务教育。

                违法责任：
                《中华人民共和国义务教育法》第五十八条：适龄儿童、少年的父母或者其他法定监护人无正当理由未依照本法规定送适龄儿童、少年入学接受义务教育的，由当地乡镇人民政府或者县级人民政府教育行政部门给予批评教育，责令限期改正。逾期不改的，依法追究法律责任。

                因身体状况需要延缓入学的，请持专家组意见向 {{issuer}} 办理延缓入学手续。

                {{issuer}}
                {{issue_date}}

                依据：{{basis}}
                """
        case .returnNotice:
            return """
                限期复学通知书

                {{guardian}}（监护人）：

                您的子女 {{child}}（身份证号：{{child_id}}），系 {{school}} 学生，自 {{absent_since}} 起无正当理由未到校上课。经学校、乡镇（街道）多次劝返，您仍未送其复学。

                根据《中华人民共和国义务教育法》第五条、第五十八条，现责令您于 {{deadline}} 前送 {{child}} 到 {{school}} 复学。

                逾期仍不送子女复学的，将依法给予行政处罚，并依法申请人民法院强制执行或提起诉讼（四步法：宣传教育、责令改正、行政处罚、申请强制执行或提起诉讼）。

                {{issuer}}
                {{issue_date}}

                依据：{{basis}}
                """
        case .threeLineReport:
            return """
                疑似辍学学生“三线”报告

                报告学校：{{school}}
                学生：{{child}}（身份证号：{{child_id}}，{{grade}}年级）
                家庭住址：{{address}}
                未到校情况：自 {{absent_since}} 起无正当理由未到校，截至 {{issue_date}} 累计 {{absent_days}} 个上学日。
                已采取措施：{{measures}}

                报送：
                1. {{recipient_1}}
                2. {{recipient_2}}
                3. {{recipient_3}}

                {{school}}
                {{issue_date}}

                依据：{{basis}}
                """
        }
    }

    /// Placeholder names in the template, in order of first appearance.
    public var fields: [String] {
        var out: [String] = []
        var rest = Substring(template)
        while let open = rest.range(of: "{{"), let close = rest[open.upperBound...].range(of: "}}") {
            let name = String(rest[open.upperBound..<close.lowerBound])
            if !out.contains(name) { out.append(name) }
            rest = rest[close.upperBound...]
        }
        return out
    }
}

/// Rendering of notices.
public enum Notice {
    /// The notice's text with every placeholder filled from `fields`. A missing or empty field is
    /// an `.invalidInput` naming it; unknown fields are refused too (a typo must not pass silently).
    public static func render(_ kind: NoticeKind, fields: [String: String]) throws -> String {
        let needed = kind.fields
        for (k, _) in fields where !needed.contains(k) {
            throw KCBXError.invalidInput(
                field: "fields.\(k)", rule: "is not a field of the \(kind.rawValue) notice (\(needed.joined(separator: ", ")))")
        }
        var text = kind.template
        for name in needed {
            guard let v = fields[name]?.ledgerTrimmed, !v.isEmpty else {
                throw KCBXError.invalidInput(field: "fields.\(name)", rule: "is required by the \(kind.rawValue) notice (\(kind.title))")
            }
            text = text.replacingOccurrences(of: "{{\(name)}}", with: v)
        }
        return text
    }

    /// Parses `{"field": "text", …}` JSON (all values strings).
    public static func fields(json: String) throws -> [String: String] {
        guard case .object(let o) = try JSONValue.parse(json, field: "fields") else {
            throw KCBXError.invalidInput(field: "fields", rule: "must be a JSON object of strings")
        }
        return try o.mapValues { v in
            guard case .string(let s) = v else { throw KCBXError.invalidInput(field: "fields", rule: "every value must be a string") }
            return s
        }
    }
}

extension String {
    func replacingOccurrences(of target: String, with replacement: String) -> String {
        guard !target.isEmpty else { return self }
        var out = ""
        var rest = Substring(self)
        while let r = rest.range(of: target) {
            out += rest[..<r.lowerBound]
            out += replacement
            rest = rest[r.upperBound...]
        }
        return out + rest
    }
}

extension Ledger {
    /// The fields the ledger knows for a notice about `student` as of `asOf` (child, ID masked
    /// unless `fullIDs` is granted by `disclosure`, school, address, absence, deadline and basis from
    /// the obligations); the caller adds what it does not know (guardian, issuer, …) and may override
    /// any. A key on no roster is refused like one outside the jurisdiction.
    public func noticeFields(_ kind: NoticeKind, student key: String, asOf: CivilDate, fullIDs: Bool = false) throws -> [String: String] {
        let found = try read { try storedStudent(key, $0) }
        guard let s = found, actor.covers(schoolID: s.schoolID, townshipCode: s.townshipCode) else {
            try refuseRead("prepare a notice for student \(IDMask.key(key))", student: key.utf8.count <= 64 ? key : "", outsideDetail(key))
        }
        let full = try disclosure(fullIDs: fullIDs, "prepare a notice", format: "notice").full
        var f: [String: String] = [
            "child": s.name, "child_id": full ? s.residentID : s.maskedID,
            "school": s.schoolName.isEmpty ? s.schoolID : s.schoolName, "issue_date": chineseDate(asOf),
        ]
        switch kind {
        case .enrollment:
            f["sex"] = s.sex == 1 ? "男" : s.sex == 2 ? "女" : ""
            f["birth_date"] = chineseDate(s.birth)
            f["cutoff"] = "\(asOf.year)年8月31日"
            f["basis"] = "\(policy.document)；义务教育入学通知书制度（000 二（一）附件2；002 三（一）在通知书中加入有关法律规定和违法追责说明）"
        case .returnNotice, .threeLineReport:
            let list = try read { try obligations(asOf: asOf, $0, only: s.key) }
            let streak = list.first { $0.caseID == 0 && $0.action == .guardianContact }
            if let since = streak?.opensOn ?? list.compactMap({ $0.caseID != 0 ? $0.opensOn : nil }).min() {
                f["absent_since"] = chineseDate(since)
                if let cal = try calendar() { f["absent_days"] = String(cal.schoolDays(from: since, through: asOf)) }
            }
            if kind == .returnNotice {
                // The notice recorded on the case gives its deadline; otherwise one issued on `asOf` would.
                if let deadline = list.last(where: { $0.action == .returnNotice })?.guardianDeadline {
                    f["deadline"] = chineseDate(deadline)
                } else if let cal = try calendar() {
                    f["deadline"] = chineseDate(ObligationRules(policy: policy, calendar: cal).add(.returnNoticeDeadline, to: asOf))
                }
                f["basis"] =
                    "\(policy.document)；限期复学通知书（003 二（一））；四步法（004 二（七）4）；return_notice_deadline \(policy[.returnNoticeDeadline].provenance.citation)"
            } else {
                let report = list.last { $0.action == .threeLineReport }
                for (i, r)
                    in (report?.recipients ?? ["省级平台（政府救助平台控辍保学端口）", "乡镇（街道） \(s.townshipCode)", "县（区）教育局 \(s.townshipCode.prefix(6))"])
                    .enumerated()
                {
                    f["recipient_\(i + 1)"] = r
                }
                f["grade"] = String(s.grade)
                f["address"] = s.address
                f["measures"] = list.filter { $0.state == .done && $0.caseID == 0 }.map { "\($0.action.chinese)（\($0.doneOn!)）" }.joined(
                    separator: "；")
                f["basis"] = "\(policy.document)；“三线”报告（004 二（三）2）"
            }
        }
        return f.filter { kind.fields.contains($0.key) && !$0.value.isEmpty }
    }
}

/// 2025年9月8日.
func chineseDate(_ d: CivilDate) -> String { "\(d.year)年\(d.month)月\(d.day)日" }
