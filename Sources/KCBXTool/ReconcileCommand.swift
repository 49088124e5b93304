import ArgumentParser
import KCBXCore

/// `kcbx reconcile`: 四查三比对 over registry extracts.
struct ReconcileCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reconcile",
        abstract: "四查三比对: compare household registry, student registry, attendance and poverty lists; list every mismatch with its reason.",
        discussion: "Column sets are in docs/data-formats.md. Identity conflicts are reported for a person to resolve, never joined.")
    @Option(help: "Household registry CSV (resident_id,name,birth_date,address,region_code).") var household: String
    @Option(help: "Student registry CSV (registry_number,resident_id,name,birth_date,school_id,school_region_code,grade,status).")
    var students: String
    @Option(help: "CSV of resident_id seen attending (optional).") var attending: String?
    @Option(help: "CSV of resident_id on the poverty-household list (optional).") var poverty: String?
    @Option(name: .customLong("three-kinds"), help: "CSV of resident_id on the 三类 monitoring list (optional).") var threeKinds: String?
    @Option(help: "CSV of resident_id recorded as dropouts (optional).") var dropouts: String?
    @Option(help: "Township census of school-age children, household columns (optional; 乡镇排摸).") var census: String?
    @Option(help: "CSV of resident_id on the disabled-children list (optional).") var disabled: String?
    @Option(name: .customLong("left-behind"), help: "CSV of resident_id on the left-behind roster (optional).") var leftBehind: String?
    @Option(help: "Region code (or prefix) of the unit reconciled.") var region = "640422"
    @OptionGroup(title: "Date") var day: RequiredAsOfOptions
    var asOf: String { day.asOf }
    @OptionGroup(title: "Output") var output: OutputOptions
    var format: OutputFormat { output.format }
    @Flag(help: "Print only the summary (four counts and counts per finding kind).") var summary = false
    @Option(
        help: ArgumentHelp(
            "Also take the findings into this ledger: out-of-school children and registered children not attending get cases (others are for a person to resolve).",
            valueName: "path"))
    var ledger: String?
    @Option(help: ArgumentHelp("With --ledger: the ledger's profile (default: the one it was created under).", valueName: "name|file"))
    var policy: String?
    @Option(
        help: ArgumentHelp(
            "With --ledger: LEVEL:UNIT:PERSON[:ROLE] (default: $KCBX_ACTOR; one of the two is required).", valueName: "actor")) var actor:
        String?

    func run() throws {
        do {
            let files = ReconciliationFiles(
                household: household, students: students, attending: attending, poverty: poverty,
                threeKinds: threeKinds, dropouts: dropouts, census: census, disabled: disabled,
                leftBehind: leftBehind)
            let input = try RegistryColumns.load(files, regionPrefix: region, asOf: try CivilDate(iso: asOf, field: "--as-of"))
            let report = Reconciler.run(input)
            print(render(report.summaryTable(), format))
            if !summary {
                print("")
                print(render(report.findingsTable(), format))
            }
            if let ledger {
                let led = try openLedger(path: ledger, policy: policy, actor: actor)
                let s = try led.intake(report.findings, asOf: input.asOf, note: "四查三比对 \(region) \(input.asOf)")
                warn(
                    "findings into \(ledger): \(s.opened.count) case\(s.opened.count == 1 ? "" : "s") opened, \(s.alreadyOpen.count) already open, \(s.refused.count) refused, \(s.skipped.count) left for a person"
                )
            }
        } catch { throw fail(error) }
    }
}

/// A report table in the chosen output format (CSV keeps the BOM off for terminals).
func render(_ t: ReportTable, _ format: OutputFormat) -> String {
    let text = TextTable(headers: t.headers, rows: t.rows).render(format)
    return format == .table ? "\(t.title)\n\(text)" : text
}
