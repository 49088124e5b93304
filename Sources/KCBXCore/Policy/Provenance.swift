/// Where a policy value came from: the jurisdiction's own document, DOMAIN.md's default
/// (the document is silent), or a profile file written by a user.
public enum Provenance: Equatable, Sendable {
    /// The value is in the seed document; the text cites file and clause (e.g. "001 附件1 填表说明1").
    case document(String)
    /// The document is silent; the text cites the DOMAIN.md default or interpretation.
    case defaulted(String)
    /// Set by a profile file; the text is whatever the file gives as its source, or its path.
    case file(String)

    public var kind: String {
        switch self {
        case .document: return "document"
        case .defaulted: return "default"
        case .file: return "file"
        }
    }
    public var citation: String {
        switch self {
        case .document(let c), .defaulted(let c), .file(let c): return c
        }
    }
}

/// A value with its provenance.
public struct Sourced<Value: Equatable & Sendable>: Equatable, Sendable {
    public var value: Value
    public var provenance: Provenance
    public init(_ value: Value, _ provenance: Provenance) {
        self.value = value
        self.provenance = provenance
    }
}
