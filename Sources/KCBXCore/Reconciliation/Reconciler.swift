/// 四查三比对 (seed 004 二（二）; 数据比对, seed 000 二（二）, 三（一）): compares household registry,
/// student registry, attendance and poverty lists, and reports every mismatch for a person to resolve.
/// Identities are never silently joined: a record joins another only on an exact, valid ID.
public enum Reconciler {
    /// Runs the reconciliation. `progress` (optional) is called as each phase advances —
    /// `household`, `students`, `out_of_school`, `poverty` — every `progressEvery` records and at
    /// each phase's end, with records done and the phase's total.
    public static func run(_ input: ReconciliationInput, progress: ((ReconciliationProgress) -> Void)? = nil,
                           progressEvery: Int = 100_000) -> ReconciliationReport {
        func tick(_ phase: String, _ done: Int, _ total: Int) {
            guard let progress, done == total || done % max(1, progressEvery) == 0 else { return }
            progress(ReconciliationProgress(phase: phase, done: done, total: total))
        }
        var findings: [Finding] = []
        // Validate and index the household registry.
        var household: [String: HouseholdRecord] = [:]
        household.reserveCapacity(input.household.count + input.census.count)
        var householdValid: [(String, ResidentID, HouseholdRecord)] = []
        householdValid.reserveCapacity(input.household.count)
        for (i, h) in input.household.enumerated() {
            tick("household", i + 1, input.household.count)
            let key = normalized(h.residentID)
            if household[key] != nil {
                findings.append(Finding(kind: .duplicate, residentID: key, name: h.name, detail: "户籍登记中重复出现", proposedReason: nil, relatedID: nil, score: nil))
                continue
            }
            household[key] = h
            switch ResidentID.check(key, asOf: input.asOf) {
            case let .success(id): householdValid.append((key, id, h))
            case let .failure(f):
                findings.append(Finding(kind: .invalidID, residentID: key, name: h.name, detail: "户籍：\(f.problem.part)：\(f.message)", proposedReason: .J, relatedID: nil, score: nil))
            }
        }
        // The township census: children the household registry lacks join the comparisons.
        var censusOnly = Set<String>()
        for h in input.census {
            let key = normalized(h.residentID)
            if household[key] != nil {
                if censusOnly.contains(key) {
                    findings.append(Finding(kind: .duplicate, residentID: key, name: h.name, detail: "乡镇排摸中重复出现", proposedReason: nil, relatedID: nil, score: nil))
                }
                continue
            }
            household[key] = h
            censusOnly.insert(key)
            switch ResidentID.check(key, asOf: input.asOf) {
            case let .success(id): householdValid.append((key, id, h))
            case let .failure(f):
                findings.append(Finding(kind: .invalidID, residentID: key, name: h.name, detail: "乡镇排摸：\(f.problem.part)：\(f.message)", proposedReason: .J, relatedID: nil, score: nil))
            }
        }
        /// The child's monitored groups, for a finding's detail (000 四: special groups first).
        func groups(_ key: String) -> String {
            var g: [String] = []
            if censusOnly.contains(key) { g.append("乡镇排摸（户籍无记录）") }
            if input.disabled.contains(key) { g.append("残疾（安置需专家评估，000 四（三））") }
            if input.leftBehind.contains(key) { g.append("留守儿童") }
            if input.poverty.contains(key) { g.append("脱贫户") }
            if input.threeKinds.contains(key) { g.append("“三类”监测对象") }
            return g.isEmpty ? "" : "；" + g.joined(separator: "；")
        }
        // Index the student registry by ID.
        var students: [String: StudentRecord] = [:]
        students.reserveCapacity(input.students.count)
        var unmatchedStudents: [(String, StudentRecord)] = []
        var registered = 0, attendingCount = 0, migrants = 0
        for (i, s) in input.students.enumerated() {
            tick("students", i + 1, input.students.count)
            guard let raw = s.residentID else { continue }
            let key = normalized(raw)
            if students[key] != nil {
                findings.append(Finding(kind: .duplicate, residentID: key, name: s.name, detail: "学籍登记中重复出现（\(s.registryNumber)）", proposedReason: nil, relatedID: nil, score: nil))
                continue
            }
            students[key] = s
            if s.status == .enrolled { registered += 1 }
            let idCheck = ResidentID.check(key, asOf: input.asOf)
            if case let .failure(f) = idCheck {
                findings.append(Finding(kind: .invalidID, residentID: key, name: s.name, detail: "学籍：\(f.problem.part)：\(f.message)", proposedReason: .J, relatedID: nil, score: nil))
            }
            let local = s.schoolRegionCode.hasPrefix(input.regionPrefix)
            if let h = household[key], !censusOnly.contains(key) {
                if h.name != s.name || (h.birthDate != nil && s.birthDate != nil && h.birthDate != s.birthDate) {
                    findings.append(Finding(kind: .identityConflict, residentID: key, name: s.name,
                                            detail: "户籍：\(h.name) \(h.birthDate?.description ?? "-")；学籍：\(s.name) \(s.birthDate?.description ?? "-")",
                                            proposedReason: nil, relatedID: key, score: nil))
                }
                if !local && s.status == .enrolled {
                    findings.append(Finding(kind: .studyingElsewhere, residentID: key, name: s.name, detail: "就读学校 \(s.schoolID)（\(s.schoolRegionCode)）", proposedReason: nil, relatedID: nil, score: nil))
                }
            } else if local && s.status == .enrolled {
                unmatchedStudents.append((key, s))
            }
            if case let .success(id) = idCheck, let registeredBirth = s.birthDate, registeredBirth != id.birthDate {
                findings.append(Finding(kind: .ageMismatch, residentID: key, name: s.name,
                                        detail: "身份证出生日期 \(id.birthDate)，学籍登记 \(registeredBirth)", proposedReason: .J, relatedID: nil, score: nil))
            }
            if local && s.status == .enrolled, let attending = input.attending {
                if attending.contains(key) { attendingCount += 1 } else {
                    findings.append(Finding(kind: .registeredNotAttending, residentID: key, name: s.name, detail: "学校 \(s.schoolID) \(s.grade) 年级" + groups(key), proposedReason: nil, relatedID: nil, score: nil))
                }
            }
        }
        // Household children of school age (`SchoolAge.standing`, the rule classification uses)
        // with no registration anywhere.
        var householdSchoolAge = 0, povertySchoolAge = 0, censusSchoolAge = 0, disabledSchoolAge = 0, leftBehindSchoolAge = 0, exempt = 0
        var outOfSchool: [(String, ResidentID, HouseholdRecord)] = []
        for (i, (key, id, h)) in householdValid.enumerated() {
            tick("out_of_school", i + 1, householdValid.count)
            guard h.regionCode.hasPrefix(input.regionPrefix) else { continue }
            let age = SchoolAge(birthDate: id.birthDate)
            guard age.isCompulsoryAge(on: input.asOf) else { continue }
            if censusOnly.contains(key) { censusSchoolAge += 1 } else { householdSchoolAge += 1 }
            if input.poverty.contains(key) { povertySchoolAge += 1 }
            if input.disabled.contains(key) { disabledSchoolAge += 1 }
            if input.leftBehind.contains(key) { leftBehindSchoolAge += 1 }
            if let st = students[key]?.status, [.deferred, .suspended].contains(st) { exempt += 1 }
            if students[key] == nil { outOfSchool.append((key, id, h)) }
        }
        // Near matches between unregistered household children and unmatched students.
        var byNameBirth: [String: [(String, StudentRecord)]] = [:]
        for (key, s) in unmatchedStudents { byNameBirth[s.name + "|" + (s.birthDate?.description ?? ""), default: []].append((key, s)) }
        var nearMatched = Set<String>(), nearMatchedStudents = Set<String>()
        for (key, id, h) in outOfSchool {
            for (skey, s) in byNameBirth[h.name + "|" + id.birthDate.description] ?? [] {
                let diff = zip(key.utf8, skey.utf8).filter { $0 != $1 }.count
                guard diff <= 2, key.prefix(6) == skey.prefix(6) else { continue }
                nearMatched.insert(key)
                nearMatchedStudents.insert(skey)
                findings.append(Finding(kind: .nearMatch, residentID: key, name: h.name,
                                        detail: "学籍 \(s.registryNumber) 姓名、出生日期相同，身份证号 \(diff) 位不同",
                                        proposedReason: nil, relatedID: skey, score: 1.0 - 0.2 * Double(diff)))
            }
        }
        for (key, id, h) in outOfSchool where !nearMatched.contains(key) {
            let stage = SchoolAge(birthDate: id.birthDate).expectedStage(on: input.asOf)
            findings.append(Finding(kind: .outOfSchool, residentID: key, name: h.name, detail: "\(h.address)；应在\(stage.label)" + groups(key),
                                    proposedReason: ReasonCode.outOfSchool(birthDate: id.birthDate, on: input.asOf), relatedID: nil, score: nil))
        }
        for (key, s) in unmatchedStudents where !nearMatchedStudents.contains(key) {
            migrants += 1
            findings.append(Finding(kind: .migrant, residentID: key, name: s.name, detail: "学校 \(s.schoolID)；户籍地 \(key.prefix(6))",
                                    proposedReason: nil, relatedID: nil, score: nil))
        }
        // Comparison 3: dropouts against poverty and “三类” lists.
        tick("poverty", input.dropouts.count, input.dropouts.count)
        for key in input.dropouts.sorted() where input.poverty.contains(key) || input.threeKinds.contains(key) {
            let name = household[key]?.name ?? students[key]?.name ?? ""
            findings.append(Finding(kind: .povertyDropout, residentID: key, name: name,
                                    detail: input.poverty.contains(key) ? "脱贫户" : "“三类”监测对象", proposedReason: nil, relatedID: nil, score: nil))
        }
        return ReconciliationReport(householdSchoolAge: householdSchoolAge, migrants: migrants, registered: registered,
                                    attending: input.attending == nil ? nil : attendingCount,
                                    povertySchoolAge: povertySchoolAge, findings: findings, censusOnlySchoolAge: censusSchoolAge,
                                    disabledSchoolAge: disabledSchoolAge, leftBehindSchoolAge: leftBehindSchoolAge, deferredOrSuspended: exempt)
    }

    static func normalized(_ id: String) -> String { id.uppercased() }
}

/// How far a reconciliation has got: the phase, records done and the phase's total.
public struct ReconciliationProgress: Sendable, Equatable {
    /// `read` (input files), `household`, `students`, `out_of_school`, `poverty`.
    public var phase: String
    public var done: Int
    public var total: Int

    public init(phase: String, done: Int, total: Int) { self.phase = phase; self.done = done; self.total = total }
}
