import ArgumentParser
import Foundation
import KCBXCore

/// The options every ledger subcommand shares: which file, under which profile, as whom.
struct LedgerOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The ledger file (台账, one SQLite file; docs/ledger.md).", valueName: "path"))
    var ledger: String

    @Option(
        help: ArgumentHelp(
            "Policy profile: a built-in id (kcbx policy list) or a profile JSON file. Default: the profile the ledger was created under.",
            valueName: "name|file"))
    var policy: String?

    @Option(
        help: ArgumentHelp(
            "Who acts, LEVEL:UNIT:PERSON[:ROLE], e.g. county:640422:王老师:控辍专干. Default: $KCBX_ACTOR; without either the command is refused (exit 64): nobody acts in another's name. Levels: class_teacher, school, village, township, county, city, province, department.",
            valueName: "actor"))
    var actor: String?

    /// Opens the ledger as the actor named by `--actor` or $KCBX_ACTOR (there is no default actor).
    /// A missing file is created only when `creating` (import), and then `--policy` is required too:
    /// the first event records both.
    func open(creating: Bool = false) throws -> Ledger {
        try openLedger(path: ledger, policy: policy, actor: actor, creating: creating)
    }
}

/// No `--actor` and no $KCBX_ACTOR: a usage error (exit 64). The CLI never acts in anyone's name by
/// default (it used to act as the ledger's creator, so anyone could read and export as the county).
struct MissingActor: Error, CustomStringConvertible {
    var description: String {
        "kcbx: usage: who acts? name the actor with --actor LEVEL:UNIT:PERSON[:ROLE] (e.g. --actor school:S-A1:王老师) or set KCBX_ACTOR=LEVEL:UNIT:PERSON; there is no default actor"
    }
}

/// The actor text from `--actor` or $KCBX_ACTOR; exit 64 with how to name one when neither is set.
func requiredActor(_ actor: String?) throws -> String {
    if let actor, !actor.isEmpty { return actor }
    if let env = ProcessInfo.processInfo.environment["KCBX_ACTOR"], !env.isEmpty { return env }
    FileHandle.standardError.write(Data((MissingActor().description + "\n").utf8))
    throw ExitStatus.usage.code
}

/// Opens the ledger at `ledger` with the defaults of `LedgerOptions`.
func openLedger(path ledger: String, policy: String?, actor: String?, creating: Bool = false) throws -> Ledger {
    let exists = FileManager.default.fileExists(atPath: ledger)
    if !exists {
        guard creating else { throw KCBXError.notFound(what: "ledger file", name: "\(ledger) (create it with kcbx import)") }
        guard let policy else {
            throw KCBXError.invalidInput(
                field: "--policy",
                rule: "a new ledger needs a profile (e.g. --policy guyuan-2021); it is recorded in the ledger's first event")
        }
        guard let actorText = actor ?? ProcessInfo.processInfo.environment["KCBX_ACTOR"].flatMap({ $0.isEmpty ? nil : $0 }) else {
            throw KCBXError.invalidInput(
                field: "--actor",
                rule:
                    "a new ledger needs an actor (e.g. --actor county:640422:王老师), or set KCBX_ACTOR; the creator is recorded in its first event"
            )
        }
        return try Ledger(path: ledger, policy: try loadPolicy(policy), actor: try parseActor(actorText))
    }
    let actorText = try requiredActor(actor)
    if let policy {
        return try Ledger(path: ledger, policy: try loadPolicy(policy), actor: try parseActor(actorText))
    }
    return try Ledger(path: ledger, policy: try recordedProfile(path: ledger), actor: try parseActor(actorText))
}

/// The profile in force that the ledger file records (read-only, nothing recorded): its own copy
/// when the hash matches, else the built-in of that id.
func recordedProfile(path ledger: String) throws -> PolicyProfile {
    let info = try Ledger.inspect(path: ledger)
    if let recorded = info.profile, recorded.canonicalHash == info.profileHash { return recorded }
    guard PolicyProfile.builtinNames.contains(info.profileID) else {
        throw KCBXError.invalidInput(
            field: "--policy", rule: "the ledger is under profile '\(info.profileID)', which is not built in: pass its profile file")
    }
    return try PolicyProfile.builtin(info.profileID)
}

/// The ledger's profile (`--policy`, else the one it records) and calendar, read by a reader that
/// records nothing and sees no child (for `kcbx duties`, which needs no actor).
func ledgerSettings(path ledger: String, policy: String?) throws -> (policy: PolicyProfile, calendar: SchoolCalendar?) {
    guard FileManager.default.fileExists(atPath: ledger) else {
        throw KCBXError.notFound(what: "ledger file", name: "\(ledger) (create it with kcbx import)")
    }
    let recorded = try recordedProfile(path: ledger)
    let probe = try Ledger(
        path: ledger, policy: recorded,
        actor: try LedgerActor(level: .department, unitCode: "000000", person: "kcbx-cli"))
    return (try policy.map(loadPolicy) ?? recorded, try probe.calendar())
}

/// LEVEL:UNIT:PERSON[:ROLE] → a validated actor (errors name `--actor`).
func parseActor(_ text: String) throws -> LedgerActor {
    let parts = text.split(separator: ":", maxSplits: 3, omittingEmptySubsequences: false).map(String.init)
    guard parts.count >= 3 else {
        throw KCBXError.invalidInput(field: "--actor", rule: "must be LEVEL:UNIT:PERSON[:ROLE], e.g. county:640422:王老师, got '\(text)'")
    }
    return try LedgerActor(level: parts[0], unitCode: parts[1], person: parts[2], role: parts.count > 3 ? parts[3] : "")
}

/// `--as-of`, required or defaulting to today (UTC).
func parseDate(_ text: String?, field: String = "--as-of") throws -> CivilDate {
    try text.map { try CivilDate(iso: $0, field: field) } ?? CivilDate.today()
}

/// Progress on stderr for long work: shown when stderr is a terminal or with `--progress`.
struct ProgressOptions: ParsableArguments {
    @Flag(help: "Report progress on stderr (default: only when stderr is a terminal).") var progress = false
    @Flag(help: "Never report progress.") var quiet = false

    var enabled: Bool { !quiet && (progress || isatty(2) != 0) }

    /// Runs one step, announcing it and how long it took.
    func step<T>(_ what: String, _ body: () throws -> T) rethrows -> T {
        guard enabled else { return try body() }
        let start = Date()
        FileHandle.standardError.write(Data("kcbx: \(what) …\n".utf8))
        let result = try body()
        FileHandle.standardError.write(Data("kcbx: \(what): done in \(String(format: "%.1f", Date().timeIntervalSince(start))) s\n".utf8))
        return result
    }

    /// A counter line rewritten in place (`\r`) at most every 0.2 s.
    func counter(_ what: String) -> ProgressCounter { ProgressCounter(what: what, enabled: enabled) }

    /// Rows, rate and ETA of a streamed import (shown once it has run a second).
    func rowCounter(_ what: String) -> RowProgress { RowProgress(what: what, enabled: enabled) }
}

/// `kcbx: importing attendance: 812,000 rows, 402,113 rows/s, 52% of the file, ETA 1.9 s` on
/// stderr, rewritten in place at most every 0.25 s and only after the first second. A count that
/// starts again (the attendance import's writing, after its check of the whole file) is shown as
/// `rows written`, its rate counted from when it started.
final class RowProgress: @unchecked Sendable {
    let what: String, enabled: Bool
    private var last = Date.distantPast, shown = false
    private let start = Date()
    private var phaseStart = Date()
    private var lastRows = 0
    private var writing = false
    init(what: String, enabled: Bool) {
        self.what = what
        self.enabled = enabled
    }

    func update(rows: Int, bytes: Int64, total: Int64) {
        guard enabled else { return }
        let now = Date()
        if rows < lastRows {
            writing = true
            phaseStart = now
        }
        lastRows = rows
        let elapsed = now.timeIntervalSince(start)
        let done = total > 0 && bytes >= total
        guard elapsed >= 1, now.timeIntervalSince(last) >= 0.25 || (done && shown) else { return }
        last = now
        shown = true
        let rate = Double(rows) / max(now.timeIntervalSince(writing ? phaseStart : start), 1e-3)
        var line = "\rkcbx: \(what): \(grouped(rows)) rows\(writing ? " written" : ""), \(grouped(Int(rate))) rows/s"
        if total > 0 {
            let share = min(Double(bytes) / Double(total), 1)
            let eta = share > 0 ? elapsed * (1 - share) / share : 0
            line +=
                ", \(Int(share * 100))% of the file, "
                + (done ? "done in \(String(format: "%.1f", elapsed)) s\n" : "ETA \(String(format: "%.1f", eta)) s  ")
        }
        FileHandle.standardError.write(Data(line.utf8))
    }

    private func grouped(_ n: Int) -> String {
        let s = String(n)
        var out = ""
        for (i, c) in s.enumerated() {
            if i > 0, (s.count - i) % 3 == 0 { out += "," }
            out.append(c)
        }
        return out
    }
}

final class ProgressCounter: @unchecked Sendable {
    let what: String, enabled: Bool
    private var last = Date.distantPast, start = Date()
    init(what: String, enabled: Bool) {
        self.what = what
        self.enabled = enabled
    }

    func update(_ done: Int, of total: Int) {
        guard enabled else { return }
        let now = Date()
        guard now.timeIntervalSince(last) >= 0.2 || done == total else { return }
        last = now
        let pct = total > 0 ? Double(done) * 100 / Double(total) : 100.0
        FileHandle.standardError.write(
            Data("\rkcbx: \(what) \(done) / \(total) (\(Int(pct))%, \(String(format: "%.1f", now.timeIntervalSince(start))) s)".utf8))
        if done == total { FileHandle.standardError.write(Data("\n".utf8)) }
    }
}

func warn(_ text: String) { FileHandle.standardError.write(Data("kcbx: \(text)\n".utf8)) }

/// Prints a JSON value (serialized, pretty).
func printJSON(_ v: JSONValue) { print(v.serialized(pretty: true)) }
