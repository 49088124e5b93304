// Identity rules of DOMAIN.md §1: resident IDs (GB 11643-1999), student registry numbers
// (seed 001 attachment 2), school age (seed 000) and the CivilDate arithmetic they rest on.
import Testing

@testable import KCBXCore

/// A valid resident ID: the 17 digits plus the check character `ResidentID.checkCharacter(for:)` computes.
private func validID(_ first17: String) -> String {
    first17 + String(ResidentID.checkCharacter(for: first17)!)
}

private func date(_ y: Int, _ m: Int, _ d: Int) -> CivilDate { try! CivilDate(year: y, month: m, day: d) }

/// The problem `ResidentID.check` reports, or `.none` when the ID is valid.
private func problem(_ text: String, asOf: CivilDate? = nil) -> ResidentID.Problem {
    switch ResidentID.check(text, asOf: asOf) {
    case .success: return .none
    case .failure(let f): return f.problem
    }
}

/// The invalid-input error `body` throws, or nil.
private func invalidInput(_ body: () throws -> Void) -> (field: String, rule: String)? {
    do { try body() } catch let KCBXError.invalidInput(field, rule) { return (field, rule) } catch { return nil }
    return nil
}

// MARK: - Resident ID (GB 11643-1999, DOMAIN.md §1)

@Test("GB 11643-1999: the standard's own example 11010519491231002X is valid")
func residentIDStandardExample() throws {
    let id = try ResidentID("11010519491231002X")
    #expect(id.regionCode == "110105")
    #expect(id.birthDate == date(1949, 12, 31))
    #expect(id.sex == .female)
    #expect(ResidentID.checkCharacter(for: "11010519491231002") == "X")
}

@Test("DOMAIN.md §1: an ID built with checkCharacter(for:) parses into region, birth date and sex")
func residentIDValidParts() throws {
    let text = validID("64040220150315001")
    let id = try ResidentID(text, asOf: date(2025, 9, 1))
    #expect(id.text == text)
    #expect(id.description == text)
    #expect(id.regionCode == "640402")
    #expect(id.regionNumber == 640402)
    #expect(id.birthDate == date(2015, 3, 15))
    #expect(id.sex == .male)
    #expect(problem(text) == .none)
}

@Test("GB 11643-1999: every 17-digit body gets exactly one check character, and only that one validates")
func residentIDChecksumIsExact() throws {
    let body = "62040220180101123"
    let right = ResidentID.checkCharacter(for: body)!
    for c in "0123456789X" {
        #expect((problem(body + String(c)) == .none) == (c == right), "check character \(c)")
    }
    // checkCharacter(for:) only accepts exactly 17 digits.
    #expect(ResidentID.checkCharacter(for: "6204022018010112") == nil)
    #expect(ResidentID.checkCharacter(for: "620402201801011234") == nil)
    #expect(ResidentID.checkCharacter(for: "6204022018010112X") == nil)
}

@Test("DOMAIN.md §1: a wrong length is reported as Problem.length")
func residentIDLength() {
    let valid = validID("64040220150315001")
    #expect(problem("") == .length)
    #expect(problem(String(valid.dropLast())) == .length)
    #expect(problem(valid + "1") == .length)
    // 15-digit first-generation IDs are not accepted.
    #expect(problem("640402150315001") == .length)
    let e = invalidInput { _ = try ResidentID(String(valid.dropLast())) }
    #expect(e?.field == "resident_id")
    #expect(e?.rule.contains("18 characters") == true)
}

@Test("DOMAIN.md §1: a non-digit (or X anywhere but the check position) is Problem.characters")
func residentIDCharacters() {
    #expect(problem("64040220150315A011") == .characters)
    #expect(problem("X40402201503150011") == .characters)
    #expect(problem("64040220150315001 ") == .characters)
    #expect(problem("6404022015031500X1") == .characters)
    let e = invalidInput { _ = try ResidentID("64040220150315A011") }
    #expect(e?.field == "resident_id")
    #expect(e?.rule.contains("character 15") == true)
}

@Test("DOMAIN.md §1: 18 characters that are not ASCII digits (full-width ６) are Problem.characters, not length")
func residentIDNonASCII() {
    // 18 full-width digits: 18 characters, 54 UTF-8 bytes.
    let fullWidth = "６４０４０２２０１５０３１５００１２"
    #expect(fullWidth.count == 18)
    #expect(problem(fullWidth) == .characters)
    #expect(problem("64040220150315001１") == .characters)
    let e = invalidInput { _ = try ResidentID("6404022015031500１1") }
    #expect(e?.rule.contains("character 17") == true)
    // 17 ASCII digits and one multi-byte character elsewhere in a 19-character string: length.
    #expect(problem("64040220150315001１1") == .length)
}

@Test("GB/T 2260: a region code outside the province codes is Problem.region")
func residentIDRegion() {
    #expect(problem(validID("99040220150315001")) == .region)
    #expect(problem(validID("00040220150315001")) == .region)
    let e = invalidInput { _ = try ResidentID(validID("99040220150315001")) }
    #expect(e?.field == "resident_id")
    #expect(e?.rule.contains("region code 990402") == true)
}

@Test("GB 11643-1999: birth date 2023-02-30 is not a calendar date (Problem.birthDate)")
func residentIDImpossibleBirthDate() {
    let text = validID("62040220230230001")
    #expect(problem(text) == .birthDate)
    #expect(problem(validID("62040220231301001")) == .birthDate)  // month 13
    #expect(problem(validID("62040220230000001")) == .birthDate)  // day 0
    #expect(problem(validID("62040220230229001")) == .birthDate)  // 2023 is not a leap year
    #expect(problem(validID("62040220240229001")) == .none)  // 2024 is
    #expect(problem(validID("62040218991231001")) == .birthDate)  // before 1900
    let e = invalidInput { _ = try ResidentID(text) }
    #expect(e?.field == "resident_id")
    #expect(e?.rule.contains("birth date 20230230") == true)
}

@Test("DOMAIN.md §7: a birth date after asOf is rejected as Problem.birthDate")
func residentIDBirthAfterAsOf() {
    let text = validID("62040220250910002")
    #expect(problem(text, asOf: date(2025, 9, 9)) == .birthDate)
    #expect(problem(text, asOf: date(2025, 9, 10)) == .none)  // born on the as-of day is fine
    #expect(problem(text) == .none)
    let e = invalidInput { _ = try ResidentID(text, asOf: date(2025, 9, 9)) }
    #expect(e?.rule.contains("after 2025-09-09") == true)
}

@Test("GB 11643-1999: a wrong check character is Problem.checksum, naming the expected one")
func residentIDChecksum() throws {
    let body = "64040220150315001"
    let right = ResidentID.checkCharacter(for: body)!
    let wrong: Character = right == "0" ? "1" : "0"
    #expect(problem(body + String(wrong)) == .checksum)
    let e = invalidInput { _ = try ResidentID(body + String(wrong)) }
    #expect(e?.field == "resident_id")
    #expect(e?.rule.contains("ISO 7064 MOD 11-2 requires \(right)") == true)
}

@Test("GB 11643-1999: the first wrong part in reading order is reported")
func residentIDReadingOrder() {
    // Bad region and bad date and bad checksum: region comes first.
    #expect(problem("990402202302300010") == .region)
    // Bad date and bad checksum: date first.
    #expect(problem("620402202302300010") == .birthDate)
}

@Test("GB 11643-1999: check character x (lower case) is accepted and normalized to X")
func residentIDLowercaseX() throws {
    // Find a body whose check character is X.
    let body = (0..<1000).lazy
        .map { "640402201503150" + String(String($0 + 1000).suffix(2)) }
        .first { ResidentID.checkCharacter(for: $0) == "X" }!
    let id = try ResidentID(body + "x")
    #expect(id.text == body + "X")
    #expect(id == (try ResidentID(body + "X")))
}

@Test("GB 11643-1999: sex comes from the 17th digit, odd = male, even = female")
func residentIDSex() throws {
    for d in 0...9 {
        let id = try ResidentID(validID("6404022015031500\(d)"))
        #expect(id.sex == (d % 2 == 1 ? .male : .female), "17th digit \(d)")
    }
    // The 15th and 16th digits do not decide it.
    #expect(try ResidentID(validID("64040220150315992")).sex == .female)
    #expect(try ResidentID(validID("64040220150315221")).sex == .male)
    #expect(ResidentID.Sex.male.rawValue == 1 && ResidentID.Sex.female.rawValue == 2)  // GB/T 2261.1
}

@Test("DOMAIN.md §6 exports: masked keeps region prefix and tail, hides the birth date")
func residentIDMasked() throws {
    let text = validID("64040220150315001")
    let id = try ResidentID(text)
    #expect(id.masked == "6404**********" + String(text.suffix(4)))
    #expect(id.masked.count == 18)
    #expect(!id.masked.contains("20150315"))
}

@Test("ResidentID.Problem raw values are the C ABI's")
func residentIDProblemCodes() {
    #expect(ResidentID.Problem.allCases.map(\.rawValue) == [0, 1, 2, 3, 4, 5])
    #expect(ResidentID.Problem.region.part == "region code")
    #expect(ResidentID.Problem.checksum.part == "check character")
}

// MARK: - Student registry number (seed 001 attachment 2)

@Test("seed 001 附件2 示例 G640…: G + resident ID is a resident registry number")
func registryNumberG() throws {
    let idText = validID("64040220150315001")
    let n = try StudentRegistryNumber("G" + idText)
    #expect(n.kind == .resident)
    #expect(n.residentID?.text == idText)
    #expect(n.residentID?.regionCode.hasPrefix("640") == true)
    #expect(n.description == "G" + idText)
    #expect(try StudentRegistryNumber("g" + idText) == n)
}

@Test("seed 001 附件2: the resident ID inside a G number is validated, against asOf too")
func registryNumberGInvalid() {
    let body = "64040220150315001"
    let right = ResidentID.checkCharacter(for: body)!
    let wrong: Character = right == "0" ? "1" : "0"
    let e = invalidInput { _ = try StudentRegistryNumber("G" + body + String(wrong)) }
    #expect(e?.field == "registry_number")
    #expect(e?.rule.contains("check character") == true)
    let late = invalidInput { _ = try StudentRegistryNumber("G" + validID("64040220260101001"), asOf: date(2025, 9, 1)) }
    #expect(late?.field == "registry_number")
    #expect(late?.rule.contains("after 2025-09-01") == true)
}

@Test("DOMAIN.md §1: L + a temporary number for a child without a resident ID")
func registryNumberL() throws {
    let n = try StudentRegistryNumber("L2025ab01")
    #expect(n.kind == .temporary)
    #expect(n == .temporary("2025AB01"))
    #expect(n.residentID == nil)
    #expect(n.description == "L2025AB01")
    #expect(try StudentRegistryNumber("L" + String(repeating: "9", count: 30)).kind == .temporary)
    for bad in ["L", "L" + String(repeating: "9", count: 31), "L12-34", "L12 34", "L一二"] {
        let e = invalidInput { _ = try StudentRegistryNumber(bad) }
        #expect(e?.field == "registry_number", "\(bad)")
    }
}

@Test("DOMAIN.md §1: anything but G or L (or empty) is refused naming registry_number")
func registryNumberPrefix() {
    for bad in ["", "X640402201503150011", validID("64040220150315001")] {
        let e = invalidInput { _ = try StudentRegistryNumber(bad) }
        #expect(e?.field == "registry_number", "\(bad)")
    }
}

// MARK: - School age (seed 000)

@Test("seed 000 截止当年8月31日年满六周岁: born 2019-08-31 enters in 2025, born 2019-09-01 in 2026")
func schoolAgeEntryCutoff() {
    #expect(SchoolAge(birthDate: date(2019, 8, 31)).entryYear == 2025)
    #expect(SchoolAge(birthDate: date(2019, 9, 1)).entryYear == 2026)
    #expect(SchoolAge(birthDate: date(2019, 1, 1)).entryYear == 2025)
    #expect(SchoolAge(birthDate: date(2019, 12, 31)).entryYear == 2026)
    // The 31 August child is 6 on the cut-off day, the 1 September child is not.
    #expect(SchoolAge(birthDate: date(2019, 8, 31)).age(on: date(2025, 8, 31)) == 6)
    #expect(SchoolAge(birthDate: date(2019, 9, 1)).age(on: date(2025, 8, 31)) == 5)
}

@Test("seed 000 6-15周岁 with 8月31日年满六周岁: school age runs from the entry autumn to the 16th birthday")
func schoolAgeCompulsory() {
    let a = SchoolAge(birthDate: date(2010, 3, 1))
    #expect(!a.isCompulsoryAge(on: date(2016, 2, 29)))  // 5
    #expect(!a.isCompulsoryAge(on: date(2016, 3, 1)))  // 6, but enters in the autumn
    #expect(a.standing(on: date(2016, 3, 1)) == .belowSchoolAge)
    #expect(a.isCompulsoryAge(on: date(2016, 9, 1)))  // entry
    #expect(a.isCompulsoryAge(on: date(2026, 2, 28)))  // 15
    #expect(a.age(on: date(2026, 2, 28)) == 15)
    #expect(!a.isCompulsoryAge(on: date(2026, 3, 1)))  // 16
    #expect(a.age(on: date(2026, 3, 1)) == 16)
}

@Test("Age in completed years: a 29 February birthday turns on 1 March in common years")
func schoolAgeLeapBirthday() {
    let a = SchoolAge(birthDate: date(2016, 2, 29))
    #expect(a.age(on: date(2022, 2, 28)) == 5)
    #expect(a.age(on: date(2022, 3, 1)) == 6)
    #expect(a.age(on: date(2024, 2, 29)) == 8)
    #expect(a.age(on: date(2016, 2, 29)) == 0)
}

@Test("DOMAIN.md §1: expected grade and stage on dates (primary 1–6, junior 7–9; year turns 1 September)")
func schoolAgeExpectedGrade() {
    let a = SchoolAge(birthDate: date(2019, 8, 31))  // enters 2025
    #expect(a.expectedGrade(on: date(2025, 8, 31)) == 0)
    #expect(a.expectedStage(on: date(2025, 8, 31)) == .preschool)
    #expect(a.expectedGrade(on: date(2025, 9, 1)) == 1)
    #expect(a.expectedStage(on: date(2025, 9, 1)) == .primary)
    #expect(a.expectedGrade(on: date(2026, 6, 30)) == 1)
    #expect(a.expectedGrade(on: date(2031, 6, 30)) == 6)
    #expect(a.expectedStage(on: date(2031, 6, 30)) == .primary)
    #expect(a.expectedGrade(on: date(2031, 9, 1)) == 7)
    #expect(a.expectedStage(on: date(2031, 9, 1)) == .junior)
    #expect(a.expectedGrade(on: date(2034, 6, 30)) == 9)
    #expect(a.expectedStage(on: date(2034, 6, 30)) == .junior)
    #expect(a.expectedGrade(on: date(2034, 9, 1)) == 10)
    #expect(a.expectedStage(on: date(2034, 9, 1)) == .beyond)
    // One day later born: one year later in every grade.
    #expect(SchoolAge(birthDate: date(2019, 9, 1)).expectedGrade(on: date(2025, 9, 1)) == 0)
    #expect(SchoolAge.schoolYear(of: date(2026, 8, 31)) == 2025)
    #expect(SchoolAge.schoolYear(of: date(2026, 9, 1)) == 2026)
}

@Test("DOMAIN.md §1: Stage(grade:) maps grades to 学段")
func stageOfGrade() {
    #expect(Stage(grade: -2) == .preschool)
    #expect(Stage(grade: 0) == .preschool)
    #expect((1...6).allSatisfy { Stage(grade: $0) == .primary })
    #expect((7...9).allSatisfy { Stage(grade: $0) == .junior })
    #expect(Stage(grade: 10) == .beyond)
    #expect(Stage.primary.label == "小学" && Stage.junior.label == "初中")
}

// MARK: - CivilDate

@Test("CivilDate: Gregorian leap years and month lengths")
func civilDateLeapYears() {
    #expect(CivilDate.isLeap(2024) && CivilDate.isLeap(2000) && CivilDate.isLeap(1600))
    #expect(!CivilDate.isLeap(2023) && !CivilDate.isLeap(1900) && !CivilDate.isLeap(2100))
    #expect(CivilDate.daysIn(year: 2024, month: 2) == 29)
    #expect(CivilDate.daysIn(year: 2023, month: 2) == 28)
    #expect(CivilDate.daysIn(year: 1900, month: 2) == 28)
    #expect([1, 3, 5, 7, 8, 10, 12].allSatisfy { CivilDate.daysIn(year: 2025, month: $0) == 31 })
    #expect([4, 6, 9, 11].allSatisfy { CivilDate.daysIn(year: 2025, month: $0) == 30 })
    #expect(date(2024, 12, 31).dayNumber - date(2024, 1, 1).dayNumber == 365)
    #expect(date(2023, 12, 31).dayNumber - date(2023, 1, 1).dayNumber == 364)
}

@Test("CivilDate: day arithmetic crosses month, leap-day and year ends")
func civilDateAddingDays() {
    #expect(CivilDate(dayNumber: 0) == date(1970, 1, 1))
    #expect(date(2024, 2, 28).adding(days: 1) == date(2024, 2, 29))
    #expect(date(2024, 2, 28).adding(days: 2) == date(2024, 3, 1))
    #expect(date(2023, 2, 28).adding(days: 1) == date(2023, 3, 1))
    #expect(date(2025, 12, 31).adding(days: 1) == date(2026, 1, 1))
    #expect(date(2026, 1, 1).adding(days: -1) == date(2025, 12, 31))
    #expect(date(2025, 9, 8).days(to: date(2025, 9, 15)) == 7)
    #expect(date(2025, 9, 15).days(to: date(2025, 9, 8)) == -7)
    #expect(date(1969, 12, 31).dayNumber == -1)
}

@Test("CivilDate: adding months clamps to the month's end (31 Jan + 1 month = 28/29 Feb)")
func civilDateAddingMonths() {
    #expect(date(2023, 1, 31).adding(months: 1) == date(2023, 2, 28))
    #expect(date(2024, 1, 31).adding(months: 1) == date(2024, 2, 29))
    #expect(date(2024, 3, 31).adding(months: -1) == date(2024, 2, 29))
    #expect(date(2025, 8, 31).adding(months: 1) == date(2025, 9, 30))
    #expect(date(2025, 12, 15).adding(months: 1) == date(2026, 1, 15))
    #expect(date(2026, 1, 15).adding(months: -1) == date(2025, 12, 15))
    #expect(date(2025, 9, 15).adding(months: 1) == date(2025, 10, 15))  // DOMAIN.md §2: suspected 15 Sept
    #expect(date(2024, 2, 29).adding(months: 12) == date(2025, 2, 28))
    #expect(date(2025, 5, 20).adding(months: 0) == date(2025, 5, 20))
    #expect(date(2025, 5, 20).adding(months: -17) == date(2023, 12, 20))
}

@Test("CivilDate: ISO weekday (DOMAIN.md §2 example: 8 Sept 2025 is a Monday)")
func civilDateWeekday() {
    #expect(date(1970, 1, 1).isoWeekday == 4)  // Thursday
    #expect(date(1969, 12, 28).isoWeekday == 7)  // Sunday, before the epoch
    #expect(date(2025, 9, 8).isoWeekday == 1)
    #expect(date(2025, 9, 14).isoWeekday == 7)
    #expect(date(2025, 9, 15).isoWeekday == 1)
    #expect(date(2025, 9, 13).isWeekend && date(2025, 9, 14).isWeekend)
    #expect(!date(2025, 9, 12).isWeekend)
    #expect(date(2000, 2, 29).isoWeekday == 2)  // Tuesday
}

@Test("CivilDate: yyyymmdd and ISO text round-trip over two centuries")
func civilDateRoundTrip() throws {
    var d = date(1900, 1, 1)
    let end = date(2100, 12, 31)
    while d <= end {
        #expect(try CivilDate(yyyymmdd: d.yyyymmdd) == d)
        #expect(try CivilDate(iso: d.description) == d)
        d = d.adding(days: 37)
    }
    #expect(date(2025, 9, 8).yyyymmdd == 20_250_908)
    #expect(date(2025, 9, 8).description == "2025-09-08")
    let leapDay = try CivilDate(yyyymmdd: 20_240_229)
    #expect(leapDay.year == 2024 && leapDay.month == 2 && leapDay.day == 29)
    #expect(date(987, 6, 5).description == "0987-06-05")
}

@Test("CivilDate: invalid dates throw invalidInput naming the field")
func civilDateInvalid() {
    let e = invalidInput { _ = try CivilDate(year: 2023, month: 2, day: 30, field: "birth_date") }
    #expect(e?.field == "birth_date")
    #expect(e?.rule.contains("2023-02-30") == true)
    #expect(invalidInput { _ = try CivilDate(yyyymmdd: 20_230_230, field: "on_date") }?.field == "on_date")
    #expect(invalidInput { _ = try CivilDate(yyyymmdd: 20_251_301, field: "as_of") }?.field == "as_of")
    #expect(invalidInput { _ = try CivilDate(yyyymmdd: 20_250_900, field: "as_of") }?.field == "as_of")
    #expect(invalidInput { _ = try CivilDate(yyyymmdd: 0, field: "d") }?.field == "d")
    #expect(invalidInput { _ = try CivilDate(yyyymmdd: -20_250_101, field: "d") }?.rule.contains("YYYYMMDD") == true)
    #expect(invalidInput { _ = try CivilDate(yyyymmdd: 1231, field: "d") }?.field == "d")  // year 0
    #expect(invalidInput { _ = try CivilDate(year: 2025, month: 0, day: 1) }?.field == "date")
    #expect(invalidInput { _ = try CivilDate(iso: "2025-9-8", field: "start") }?.field == "start")
    #expect(invalidInput { _ = try CivilDate(iso: "2025-02-30", field: "start") }?.rule.contains("2025-02-30") == true)
    #expect(invalidInput { _ = try CivilDate(iso: "20250908", field: "start") }?.field == "start")
}
