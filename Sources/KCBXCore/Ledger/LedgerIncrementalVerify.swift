@_implementationOnly import GRDB

extension Ledger {
    /// Checks only what came after `anchor`, a head kept outside the file from an earlier full
    /// `verify`: the anchor's event is still there with the same hash, every later event's hash
    /// and link (and no gap) up to the newest, the recorded head, and the append-only triggers.
    /// It reads the events after the anchor and nothing before, so a daily check costs what the
    /// day added. It does not replay the current-state tables (the full `verify` does); throws
    /// `.integrity` naming the first bad event, as `verify` does.
    public func verifyIncrementally(since anchor: LedgerAnchor) throws -> LedgerVerification {
        let v = try checkIncrementally(since: anchor)
        if let first = v.problems.first {
            throw KCBXError.integrity(first + (v.problems.count > 1 ? " (\(v.problems.count) problems in all)" : ""))
        }
        return v
    }

    /// `verifyIncrementally` without throwing for integrity problems: returns them all (at most 50).
    public func checkIncrementally(since anchor: LedgerAnchor) throws -> LedgerVerification {
        guard anchor.seq >= 0, anchor.hash.utf8.count == 64,
            anchor.hash.utf8.allSatisfy({ (48...57).contains($0) || (97...102).contains($0) })
        else {
            throw KCBXError.invalidInput(field: "anchor", rule: "must be a seq ≥ 0 and a 64-digit lower-case hex hash")
        }
        return try read { db in
            var v = LedgerVerification()
            func problem(_ seq: Int64, _ text: String) {
                if v.firstBadSeq == 0 && seq > 0 { v.firstBadSeq = seq }
                if v.problems.count < 50 { v.problems.append(text) }
            }
            var prevHash = Array(LedgerEvent.genesisHash.utf8)
            if anchor.seq > 0 {
                if let stored = try String.fetchOne(db, sql: "SELECT hash FROM events WHERE seq = ?", arguments: [anchor.seq]) {
                    if stored != anchor.hash {
                        problem(anchor.seq, "event #\(anchor.seq) differs from the anchor kept outside the file (the file was rewritten)")
                    }
                } else {
                    problem(
                        anchor.seq, "event #\(anchor.seq) of the anchor kept outside the file is missing (the newest events were deleted)")
                }
                prevHash = Array(anchor.hash.utf8)
            }
            v.head = anchor
            var expectedSeq = anchor.seq + 1
            var chain = try EventChainReader(db, afterSeq: anchor.seq)
            while try chain.next() {
                let seq = chain.seq
                v.events += 1
                if seq != expectedSeq {
                    problem(
                        expectedSeq,
                        "event\(seq - expectedSeq > 1 ? "s" : "") #\(expectedSeq)\(seq - expectedSeq > 1 ? "-#\(seq - 1)" : "") deleted: the chain jumps from #\(expectedSeq - 1) to #\(seq)"
                    )
                }
                if !chain.hashMatches {
                    problem(seq, "\(chain.label) was edited or moved: its content does not match its hash")
                } else if seq == expectedSeq && !chain.column(EventChainReader.prevHash, equals: prevHash) {
                    problem(
                        seq,
                        "\(chain.label) does not follow event #\(seq - 1): its previous hash differs (an earlier event was replaced or reordered)"
                    )
                }
                prevHash = Array(chain.bytes(EventChainReader.hash))
                expectedSeq = seq + 1
                v.head = LedgerAnchor(seq: seq, hash: chain.text(EventChainReader.hash))
            }
            let meta = Dictionary(
                try Row.fetchAll(db, sql: "SELECT key, value FROM ledger_meta WHERE key IN ('head_seq', 'head_hash')")
                    .map { ($0["key"] as String, $0["value"] as String) }, uniquingKeysWith: { a, _ in a })
            let headSeq = Int64(meta["head_seq"] ?? "") ?? -1
            if headSeq > v.head.seq {
                let lost = headSeq == v.head.seq + 1 ? "event #\(headSeq) was" : "events #\(v.head.seq + 1)-#\(headSeq) were"
                problem(v.head.seq + 1, "\(lost) deleted: the ledger head records #\(headSeq), the newest event is #\(v.head.seq)")
            } else if headSeq != v.head.seq || meta["head_hash"] != v.head.hash {
                problem(0, "the recorded ledger head (#\(headSeq)) does not match the newest event #\(v.head.seq)")
            }
            let triggers = Set(try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'trigger'"))
            for t in LedgerSchema.appendOnlyTriggers where !triggers.contains(t) {
                problem(0, "the append-only trigger \(t) was removed from the events table")
            }
            return v
        }
    }
}
