import Testing

@testable import KCBXCore

/// `CSVFields.isValidUTF8` (every CSV cell is checked with it) accepts exactly what the standard
/// library's UTF-8 decoder accepts: every 1- and 2-byte sequence, every 3-byte sequence, 4-byte
/// sequences around each boundary, and random runs.
@Suite struct CSVFieldsUTF8Tests {
    static func reference(_ bytes: [UInt8]) -> Bool {
        var it = bytes.makeIterator()
        var decoder = UTF8()
        while true {
            switch decoder.decode(&it) {
            case .scalarValue: continue
            case .emptyInput: return true
            case .error: return false
            }
        }
    }

    static func check(_ bytes: [UInt8]) -> Bool { bytes.withUnsafeBufferPointer { CSVFields.isValidUTF8($0) } == reference(bytes) }

    @Test func agreesWithTheStandardDecoder() {
        var mismatches: [[UInt8]] = []
        func probe(_ b: [UInt8]) { if !Self.check(b), mismatches.count < 10 { mismatches.append(b) } }
        for a in 0...255 {
            probe([UInt8(a)])
            for b in 0...255 { probe([UInt8(a), UInt8(b)]) }
        }
        for a in 0xE0...0xEF {
            for b in 0...255 { for c in [0x00, 0x41, 0x7F, 0x80, 0x9F, 0xA0, 0xBF, 0xC0, 0xFF] { probe([UInt8(a), UInt8(b), UInt8(c)]) } }
        }
        for a in 0xF0...0xF7 {
            for b in 0...255 {
                for c in [0x41, 0x80, 0xBF, 0xC0] {
                    probe([UInt8(a), UInt8(b), UInt8(c), 0x80])
                    probe([UInt8(a), UInt8(b), 0x80, UInt8(c)])
                }
            }
        }
        var rng = SystemRandomNumberGenerator()
        let alphabet: [UInt8] = [
            0x41, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xC2, 0xDF, 0xE0, 0xE4, 0xED, 0xEF, 0xF0, 0xF4, 0xF5, 0xFF,
        ]
        for _ in 0..<50_000 { probe((0..<Int.random(in: 1...9, using: &rng)).map { _ in alphabet.randomElement(using: &rng) ?? 0 }) }
        probe(Array("马小明 西吉县吉强镇1村 \u{10FFFF}\u{1F600}".utf8))
        #expect(mismatches.isEmpty, "\(mismatches)")
    }
}
