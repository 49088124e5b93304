@testable import KCBXCore

/// Notice fields JSON (`{"field": "text", …}`, `kcbx_notice_render` and `kcbx notice --fields`)
/// rendered into every notice kind. Invariants: a rendered notice holds every field's value and
/// no placeholder of the template is left unfilled.
enum NoticeHarness: Harness {
    static func run(_ data: [UInt8]) {
        guard let text = utf8Text(data), let fields = try? Notice.fields(json: text) else { return }
        for kind in NoticeKind.allCases {
            guard let out = try? Notice.render(kind, fields: fields) else { continue }
            let values = kind.fields.compactMap { fields[$0]?.ledgerTrimmed }
            for v in values { require(out.contains(v), "\(kind) notice lost the value '\(v)'") }
            if !values.contains(where: { $0.contains("{{") }) {
                require(!out.contains("{{"), "\(kind) notice left a placeholder")
            }
        }
    }
}
