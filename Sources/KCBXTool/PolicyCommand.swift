import ArgumentParser
import KCBXCore

/// `kcbx policy list|show|check`: the built-in profiles and profile files.
struct PolicyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "policy",
        abstract: "List, show and check policy profiles (the five built-ins or a JSON profile file).",
        subcommands: [List.self, Show.self, Check.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the built-in profiles.")
        @OptionGroup(title: "Output") var output: OutputOptions
        var format: OutputFormat { output.format }

        func run() throws {
            var t = TextTable(headers: ["id", "jurisdiction", "region", "document"])
            for name in PolicyProfile.builtinNames {
                let p = try PolicyProfile.builtin(name)
                t.rows.append([p.id, p.jurisdiction, p.regionCode, p.document])
            }
            print(t.render(format))
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show a profile's parameters, each with where it came from (document clause or DOMAIN.md default).")
        @Argument(help: "A built-in profile id or a path to a profile JSON file.") var profile: String
        @Option(help: "Output format: table, csv or json (json prints the full profile file).") var format: OutputFormat = .table

        func run() throws {
            do {
                let p = try loadPolicy(profile)
                if format == .json {
                    print(p.json())
                    return
                }
                print("\(p.id)  \(p.jurisdiction) (\(p.regionCode))  \(p.document)  \(p.title)\n")
                var t = TextTable(headers: ["parameter", "value", "source", "citation"])
                for key in ParameterKey.allCases {
                    let s = p[key]
                    t.rows.append([key.rawValue, describe(s.value), s.provenance.kind, s.provenance.citation])
                }
                print(t.render(format))
                if format == .table {
                    print("\nmonitored groups (\(p.monitoredGroups.provenance.kind): \(p.monitoredGroups.provenance.citation)):")
                    print("  " + p.monitoredGroups.value.map(\.chinese).joined(separator: "、"))
                    var d = TextTable(headers: ["report duty", "level", "schedule", "source"])
                    for r in p.reportDuties { d.rows.append([r.what, r.level.chinese, describe(r.schedule), r.provenance.citation]) }
                    print("\n" + d.render(.table))
                    var r = TextTable(headers: ["department", "reasons", "groups", "source"])
                    for ref in p.referrals {
                        r.rows.append([
                            ref.department.chinese, ref.reasons.map(\.rawValue).joined(),
                            ref.groups.map(\.chinese).joined(separator: "、"), ref.provenance.kind + " " + ref.provenance.citation,
                        ])
                    }
                    print("\n" + r.render(.table))
                }
            } catch { throw fail(error) }
        }
    }

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Validate a profile JSON file; errors name the field and the rule.")
        @Argument(help: "Path to a profile JSON file.") var path: String

        func run() throws {
            do {
                let p = try PolicyProfile.load(path: path)
                print("\(path): ok (profile \(p.id))")
            } catch { throw fail(error) }
        }
    }
}

/// A built-in id or a file path.
func loadPolicy(_ nameOrPath: String) throws -> PolicyProfile {
    if PolicyProfile.builtinNames.contains(nameOrPath) { return try PolicyProfile.builtin(nameOrPath) }
    if nameOrPath.hasSuffix(".json") || nameOrPath.contains("/") { return try PolicyProfile.load(path: nameOrPath) }
    return try PolicyProfile.builtin(nameOrPath)
}

func describe(_ v: ParameterValue) -> String {
    switch v {
    case .duration(let d): return "\(d.amount) \(d.unit.rawValue.replacingOccurrences("_", " "))"
    case .number(let n): return n == n.rounded() ? String(Int(n)) : String(n)
    case .flag(let f): return f ? "yes" : "no"
    case .text(let t): return t
    case .off: return "off"
    }
}

func describe(_ s: Schedule) -> String {
    switch s {
    case .daily: return "daily"
    case .weekly(let w): return "weekly (weekday \(w))"
    case .monthly: return "monthly"
    case .quarterly: return "quarterly"
    case .yearly(let ds): return "yearly " + ds.map(\.description).joined(separator: ", ")
    case .monthEnds(let ms): return "end of month " + ms.map(String.init).joined(separator: ", ")
    case .afterTermStart(let d): return "\(d) days after term start"
    case .firstWeekOfTerm(let w): return "first week of term, weekday \(w)"
    }
}
