@_implementationOnly import GRDB

extension Ledger {
    /// The events of the given kinds within the actor's jurisdiction, oldest first: events about a
    /// student the actor covers, and (for county level and above, or a department) events about no
    /// student. IDs masked unless `fullIDs` is granted (`disclosure`). One query, whatever the
    /// number of cases (the bulletin and the accountability list read the ledger through this).
    public func events(kinds: Set<String>, fullIDs: Bool = false) throws -> [LedgerEvent] {
        let d = try disclosure(fullIDs: fullIDs, "read events by kind", format: "events")
        return try scopedEvents(kinds: kinds).map { $0.disclosed(d) }
    }

    /// `events(kinds:)` with the keys as stored (for the ledger's own tables).
    func scopedEvents(kinds: Set<String>) throws -> [LedgerEvent] {
        guard !kinds.isEmpty else { return [] }
        let scope = actor.scopeSQL
        let marks = kinds.sorted().map { _ in "?" }.joined(separator: ", ")
        let unscoped = actor.mayReadFullIDs || actor.level == .department
        let args: [DatabaseValueConvertible] = kinds.sorted() as [DatabaseValueConvertible] + [scope.argument]
        return try read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT e.* FROM events e LEFT JOIN students s ON s.key = e.student
                    WHERE e.kind IN (\(marks)) AND ((e.student != '' AND s.key IS NOT NULL AND \(scope.sql)) \(unscoped ? "OR e.student = ''" : ""))
                    ORDER BY e.seq
                    """, arguments: StatementArguments(args)
            ).map(LedgerEvent.init(row:))
        }
    }
}
