import ArgumentParser
import Foundation
import KCBXCore

/// `kcbx import`: the school calendar, roster and attendance into a ledger (created when missing).
struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import the school calendar, a roster CSV and an attendance CSV into a ledger (created when missing).",
        discussion: """
            Files are applied in the order calendar, students, attendance; each file is one batch, all or
            nothing. Every row is checked first: any bad row fails its file (exit 1), every bad field is
            listed on stderr as FILE row N FIELD: RULE (the header is row 1), and nothing of that file
            is recorded. Files before it that were applied stay applied (the message says which); files
            after it are not read. Importing the same rows again records nothing.
            Setting the calendar needs county level or above. Columns: docs/ledger.md; calendar JSON:
            docs/calendar-format.md.
            """)
    @OptionGroup var ledger: LedgerOptions
    @Option(help: ArgumentHelp("School calendar JSON (校历).", valueName: "file")) var calendar: String?
    @Option(help: ArgumentHelp("Roster CSV (resident_id, name, township_code, school_id, grade, registration, …).", valueName: "file"))
    var students: String?
    @Option(help: ArgumentHelp("Attendance CSV (student,date,kind[,leave_from,leave_to,slip]).", valueName: "file")) var attendance: String?
    @OptionGroup(title: "Output") var output: OutputOptions
    var format: OutputFormat { output.format }
    @OptionGroup var progress: ProgressOptions

    func validate() throws {
        if calendar == nil && students == nil && attendance == nil {
            throw ValidationError("give at least one of --calendar, --students, --attendance")
        }
    }

    func run() throws {
        var applied: [String] = []
        let existed = FileManager.default.fileExists(atPath: ledger.ledger)
        var t = TextTable(headers: ["file", "rows", "added", "updated", "changed", "unchanged", "conflicts"])
        do {
            // Read the calendar before anything is written, so a bad file changes nothing.
            let cal = try calendar.map { try SchoolCalendar.load(path: $0) }
            let led = try ledger.open(creating: true)
            if let cal, let path = calendar {
                let changed = try progress.step("setting the calendar from \(path)") { try led.setCalendar(cal) }
                t.rows.append([path, "1", "", "", changed ? "1" : "0", changed ? "0" : "1", "0"])
                applied.append(path)
            }
            if let path = students {
                var problems: [LedgerRowProblem] = []
                let r: LedgerImportResult
                let counter = progress.rowCounter("importing students from \(path)")
                do {
                    r = try led.importStudentsCSV(path: path, problems: &problems) { counter.update(rows: $0, bytes: $1, total: $2) }
                } catch { throw report(problems, path, error) }
                t.rows.append([path, String(r.rows), String(r.added), String(r.updated), "", String(r.unchanged), "0"])
                applied.append(path)
            }
            if let path = attendance {
                var problems: [LedgerRowProblem] = []
                let r: LedgerMarkImportResult
                let counter = progress.rowCounter("importing attendance from \(path)")
                do { r = try led.importMarksCSV(path: path, problems: &problems) { counter.update(rows: $0, bytes: $1, total: $2) } } catch
                { throw report(problems, path, error) }
                for c in r.conflicts.prefix(20) { warn("\(path) row \(c.row) \(c.field): \(c.rule) (conflict: the later mark was kept)") }
                t.rows.append([path, String(r.rows), "", "", String(r.changed), String(r.unchanged), String(r.conflicts.count)])
                applied.append(path)
            }
        } catch {
            if !applied.isEmpty { warn("already applied before the failure: \(applied.joined(separator: ", "))") }
            // A ledger this command created and then recorded nothing into is removed again.
            if !existed && applied.isEmpty {
                for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: ledger.ledger + suffix) }
            }
            throw fail(error)
        }
        print(format == .table ? "imported into \(ledger.ledger)\n" + t.render(.table) : t.render(format))
    }

    /// Every bad field on stderr (at most 50 lines), naming file, row, field and rule.
    /// The error of a failed file, naming the file.
    private func report(_ problems: [LedgerRowProblem], _ path: String, _ error: Error) -> Error {
        for p in problems.prefix(50) { warn("\(path) row \(p.row) \(p.field): \(p.rule)") }
        if problems.count > 50 { warn("… and \(problems.count - 50) more bad fields in \(path)") }
        if case .invalidInput(let field, let rule)? = error as? KCBXError, !field.hasPrefix(path) {
            return KCBXError.invalidInput(field: "\(path) \(field)", rule: rule)
        }
        return error
    }
}

/// `kcbx sweep`: classify every student as of a date and bring the cases in line.
struct SweepCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sweep",
        abstract: "Classify every student of the actor's jurisdiction as of a date; open, promote and flag cases (one transaction).",
        discussion: """
            Opens a case for each suspected dropout (疑似辍学), dropout (辍学) or out-of-school child (失学)
            without one (反弹 when an earlier case was closed), promotes suspected cases now past the
            dropout threshold (seed 001 附件1 填表说明2) and flags returned children who are away again.
            A second sweep for the same date records nothing. Needs the calendar set (kcbx import --calendar).
            """)
    @OptionGroup var ledger: LedgerOptions
    @OptionGroup(title: "Date") var day: AsOfOptions
    var asOf: String? { day.asOf }
    @OptionGroup(title: "Output") var output: OutputOptions
    var format: OutputFormat { output.format }
    @OptionGroup var progress: ProgressOptions

    func run() throws {
        do {
            let on = try parseDate(asOf)
            let led = try ledger.open()
            let s = try progress.step("sweeping \(ledger.ledger) as of \(on)") { try led.sweep(asOf: on) }.disclosed(.masked)
            if format == .json {
                printJSON(s.jsonValue)
                return
            }
            var t = TextTable(headers: ["item", "count", "detail"])
            t.rows.append(["classified", String(s.classified), "students of \(led.actor.unitCode)"])
            for status in ChildStatus.allCases {
                if let n = s.statuses[status.label] { t.rows.append(["status \(status.label)", String(n), status.chinese]) }
            }
            func ids(_ v: [Int64]) -> String { v.prefix(12).map { "#\($0)" }.joined(separator: " ") + (v.count > 12 ? " …" : "") }
            t.rows.append(["cases opened", String(s.opened.count), ids(s.opened)])
            t.rows.append(["relapses (反弹)", String(s.relapses.count), ids(s.relapses)])
            t.rows.append(["promoted to dropout", String(s.promoted.count), ids(s.promoted)])
            t.rows.append(["flagged absent again", String(s.flagged.count), ids(s.flagged)])
            t.rows.append([
                "skipped", String(s.skipped.count),
                s.skipped.sorted { $0.key < $1.key }.prefix(3).map { "\($0.key): \($0.value)" }.joined(separator: "; "),
            ])
            print(
                format == .table
                    ? "sweep of \(ledger.ledger) as of \(on) under \(led.policy.id) (sha256 \(led.profileHash))\n" + t.render(.table)
                    : t.render(format))
        } catch { throw fail(error) }
    }
}

/// `kcbx verify`: the hash chain and the state rebuilt from it.
struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract:
            "Verify a ledger: every event's hash, no gaps, the recorded head, the append-only triggers, and the state rebuilt from the events.",
        discussion: """
            Exit 0 when intact, printing the head (seq and hash): keep it elsewhere and pass it later as
            --anchor SEQ:HASH to detect a rewrite of the whole file. With --heads and --public-key (the
            signed heads the level above received with each report, and the county's public key) a
            ledger rolled back, copied back from an earlier day or forked is named with the seq. The
            schema itself is checked (a planted trigger, view or table is named). A read-only file is
            verified read-only. Exit 5 when the file was tampered with: each problem goes to stderr, the first naming the event edited, moved or deleted
            (seq, kind, time and actor) or the table row changed outside the ledger.
            """)
    @OptionGroup var ledger: LedgerOptions
    @Option(help: ArgumentHelp("A head kept outside the file, SEQ:HASH (from an earlier verify).", valueName: "seq:hash")) var anchor:
        String?
    @Option(
        help: ArgumentHelp(
            "Signed heads received upward (kcbx head --sign-key), one JSON per line or a JSON array: each must still be in the ledger.",
            valueName: "file")) var heads: String?
    @Option(
        name: .customLong("public-key"),
        help: ArgumentHelp(
            "The county's Ed25519 public key (64 hex digits, or a file holding them) that signed --heads.", valueName: "hex|file"))
    var publicKey: String?
    @Flag(
        name: .customLong("since-anchor"),
        help:
            "Check only the events after --anchor (incremental: the hash chain from the anchor to the head; the current-state tables are not replayed)."
    ) var sinceAnchor = false
    @OptionGroup(title: "Output") var output: OutputOptions
    var format: OutputFormat { output.format }

    func validate() throws {
        if (heads == nil) != (publicKey == nil) { throw ValidationError("--heads and --public-key go together") }
        if sinceAnchor && (anchor == nil || heads != nil) {
            throw ValidationError("--since-anchor needs --anchor and goes without --heads")
        }
    }

    func run() throws {
        do {
            let a = try anchor.map { text -> LedgerAnchor in
                let p = text.split(separator: ":", maxSplits: 1).map(String.init)
                guard p.count == 2, let seq = Int64(p[0]), seq > 0, p[1].count == 64 else {
                    throw KCBXError.invalidInput(
                        field: "--anchor", rule: "must be SEQ:HASH (a positive seq and a 64-hex-digit hash), got '\(text)'")
                }
                return LedgerAnchor(seq: seq, hash: p[1].lowercased())
            }
            let received = try heads.map { try LedgerHead.list(try readSmallText($0, field: "--heads")) } ?? []
            let key = try publicKey.map { try parsePublicKey($0) }
            let led = try ledger.open()
            let v: LedgerVerification
            if sinceAnchor, let a {
                v = try led.checkIncrementally(since: a)
            } else {
                v = try led.check(anchor: a, receivedHeads: received, publicKey: key)
            }
            var t = TextTable(headers: ["ledger", "events", "head_seq", "head_hash", "intact", "first_bad_seq"])
            t.rows.append([
                ledger.ledger, String(v.events), String(v.head.seq), v.head.hash, v.isIntact ? "yes" : "no", String(v.firstBadSeq),
            ])
            if format == .json {
                printJSON(
                    .object([
                        "ledger": .string(ledger.ledger), "events": .number(Double(v.events)), "head_seq": .number(Double(v.head.seq)),
                        "head_hash": .string(v.head.hash), "intact": .bool(v.isIntact), "first_bad_seq": .number(Double(v.firstBadSeq)),
                        "problems": .array(v.problems.map { .string($0) }),
                    ]))
            } else {
                print(t.render(format))
            }
            if !v.isIntact {
                for p in v.problems { warn("integrity: \(p)") }
                throw ExitStatus.integrity.code
            }
        } catch let e as ExitCode { throw e } catch { throw fail(error) }
    }
}
