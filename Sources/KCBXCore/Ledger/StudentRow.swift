/// One roster row as text, the way CSV, JSON and C arrays deliver it. Empty means "not given".
/// Columns and rules: docs/ledger.md.
public struct LedgerStudentRow: Hashable, Sendable {
    public var residentID = "", registryNumber = "", name = "", sex = "", birthDate = ""
    public var address = "", regionCode = "", schoolID = "", schoolName = "", townshipCode = ""
    public var grade = "", registration = "", registrationDate = "", expertOpinion = "", specialGroups = ""

    public init() {}

    /// Column names in CSV headers and JSON objects, in the documented order.
    public static let columns = [
        "resident_id", "registry_number", "name", "sex", "birth_date", "address", "region_code",
        "school_id", "school_name", "township_code", "grade", "registration", "registration_date",
        "expert_opinion", "special_groups",
    ]

    /// Sets a column by name; false when the name is not a column.
    public mutating func set(_ column: String, _ value: String) -> Bool {
        switch column {
        case "resident_id": residentID = value
        case "registry_number": registryNumber = value
        case "name": name = value
        case "sex": sex = value
        case "birth_date": birthDate = value
        case "address": address = value
        case "region_code": regionCode = value
        case "school_id": schoolID = value
        case "school_name": schoolName = value
        case "township_code": townshipCode = value
        case "grade": grade = value
        case "registration": registration = value
        case "registration_date": registrationDate = value
        case "expert_opinion": expertOpinion = value
        case "special_groups": specialGroups = value
        default: return false
        }
        return true
    }

    /// Sets column `index` of `columns` (out of range: nothing).
    mutating func set(column index: Int, _ value: String) {
        switch index {
        case 0: residentID = value
        case 1: registryNumber = value
        case 2: name = value
        case 3: sex = value
        case 4: birthDate = value
        case 5: address = value
        case 6: regionCode = value
        case 7: schoolID = value
        case 8: schoolName = value
        case 9: townshipCode = value
        case 10: grade = value
        case 11: registration = value
        case 12: registrationDate = value
        case 13: expertOpinion = value
        case 14: specialGroups = value
        default: break
        }
    }

    /// Validates every field; returns the student, or nil with every problem appended to `problems`.
    func validated(row: Int, asOf: CivilDate, problems allProblems: inout [LedgerRowProblem]) -> LedgerStudent? {
        var problems: [LedgerRowProblem] = []
        defer { allProblems += problems }
        func bad(_ field: String, _ rule: String) { problems.append(LedgerRowProblem(row: row, field: field, rule: rule)) }
        let rid = residentID.ledgerTrimmed
        let reg = registryNumber.ledgerTrimmed
        var id: ResidentID?
        if !rid.isEmpty {
            switch ResidentID.check(rid, asOf: asOf) {
            case .success(let v): id = v
            case .failure(let f): bad("resident_id", f.message)
            }
        }
        var registry = ""
        if !reg.isEmpty {
            do {
                let n = try StudentRegistryNumber(reg, asOf: asOf)
                registry = n.description
                if let embedded = n.residentID {
                    if rid.isEmpty {
                        id = embedded
                    } else if let id, id != embedded {
                        bad("registry_number", "G number must be G + resident_id (学籍号, seed 001 附件2), got \(registry)")
                    }
                }
            } catch let KCBXError.invalidInput(_, rule) { bad("registry_number", rule) } catch {}
        }
        if rid.isEmpty && reg.isEmpty { bad("resident_id", "is required (or an L registry_number for a child without one)") }
        let nm = name.ledgerTrimmed
        if nm.isEmpty || nm.count > 50 || nm.unicodeScalars.contains(where: { $0.value < 32 }) {
            bad("name", "must be 1-50 characters without control characters")
        }
        // An ID that was given but is wrong is reported once, not again as missing sex, birth date, region.
        let noID = id == nil && rid.isEmpty && !reg.hasPrefix("G") && !reg.hasPrefix("g")
        var sexCode: Int32 = id?.sex.rawValue ?? 0
        switch sex.ledgerTrimmed.lowercased() {
        case "": if noID { bad("sex", "is required when there is no resident ID") }
        case "1", "男", "m", "male": sexCode = check(sex: 1, id, &problems, row)
        case "2", "女", "f", "female": sexCode = check(sex: 2, id, &problems, row)
        default: bad("sex", "'\(sex)' must be 1/男/male or 2/女/female (GB/T 2261.1)")
        }
        var birth = id?.birthDate
        let bd = birthDate.ledgerTrimmed
        if !bd.isEmpty {
            let parsed: CivilDate? = bd.utf8.count == 8 ? Int32(bd).flatMap { try? CivilDate(yyyymmdd: $0) } : try? CivilDate(iso: bd)
            if let parsed {
                if parsed > asOf {
                    bad("birth_date", "\(parsed) is in the future (after \(asOf))")
                } else if let id, id.birthDate != parsed {
                    bad(
                        "birth_date",
                        "\(parsed) differs from the resident ID's \(id.birthDate): resolve the mismatch (reason J, DOMAIN §5) or leave it empty"
                    )
                }
                birth = parsed
            } else {
                bad("birth_date", "'\(bd)' is not a date YYYY-MM-DD")
            }
        } else if noID {
            bad("birth_date", "is required when there is no resident ID")
        }
        let addr = address.ledgerTrimmed
        if addr.count > 200 { bad("address", "must be at most 200 characters") }
        var region = regionCode.ledgerTrimmed
        if region.isEmpty { region = id?.regionCode ?? "" }
        if region.isEmpty {
            if noID { bad("region_code", "is required when there is no resident ID") }
        } else if !ledgerIsDigits(region, count: 6) {
            bad("region_code", "'\(region)' must be a 6-digit GB/T 2260 code")
        }
        let school = schoolID.ledgerTrimmed
        if !school.isEmpty {
            do { try LedgerStudent.checkSchoolID(school, field: "school_id") } catch let KCBXError.invalidInput(_, rule) {
                bad("school_id", rule)
            } catch {}
        }
        let sname = schoolName.ledgerTrimmed
        if sname.count > 100 { bad("school_name", "must be at most 100 characters") }
        let town = townshipCode.ledgerTrimmed
        if !ledgerIsDigits(town, count: 9) { bad("township_code", "'\(town)' must be 9 digits (GB/T 2260 county code + 3)") }
        var registration = LedgerRegistration.enrolled
        let regText = self.registration.ledgerTrimmed
        if regText.isEmpty {
            registration = school.isEmpty ? .none : .enrolled
        } else if let r = LedgerRegistration(rawValue: regText) {
            registration = r
        } else {
            bad("registration", "'\(regText)' must be one of \(LedgerRegistration.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        if registration == .enrolled && school.isEmpty { bad("school_id", "is required when registration is enrolled") }
        if (registration == .none || registration == .elsewhere) && !school.isEmpty {
            bad("registration", "is \(registration.rawValue) (no student registration here) but school_id is given")
        }
        var regDate = ""
        let rd = registrationDate.ledgerTrimmed
        if !rd.isEmpty {
            if let d = ledgerParseDate(rd) {
                if d > asOf { bad("registration_date", "\(d) is in the future (after \(asOf))") }
                regDate = d.description
            } else {
                bad("registration_date", "'\(rd)' is not a date YYYY-MM-DD")
            }
        } else if registration == .transferredOut || registration == .graduated {
            bad("registration_date", "is required when registration is \(registration.rawValue)")
        }
        let opinion = expertOpinion.ledgerTrimmed
        if opinion.count > 200 { bad("expert_opinion", "must be at most 200 characters") }
        if opinion.isEmpty && (registration == .deferred || registration == .suspended) {
            bad("expert_opinion", "is required for \(registration.rawValue): the expert panel's written opinion (002 二（四）, 000 一（二）)")
        }
        var gradeValue = 0
        let g = grade.ledgerTrimmed
        if !g.isEmpty {
            if let v = Int(g), (0...9).contains(v) {
                gradeValue = v
            } else {
                bad("grade", "'\(g)' must be 1-9 (0 or empty without a school)")
            }
        }
        if !school.isEmpty && gradeValue == 0 && registration == .enrolled { bad("grade", "is required (1-9) for an enrolled student") }
        if school.isEmpty && gradeValue != 0 { bad("grade", "must be empty without a school_id") }
        var groups = Set<String>()
        for code in specialGroups.split(whereSeparator: { $0 == ";" || $0 == "|" }).map({ String($0).ledgerTrimmed }) where !code.isEmpty {
            if SpecialGroup(rawValue: code) != nil {
                groups.insert(code)
            } else {
                bad("special_groups", "'\(code)' is not a special group (\(SpecialGroup.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
        }
        guard problems.isEmpty, let birth else { return nil }
        return LedgerStudent(
            residentID: id?.text ?? "", registryNumber: registry, name: nm, sex: sexCode, birthDate: birth.description,
            address: addr, regionCode: region, schoolID: school, schoolName: sname, townshipCode: town, grade: gradeValue,
            registration: registration.rawValue, registrationDate: regDate, expertOpinion: opinion, groups: groups.sorted())
    }

    private func check(sex: Int32, _ id: ResidentID?, _ problems: inout [LedgerRowProblem], _ row: Int) -> Int32 {
        if let id, id.sex.rawValue != sex {
            problems.append(
                LedgerRowProblem(
                    row: row, field: "sex", rule: "differs from the resident ID's sequence digit (\(id.sex.label), GB 11643-1999)"))
        }
        return sex
    }
}
