/// 四查三比对 (seed 004 二（二）; 数据比对, seed 000 二（二）, 三（一）): compares household registry,
/// student registry, attendance and poverty lists, and reports every mismatch for a person to resolve.
/// Identities are never silently joined: a record joins another only on an exact, valid ID.
public enum Reconciler {
    /// Runs the reconciliation. `progress` (optional) is called as each phase advances —
    /// `household`, `students`, `out_of_school`, `poverty` — every `progressEvery` records and at
    /// each phase's end, with records done and the phase's total.
    public static func run(
        _ input: ReconciliationInput, progress: ((ReconciliationProgress) -> Void)? = nil,
        progressEvery: Int = 100_000
    ) -> ReconciliationReport {
        run(RegistryColumns(input), progress: progress, progressEvery: progressEvery)
    }

    /// Runs the reconciliation over columns (`RegistryColumns.load` reads them from CSV files):
    /// registries indexed by packed resident-ID keys, one hash join per comparison.
    public static func run(
        _ input: RegistryColumns, progress: ((ReconciliationProgress) -> Void)? = nil,
        progressEvery: Int = 100_000
    ) -> ReconciliationReport {
        func tick(_ phase: String, _ done: Int, _ total: Int) {
            guard let progress, done == total || done % max(1, progressEvery) == 0 else { return }
            progress(ReconciliationProgress(phase: phase, done: done, total: total))
        }
        let hh = input.household
        let census = input.census
        let st = input.students
        let keys = input.keys
        let asOf = input.asOf
        let prefix = Array(input.regionPrefix.utf8)
        func date(_ d: Int32) -> CivilDate? { d == RegistryColumns.noDate ? nil : CivilDate(dayNumber: d) }
        func dateText(_ d: Int32) -> String { date(d)?.description ?? "-" }
        /// A household index: below `hh.count` the household registry, above it the census.
        func hName(_ i: Int) -> String { i < hh.count ? hh.names[i] : census.names[i - hh.count] }
        func hBirth(_ i: Int) -> Int32 { i < hh.count ? hh.births[i] : census.births[i - hh.count] }
        func hAddress(_ i: Int) -> String { i < hh.count ? hh.addresses[i] : census.addresses[i - hh.count] }
        func hLocal(_ i: Int) -> Bool { i < hh.count ? hh.regions.hasPrefix(i, prefix) : census.regions.hasPrefix(i - hh.count, prefix) }
        /// The ID's birth date when valid, else the failure `ResidentID.check` names.
        func check(_ key: UInt64) -> Result<CivilDate, ResidentID.Failure> {
            if let birth = ResidentKeys.validBirth(key, asOf: asOf) { return .success(birth) }
            return ResidentID.check(keys.text(key), asOf: asOf).map(\.birthDate)
        }
        var findings: [Finding] = []
        // Validate and index the household registry.
        var household = KeyIndex(capacity: hh.count + census.count)
        var valid: [(key: UInt64, birth: CivilDate, index: Int)] = []
        valid.reserveCapacity(hh.count)
        for i in 0..<hh.count {
            tick("household", i + 1, hh.count)
            let key = hh.keys[i]
            if household.insertIfAbsent(key, i) != i {
                findings.append(
                    Finding(
                        kind: .duplicate, residentID: keys.text(key), name: hh.names[i], detail: "户籍登记中重复出现", proposedReason: nil,
                        relatedID: nil, score: nil))
                continue
            }
            switch check(key) {
            case .success(let birth): valid.append((key, birth, i))
            case .failure(let f):
                findings.append(
                    Finding(
                        kind: .invalidID, residentID: keys.text(key), name: hh.names[i], detail: "户籍：\(f.problem.part)：\(f.message)",
                        proposedReason: .J, relatedID: nil, score: nil))
            }
        }
        // The township census: children the household registry lacks join the comparisons.
        for j in 0..<census.count {
            let key = census.keys[j]
            let i = hh.count + j
            let seen = household.insertIfAbsent(key, i)
            if seen != i {
                if seen >= hh.count {
                    findings.append(
                        Finding(
                            kind: .duplicate, residentID: keys.text(key), name: census.names[j], detail: "乡镇排摸中重复出现", proposedReason: nil,
                            relatedID: nil, score: nil))
                }
                continue
            }
            switch check(key) {
            case .success(let birth): valid.append((key, birth, i))
            case .failure(let f):
                findings.append(
                    Finding(
                        kind: .invalidID, residentID: keys.text(key), name: census.names[j], detail: "乡镇排摸：\(f.problem.part)：\(f.message)",
                        proposedReason: .J, relatedID: nil, score: nil))
            }
        }
        func censusOnly(_ key: UInt64) -> Bool { (household[key] ?? 0) >= hh.count }
        /// The child's monitored groups, for a finding's detail (000 四: special groups first).
        func groups(_ key: UInt64) -> String {
            var g: [String] = []
            if censusOnly(key) { g.append("乡镇排摸（户籍无记录）") }
            if input.disabled.contains(key) { g.append("残疾（安置需专家评估，000 四（三））") }
            if input.leftBehind.contains(key) { g.append("留守儿童") }
            if input.poverty.contains(key) { g.append("脱贫户") }
            if input.threeKinds.contains(key) { g.append("“三类”监测对象") }
            return g.isEmpty ? "" : "；" + g.joined(separator: "；")
        }
        // Index the student registry by ID.
        var students = KeyIndex(capacity: st.count)
        var unmatchedStudents: [(key: UInt64, index: Int)] = []
        var registered = 0
        var attendingCount = 0
        var migrants = 0
        for i in 0..<st.count {
            tick("students", i + 1, st.count)
            let key = st.keys[i]
            guard key != ResidentKeys.none else { continue }
            if students.insertIfAbsent(key, i) != i {
                findings.append(
                    Finding(
                        kind: .duplicate, residentID: keys.text(key), name: st.names[i], detail: "学籍登记中重复出现（\(st.registryNumbers[i])）",
                        proposedReason: nil, relatedID: nil, score: nil))
                continue
            }
            let enrolled = st.statuses[i] == .enrolled
            if enrolled { registered += 1 }
            let idCheck = check(key)
            if case .failure(let f) = idCheck {
                findings.append(
                    Finding(
                        kind: .invalidID, residentID: keys.text(key), name: st.names[i], detail: "学籍：\(f.problem.part)：\(f.message)",
                        proposedReason: .J, relatedID: nil, score: nil))
            }
            let local = st.regions.hasPrefix(i, prefix)
            if let h = household[key], h < hh.count {
                let hb = hh.births[h]
                let sb = st.births[i]
                if !hh.names.equals(h, st.names, i) || (hb != RegistryColumns.noDate && sb != RegistryColumns.noDate && hb != sb) {
                    findings.append(
                        Finding(
                            kind: .identityConflict, residentID: keys.text(key), name: st.names[i],
                            detail: "户籍：\(hh.names[h]) \(dateText(hb))；学籍：\(st.names[i]) \(dateText(sb))",
                            proposedReason: nil, relatedID: keys.text(key), score: nil))
                }
                if !local && enrolled {
                    findings.append(
                        Finding(
                            kind: .studyingElsewhere, residentID: keys.text(key), name: st.names[i],
                            detail: "就读学校 \(st.schools[i])（\(st.regions[i])）", proposedReason: nil, relatedID: nil, score: nil))
                }
            } else if local && enrolled {
                unmatchedStudents.append((key, i))
            }
            if case .success(let idBirth) = idCheck, let registeredBirth = date(st.births[i]), registeredBirth != idBirth {
                findings.append(
                    Finding(
                        kind: .ageMismatch, residentID: keys.text(key), name: st.names[i],
                        detail: "身份证出生日期 \(idBirth)，学籍登记 \(registeredBirth)", proposedReason: .J, relatedID: nil, score: nil))
            }
            if local && enrolled, let attending = input.attending {
                if attending.contains(key) {
                    attendingCount += 1
                } else {
                    findings.append(
                        Finding(
                            kind: .registeredNotAttending, residentID: keys.text(key), name: st.names[i],
                            detail: "学校 \(st.schools[i]) \(st.grades[i]) 年级" + groups(key), proposedReason: nil, relatedID: nil, score: nil)
                    )
                }
            }
        }
        // Household children of school age (`SchoolAge.standing`, the rule classification uses)
        // with no registration anywhere.
        var householdSchoolAge = 0
        var povertySchoolAge = 0
        var censusSchoolAge = 0
        var disabledSchoolAge = 0
        var leftBehindSchoolAge = 0
        var exempt = 0
        var outOfSchool: [(key: UInt64, birth: CivilDate, index: Int)] = []
        for (n, v) in valid.enumerated() {
            tick("out_of_school", n + 1, valid.count)
            guard hLocal(v.index) else { continue }
            guard SchoolAge(birthDate: v.birth).isCompulsoryAge(on: asOf) else { continue }
            if v.index >= hh.count { censusSchoolAge += 1 } else { householdSchoolAge += 1 }
            if input.poverty.contains(v.key) { povertySchoolAge += 1 }
            if input.disabled.contains(v.key) { disabledSchoolAge += 1 }
            if input.leftBehind.contains(v.key) { leftBehindSchoolAge += 1 }
            if let s = students[v.key] {
                if [.deferred, .suspended].contains(st.statuses[s]) { exempt += 1 }
            } else {
                outOfSchool.append(v)
            }
        }
        // Near matches between unregistered household children and unmatched students.
        var byNameBirth: [String: [(key: String, index: Int)]] = [:]
        for u in unmatchedStudents {
            byNameBirth[st.names[u.index] + "|" + (date(st.births[u.index])?.description ?? ""), default: []].append(
                (keys.text(u.key), u.index))
        }
        var nearMatched = Set<UInt64>()
        var nearMatchedStudents = Set<String>()
        if !byNameBirth.isEmpty {
            for o in outOfSchool {
                let name = hName(o.index)
                let key = keys.text(o.key)
                for (skey, s) in byNameBirth[name + "|" + o.birth.description] ?? [] {
                    let diff = zip(key.utf8, skey.utf8).filter { $0 != $1 }.count
                    guard diff <= 2, key.prefix(6) == skey.prefix(6) else { continue }
                    nearMatched.insert(o.key)
                    nearMatchedStudents.insert(skey)
                    findings.append(
                        Finding(
                            kind: .nearMatch, residentID: key, name: name,
                            detail: "学籍 \(st.registryNumbers[s]) 姓名、出生日期相同，身份证号 \(diff) 位不同",
                            proposedReason: nil, relatedID: skey, score: 1.0 - 0.2 * Double(diff)))
                }
            }
        }
        for o in outOfSchool where !nearMatched.contains(o.key) {
            let stage = SchoolAge(birthDate: o.birth).expectedStage(on: asOf)
            findings.append(
                Finding(
                    kind: .outOfSchool, residentID: keys.text(o.key), name: hName(o.index),
                    detail: "\(hAddress(o.index))；应在\(stage.label)" + groups(o.key),
                    proposedReason: ReasonCode.outOfSchool(birthDate: o.birth, on: asOf), relatedID: nil, score: nil))
        }
        for u in unmatchedStudents {
            let key = keys.text(u.key)
            guard !nearMatchedStudents.contains(key) else { continue }
            migrants += 1
            findings.append(
                Finding(
                    kind: .migrant, residentID: key, name: st.names[u.index], detail: "学校 \(st.schools[u.index])；户籍地 \(key.prefix(6))",
                    proposedReason: nil, relatedID: nil, score: nil))
        }
        // Comparison 3: dropouts against poverty and “三类” lists.
        tick("poverty", input.dropouts.count, input.dropouts.count)
        for (text, key) in input.dropouts.map({ (keys.text($0), $0) }).sorted(by: { $0.0 < $1.0 })
        where input.poverty.contains(key) || input.threeKinds.contains(key) {
            let name = household[key].map(hName) ?? students[key].map { st.names[$0] } ?? ""
            findings.append(
                Finding(
                    kind: .povertyDropout, residentID: text, name: name,
                    detail: input.poverty.contains(key) ? "脱贫户" : "“三类”监测对象", proposedReason: nil, relatedID: nil, score: nil))
        }
        return ReconciliationReport(
            householdSchoolAge: householdSchoolAge, migrants: migrants, registered: registered,
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

    public init(phase: String, done: Int, total: Int) {
        self.phase = phase
        self.done = done
        self.total = total
    }
}
