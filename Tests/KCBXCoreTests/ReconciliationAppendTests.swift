import Foundation
import Testing

@testable import KCBXCore

/// Issue 14: registries filled a record at a time (the Arrow path, `RegistryColumns.append…`)
/// reconcile exactly as the same files read by `RegistryColumns.load` (seed 004 二（二）四查三比对):
/// one set of cell rules for both.
@Suite struct ReconciliationAppendTests {
    static let files = ReconciliationColumnsTests.files
    static let asOf = ReconciliationColumnsTests.asOf

    static func appended() throws -> RegistryColumns {
        var c = try RegistryColumns(checkedPrefix: "640422", asOf: asOf)
        func each(_ path: String, _ body: (CSVFile, [String]) throws -> Void) throws {
            let csv = try CSVFile(path: path)
            for r in csv.rows { try body(csv, r) }
        }
        func with<R>(_ s: String, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
            var t = s
            return try t.withUTF8 { try body($0) }
        }
        func household(_ path: String, _ table: RegistryColumns.HouseholdTable) throws {
            try each(path) { csv, r in
                let birth = try with(csv.cell(r, csv.optionalColumn("birth_date"))) { try RegistryColumns.isoDay($0, field: "birth_date") }
                with(csv.cell(r, try csv.column("resident_id"))) { id in
                    with(csv.cell(r, try? csv.column("name"))) { name in
                        with(csv.cell(r, csv.optionalColumn("address"))) { address in
                            with(csv.cell(r, try? csv.column("region_code"))) { region in
                                c.appendHousehold(table, residentID: id, name: name, birthDay: birth, address: address, regionCode: region)
                            }
                        }
                    }
                }
            }
        }
        try household(files.household, .household)
        try each(files.students) { csv, r in
            func cell(_ n: String) -> String { csv.cell(r, csv.optionalColumn(n)) }
            let grade = try with(cell("grade")) { try RegistryColumns.grade($0) { "grade" } }
            let status = try with(cell("status")) { try RegistryColumns.status($0) { "status" } }
            let birth = try with(cell("birth_date")) { try RegistryColumns.isoDay($0, field: "birth_date") }
            with(cell("registry_number")) { reg in
                with(cell("resident_id")) { id in
                    with(cell("name")) { name in
                        with(cell("school_id")) { school in
                            with(cell("school_region_code")) { region in
                                c.appendStudent(
                                    registryNumber: reg, residentID: id, name: name, birthDay: birth, schoolID: school,
                                    schoolRegionCode: region, grade: grade, status: status)
                            }
                        }
                    }
                }
            }
        }
        let lists: [(String?, RegistryColumns.IDList)] = [
            (files.attending, .attending), (files.poverty, .poverty), (files.threeKinds, .threeKinds),
            (files.dropouts, .dropouts), (files.disabled, .disabled), (files.leftBehind, .leftBehind),
        ]
        for (path, list) in lists {
            guard let path else { continue }
            c.compare(list)
            try each(path) { csv, r in with(csv.cell(r, try csv.column("resident_id"))) { c.insert($0, into: list) } }
        }
        if let census = files.census { try household(census, .census) }
        return c
    }

    @Test("records appended one at a time reconcile as the CSV reader's columns, finding for finding")
    func appendedEqualsLoaded() throws {
        let loaded = Reconciler.run(try RegistryColumns.load(Self.files, regionPrefix: "640422", asOf: Self.asOf))
        let appended = Reconciler.run(try Self.appended())
        #expect(appended.findingsTable().rows.count == loaded.findingsTable().rows.count)
        #expect(appended.findingsTable().rows == loaded.findingsTable().rows)
        #expect(appended.summaryTable().rows == loaded.summaryTable().rows)
        #expect(!loaded.findings(.outOfSchool).isEmpty && !loaded.findings(.registeredNotAttending).isEmpty)
    }

    @Test("the shared cell rules refuse a grade outside 1-9 and an unknown status, naming the field")
    func sharedRules() throws {
        #expect(throws: KCBXError.self) { try RegistryColumns.grade(12) { "students.grade[3]" } }
        var t = "dropped"
        #expect(throws: KCBXError.self) { try t.withUTF8 { try RegistryColumns.status($0) { "students.status[4]" } } }
        do { _ = try RegistryColumns.grade(0) { "students.grade[3]" } } catch let e as KCBXError {
            #expect("\(e)".contains("students.grade[3]"))
        }
    }
}
