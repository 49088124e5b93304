/// The five built-in profiles (DOMAIN.md table), each holding what its seed document says;
/// DOMAIN.md defaults fill only what the document leaves out. Citations name seed file and clause.
extension PolicyProfile {
    /// Ids of the built-in profiles.
    public static let builtinNames = ["baiyin-2020", "guyuan-2021", "fujian-2020", "huarong-2024", "dongchuan-2025"]

    /// A built-in profile by id.
    public static func builtin(_ name: String) throws -> PolicyProfile {
        switch name {
        case "baiyin-2020": return baiyin2020
        case "guyuan-2021": return guyuan2021
        case "fujian-2020": return fujian2020
        case "huarong-2024": return huarong2024
        case "dongchuan-2025": return dongchuan2025
        default:
            throw KCBXError.notFound(
                what: "policy profile", name: "\(KCBXError.quote(name)) (built-ins: \(builtinNames.joined(separator: ", ")))")
        }
    }

    /// Routing of DOMAIN.md §3, used for reasons and groups a document does not route itself.
    static let defaultReferrals: [Referral] = {
        let p = Provenance.defaulted("DOMAIN.md §3 routing")
        return [
            Referral(department: .police, reasons: [.T, .J], duty: "查找失踪失联、核实户籍与身份信息", provenance: p),
            Referral(department: .humanResources, reasons: [.H, .I], duty: "查处违法招用未成年人", provenance: p),
            Referral(department: .marketRegulation, reasons: [.H, .I], duty: "查处违法招用未成年人", provenance: p),
            Referral(
                department: .civilAffairs, reasons: [.M, .N], groups: [.subsistenceAllowance, .extremeHardship, .unsupported],
                duty: "查处早婚、落实救助", provenance: p),
            Referral(department: .disabilityFederation, reasons: [.C, .D], groups: [.disabled], duty: "残疾儿童鉴定与安置", provenance: p),
            Referral(department: .health, reasons: [.C, .D, .E], duty: "因病因残鉴定", provenance: p),
            Referral(department: .education, reasons: [.C, .D, .E], duty: "专家组评估与安置", provenance: p),
            Referral(department: .religiousAffairs, reasons: [.L], duty: "“入寺入教”劝返", provenance: p),
            Referral(
                department: .ruralRevitalisation, groups: [.registeredPoor, .unstableOutOfPoverty, .marginalRisk, .suddenHardship],
                duty: "脱贫户及“三类”人员比对帮扶", provenance: p),
        ]
    }()

    /// Document routes plus the default routes for reasons and groups the document leaves unrouted.
    static func routes(_ own: [Referral]) -> [Referral] {
        let reasons = Set(own.flatMap(\.reasons))
        let groups = Set(own.flatMap(\.groups))
        return own
            + defaultReferrals.compactMap { r in
                var r = r
                r.reasons.removeAll(where: reasons.contains)
                r.groups.removeAll(where: groups.contains)
                return r.reasons.isEmpty && r.groups.isEmpty ? nil : r
            }
    }

    static let allGroupsDefault = Sourced(SpecialGroup.allCases, .defaulted("DOMAIN.md §1: special groups are monitored first"))

    static var baiyin2020: PolicyProfile {
        func doc(_ c: String) -> Provenance { .document("000 " + c) }
        return PolicyProfile(
            id: "baiyin-2020", jurisdiction: "白银市白银区", regionCode: "620402",
            document: "白政办发〔2020〕28号", title: "白银区义务教育控辍保学联控联保工作方案",
            source: "seeds/000_a14228616c8e4e7b.txt",
            monitoredGroups: Sourced(
                [.registeredPoor, .disabled, .leftBehind, .minority, .subsistenceAllowance, .extremeHardship, .prisonerChild],
                doc("二（三）动态监控环节")),
            reportDuties: [
                ReportDuty(
                    id: "census_new_school_age", level: .township, schedule: .yearly([MonthDay(6, 30)]),
                    what: "新增适龄人口（截止当年8月31日年满六周岁）摸底登记，下达《义务教育入学通知书》", provenance: doc("二（一）排查摸底环节")),
                ReportDuty(
                    id: "six_year_old_roster", level: .township, schedule: .yearly([MonthDay(7, 31)]),
                    what: "6周岁人口花名册（附件3）和建档立卡贫困户子女信息报区教育局", provenance: doc("二（一）排查摸底环节")),
                ReportDuty(
                    id: "term_sweep", level: .township, schedule: .yearly([MonthDay(9, 20), MonthDay(3, 20)]),
                    what: "应入未入、疑似辍学儿童排查劝返，疑似失学儿童核查劝返台账（附件4）报区教育局", provenance: doc("二（一）每学期首月20日前")),
                ReportDuty(
                    id: "police_registry_extract", level: .department, schedule: .yearly([MonthDay(9, 20)]),
                    what: "公安部门报送全区6-15周岁户籍人口基本信息", provenance: doc("二（二）数据比对环节")),
                ReportDuty(
                    id: "registry_attendance_check", level: .school, schedule: .monthEnds([9, 3]),
                    what: "每学期首月实际在校学生与学籍注册学生比对（人籍一致）", provenance: doc("二（二）每学期首月")),
                ReportDuty(
                    id: "term_summary", level: .school, schedule: .monthEnds([1, 7]),
                    what: "每学期末月控辍保学工作总结（在校、辍学、失学、异动）报区教育局", provenance: doc("二（二）每学期末月")),
                ReportDuty(
                    id: "registry_cross_check", level: .county, schedule: .yearly([MonthDay(11, 30)]),
                    what: "学籍、户籍、建档立卡数据核查比对完成", provenance: doc("三（一）信息核查精准化")),
                ReportDuty(
                    id: "disabled_children_list", level: .department, schedule: .yearly([MonthDay(7, 31)]),
                    what: "区残联报6-15周岁残疾儿童少年基本信息", provenance: doc("四（三）")),
                ReportDuty(
                    id: "disability_expert_assessment", level: .department, schedule: .yearly([MonthDay(8, 10)]),
                    what: "残疾人教育专家委员会综合鉴定评估，提出安置建议", provenance: doc("四（三）")),
                ReportDuty(
                    id: "left_behind_roster", level: .department, schedule: .yearly([MonthDay(9, 30)]),
                    what: "民政部门报6-15周岁农村留守儿童少年花名册和贫困家庭子女信息", provenance: doc("四（二）")),
            ],
            referrals: routes([
                Referral(department: .police, reasons: [.J, .T], duty: "配合数据核查比对，督促无户口儿童入户，发现身份信息有误的适龄儿童", provenance: doc("一（二）")),
                Referral(department: .humanResources, reasons: [.H, .I], duty: "查处违法招用未成年人的单位或个人", provenance: doc("一（二）")),
                Referral(department: .marketRegulation, reasons: [.H, .I], duty: "情节严重的吊销营业执照；治理校园周边", provenance: doc("一（二）")),
                Referral(department: .justice, duty: "责令限期改正逾期不改的，依法发放司法文书", provenance: doc("一（二）")),
                Referral(
                    department: .civilAffairs, reasons: [.D], groups: [.registeredPoor, .subsistenceAllowance, .disabled],
                    duty: "家庭经济困难学生、残疾学生纳入社会救助；不具备受教育能力的兜底保障", provenance: doc("一（二）、四（三）")),
                Referral(
                    department: .disabilityFederation, reasons: [.C, .D], groups: [.disabled], duty: "残疾儿童数据库，协助核查未入学残疾儿童",
                    provenance: doc("四（三）")),
                Referral(department: .health, reasons: [.D], duty: "不具备接受教育能力的纳入兜底保障", provenance: doc("四（三）")),
                Referral(department: .religiousAffairs, reasons: [.L], duty: "按责任清单发挥职能作用", provenance: doc("一（二）")),
                Referral(department: .ruralRevitalisation, groups: [.registeredPoor], duty: "建档立卡数据核查比对", provenance: doc("三（一）")),
            ]))
    }

    static var guyuan2021: PolicyProfile {
        func doc(_ c: String) -> Provenance { .document("001 " + c) }
        return PolicyProfile(
            id: "guyuan-2021", jurisdiction: "固原市", regionCode: "640400",
            document: "固政办发〔2021〕28号", title: "固原市建立义务教育控辍保学长效机制实施办法",
            source: "seeds/001_8e0a0a9ab6badb18.txt",
            overrides: [
                .suspectedAfter: Sourced(.duration(.init(7, .calendarDays)), doc("附件1 填表说明1：未到校上课超过一星期且未请假")),
                .dropoutAfterSuspected: Sourced(.duration(.init(1, .calendarMonths)), doc("附件1 填表说明2：疑似辍学超过一个月仍未到校且未请假")),
                .dualLine: Sourced(.flag(true), doc("二（一）“双线控辍”")),
                .perChildPlan: Sourced(.flag(true), doc("二（三）“一人一案”制定劝返工作方案")),
            ],
            monitoredGroups: allGroupsDefault,
            reportDuties: [
                ReportDuty(id: "school_daily_check", level: .school, schedule: .daily, what: "学校每日清查", provenance: doc("二（二）日清查")),
                ReportDuty(
                    id: "township_weekly_report", level: .township, schedule: .weekly(weekday: 5), what: "乡（镇）每周上报",
                    provenance: doc("二（二）周上报")),
                ReportDuty(id: "county_monthly_summary", level: .county, schedule: .monthly, what: "县（区）每月汇总", provenance: doc("二（二）月汇总")),
                ReportDuty(id: "city_quarterly_bulletin", level: .city, schedule: .quarterly, what: "市上按季通报", provenance: doc("二（二）季通报")),
                ReportDuty(
                    id: "county_report_term_start", level: .county, schedule: .firstWeekOfTerm(weekday: 5),
                    what: "开学后第一周周五上报附件1、附件2（Excel和盖章PDF）", provenance: doc("附件1 填表说明4")),
                ReportDuty(
                    id: "county_report_mid_term", level: .county, schedule: .monthEnds([4, 10]),
                    what: "学期中（4月、10月底）上报附件1、附件2", provenance: doc("附件1 填表说明4")),
                ReportDuty(
                    id: "county_report_term_end", level: .county, schedule: .monthEnds([6, 12]),
                    what: "学期末（6月、12月底）上报附件1、附件2", provenance: doc("附件1 填表说明4")),
                ReportDuty(
                    id: "county_quarterly_to_government", level: .county, schedule: .quarterly,
                    what: "县（区）教育主管部门每季度向县（区）委、政府汇报问题", provenance: doc("二（一）定期汇报制度")),
                ReportDuty(
                    id: "county_monthly_inspection", level: .county, schedule: .monthly,
                    what: "每月开展一次专项督导检查", provenance: doc("二（五）")),
            ],
            referrals: routes([
                Referral(department: .humanResources, reasons: [.H, .I], duty: "严厉查处违法招用未成年人行为", provenance: doc("二（一）")),
                Referral(department: .marketRegulation, reasons: [.H, .I], duty: "严厉查处违法招用未成年人行为", provenance: doc("二（一）")),
                Referral(department: .justice, duty: "法治宣传教育和法律援助", provenance: doc("二（一）")),
                Referral(department: .police, reasons: [.T, .J], duty: "充分发挥公安部门控辍保学职能作用（核实户籍、查找失踪失联）", provenance: doc("二（一）")),
                Referral(
                    department: .civilAffairs, reasons: [.M, .N], groups: [.subsistenceAllowance, .extremeHardship, .unsupported],
                    duty: "充分发挥民政部门控辍保学职能作用（早婚、救助）", provenance: doc("二（一）")),
            ]), accountableHeads: AccountableHead.guyuanFiveHeads)
    }

    static var fujian2020: PolicyProfile {
        func doc(_ c: String) -> Provenance { .document("002 " + c) }
        return PolicyProfile(
            id: "fujian-2020", jurisdiction: "福建省", regionCode: "350000",
            document: "闽教基〔2020〕14号", title: "关于进一步加强义务教育控辍保学台账管理健全联控联保机制的通知",
            source: "seeds/002_bbe04154db4c82ba.txt",
            monitoredGroups: Sourced([.registeredPoor, .leftBehind, .disabled, .unsupported, .migrant, .prisonerChild], doc("二（一）特殊群体")),
            reportDuties: [
                ReportDuty(
                    id: "weekly_ledger_check", level: .county, schedule: .weekly(weekday: 5),
                    what: "每周台账信息核查和报送", provenance: doc("二（一）")),
                ReportDuty(
                    id: "monthly_ledger_bulletin", level: .county, schedule: .monthly,
                    what: "每月将控辍台账信息变动情况通报相关部门", provenance: doc("二（二）")),
                ReportDuty(
                    id: "monthly_department_reconciliation", level: .department, schedule: .monthly,
                    what: "每月部门间控辍台账信息核实比对", provenance: doc("二（二）")),
                ReportDuty(
                    id: "persuasion_complete", level: .county, schedule: .yearly([MonthDay(7, 31)]),
                    what: "7月底前基本完成辍学学生核查劝返工作", provenance: doc("四（二）")),
            ],
            referrals: routes([
                Referral(department: .police, reasons: [.T, .J], duty: "失踪失联、出境、户籍信息错误、死亡等原因的核实、查找", provenance: doc("二（三）")),
                Referral(
                    department: .health, reasons: [.C, .D, .E], groups: [.disabled], duty: "因病因残专家组筛查鉴定，提出安置意见", provenance: doc("二（三）")),
                Referral(department: .disabilityFederation, reasons: [.C, .D, .E], duty: "因病因残专家组筛查鉴定", provenance: doc("二（三）")),
                Referral(department: .education, reasons: [.C, .D, .E], duty: "送教上门或办理缓学、休学手续", provenance: doc("二（三）")),
                Referral(
                    department: .civilAffairs, groups: [.registeredPoor, .unsupported, .prisonerChild, .leftBehind],
                    duty: "特殊群体台账就学信息管理；因贫不能入学的落实救助", provenance: doc("二（一）、三（二）")),
                Referral(
                    department: .ruralRevitalisation, groups: [.unstableOutOfPoverty, .marginalRisk, .suddenHardship],
                    duty: "防止返贫监测（闽扶组〔2020〕4号）", provenance: doc("引言")),
            ]))
    }

    static var huarong2024: PolicyProfile {
        func doc(_ c: String) -> Provenance { .document("003 " + c) }
        return PolicyProfile(
            id: "huarong-2024", jurisdiction: "鄂州市华容区", regionCode: "420703",
            document: "华容教督室函〔2024〕3号", title: "华容区“控辍保学”联保联控工作方案",
            source: "seeds/003_17b447cdf1ae700f.txt",
            overrides: [
                .consolidationTarget: Sourced(.number(0.98), doc("一、工作目标：九年义务教育巩固率稳定在98%以上")),
                .oneToOneAssignment: Sourced(.flag(true), doc("三（四）疑似辍学人员采取人盯人挂钩方式")),
                .perChildPlan: Sourced(.flag(true), doc("三（四）“一生一策”")),
                .dualLine: Sourced(.flag(true), doc("一、双线多级联控联保责任制")),
            ],
            monitoredGroups: Sourced([.registeredPoor, .disabled], doc("一、以脱贫户家庭适龄儿童少年为重点；三（四）残疾适龄儿童")),
            reportDuties: [
                ReportDuty(
                    id: "term_start_check", level: .township, schedule: .afterTermStart(days: 7),
                    what: "学期开学初联动排查未到校学生，建立台账（开学初按一周计）", provenance: doc("三（三）")),
                ReportDuty(
                    id: "school_regular_report", level: .school, schedule: .monthly,
                    what: "定期向当地政府和区教育局汇报控辍保学情况（“定期”按每月计）", provenance: doc("二（十八）")),
            ],
            referrals: routes([
                Referral(department: .township, duty: "送达《限期复学通知书》，牵头组织公安、司法督促家长", provenance: doc("二（一）")),
                Referral(
                    department: .disabilityFederation, reasons: [.C, .D], groups: [.disabled], duty: "扶残助学，解决贫困残疾家庭子女就学",
                    provenance: doc("二（三）")),
                Referral(department: .health, reasons: [.C, .D, .E], duty: "残疾类别、程度的专业鉴定，医教结合", provenance: doc("二（四）")),
                Referral(department: .police, reasons: [.T, .J], duty: "协助排查入学情况；监护人拒不履行监护职责的综合执法", provenance: doc("二（五）")),
                Referral(
                    department: .civilAffairs, reasons: [.M, .N], groups: [.subsistenceAllowance], duty: "低保户子女补助；查处学龄儿童少年非法结婚",
                    provenance: doc("二（六）")),
                Referral(department: .youthLeague, duty: "结对帮扶", provenance: doc("二（七）")),
                Referral(
                    department: .ruralRevitalisation, groups: [.registeredPoor], duty: "提供脱贫户家庭适龄儿童信息，救助弱势儿童", provenance: doc("二（八）")),
                Referral(department: .womensFederation, duty: "家庭教育指导", provenance: doc("二（九）")),
                Referral(department: .justice, duty: "法律保障，法治宣传", provenance: doc("二（十）")),
                Referral(department: .humanResources, reasons: [.H, .I], duty: "检查用工单位，追究非法招用童工责任", provenance: doc("二（十一）")),
                Referral(department: .marketRegulation, reasons: [.H, .I], duty: "严禁违法使用未成年人务工和经商", provenance: doc("二（十二）")),
                Referral(department: .media, duty: "舆论引导", provenance: doc("二（十三）")),
                Referral(department: .finance, duty: "经费与资助保障，参与劝返", provenance: doc("二（十四）")),
                Referral(department: .development, groups: [.migrant], duty: "排查进城务工随迁子女入学情况", provenance: doc("二（十五）")),
                Referral(department: .naturalResources, duty: "参与督促劝返", provenance: doc("二（十六）")),
                Referral(department: .tradeUnion, duty: "贫困家庭关爱，参与督促劝返", provenance: doc("二（十七）")),
                Referral(department: .education, reasons: [.F, .G], duty: "组织实施；解决因“学困、厌学”导致辍学", provenance: doc("二（二）")),
            ]), accountableHeads: AccountableHead.huarongHeads)
    }

    static var dongchuan2025: PolicyProfile {
        func doc(_ c: String) -> Provenance { .document("004 " + c) }
        return PolicyProfile(
            id: "dongchuan-2025", jurisdiction: "昆明市东川区", regionCode: "530113",
            document: "东教体发〔2025〕8号", title: "东川区教育体育局2025年义务教育阶段控辍保学工作方案",
            source: "seeds/004_aa7147a03d497a64.txt",
            overrides: [
                .threeLineAlertAfter: Sourced(.duration(.init(3, .schoolDays)), doc("二（三）2：3天及以上无正当理由未到校的学生完成“三线”报告")),
                .attendanceRecordBy: Sourced(.text("15:00"), doc("二（三）3：每个工作日15:00前完成学生日常考勤")),
                .guardianContactWithin: Sourced(.duration(.init(0, .schoolDays)), doc("二（三）3：对未到校的学生督促班主任及时联系家长")),
                .crossRegionLetter: Sourced(.flag(true), doc("二（三）3：非本地户籍的学生由区教育体育局向户籍地教育行政部门发函")),
                .perChildPlan: Sourced(.flag(true), doc("二（三）1：“一生一案”")),
                .dualLine: Sourced(.flag(true), doc("三（二）“双线四级”")),
                .bulletinRanking: Sourced(.flag(true), doc("三（四）区教体局将对各学校控辍保学工作成效进行考评，实行通报；通报表扬、通报批评")),
            ],
            monitoredGroups: Sourced(
                [.unstableOutOfPoverty, .marginalRisk, .suddenHardship, .registeredPoor, .migrant, .leftBehind, .familyCrisis],
                doc("二（三）1：重点监测群体；脱贫家庭、流动和留守儿童、家庭变故")),
            reportDuties: [
                ReportDuty(
                    id: "daily_attendance", level: .classTeacher, schedule: .daily,
                    what: "每个工作日15:00前完成学生日常考勤", provenance: doc("二（三）3")),
                ReportDuty(
                    id: "four_checks_three_comparisons", level: .township, schedule: .afterTermStart(days: 7),
                    what: "开学一周后联合开展“四查三比对”", provenance: doc("二（二）")),
                ReportDuty(
                    id: "unregistered_roster", level: .school, schedule: .firstWeekOfTerm(weekday: 5),
                    what: "开学第一周统计未到校注册学生名单，建立控辍保学工作台账", provenance: doc("二（三）1")),
            ],
            referrals: routes([
                Referral(department: .police, reasons: [.T, .J], duty: "“四查三比对”户籍核查", provenance: doc("二（二）")),
                Referral(
                    department: .ruralRevitalisation, groups: [.registeredPoor, .unstableOutOfPoverty, .marginalRisk, .suddenHardship],
                    duty: "辍失学学生与脱贫户及“三类”重点监测人员信息比对", provenance: doc("二（二）3")),
                Referral(department: .township, duty: "履行主体劝返责任；依法执行“四步法”", provenance: doc("二（三）2、二（七）4")),
            ]), accountableHeads: AccountableHead.dongchuanHeads)
    }
}
