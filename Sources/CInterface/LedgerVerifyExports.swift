import KCBXCore

/// Verifies only what came after `anchor_seq`/`anchor_hash`, a head the host kept from an earlier
/// full kcbx_ledger_verify (kcbx_ledger_head): that event is still there with the same hash, every
/// later event's hash and link (no gap) up to the newest, the recorded head and the append-only
/// triggers. It reads the events after the anchor and nothing before (a daily check costs what the
/// day added) and does not replay the current-state tables (kcbx_ledger_verify does).
/// KCBX_STATUS_INTEGRITY names the first bad event, as kcbx_ledger_verify does.
/// @param ledger the open ledger.
/// @param anchor_seq the kept anchor's seq, ≥ 0 (0: from the first event).
/// @param anchor_hash the kept anchor's hash, 64 lower-case hex digits.
/// @param out_events receives the number of events checked (those after the anchor); may be NULL.
/// @param out_first_bad_seq receives the seq of the first bad event, 0 when intact; may be NULL.
/// @return KCBX_STATUS_OK when intact; KCBX_STATUS_INTEGRITY, KCBX_STATUS_INVALID_INPUT (a bad anchor).
@c public func kcbx_ledger_verify_since(
    _ ledger: OpaquePointer?, _ anchor_seq: Int64, _ anchor_hash: UnsafePointer<CChar>?,
    _ out_events: UnsafeMutablePointer<Int64>?,
    _ out_first_bad_seq: UnsafeMutablePointer<Int64>?
) -> kcbx_status {
    out_events?.pointee = 0
    out_first_bad_seq?.pointee = 0
    return guarded {
        let l = try LedgerHandle.get(ledger, "ledger").value
        guard anchor_seq >= 0 && anchor_seq < Int64.max else {
            throw KCBXError.invalidInput(field: "anchor_seq", rule: "must be 0 (from the first event) or the seq of a kept head")
        }
        let anchor = LedgerAnchor(seq: anchor_seq, hash: try Marshal.string(anchor_hash, "anchor_hash"))
        let v = try l.checkIncrementally(since: anchor)
        out_events?.pointee = v.events
        out_first_bad_seq?.pointee = v.firstBadSeq
        if let first = v.problems.first {
            throw KCBXError.integrity(first + (v.problems.count > 1 ? " (\(v.problems.count) problems in all)" : ""))
        }
    }
}
