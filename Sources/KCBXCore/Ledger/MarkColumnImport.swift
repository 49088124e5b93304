/// The attendance import from columns (C arrays, Arrow record batches, Swift arrays): each mark
/// reaches `MarkBatch.check` as bytes, no `String` per value (issue 13). docs/ledger.md,
/// "Attendance marks".
extension Ledger {
    /// `importMarks` from columns: `source` calls `add(row, key, date, kind)` for each mark in
    /// order, with the row's number, the key's UTF-8 bytes (already checked as UTF-8; valid during
    /// the call), the date YYYYMMDD and the MarkKind code. The date and kind are checked as the
    /// text `String(date)` and `String(kind)` hold (`MarkColumnText`), so every rule and word is
    /// the CSV import's. `source` is called again only when the roster or calendar changes after
    /// the check and before the writing ends; with `rereadable` false (a stream read once) that is
    /// a storage error instead, after the parts already written, whole (import the marks again to
    /// complete them).
    public func importMarkColumns(
        problems: inout [LedgerRowProblem], rereadable: Bool = true,
        _ source: (_ add: (_ row: Int, _ student: UnsafeBufferPointer<UInt8>, _ date: Int32, _ kind: Int) throws -> Void) throws -> Void
    ) throws -> LedgerMarkImportResult {
        try importMarkColumns(problems: &problems, tuning: .fromEnvironment(), rereadable: rereadable, source)
    }

    func importMarkColumns(
        problems: inout [LedgerRowProblem], tuning: MarkImportTuning, rereadable: Bool,
        written: ((_ done: Int, _ rows: Int) -> Void)? = nil,
        _ source: (_ add: (_ row: Int, _ student: UnsafeBufferPointer<UInt8>, _ date: Int32, _ kind: Int) throws -> Void) throws -> Void
    ) throws -> LedgerMarkImportResult {
        let text = MarkColumnText()
        return try importMarkStream(problems: &problems, tuning: tuning, rereadable: rereadable, written: written) { add in
            try withoutActuallyEscaping(add) { add in
                try source { n, student, date, kind in
                    try text.fields(student: student, date: date, kind: kind) { try add(n, $0) }
                }
            }
        }
    }
}

/// The fields of a mark given as columns: the key's bytes as given, the date and the kind as the
/// decimal text `String(date)` and `String(kind)` would hold, written into two buffers reused
/// row after row. A school day YYYYMMDD and a kind code 0-4 take `MarkBatch`'s byte path; any
/// other value reaches its string path with the same text, and so the same words, as ever.
final class MarkColumnText {
    private let date = DecimalText(), kind = DecimalText()

    func fields<R>(student: UnsafeBufferPointer<UInt8>, date d: Int32, kind k: Int, _ body: (MarkFieldBytes) throws -> R) rethrows -> R {
        let none = UnsafeBufferPointer<UInt8>(start: nil, count: 0)
        return try body(
            MarkFieldBytes(
                student: student, date: date.text(Int64(d)), kind: kind.text(Int64(k)), leaveFrom: none, leaveTo: none, slip: none))
    }
}

/// An integer's decimal text, as `String(v)` writes it, in a buffer reused call after call: for
/// values that become text on a hot path (column dates and kinds, integer student keys) without
/// a `String` each.
public final class DecimalText {
    private let buffer = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: 24)

    public init() {}

    deinit { buffer.deallocate() }

    /// `v` in decimal (at most 20 bytes: `-9223372036854775808`), valid until the next call.
    public func text(_ v: Int64) -> UnsafeBufferPointer<UInt8> {
        var m = v.magnitude
        var at = buffer.count
        repeat {
            at -= 1
            buffer[at] = UInt8(truncatingIfNeeded: 48 &+ m % 10)
            m /= 10
        } while m > 0
        if v < 0 {
            at -= 1
            buffer[at] = 45
        }
        return UnsafeBufferPointer(rebasing: buffer[at...])
    }
}
