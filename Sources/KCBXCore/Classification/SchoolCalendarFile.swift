import FoundationEssentials

/// The calendar file format (JSON, docs/calendar-format.md): read strictly, every error naming
/// its path (`school_years[0].make_up_days[1]`); written so that it loads back unchanged.
extension SchoolCalendar {
    /// Format version written as `kcbx_calendar`.
    public static let fileFormatVersion = 1

    /// Loads a calendar file from disk.
    public static func load(path: String) throws -> SchoolCalendar {
        let text = try InputFile.text(path: path, what: "calendar file", limit: 8 * 1024 * 1024)
        return try SchoolCalendar(json: text)
    }

    /// Parses calendar JSON.
    public init(json text: String) throws {
        var r = try JSONObjectReader(JSONValue.parse(text, field: "calendar"), path: "")
        if let v = try r.int("kcbx_calendar"), v != SchoolCalendar.fileFormatVersion {
            throw KCBXError.invalidInput(
                field: "kcbx_calendar", rule: "format version \(v) is not supported (expected \(SchoolCalendar.fileFormatVersion))")
        }
        let name = try r.string("name") ?? ""
        var weekend = [6, 7]
        if let w = try r.array("weekend") {
            weekend = try w.enumerated().map { i, v in
                guard case .string(let s) = v, let k = weekdayNames.firstIndex(of: s.lowercased()) else {
                    throw KCBXError.invalidInput(
                        field: "weekend[\(i)]", rule: "must be a weekday name (\(weekdayNames.joined(separator: ", ")))")
                }
                return k + 1
            }
        }
        guard let years = try r.array("school_years") else {
            throw KCBXError.invalidInput(field: "school_years", rule: "is required")
        }
        guard !years.isEmpty else { throw KCBXError.invalidInput(field: "school_years", rule: "must list at least one school year") }
        var terms: [(SchoolTerm, String)] = []
        var holidays: [(SchoolHoliday, String)] = []
        var makeUp: [(CivilDate, String)] = []
        var seenYears = Set<Int>()
        for (yi, yv) in years.enumerated() {
            let path = "school_years[\(yi)]"
            var y = try JSONObjectReader(yv, path: path)
            guard let year = try y.int("school_year") else {
                throw KCBXError.invalidInput(field: "\(path).school_year", rule: "is required")
            }
            guard seenYears.insert(year).inserted else {
                throw KCBXError.invalidInput(field: "\(path).school_year", rule: "\(year) is listed twice")
            }
            guard let ts = try y.array("terms"), !ts.isEmpty else {
                throw KCBXError.invalidInput(field: "\(path).terms", rule: "must list at least one term")
            }
            var yearTerms: [SchoolTerm] = []
            for (ti, tv) in ts.enumerated() {
                let tp = "\(path).terms[\(ti)]"
                var t = try JSONObjectReader(tv, path: tp)
                let tname = try t.requiredString("name")
                let start = try CivilDate(iso: try t.requiredString("start"), field: "\(tp).start")
                let end = try CivilDate(iso: try t.requiredString("end"), field: "\(tp).end")
                try t.rejectUnknown()
                let term = try SchoolTerm(schoolYear: year, name: tname, start: start, end: end, field: tp)
                yearTerms.append(term)
                terms.append((term, tp))
            }
            // Days of this school year: 1 August (earliest term start) .. 31 August next year.
            let yearFirst = min(try CivilDate(year: year, month: 9, day: 1), yearTerms.map(\.start).min()!)
            let yearLast = try CivilDate(year: year + 1, month: 8, day: 31)
            for (hi, hv) in (try y.array("holidays") ?? []).enumerated() {
                let hp = "\(path).holidays[\(hi)]"
                var h = try JSONObjectReader(hv, path: hp)
                let hname = try h.string("name") ?? ""
                let span: DateSpan
                if let day = try h.string("date") {
                    guard h.members["from"] == nil, h.members["to"] == nil else {
                        throw KCBXError.invalidInput(field: hp, rule: "give either 'date' or 'from' and 'to', not both")
                    }
                    span = DateSpan(day: try CivilDate(iso: day, field: "\(hp).date"))
                } else {
                    let from = try CivilDate(iso: try h.requiredString("from"), field: "\(hp).from")
                    let to = try CivilDate(iso: try h.requiredString("to"), field: "\(hp).to")
                    span = try DateSpan(from: from, to: to, field: "\(hp).to")
                }
                try h.rejectUnknown()
                guard span.from >= yearFirst, span.from <= yearLast else {
                    throw KCBXError.invalidInput(
                        field: hp, rule: "\(span) starts outside school year \(year)-\(year + 1) (\(yearFirst)..\(yearLast))")
                }
                holidays.append((SchoolHoliday(name: hname, span: span), hp))
            }
            for (mi, mv) in (try y.array("make_up_days") ?? []).enumerated() {
                let mp = "\(path).make_up_days[\(mi)]"
                guard case .string(let s) = mv else { throw KCBXError.invalidInput(field: mp, rule: "must be a date YYYY-MM-DD") }
                let d = try CivilDate(iso: s, field: mp)
                guard d >= yearFirst, d <= yearLast else {
                    throw KCBXError.invalidInput(
                        field: mp, rule: "\(d) is outside school year \(year)-\(year + 1) (\(yearFirst)..\(yearLast))")
                }
                makeUp.append((d, mp))
            }
            try y.rejectUnknown()
        }
        try r.rejectUnknown()
        try self.init(name: name, terms: terms, holidays: holidays, makeUpDays: makeUp, weekendDays: weekend, weekendField: "weekend")
    }

    /// The calendar in the file format, grouped by school year; loads back equal.
    public func json(pretty: Bool = true) -> String {
        var years: [JSONValue] = []
        var placedHolidays = Set<Int>()
        var placedMakeUp = Set<Int>()
        for year in Array(Set(terms.map(\.schoolYear))).sorted() {
            let ts = terms.filter { $0.schoolYear == year }
            let yearFirst = min((try? CivilDate(year: year, month: 9, day: 1)) ?? ts[0].start, ts[0].start)
            let yearLast = (try? CivilDate(year: year + 1, month: 8, day: 31)) ?? ts[ts.count - 1].end
            // Each holiday and make-up day is written once, under the first school year that holds it.
            let hs = holidays.indices.filter {
                !placedHolidays.contains($0) && holidays[$0].span.from >= yearFirst && holidays[$0].span.from <= yearLast
            }.map { holidays[$0] }
            placedHolidays.formUnion(holidays.indices.filter { holidays[$0].span.from >= yearFirst && holidays[$0].span.from <= yearLast })
            let ms = makeUpDays.indices.filter { !placedMakeUp.contains($0) && makeUpDays[$0] >= yearFirst && makeUpDays[$0] <= yearLast }
                .map { makeUpDays[$0] }
            placedMakeUp.formUnion(makeUpDays.indices.filter { makeUpDays[$0] >= yearFirst && makeUpDays[$0] <= yearLast })
            var o: [String: JSONValue] = [
                "school_year": .number(Double(year)),
                "terms": .array(
                    ts.map { .object(["name": .string($0.name), "start": .string("\($0.start)"), "end": .string("\($0.end)")]) }),
            ]
            if !hs.isEmpty {
                o["holidays"] = .array(
                    hs.map { h in
                        var ho: [String: JSONValue] = ["name": .string(h.name)]
                        if h.span.from == h.span.to {
                            ho["date"] = .string("\(h.span.from)")
                        } else {
                            ho["from"] = .string("\(h.span.from)")
                            ho["to"] = .string("\(h.span.to)")
                        }
                        return .object(ho)
                    })
            }
            if !ms.isEmpty { o["make_up_days"] = .array(ms.map { .string("\($0)") }) }
            years.append(.object(o))
        }
        var top: [String: JSONValue] = [
            "kcbx_calendar": .number(Double(SchoolCalendar.fileFormatVersion)),
            "school_years": .array(years),
            "weekend": .array(weekendDays.map { .string(weekdayNames[$0 - 1]) }),
        ]
        if !name.isEmpty { top["name"] = .string(name) }
        return JSONValue.object(top).serialized(pretty: pretty)
    }
}
