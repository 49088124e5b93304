@testable import KCBXCore

/// Resident IDs (GB 11643-1999), G/L student registry numbers and dates as text. Invariants: what
/// parses re-serialises to the same text (up to the case of x/g/l), parses again to the same value,
/// and agrees with the check-character function.
enum IdentityHarness: Harness {
    static func run(_ data: [UInt8]) {
        guard let text = utf8Text(data) else { return }
        if case .success(let id) = ResidentID.check(text, asOf: Fixture.asOf) {
            require(id.text == text.uppercased(), "resident ID \(text) re-serialises as \(id.text)")
            require(ResidentID.checkCharacter(for: String(id.text.prefix(17))) == id.text.last, "check character disagrees for \(text)")
            require(id.regionCode == String(id.text.prefix(6)) && id.birthDate <= Fixture.asOf, "parts of \(text)")
            require(id.masked.count == 18, "masked ID length")
            guard case .success(let again) = ResidentID.check(id.text, asOf: Fixture.asOf), again == id else {
                fatalError("invariant: \(id.text) does not parse again")
            }
        }
        if let n = try? StudentRegistryNumber(text, asOf: Fixture.asOf) {
            require(n.description == text.uppercased(), "registry number \(text) re-serialises as \(n.description)")
            require((try? StudentRegistryNumber(n.description, asOf: Fixture.asOf)) == n, "registry number \(n) does not parse again")
        }
        if let d = try? CivilDate(iso: text) {
            require(d.description == text, "date \(text) re-serialises as \(d)")
            require((try? CivilDate(yyyymmdd: d.yyyymmdd)) == d, "date \(d) YYYYMMDD round trip")
        }
        if let d = ledgerParseDate(text) { require(ledgerParseDate(d.description) == d, "ledger date \(text)") }
        _ = ledgerParseMarkKind(text)
        for code in text.split(separator: ",").prefix(8) { _ = try? ReasonCode(code: String(code), field: "reason") }
    }
}
