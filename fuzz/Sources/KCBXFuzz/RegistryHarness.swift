@testable import KCBXCore

/// The CSV extracts of a reconciliation (四查三比对, docs/data-formats.md), as one input cut into
/// files by lines `----`: household registry, student registry, attending, poverty, “三类” lists
/// and the township census. Each is read as a file, then the reconciliation runs on what loaded.
/// Invariants: the report's counts are bounded by its inputs; every finding says what it found.
enum RegistryHarness: Harness {
    static let separator = Array("\n----\n".utf8)
    static let names = ["household.csv", "students.csv", "attending.csv", "poverty.csv", "three_kinds.csv", "census.csv"]

    static func run(_ data: [UInt8]) {
        let parts = split(data)
        func csv(_ i: Int) -> CSVFile? {
            guard i < parts.count else { return nil }
            return try? CSVFile(path: Fixture.file(parts[i], names[i]))
        }
        let empty = { (header: String) in orDie { try CSVFile(text: header) } }
        guard let household = try? ReconciliationInput.household(csv: csv(0) ?? empty("resident_id,name,region_code")),
            let students = try? ReconciliationInput.students(
                csv: csv(1) ?? empty("registry_number,resident_id,name,school_id,school_region_code,grade"))
        else { return }
        func list(_ i: Int) -> Set<String>? { csv(i).flatMap { try? ReconciliationInput.idList(csv: $0) } }
        let census = csv(5).flatMap { try? ReconciliationInput.household(csv: $0) } ?? []
        let input = ReconciliationInput(
            regionPrefix: Fixture.county, asOf: Fixture.asOf, household: household, students: students,
            attending: list(2), poverty: list(3) ?? [], threeKinds: list(4) ?? [], census: census)
        let report = Reconciler.run(input)
        require(report.registered <= students.count, "registered \(report.registered) of \(students.count) students")
        require(
            report.householdSchoolAge <= household.count, "school-age \(report.householdSchoolAge) of \(household.count) household records")
        require(input.attending != nil || report.attending == nil, "attending counted without an attendance list")
        // Every finding names a person (crash-b05e7f5b: a short row padded with empty cells gave a
        // finding with no ID and no name; the strict CSV reader now refuses such rows).
        for f in report.findings {
            require(!f.detail.isEmpty, "finding \(f.kind) without a detail")
            require(!f.residentID.isEmpty || !f.name.isEmpty, "finding \(f.kind) names nobody: \(f.detail)")
        }
        _ = report.findingsTable().csv()
        _ = report.summaryTable().jsonValue.serialized(pretty: false)
    }

    /// The input cut at each separator line (at most one part per file).
    static func split(_ data: [UInt8]) -> [[UInt8]] {
        var parts: [[UInt8]] = []
        var start = 0
        var i = 0
        while i + separator.count <= data.count, parts.count < names.count - 1 {
            if data[i] == separator[0], Array(data[i..<(i + separator.count)]) == separator {
                parts.append(Array(data[start..<i]))
                i += separator.count
                start = i
            } else {
                i += 1
            }
        }
        parts.append(Array(data[start...]))
        return parts
    }
}
