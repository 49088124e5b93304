// Policy profiles (DOMAIN.md table, §2, §3): the five built-ins hold what their seed documents
// say, with provenance; DOMAIN.md defaults fill only the gaps; profile files are read strictly.
import Foundation
import Testing

@testable import KCBXCore

/// Built-in id → seed number (DOMAIN.md table).
private let seedOf = [
    "baiyin-2020": "000", "guyuan-2021": "001", "fujian-2020": "002",
    "huarong-2024": "003", "dongchuan-2025": "004",
]
private let regionOf = [
    "baiyin-2020": "620402", "guyuan-2021": "640400", "fujian-2020": "350000",
    "huarong-2024": "420703", "dongchuan-2025": "530113",
]

private func profile(_ id: String) throws -> PolicyProfile { try PolicyProfile.builtin(id) }

private func citation(_ p: Provenance) -> String? { if case .document(let c) = p { return c } else { return nil } }
private func isDefaulted(_ p: Provenance) -> Bool { if case .defaulted = p { return true } else { return false } }

/// The invalid-input error `body` throws, or nil.
private func invalidInput(_ body: () throws -> Void) -> (field: String, rule: String)? {
    do { try body() } catch let KCBXError.invalidInput(field, rule) { return (field, rule) } catch { return nil }
    return nil
}

/// The field named by the error a profile file raises.
private func fileError(_ json: String) -> (field: String, rule: String)? {
    invalidInput { _ = try PolicyProfile(json: json) }
}

private let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

// MARK: - Built-ins exist and validate

@Test("DOMAIN.md table: the five built-in profiles exist, validate and carry their seed's metadata")
func builtinsExist() throws {
    #expect(Set(PolicyProfile.builtinNames) == Set(seedOf.keys))
    #expect(PolicyProfile.builtinNames.count == 5)
    for name in PolicyProfile.builtinNames {
        let p = try profile(name)
        try p.validate()
        #expect(p.id == name)
        #expect(p.regionCode == regionOf[name])
        #expect(p.source.hasPrefix("seeds/\(seedOf[name]!)_"), "\(name) source \(p.source)")
        #expect(!p.document.isEmpty && !p.title.isEmpty && !p.jurisdiction.isEmpty)
        #expect(p.parameters.count == ParameterKey.allCases.count)
    }
    #expect(try profile("guyuan-2021").document == "固政办发〔2021〕28号")
    #expect(try profile("baiyin-2020").document == "白政办发〔2020〕28号")
    #expect(try profile("fujian-2020").document == "闽教基〔2020〕14号")
    #expect(try profile("huarong-2024").document == "华容教督室函〔2024〕3号")
    #expect(try profile("dongchuan-2025").document == "东教体发〔2025〕8号")
}

@Test("An unknown built-in name is notFound and lists the built-ins")
func builtinUnknown() {
    do {
        _ = try PolicyProfile.builtin("nowhere-2030")
        Issue.record("expected notFound")
    } catch let KCBXError.notFound(what, name) {
        #expect(what == "policy profile")
        #expect(name.contains("nowhere-2030") && name.contains("guyuan-2021"))
    } catch { Issue.record("unexpected \(error)") }
}

@Test("Every .document citation in a built-in cites that profile's own seed file")
func builtinCitationsCiteOwnSeed() throws {
    for name in PolicyProfile.builtinNames {
        let p = try profile(name)
        let seed = seedOf[name]! + " "
        var provenances = ParameterKey.allCases.map { p[$0].provenance }
        provenances.append(p.monitoredGroups.provenance)
        provenances += p.reportDuties.map(\.provenance) + p.referrals.map(\.provenance)
        for prov in provenances {
            switch prov {
            case .document(let c): #expect(c.hasPrefix(seed), "\(name): \(c)")
            case .defaulted(let c): #expect(c.contains("DOMAIN.md") || c.contains("default"), "\(name): \(c)")
            case .file(let c): Issue.record("\(name): built-in value with file provenance \(c)")
            }
        }
        // Report duties are all from the document itself.
        #expect(p.reportDuties.allSatisfy { citation($0.provenance) != nil }, "\(name)")
    }
}

@Test("DOMAIN.md defaults validate for every parameter key")
func defaultsValidate() throws {
    for key in ParameterKey.allCases {
        try key.validate(key.defaultValue.value)
        #expect(isDefaulted(key.defaultValue.provenance))
    }
}

// MARK: - Guyuan (seed 001)

@Test("seed 001 附件1 填表说明1: suspected dropout after more than one week (7 calendar days)")
func guyuanSuspectedAfter() throws {
    let p = try profile("guyuan-2021")
    #expect(p.duration(.suspectedAfter) == PolicyDuration(7, .calendarDays))
    let c = try #require(citation(p[.suspectedAfter].provenance))
    #expect(c.hasPrefix("001 附件1 填表说明1"))
    #expect(c.contains("超过一星期"))
}

@Test("seed 001 附件1 填表说明2: dropout when suspected for more than one month (1 calendar month)")
func guyuanDropoutAfter() throws {
    let p = try profile("guyuan-2021")
    #expect(p.duration(.dropoutAfterSuspected) == PolicyDuration(1, .calendarMonths))
    let c = try #require(citation(p[.dropoutAfterSuspected].provenance))
    #expect(c.hasPrefix("001 附件1 填表说明2"))
    #expect(c.contains("超过一个月"))
}

@Test("seed 001 二（二）: schools daily, townships weekly, counties monthly, city quarterly; 附件1 填表说明4 report dates")
func guyuanCadence() throws {
    let p = try profile("guyuan-2021")
    let byID = Dictionary(uniqueKeysWithValues: p.reportDuties.map { ($0.id, $0) })
    #expect(byID["school_daily_check"]?.schedule == .daily)
    #expect(byID["school_daily_check"]?.level == .school)
    #expect(byID["township_weekly_report"]?.level == .township)
    #expect(byID["county_monthly_summary"]?.schedule == .monthly)
    #expect(byID["city_quarterly_bulletin"]?.schedule == .quarterly)
    #expect(byID["county_report_term_start"]?.schedule == .firstWeekOfTerm(weekday: 5))  // 开学后第一周周五
    #expect(byID["county_report_mid_term"]?.schedule == .monthEnds([4, 10]))
    #expect(byID["county_report_term_end"]?.schedule == .monthEnds([6, 12]))
    #expect(p[.threeLineAlertAfter].value == .off)  // only Dongchuan has it
}

// MARK: - Dongchuan (seed 004)

@Test("seed 004 二（三）2: three-line report after 3 school days without valid reason")
func dongchuanThreeLine() throws {
    let p = try profile("dongchuan-2025")
    #expect(p.duration(.threeLineAlertAfter) == PolicyDuration(3, .schoolDays))
    let c = try #require(citation(p[.threeLineAlertAfter].provenance))
    #expect(c.hasPrefix("004 "))
    #expect(c.contains("3天及以上"))
}

@Test("seed 004 二（三）3: attendance recorded every working day before 15:00")
func dongchuanAttendanceRecordBy() throws {
    let p = try profile("dongchuan-2025")
    #expect(p.text(.attendanceRecordBy) == "15:00")
    let c = try #require(citation(p[.attendanceRecordBy].provenance))
    #expect(c.hasPrefix("004 "))
    #expect(c.contains("15:00"))
    // Same seed: guardian contacted the same day, letter to the registration place's bureau.
    #expect(p.duration(.guardianContactWithin) == PolicyDuration(0, .schoolDays))
    #expect(p.flag(.crossRegionLetter))
    #expect(citation(p[.crossRegionLetter].provenance)?.hasPrefix("004 ") == true)
    #expect(p.reportDuties.contains { $0.id == "four_checks_three_comparisons" && $0.schedule == .afterTermStart(days: 7) })
}

// MARK: - Huarong (seed 003)

@Test("seed 003 一、工作目标: consolidation rate target 98%; 三（四）人盯人挂钩 one-to-one assignment")
func huarongTargets() throws {
    let p = try profile("huarong-2024")
    #expect(p.number(.consolidationTarget) == 0.98)
    #expect(citation(p[.consolidationTarget].provenance)?.hasPrefix("003 ") == true)
    #expect(citation(p[.consolidationTarget].provenance)?.contains("98%") == true)
    #expect(p.flag(.oneToOneAssignment))
    #expect(citation(p[.oneToOneAssignment].provenance)?.hasPrefix("003 ") == true)
    #expect(citation(p[.oneToOneAssignment].provenance)?.contains("人盯人挂钩") == true)
}

@Test("seed 003 二、工作职责: the 17 member departments (一)–(十七) each route, citing their own clause")
func huarongSeventeenDepartments() throws {
    let p = try profile("huarong-2024")
    // Seed 003 二（一）…（十七）, in the document's order.
    let listed: [Department] = [
        .township, .education, .disabilityFederation, .health, .police, .civilAffairs,
        .youthLeague, .ruralRevitalisation, .womensFederation, .justice, .humanResources,
        .marketRegulation, .media, .finance, .development, .naturalResources, .tradeUnion,
    ]
    let numerals = [
        "一", "二", "三", "四", "五", "六", "七", "八", "九", "十",
        "十一", "十二", "十三", "十四", "十五", "十六", "十七",
    ]
    let fromDocument = p.referrals.filter { citation($0.provenance) != nil }
    #expect(Set(fromDocument.map(\.department)).count == 17)
    #expect(Set(fromDocument.map(\.department)) == Set(listed))
    for (dept, n) in zip(listed, numerals) {
        let r = fromDocument.filter { $0.department == dept }
        #expect(r.count == 1, "\(dept)")
        #expect(r.first.flatMap { citation($0.provenance) } == "003 二（\(n)）", "\(dept)")
    }
}

@Test("seed 003 二（十八）: the 18th unit, the schools, owes the regular report; 18 departments' worth of routes")
func huarongEighteenthUnit() throws {
    let p = try profile("huarong-2024")
    let schools = try #require(p.reportDuties.first { $0.id == "school_regular_report" })
    #expect(schools.level == .school)
    #expect(citation(schools.provenance) == "003 二（十八）")
    // The document's 17 departments plus the DOMAIN.md §3 default for what it leaves unrouted
    // (religious affairs for L): every Department appears.
    let all = Set(p.referrals.map(\.department))
    #expect(all.count == 18)
    #expect(all == Set(Department.allCases))
    let religious = p.referrals.filter { $0.department == .religiousAffairs }
    #expect(religious.count == 1 && religious.allSatisfy { isDefaulted($0.provenance) })
    #expect(p.departments(for: .L, groups: []) == [.religiousAffairs])
}

// MARK: - Baiyin (seed 000)

@Test("seed 000 二（一）每学期首月20日前: term sweep due 20 September and 20 March")
func baiyinTermSweep() throws {
    let p = try profile("baiyin-2020")
    let sweep = try #require(p.reportDuties.first { $0.id == "term_sweep" })
    #expect(sweep.schedule == .yearly([MonthDay(9, 20), MonthDay(3, 20)]))
    #expect(sweep.level == .township)
    #expect(citation(sweep.provenance)?.hasPrefix("000 ") == true)
    #expect(MonthDay(9, 20).description == "09-20" && MonthDay(3, 20).description == "03-20")
    // Other calendar duties of DOMAIN.md §3 from seed 000.
    let byID = Dictionary(uniqueKeysWithValues: p.reportDuties.map { ($0.id, $0.schedule) })
    #expect(byID["census_new_school_age"] == .yearly([MonthDay(6, 30)]))
    #expect(byID["six_year_old_roster"] == .yearly([MonthDay(7, 31)]))
    #expect(byID["police_registry_extract"] == .yearly([MonthDay(9, 20)]))
    #expect(byID["disability_expert_assessment"] == .yearly([MonthDay(8, 10)]))
    #expect(byID["left_behind_roster"] == .yearly([MonthDay(9, 30)]))
    #expect(byID["registry_cross_check"] == .yearly([MonthDay(11, 30)]))
}

@Test("seed 000 一（二）: the justice department issues legal documents after the deadline")
func baiyinJustice() throws {
    let p = try profile("baiyin-2020")
    #expect(p.referrals.contains { $0.department == .justice && citation($0.provenance)?.hasPrefix("000 ") == true })
}

// MARK: - Fujian (seed 002)

@Test("seed 002 二（一）: weekly ledger check and report (每周台账信息核查和报送)")
func fujianWeeklyLedgerCheck() throws {
    let p = try profile("fujian-2020")
    let duty = try #require(p.reportDuties.first { $0.id == "weekly_ledger_check" })
    guard case .weekly = duty.schedule else {
        Issue.record("schedule \(duty.schedule) is not weekly")
        return
    }
    #expect(citation(duty.provenance)?.hasPrefix("002 ") == true)
    #expect(duty.what.contains("每周台账"))
    #expect(p.reportDuties.contains { $0.id == "persuasion_complete" && $0.schedule == .yearly([MonthDay(7, 31)]) })
}

// MARK: - Defaults where the document is silent

@Test("DOMAIN.md §2: Baiyin (000) and Fujian (002) are silent on thresholds, so they are .defaulted")
func silentDocumentsAreDefaulted() throws {
    for name in ["baiyin-2020", "fujian-2020"] {
        let p = try profile(name)
        #expect(isDefaulted(p[.suspectedAfter].provenance), "\(name)")
        #expect(p.duration(.suspectedAfter) == PolicyDuration(7, .calendarDays), "\(name)")
        #expect(isDefaulted(p[.dropoutAfterSuspected].provenance), "\(name)")
        #expect(p.duration(.dropoutAfterSuspected) == PolicyDuration(1, .calendarMonths), "\(name)")
    }
    for name in ["huarong-2024", "dongchuan-2025"] {
        #expect(isDefaulted(try profile(name)[.suspectedAfter].provenance), "\(name)")
    }
}

@Test("Rules only one document has are off (defaulted) under the others")
func singleDocumentRulesAreOffElsewhere() throws {
    for name in PolicyProfile.builtinNames {
        let p = try profile(name)
        if name != "dongchuan-2025" {
            #expect(p[.threeLineAlertAfter].value == .off, "\(name)")
            #expect(isDefaulted(p[.threeLineAlertAfter].provenance), "\(name)")
            #expect(p[.attendanceRecordBy].value == .off, "\(name)")
            #expect(!p.flag(.crossRegionLetter), "\(name)")
        }
        if name != "huarong-2024" {
            #expect(p[.consolidationTarget].value == .off, "\(name)")
            #expect(p.number(.consolidationTarget) == nil, "\(name)")
            #expect(!p.flag(.oneToOneAssignment), "\(name)")
            #expect(isDefaulted(p[.oneToOneAssignment].provenance), "\(name)")
        }
    }
}

// MARK: - Routing (联控联保, DOMAIN.md §3)

@Test("DOMAIN.md §3: H (working away) goes to human resources and market regulation in every profile")
func routingChildLabour() throws {
    for name in PolicyProfile.builtinNames {
        let p = try profile(name)
        for reason in [ReasonCode.H, .I] {
            let d = p.departments(for: reason, groups: [])
            #expect(d.contains(.humanResources) && d.contains(.marketRegulation), "\(name) \(reason)")
        }
    }
}

@Test("DOMAIN.md §3: L (入寺入教) goes to religious affairs, T and J to police, in every profile")
func routingReligiousAndPolice() throws {
    for name in PolicyProfile.builtinNames {
        let p = try profile(name)
        #expect(p.departments(for: .L, groups: []).contains(.religiousAffairs), "\(name)")
        #expect(p.departments(for: .T, groups: []).contains(.police), "\(name)")
        #expect(p.departments(for: .J, groups: []).contains(.police), "\(name)")
        #expect(p.departments(for: .M, groups: []).contains(.civilAffairs), "\(name)")
        let cde: [Department] = [ReasonCode.C, .D, .E].flatMap { (r: ReasonCode) -> [Department] in p.departments(for: r, groups: []) }
        #expect(cde.contains(.health) || cde.contains(.disabilityFederation) || cde.contains(.education), "\(name)")
        // A poverty-household child is always routed somewhere (Fujian 002 sends it to civil affairs),
        // and the "三类" monitored households reach rural revitalisation, with or without a reason.
        #expect(!p.departments(for: nil, groups: [.registeredPoor]).isEmpty, "\(name)")
        for g in SpecialGroup.allCases where g.isThreeKinds {
            #expect(p.departments(for: nil, groups: [g]).contains(.ruralRevitalisation), "\(name) \(g)")
        }
        #expect(p.departments(for: nil, groups: []).isEmpty, "\(name)")
        // No department is listed twice.
        let all = p.departments(for: .D, groups: SpecialGroup.allCases)
        #expect(all.count == Set(all).count, "\(name)")
    }
}

@Test("Document routes win over defaults: Baiyin's own police route cites seed 000")
func routingDocumentFirst() throws {
    let p = try profile("baiyin-2020")
    let police = p.referrals.filter { $0.department == .police }
    #expect(police.count == 1)
    #expect(citation(police[0].provenance)?.hasPrefix("000 ") == true)
}

// MARK: - JSON files

@Test("docs/policy-format.md: every built-in round-trips through json() unchanged")
func jsonRoundTrip() throws {
    for name in PolicyProfile.builtinNames {
        let p = try profile(name)
        #expect(try PolicyProfile(json: p.json()) == p, "\(name) pretty")
        #expect(try PolicyProfile(json: p.json(pretty: false)) == p, "\(name) compact")
        #expect(try PolicyProfile(json: p.json()).json() == p.json(), "\(name) text")
    }
}

@Test("docs/policy-format.md: a file that extends guyuan-2021 and overrides one parameter keeps the others")
func jsonExtendsOverride() throws {
    let base = try profile("guyuan-2021")
    let p = try PolicyProfile(
        json: """
            {"kcbx_policy": 1, "id": "guyuan-custom", "extends": "guyuan-2021",
             "parameters": {"suspected_after": {"amount": 10, "unit": "calendar_days"}}}
            """)
    #expect(p.id == "guyuan-custom")
    #expect(p.duration(.suspectedAfter) == PolicyDuration(10, .calendarDays))
    #expect(p[.suspectedAfter].provenance == .file("inline JSON"))
    // Everything else is still the document's.
    #expect(p[.dropoutAfterSuspected] == base[.dropoutAfterSuspected])
    #expect(citation(p[.dropoutAfterSuspected].provenance)?.hasPrefix("001 附件1 填表说明2") == true)
    for key in ParameterKey.allCases where key != .suspectedAfter { #expect(p[key] == base[key], "\(key)") }
    #expect(p.reportDuties == base.reportDuties)
    #expect(p.referrals == base.referrals)
    #expect(p.monitoredGroups == base.monitoredGroups)
    #expect(p.regionCode == base.regionCode)
}

@Test("docs/policy-format.md: a value's own source becomes its file provenance; plain values and off")
func jsonValueForms() throws {
    let p = try PolicyProfile(
        json: """
            {"id": "t", "extends": "huarong-2024", "parameters": {
              "chronic_absence_share": {"value": 0.2, "source": "county notice §3"},
              "consolidation_target": "off",
              "dual_line": false,
              "attendance_record_by": "16:30",
              "three_line_alert_after": {"amount": 5, "unit": "school_days", "source": "county rule"}}}
            """)
    #expect(p[.chronicAbsenceShare] == Sourced(.number(0.2), .file("county notice §3")))
    #expect(p[.consolidationTarget] == Sourced(.off, .file("inline JSON")))
    #expect(!p.flag(.dualLine))
    #expect(p.text(.attendanceRecordBy) == "16:30")
    #expect(p[.threeLineAlertAfter] == Sourced(.duration(PolicyDuration(5, .schoolDays)), .file("county rule")))
    #expect(p.flag(.oneToOneAssignment))  // still Huarong's
}

@Test("docs/policy-format.md: a file without extends starts from DOMAIN.md defaults and needs region_code")
func jsonStandalone() throws {
    let p = try PolicyProfile(json: #"{"id": "plain", "region_code": "640422"}"#)
    for key in ParameterKey.allCases { #expect(p[key] == key.defaultValue, "\(key)") }
    #expect(p.departments(for: .H, groups: []).contains(.humanResources))
    let e = fileError(#"{"id": "plain"}"#)
    #expect(e?.field == "region_code")
    #expect(e?.rule == "is required")
}

@Test("PolicyProfile.load(path:): values from a file get the path as provenance; a missing file is notFound")
func jsonLoadFile() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("kcbx-policy-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let path = dir.appendingPathComponent("county.json").path
    try #"{"id": "county", "extends": "dongchuan-2025", "parameters": {"suspected_after": {"amount": 5, "unit": "school_days"}}}"#
        .write(toFile: path, atomically: true, encoding: .utf8)
    let p = try PolicyProfile.load(path: path)
    #expect(p.source == path)
    #expect(p[.suspectedAfter] == Sourced(.duration(PolicyDuration(5, .schoolDays)), .file(path)))
    #expect(p.duration(.threeLineAlertAfter) == PolicyDuration(3, .schoolDays))
    do {
        _ = try PolicyProfile.load(path: dir.appendingPathComponent("missing.json").path)
        Issue.record("expected notFound")
    } catch let KCBXError.notFound(what, name) {
        #expect(what == "policy file" && name.hasSuffix("missing.json"))
    }
}

@Test("examples/policies/county-2026.json (docs/policy-format.md) loads and keeps Guyuan's document values")
func jsonExampleFile() throws {
    let path = packageRoot.appendingPathComponent("examples/policies/county-2026.json").path
    let p = try PolicyProfile.load(path: path)
    #expect(p.id == "xiji-county-2026")
    #expect(p.regionCode == "640422")
    #expect(p.duration(.threeLineAlertAfter) == PolicyDuration(3, .schoolDays))
    #expect(p[.threeLineAlertAfter].provenance == .file("county adopts Dongchuan's three-line report"))
    #expect(p.number(.chronicAbsenceShare) == 0.08)
    #expect(p[.chronicAbsenceShare].provenance == .file(path))
    #expect(p[.suspectedAfter] == (try profile("guyuan-2021"))[.suspectedAfter])
}

@Test("docs/policy-format.md: file errors name the field")
func jsonErrorsNameTheField() {
    let ext = #""id": "t", "extends": "guyuan-2021""#
    let cases: [(json: String, field: String, rule: String)] = [
        (#"{\#(ext), "parameters": {"nonsense": 1}}"#, "parameters.nonsense", "unknown key"),
        (
            #"{\#(ext), "parameters": {"suspected_after": {"amount": -1, "unit": "calendar_days"}}}"#, "parameters.suspected_after",
            "negative"
        ),
        (
            #"{\#(ext), "parameters": {"suspected_after": {"amount": 0, "unit": "calendar_days"}}}"#, "parameters.suspected_after",
            "at least 1"
        ),
        (#"{\#(ext), "parameters": {"suspected_after": 7}}"#, "parameters.suspected_after", "must be an object"),
        (#"{\#(ext), "parameters": {"suspected_after": "off"}}"#, "parameters.suspected_after", "cannot be off"),
        (
            #"{\#(ext), "parameters": {"suspected_after": {"amount": 1.5, "unit": "calendar_days"}}}"#, "parameters.suspected_after.amount",
            "whole number"
        ),
        (
            #"{\#(ext), "parameters": {"suspected_after": {"amount": 3, "unit": "fortnights"}}}"#, "parameters.suspected_after.unit",
            "fortnights"
        ),
        (#"{\#(ext), "parameters": {"suspected_after": {"unit": "calendar_days"}}}"#, "parameters.suspected_after.amount", "is required"),
        (
            #"{\#(ext), "parameters": {"suspected_after": {"amount": 3, "unit": "school_days", "colour": 1}}}"#,
            "parameters.suspected_after.colour", "unknown key"
        ),
        (#"{\#(ext), "parameters": {"chronic_absence_share": 1.5}}"#, "parameters.chronic_absence_share", "(0, 1]"),
        (#"{\#(ext), "parameters": {"chronic_absence_share": 0}}"#, "parameters.chronic_absence_share", "(0, 1]"),
        (#"{\#(ext), "parameters": {"consolidation_target": 98}}"#, "parameters.consolidation_target", "(0, 1]"),
        (#"{\#(ext), "parameters": {"closure_window_days": 0}}"#, "parameters.closure_window_days", "1-365"),
        (#"{\#(ext), "parameters": {"attendance_record_by": "25:00"}}"#, "parameters.attendance_record_by", "HH:MM"),
        (#"{\#(ext), "parameters": {"dual_line": "yes"}}"#, "parameters.dual_line", "flag"),
        (#"{"id": "t", "extends": "atlantis-2020"}"#, "extends", "atlantis-2020"),
        (#"{"id": "t", "extends": "guyuan-2021""#, "policy", "valid JSON"),
        (#"[1, 2]"#, "document", "JSON object"),
        (#"{\#(ext), "monitored_groups": ["orphans"]}"#, "monitored_groups[0]", "orphans"),
        (#"{\#(ext), "monitored_groups": {"value": ["disabled", "pirates"], "source": "x"}}"#, "monitored_groups[1]", "pirates"),
        (#"{\#(ext), "referrals": [{"department": "navy"}]}"#, "referrals[0].department", "navy"),
        (#"{\#(ext), "referrals": [{"department": "police", "reasons": ["Z"]}]}"#, "referrals[0].reasons[0]", "A-T"),
        (#"{\#(ext), "referrals": [{"department": "police", "groups": ["pirates"]}]}"#, "referrals[0].groups[0]", "pirates"),
        (
            #"{\#(ext), "report_duties": [{"id": "a", "level": "school", "what": "x", "schedule": {"every": "week", "weekday": 8}}]}"#,
            "report_duties[0].schedule.weekday", "1-7"
        ),
        (
            #"{\#(ext), "report_duties": [{"id": "a", "level": "school", "what": "x", "schedule": {"every": "year", "dates": ["02-30"]}}]}"#,
            "report_duties[0].schedule.dates[0]", "MM-DD"
        ),
        (
            #"{\#(ext), "report_duties": [{"id": "a", "level": "mayor", "what": "x", "schedule": {"every": "day"}}]}"#,
            "report_duties[0].level", "mayor"
        ),
        (
            #"{\#(ext), "report_duties": [{"id": "a", "level": "school", "what": "x", "schedule": {"every": "day"}}, {"id": "a", "level": "school", "what": "y", "schedule": {"every": "day"}}]}"#,
            "report_duties[1].id", "duplicate"
        ),
        (#"{\#(ext), "colour": "red"}"#, "colour", "unknown key"),
        (#"{"extends": "guyuan-2021"}"#, "id", "is required"),
        (#"{"id": "Bad Id", "extends": "guyuan-2021"}"#, "id", "lower-case"),
        (#"{\#(ext), "region_code": "64"}"#, "region_code", "6-digit"),
        (#"{"kcbx_policy": 2, \#(ext)}"#, "kcbx_policy", "not supported"),
    ]
    for c in cases {
        let e = fileError(c.json)
        #expect(e?.field == c.field, "\(c.json) → \(String(describing: e))")
        #expect(e?.rule.contains(c.rule) == true, "\(c.json) → \(String(describing: e))")
    }
}

@Test("A profile file's errors read as 'field: rule' in KCBXError.description")
func jsonErrorDescription() {
    do {
        _ = try PolicyProfile(json: #"{"id": "t", "extends": "guyuan-2021", "parameters": {"nonsense": 1}}"#)
        Issue.record("expected an error")
    } catch {
        #expect(String(describing: error).hasPrefix("parameters.nonsense: unknown key"))
    }
}
