import ArgumentParser
import Foundation
import KCBXCore

/// `kcbx synth`: a deterministic synthetic county as CSV files.
struct SynthCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "synth",
        abstract: "Generate a synthetic county (deterministic from --seed) as CSV files: household and student registries, schools, poverty and 三类 lists, attendance extract, planted truth.")
    @Option(help: "Output directory.") var out: String
    @Option(help: "Number of school-age children.") var children = 2000
    @Option(help: "Number of townships.") var townships = 6
    @Option(help: "Random seed.") var seed: UInt64 = 2025
    @Option(help: "County region code (GB/T 2260).") var region = "640422"
    @Option(help: "Share of children with a planted problem (0-1); 0.05 made data/sample.") var planted = 0.05
    @Option(name: .customLong("as-of"), help: "Reference date YYYY-MM-DD for ages and grades.") var asOf = "2025-10-20"

    func run() throws {
        do {
            var o = SyntheticCountyOptions()
            o.children = children; o.townships = townships; o.seed = seed; o.regionCode = region; o.plantedShare = planted
            guard (0...1).contains(planted) else { throw KCBXError.invalidInput(field: "--planted", rule: "must be a share 0-1") }
            let county = SyntheticCounty(options: o, referenceDate: try CivilDate(iso: asOf, field: "--as-of"))
            try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
            try county.householdTable().writeCSV(to: out + "/household.csv")
            try county.studentTable().writeCSV(to: out + "/students.csv")
            try county.schoolTable().writeCSV(to: out + "/schools.csv")
            try county.truthTable().writeCSV(to: out + "/planted.csv")
            try county.povertyTable().writeCSV(to: out + "/poverty.csv")
            try county.threeKindsTable().writeCSV(to: out + "/three_kinds.csv")
            try county.attendingTable().writeCSV(to: out + "/attending.csv")
            try county.rosterTable().writeCSV(to: out + "/roster.csv")
            let calendar = try SyntheticAttendance.calendar2025()
            try writeText(calendar.json(), to: out + "/calendar.json")
            let marks = SyntheticAttendance(county: county, calendar: calendar, asOf: try CivilDate(iso: asOf, field: "--as-of"))
            try marks.table(county: county).writeCSV(to: out + "/attendance.csv")
            print("wrote \(county.children.count) children, \(county.schools.count) schools, \(marks.child.count) attendance marks to \(out)")
        } catch let e as ExitCode { throw e } catch { throw fail(error) }
    }
}

func writeText(_ text: String, to path: String) throws {
    guard FileManager.default.createFile(atPath: path, contents: Data(text.utf8)) else { throw KCBXError.storage("cannot write \(path)") }
}
