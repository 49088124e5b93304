@testable import KCBXCore

/// Policy profile JSON (docs/policy-format.md). Invariant: a profile that loads writes a file that
/// loads back to the same profile, and writing that again gives the same text.
enum PolicyHarness: Harness {
    static func run(_ data: [UInt8]) {
        guard let text = utf8Text(data), let p = try? PolicyProfile(json: text, origin: "fuzz") else { return }
        let out = p.json()
        let back: PolicyProfile
        do { back = try PolicyProfile(json: out, origin: "fuzz") } catch {
            fatalError("invariant: written profile does not load: \(error)\n\(out)")
        }
        require(back.json() == out, "profile JSON does not round-trip")
        _ = try? p.validate()
    }
}
