import Foundation
import Testing

@testable import KCBXCore

/// Several handles on one file (a C host and a Python analyst): each `Ledger` has its own
/// DatabasePool; writes are IMMEDIATE transactions with a bounded busy timeout, so no event is lost.
@Suite struct LedgerConcurrencyTests {
    @Test func twoPoolsWritingAtOnceLoseNothing() throws {
        let p = LF.path()
        let setup = try LF.open(p)
        let kids = (0..<24).map { LF.rid("20160\(String(1 + $0 % 9))1\($0 % 10)", 100 + $0) }
        _ = try setup.importStudents(kids.enumerated().map { LF.row($1, "学生\($0)") })
        let shared = try setup.openCase(student: kids[0], kind: .suspectedDropout, on: LF.date("2025-09-16"))
        let before = try setup.head().seq
        let county = try LF.open(p, LF.countyActor)
        let town = try LF.open(p, LF.townAActor)
        let errors = ErrorBox()
        DispatchQueue.concurrentPerform(iterations: 2) { w in
            let l = w == 0 ? county : town
            do {
                for i in stride(from: 1 + w, to: kids.count, by: 2) {
                    let c = try l.openCase(student: kids[i], kind: .suspectedDropout, on: LF.date("2025-09-16"))
                    try l.verifyCase(c.id, reason: .F, on: LF.date("2025-09-17"))
                    try l.recordAction(shared.id, .homeVisit, on: LF.date("2025-09-18"), note: "writer \(w) kid \(i)")
                }
            } catch { errors.add(error) }
        }
        #expect(errors.all.isEmpty, "\(errors.all)")
        let after = try setup.verify()
        #expect(after.events == before + Int64(3 * (kids.count - 1)))
        #expect(try setup.cases().count == kids.count)
        #expect(Set(try setup.cases().map(\.id)).count == kids.count, "case ids are unique")
        let notes = try setup.history(case: shared.id).filter { $0.kind == "case.action" }
        #expect(notes.count == kids.count - 1)
        #expect(Set(notes.map(\.actor.level)) == [.county, .township])
    }

    /// A writer that cannot get the lock within the busy timeout fails with `.storage`, never silently.
    @Test func busyTimeoutIsBounded() throws {
        let p = LF.path()
        let l = try LF.open(p)
        _ = try l.importStudents(LF.roster)
        let blocker = try Ledger(
            path: p, policy: try PolicyProfile.builtin("guyuan-2021"), actor: LF.countyActor, busyTimeout: 0.2, clock: { LF.now })
        let started = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)
        let thread = Thread {
            _ = try? l.write { db, _ in
                started.signal()
                release.wait()
            }
        }
        thread.start()
        started.wait()
        let t0 = Date()
        #expect { try blocker.openCase(student: LF.kidA, kind: .suspectedDropout, on: LF.date("2025-09-16")) } throws: { e in
            if case KCBXError.storage(let m) = e { return m.contains("busy") } else { return false }
        }
        #expect(Date().timeIntervalSince(t0) < 5)
        release.signal()
        #expect(try blocker.openCase(student: LF.kidA, kind: .suspectedDropout, on: LF.date("2025-09-16")).id == 1)
    }
}

final class ErrorBox: @unchecked Sendable {
    private let lock = NSLock()
    private var errors: [any Error] = []
    func add(_ e: any Error) {
        lock.lock()
        errors.append(e)
        lock.unlock()
    }
    var all: [any Error] {
        lock.lock()
        defer { lock.unlock() }
        return errors
    }
}
