@_implementationOnly import GRDB

/// The result of one home verification (入户核查, seed 002 四（二）).
public enum HomeVerificationResult: String, Sendable, CaseIterable, Codable {
    /// What the ledger says is what the visit found (与台账一致).
    case confirmed
    /// The visit found otherwise (与台账不符: 台账信息不实).
    case contradicted
    /// The family could not be reached or the child seen (未能核查).
    case notReached = "not_reached"

    public var chinese: String {
        switch self {
        case .confirmed: return "与台账一致"
        case .contradicted: return "与台账不符"
        case .notReached: return "未能核查"
        }
    }
}

/// One stratum of a spot check: the cases of one school in one status.
public struct SpotCheckStratum: Hashable, Sendable, Codable {
    public var school: String
    public var status: String
    /// Cases in the stratum and how many were drawn.
    public var population: Int
    public var drawn: Int
}

/// A recorded spot-check draw (台账信息抽查, seed 002 四（二）).
public struct SpotCheckDraw: Hashable, Sendable {
    /// The `spot_check_drawn` event.
    public var seq: Int64
    public var period: String
    /// The drawing unit's code.
    public var unit: String
    /// The seed of the draw (SplitMix64, `SeededRandom`); the same seed and cases give the same sample.
    public var seed: UInt64
    public var perStratum: Int
    public var asOf: CivilDate
    public var strata: [SpotCheckStratum]
    /// Case ids drawn, stratum by stratum.
    public var sample: [Int64]
    /// The earlier draw of the same period this one repeats, 0 when it is the first.
    public var redrawOf: Int64
    public var reason: String

    /// The sample as a report table: one row per drawn case.
    public func table(unitLabel: String, cases: [Int64: LedgerCase]) -> ReportTable {
        var rows: [[String]] = []
        var i = 0
        for s in strata {
            for _ in 0..<s.drawn where i < sample.count {
                let id = sample[i]
                i += 1
                rows.append([
                    String(seq), period, String(seed), s.school, s.status, String(id), cases[id].map { IDMask.key($0.student) } ?? "",
                ])
            }
        }
        return ReportTable(
            title: "台账信息抽查 抽样名单", headers: ["draw_seq", "period", "seed", "school", "status", "case_id", "student"], rows: rows,
            unit: unitLabel, asOf: asOf,
            notes: [
                "002 四（二）: 建立健全台账信息抽查、入户核查机制.",
                "Stratified by school and case status, \(perStratum) per stratum; seed \(seed) recorded in event #\(seq) before the sample was shown.",
                redrawOf == 0
                    ? "First draw of \(period)."
                    : "REDRAW of \(period) (earlier draw #\(redrawOf)); reason: \(reason). The audit lists it (spot_check_redrawn).",
            ],
            numericColumns: [0, 5])
    }
}

struct SpotCheckDrawnPayload: Codable {
    var period: String
    var unit: String
    var seed: String
    var perStratum: Int
    var asOf: String
    var strata: [SpotCheckStratum]
    var sample: [Int64]
    var redrawOf: Int64
    var reason: String
    enum CodingKeys: String, CodingKey {
        case period, unit, seed
        case perStratum = "per_stratum"
        case asOf = "as_of"
        case strata, sample
        case redrawOf = "redraw_of"
        case reason
    }
}

struct HomeVerificationPayload: Codable {
    var draw: Int64
    var result: String
    var date: String
}

extension Ledger {
    /// Draws a reproducible random sample of the cases within the actor's jurisdiction opened by
    /// `asOf`, stratified by school and case status (`perStratum` from each, 1-1000), for ledger
    /// spot checks and home verification (台账信息抽查、入户核查, seed 002 四（二）). The seed (given, or
    /// derived from the chain head and the clock) is recorded with the sample in one
    /// `spot_check_drawn` event before anyone sees the sample. A second draw for the same
    /// `period` by the same unit is refused unless `redrawReason` says why; then it is recorded as
    /// a redraw and the audit lists it (`spot_check_redrawn`), so a draw cannot be repeated
    /// quietly until it looks good. Needs a writer at township level or above.
    public func drawSpotCheck(period: String, asOf: CivilDate, perStratum: Int, seed: UInt64? = nil, redrawReason: String = "") throws
        -> SpotCheckDraw
    {
        let period = period.ledgerTrimmed
        let why = redrawReason.ledgerTrimmed
        guard (1...32).contains(period.utf8.count), period.utf8.allSatisfy({ ledgerIsWordByte($0) || $0 == 46 }) else {
            throw KCBXError.invalidInput(
                field: "period",
                rule:
                    "must be 1-32 ASCII letters, digits, '-', '_' or '.' (e.g. 2025-10 or 2025Q4), got '\(KCBXError.quote(period, limit: 40))'"
            )
        }
        guard (1...1000).contains(perStratum) else {
            throw KCBXError.invalidInput(field: "per_stratum", rule: "must be 1-1000, got \(perStratum)")
        }
        guard why.count <= 2000 else { throw KCBXError.invalidInput(field: "redraw_reason", rule: "must be at most 2000 characters") }
        try checkDate(asOf, notBefore: nil, field: "as_of")
        try requireSupervisor("draw a spot check")
        let candidates = try scopedCases(LedgerCaseFilter()).filter { (try? CivilDate(iso: $0.openedOn)).map { $0 <= asOf } ?? false }
        return try write { db, w in
            try requireWriter("draw a spot check", minimum: .township)
            let earlier = try spotCheckDraws(db).filter { $0.period == period && $0.unit == actor.unitCode }
            if let last = earlier.last, why.isEmpty {
                throw KCBXError.ruleViolation(
                    rule: "002 四（二）台账信息抽查: one draw per period; a repeated draw is a recorded redraw with its reason",
                    detail:
                        "\(period) was drawn in event #\(last.seq) (seed \(last.seed)); give a redraw reason to draw again (the audit will list it)"
                )
            }
            let seed = seed ?? Ledger.derivedSeed(head: w.hash, at: ledgerTimestamp(clock()))
            var strata: [String: [Int64]] = [:]
            for c in candidates {
                let school = try student(c.student, db).schoolID
                strata["\(school)\u{1}\(c.status.rawValue)", default: []].append(c.id)
            }
            var rng = SeededRandom(seed: seed)
            var drawn: [SpotCheckStratum] = []
            var sample: [Int64] = []
            for key in strata.keys.sorted() {
                var ids = (strata[key] ?? []).sorted()
                let k = min(perStratum, ids.count)
                for i in 0..<k {  // partial Fisher-Yates with an unbiased bounded draw: the same on every platform
                    let j = i + Ledger.below(ids.count - i, &rng)
                    ids.swapAt(i, j)
                }
                let parts = key.split(separator: "\u{1}", omittingEmptySubsequences: false).map(String.init)
                drawn.append(
                    SpotCheckStratum(school: parts.first ?? "", status: parts.count > 1 ? parts[1] : "", population: ids.count, drawn: k))
                sample += ids.prefix(k)
            }
            let payload = SpotCheckDrawnPayload(
                period: period, unit: actor.unitCode, seed: String(seed), perStratum: perStratum, asOf: asOf.description,
                strata: drawn, sample: sample, redrawOf: earlier.last?.seq ?? 0, reason: why)
            let seq = try w.append(
                db, .spotCheckDrawn, payload: payload,
                reason: earlier.isEmpty
                    ? "台账信息抽查 \(period): \(sample.count) cases from \(drawn.count) strata, seed \(seed)"
                    : "台账信息抽查 \(period) REDRAW of #\(earlier.last?.seq ?? 0): \(why)")
            return SpotCheckDraw(
                seq: seq, period: period, unit: actor.unitCode, seed: seed, perStratum: perStratum, asOf: asOf, strata: drawn,
                sample: sample, redrawOf: payload.redrawOf, reason: why)
        }
    }

    /// The draw as a report table (one row per drawn case, student keys masked).
    public func spotCheckTable(_ draw: SpotCheckDraw) throws -> ReportTable {
        let cases = Dictionary(try scopedCases(LedgerCaseFilter()).map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        return draw.table(unitLabel: try read { db in try unitLabel(ownUnit, db) }, cases: cases)
    }

    /// Records the result of the home verification (入户核查) of case `id`, drawn in the latest spot
    /// check that holds it, as a `home_verification` event. The case must be in a recorded draw and
    /// not verified yet for that draw; the date may not precede the draw's as-of date.
    @discardableResult
    public func recordHomeVerification(case id: Int64, result: HomeVerificationResult, on date: CivilDate, note: String = "") throws
        -> Int64
    {
        try checkNote(note)
        try requireSupervisor("record a home verification")
        _ = try readableCase(id)
        return try write { db, w in
            try requireWriter("record a home verification", minimum: .township, caseID: id)
            let c = try ledgerCase(id, db)
            guard let draw = try spotCheckDraws(db).last(where: { $0.sample.contains(id) && coversUnit($0.unit) }) else {
                throw KCBXError.ruleViolation(
                    rule: "002 四（二）入户核查 verifies cases drawn in a spot check",
                    detail: "case \(id) is in no recorded spot-check draw; draw one first (drawSpotCheck)")
            }
            if let done = try homeVerifications(db).first(where: { $0.draw == draw.seq && $0.caseID == id }) {
                throw KCBXError.ruleViolation(
                    rule: "one home verification per drawn case (bad input never changes what is recorded)",
                    detail: "case \(id) of draw #\(draw.seq) was verified as \(done.result.rawValue) in event #\(done.seq)")
            }
            try checkDate(date, notBefore: draw.asOf)
            return try w.append(
                db, .homeVerification, student: c.student, caseID: id,
                payload: HomeVerificationPayload(draw: draw.seq, result: result.rawValue, date: date.description),
                reason: note.isEmpty ? "入户核查: \(result.chinese)" : note)
        }
    }

    /// The spot check of `period` drawn by the actor's unit (the latest draw, redraws noted): per
    /// school, cases drawn, verified, confirmed, contradicted, not reached, and the share confirmed
    /// (confirmed / verified). The bulletin counts these (002 四（二）).
    public func spotCheckSummary(period: String) throws -> ReportTable {
        try requireSupervisor("read a spot-check summary")
        let (draws, checks, label) = try read { db in (try spotCheckDraws(db), try homeVerifications(db), try unitLabel(ownUnit, db)) }
        let mine = draws.filter { $0.period == period && $0.unit == actor.unitCode }
        guard let draw = mine.last else { throw KCBXError.notFound(what: "spot-check draw of period", name: period) }
        let results = Dictionary(checks.filter { $0.draw == draw.seq }.map { ($0.caseID, $0.result) }, uniquingKeysWith: { a, _ in a })
        var schools: [String: [Int]] = [:]  // drawn, verified, confirmed, contradicted, not reached
        var i = 0
        for s in draw.strata {
            for _ in 0..<s.drawn where i < draw.sample.count {
                var row = schools[s.school] ?? [0, 0, 0, 0, 0]
                row[0] += 1
                if let r = results[draw.sample[i]] {
                    row[1] += 1
                    row[r == .confirmed ? 2 : r == .contradicted ? 3 : 4] += 1
                }
                schools[s.school] = row
                i += 1
            }
        }
        func share(_ r: [Int]) -> String { r[1] == 0 ? "" : ledgerPercent(Double(r[2]) / Double(r[1])) }
        var rows = schools.keys.sorted().map { k -> [String] in
            let r = schools[k] ?? []
            return [k] + r.map(String.init) + [share(r)]
        }
        let total = schools.values.reduce([0, 0, 0, 0, 0]) { a, b in zip(a, b).map { $0 + $1 } }
        rows.append(["合计"] + total.map(String.init) + [share(total)])
        return ReportTable(
            title: "台账信息抽查、入户核查结果 \(period)",
            headers: ["school", "drawn", "verified", "confirmed", "contradicted", "not_reached", "share_confirmed"], rows: rows,
            unit: label, asOf: draw.asOf,
            notes: [
                "002 四（二）: 建立健全台账信息抽查、入户核查机制; 对台账信息不实的单位 … 加大问责力度.",
                "Draw #\(draw.seq), seed \(draw.seed), \(draw.perStratum) per school and status; share_confirmed = confirmed / verified.",
                mine.count > 1
                    ? "This period was drawn \(mine.count) times (redraws: \(mine.dropFirst().map { "#\($0.seq)" }.joined(separator: ", "))); the audit lists each redraw."
                    : "Drawn once.",
            ],
            numericColumns: [1, 2, 3, 4, 5])
    }

    /// Every recorded draw, oldest first.
    func spotCheckDraws(_ db: Database) throws -> [SpotCheckDraw] {
        try supervisionEvents(.spotCheckDrawn, db).map { e in
            let p = try PayloadCoding.decode(SpotCheckDrawnPayload.self, e.payload, seq: e.seq)
            return SpotCheckDraw(
                seq: e.seq, period: p.period, unit: p.unit, seed: UInt64(p.seed) ?? 0, perStratum: p.perStratum,
                asOf: (try? CivilDate(iso: p.asOf)) ?? CivilDate(dayNumber: 0), strata: p.strata, sample: p.sample,
                redrawOf: p.redrawOf, reason: p.reason)
        }
    }

    /// Every recorded home verification, oldest first.
    func homeVerifications(_ db: Database) throws -> [(seq: Int64, draw: Int64, caseID: Int64, result: HomeVerificationResult)] {
        try supervisionEvents(.homeVerification, db).map { e in
            let p = try PayloadCoding.decode(HomeVerificationPayload.self, e.payload, seq: e.seq)
            return (e.seq, p.draw, e.caseID, HomeVerificationResult(rawValue: p.result) ?? .notReached)
        }
    }

    /// Redraws within the jurisdiction recorded by `asOf`: each is an audit finding.
    func spotCheckRedrawFindings(asOf: CivilDate, _ db: Database) throws -> [LedgerAuditFinding] {
        try supervisionEvents(.spotCheckDrawn, db).compactMap { e in
            let p = try PayloadCoding.decode(SpotCheckDrawnPayload.self, e.payload, seq: e.seq)
            guard p.redrawOf != 0, coversUnit(p.unit), let d = try? CivilDate(iso: p.asOf), d <= asOf else { return nil }
            return LedgerAuditFinding(
                check: .spotCheckRedrawn, caseID: 0, student: "", school: "", date: p.asOf, entrySeq: e.seq,
                recordedBy: "\(e.actor)",
                evidence:
                    "spot check \(p.period) drawn again in #\(e.seq) (seed \(p.seed)) after draw #\(p.redrawOf); reason given: \(KCBXError.quote(p.reason, limit: 200))",
                fingerprint: "\(LedgerAuditCheck.spotCheckRedrawn.rawValue):\(e.seq)", findingSeq: 0)
        }
    }

    /// Whether a unit code lies within the actor's jurisdiction (supervision draws are by region units).
    func coversUnit(_ code: String) -> Bool {
        switch actor.level {
        case .province: return code.hasPrefix(String(actor.unitCode.prefix(2)))
        case .city: return code.hasPrefix(String(actor.unitCode.prefix(4)))
        default: return code.hasPrefix(actor.unitCode)
        }
    }

    /// A seed no one chooses: the chain head's hash mixed with the time of the draw.
    static func derivedSeed(head: String, at: String) -> UInt64 {
        var rng = SeededRandom(seed: UInt64(head.prefix(16), radix: 16) ?? 0)
        var x = rng.next()
        for b in at.utf8 { x = (x ^ UInt64(b)) &* 0x100_0000_01B3 }
        return x
    }

    /// An unbiased draw in 0..<n (n > 0) by rejection, fixed across platforms and Swift versions.
    static func below(_ n: Int, _ rng: inout SeededRandom) -> Int {
        guard n > 1 else { return 0 }
        let bound = UInt64(n)
        let threshold = (0 &- bound) % bound
        var r = rng.next()
        for _ in 0..<64 where r < threshold { r = rng.next() }  // rejection; 64 misses in a row has probability < 2^-64
        return Int(r % bound)
    }
}
