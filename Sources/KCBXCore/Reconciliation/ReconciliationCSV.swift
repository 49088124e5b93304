/// CSV column sets for reconciliation inputs (docs/data-formats.md) and tables for its outputs.
extension ReconciliationInput {
    /// Household registry extract: `resident_id,name,birth_date,address,region_code` (birth_date, address optional).
    public static func household(csv: CSVFile) throws -> [HouseholdRecord] {
        let id = try csv.column("resident_id")
        let name = try csv.column("name")
        let region = try csv.column("region_code")
        let birth = csv.optionalColumn("birth_date")
        let address = csv.optionalColumn("address")
        return try csv.rows.enumerated().map { i, r in
            let b = csv.cell(r, birth)
            return HouseholdRecord(
                residentID: csv.cell(r, id), name: csv.cell(r, name),
                birthDate: b.isEmpty ? nil : try CivilDate(iso: b, field: csv.field(row: i, "birth_date")),
                address: csv.cell(r, address), regionCode: csv.cell(r, region))
        }
    }

    /// Student registry extract: `registry_number,resident_id,name,birth_date,school_id,school_region_code,grade,status`
    /// (status one of enrolled, deferred, suspended, home_delivered, transferred_out, graduated; default enrolled).
    public static func students(csv: CSVFile) throws -> [StudentRecord] {
        let reg = try csv.column("registry_number")
        let id = try csv.column("resident_id")
        let name = try csv.column("name")
        let school = try csv.column("school_id")
        let region = try csv.column("school_region_code")
        let grade = try csv.column("grade")
        let birth = csv.optionalColumn("birth_date")
        let status = csv.optionalColumn("status")
        return try csv.rows.enumerated().map { i, r in
            let b = csv.cell(r, birth)
            let s = csv.cell(r, status)
            let g = csv.cell(r, grade)
            guard let gradeValue = Int(g), (1...9).contains(gradeValue) else {
                throw KCBXError.invalidInput(field: csv.field(row: i, "grade"), rule: "\(KCBXError.quote(g)) must be a grade 1-9")
            }
            guard let st = s.isEmpty ? .enrolled : RegistryStatus(rawValue: s) else {
                throw KCBXError.invalidInput(
                    field: csv.field(row: i, "status"),
                    rule: "\(KCBXError.quote(s)) must be one of \(RegistryStatus.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            let rid = csv.cell(r, id)
            return StudentRecord(
                registryNumber: csv.cell(r, reg), residentID: rid.isEmpty ? nil : rid, name: csv.cell(r, name),
                birthDate: b.isEmpty ? nil : try CivilDate(iso: b, field: csv.field(row: i, "birth_date")),
                schoolID: csv.cell(r, school), schoolRegionCode: csv.cell(r, region), grade: gradeValue, status: st)
        }
    }

    /// A list of people (attending, poverty, “三类”, dropouts): one column `resident_id`.
    public static func idList(csv: CSVFile) throws -> Set<String> {
        let id = try csv.column("resident_id")
        return Set(csv.rows.map { csv.cell($0, id).uppercased() })
    }
}

extension ReconciliationReport {
    /// Every finding, one row each, with the reason it was produced.
    public func findingsTable() -> ReportTable {
        ReportTable(
            title: "四查三比对核查结果", headers: ["类别", "身份证号", "姓名", "情况", "建议辍学分类", "相关身份证号", "匹配度", "依据"],
            rows: findings.map { f in
                [
                    f.kind.rawValue, f.residentID, f.name, f.detail, f.proposedReason?.rawValue ?? "", f.relatedID ?? "",
                    f.score.map { String(Int(($0 * 100).rounded())) + "%" } ?? "", f.kind.why,
                ]
            })
    }

    /// The four counts and the number of findings of each kind.
    public func summaryTable() -> ReportTable {
        var rows: [[String]] = [
            ["户籍适龄儿童少年数", String(householdSchoolAge)], ["外来随迁适龄儿童少年数", String(migrants)],
            ["国网学籍数", String(registered)], ["在校生数", attending.map(String.init) ?? "未比对"],
            ["脱贫户适龄儿童少年数", String(povertySchoolAge)],
            ["乡镇排摸适龄儿童少年数（户籍无记录）", String(censusOnlySchoolAge)],
            ["残疾适龄儿童少年数", String(disabledSchoolAge)], ["留守适龄儿童少年数", String(leftBehindSchoolAge)],
            ["比对一 户籍—学籍：失学", String(findings(.outOfSchool).count)],
            ["比对一 户籍—学籍：区外就读", String(findings(.studyingElsewhere).count)],
            ["比对一 户籍—学籍：缓学休学", String(deferredOrSuspended)],
            ["比对一 户籍—学籍：外来随迁", String(findings(.migrant).count)],
            ["比对二 学籍—在校：人籍不一致（疑似辍学）", attending == nil ? "未比对" : String(findings(.registeredNotAttending).count)],
            ["比对三 辍学—脱贫户/“三类”", String(findings(.povertyDropout).count)],
        ]
        for k in FindingKind.allCases { rows.append([k.rawValue, String(findings(k).count)]) }
        return ReportTable(title: "四查三比对汇总", headers: ["项目", "数量"], rows: rows)
    }
}
