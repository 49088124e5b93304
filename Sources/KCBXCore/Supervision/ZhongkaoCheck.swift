@_implementationOnly import GRDB

/// The 中考 registration list (seed 001 二（二）: 初中毕业生必须全部参加报名考试): who registered for the
/// exam, by resident ID or student registry number. CSV with a header; columns `resident_id`,
/// `registry_number` (at least one of the two in the header and in every row), optional `name`,
/// `exam_number`, `school_id`; unknown columns, invalid IDs and numbers, and a child listed twice
/// are refused by file, row and column (strict reader).
public struct ZhongkaoRegistrationList: Sendable, Equatable {
    public var residentIDs: Set<String> = []
    public var registryNumbers: Set<String> = []
    public var count: Int { rowsRead }
    var rowsRead = 0

    public init(residentIDs: [String] = [], registryNumbers: [String] = []) throws {
        var rows: [[String]] = []
        for i in 0..<max(residentIDs.count, registryNumbers.count) {
            rows.append([i < residentIDs.count ? residentIDs[i] : "", i < registryNumbers.count ? registryNumbers[i] : ""])
        }
        try self.init(
            headers: ["resident_id", "registry_number"], rows: rows, source: "registrations",
            rowNumbers: Array(0..<rows.count).map { $0 + 1 })
    }

    public init(csvPath path: String) throws {
        let f = try CSVFile(path: path)
        try self.init(headers: f.headers, rows: f.rows, source: path, rowNumbers: f.rowNumbers)
    }

    public init(csvText text: String, source: String = "registrations.csv") throws {
        let f = try CSVFile(text: text, path: source)
        try self.init(headers: f.headers, rows: f.rows, source: source, rowNumbers: f.rowNumbers)
    }

    public static let columns = ["resident_id", "registry_number", "name", "exam_number", "school_id"]

    init(headers: [String], rows: [[String]], source: String, rowNumbers: [Int]) throws {
        for h in headers where !ZhongkaoRegistrationList.columns.contains(h) {
            throw KCBXError.invalidInput(
                field: "\(source): column \(KCBXError.quote(h, limit: 40))",
                rule: "is not one of \(ZhongkaoRegistrationList.columns.joined(separator: ", "))")
        }
        let idCol = headers.firstIndex(of: "resident_id")
        let numCol = headers.firstIndex(of: "registry_number")
        guard idCol != nil || numCol != nil else {
            throw KCBXError.invalidInput(field: "\(source): columns", rule: "need resident_id or registry_number")
        }
        for (i, r) in rows.enumerated() {
            let n = i < rowNumbers.count ? rowNumbers[i] : i + 2
            let id = idCol.flatMap { $0 < r.count ? CSVFile.trimmed(r[$0]) : nil } ?? ""
            let num = numCol.flatMap { $0 < r.count ? CSVFile.trimmed(r[$0]) : nil } ?? ""
            guard !id.isEmpty || !num.isEmpty else {
                throw KCBXError.invalidInput(field: "\(source) row \(n)", rule: "names no one: resident_id or registry_number is required")
            }
            if !id.isEmpty {
                let v: ResidentID
                do { v = try ResidentID(id) } catch {
                    throw KCBXError.invalidInput(field: "\(source) row \(n) resident_id", rule: "\(error)")
                }
                guard residentIDs.insert(v.description).inserted else {
                    throw KCBXError.invalidInput(
                        field: "\(source) row \(n) resident_id", rule: "\(IDMask.key(v.description)) is listed twice")
                }
            }
            if !num.isEmpty {
                do { _ = try StudentRegistryNumber(num) } catch {
                    throw KCBXError.invalidInput(field: "\(source) row \(n) registry_number", rule: "\(error)")
                }
                guard registryNumbers.insert(num).inserted else {
                    throw KCBXError.invalidInput(field: "\(source) row \(n) registry_number", rule: "\(IDMask.key(num)) is listed twice")
                }
            }
            rowsRead += 1
        }
    }

    func contains(_ s: LedgerStudent) -> Bool {
        (!s.residentID.isEmpty && residentIDs.contains(s.residentID))
            || (!s.registryNumber.isEmpty && registryNumbers.contains(s.registryNumber))
    }
}

extension Ledger {
    /// The 中考 registration check (seed 001 二（二）: 初中毕业生必须全部参加报名考试，对未报名学生各县（区）、
    /// 学校必须查明原因、做出说明; 二（六）: 市教育体育局要对中考报名情况实行通报制度): every grade-9 student
    /// enrolled within the actor's jurisdiction on `asOf` (the roster in force on the date) who is
    /// not on `registrations`, with the child's status and case, and an empty 说明 column for the
    /// school to explain. Needs a writer at township level or above.
    public func zhongkaoCheck(registrations: ZhongkaoRegistrationList, asOf: CivilDate) throws -> ReportTable {
        try checkDate(asOf, notBefore: nil, field: "as_of")
        try requireSupervisor("check 中考 registration")
        let unit = ownUnit
        let all: [LedgerChildAsOf] = try read { db in try self.children(asOf: asOf, unit: unit, db) }
        let label: String = try read { db in try unitLabel(unit, db) }
        let grade9 = all.filter {
            $0.student.grade == 9
                && [LedgerRegistration.enrolled.rawValue, LedgerRegistration.homeDelivered.rawValue].contains($0.student.registration)
        }
        let missing = grade9.filter { !registrations.contains($0.student) }
            .sorted { ($0.student.schoolID, $0.student.key) < ($1.student.schoolID, $1.student.key) }
        var bySchool: [String: (Int, Int)] = [:]
        for c in grade9 { bySchool[c.student.schoolID, default: (0, 0)].0 += 1 }
        for c in missing { bySchool[c.student.schoolID, default: (0, 0)].1 += 1 }
        let rows = missing.map { c -> [String] in
            let s = c.student
            return [
                s.schoolID, s.schoolName, IDMask.key(s.key), s.name, s.maskedRegistryNumber, c.status.label,
                c.currentCase.map { "\($0.id) \($0.status.rawValue)" } ?? "", "",
            ]
        }
        let summary = bySchool.keys.sorted().map { k -> String in
            let (all, miss) = bySchool[k] ?? (0, 0)
            return "\(k): 初三 \(all) 人, 未报名 \(miss) 人"
        }
        return ReportTable(
            title: "中考报名核查：未报名初三学生名单", headers: ["school_id", "学校", "student", "姓名", "学籍号", "status", "case", "说明"],
            rows: rows, unit: label, asOf: asOf,
            notes: [
                "001 二（二）: 加强中考报名管理，初中毕业生必须全部参加报名考试，对未报名学生各县（区）、学校必须查明原因、做出说明.",
                "001 二（六）: 市教育体育局要对中考报名情况实行通报制度，对问题突出的县（区）、学校进行问责.",
                "Grade-9 students enrolled on \(asOf): \(grade9.count); on the registration list of \(registrations.count) rows: \(grade9.count - missing.count); not registered: \(missing.count).",
            ]
                + summary + [profileNote])
    }
}
