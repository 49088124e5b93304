/// A national student registry number (学籍号, DOMAIN.md §1, seed 001 attachment 2):
/// `G` + the 18-character resident ID, or `L` + a temporary number for a child without one.
public enum StudentRegistryNumber: Hashable, Sendable, CustomStringConvertible {
    case resident(ResidentID)
    /// The temporary number: 1–30 ASCII digits or letters after `L`.
    case temporary(String)

    /// Kind codes shared with the C ABI.
    public enum Kind: Int32, Sendable { case resident = 1, temporary = 2 }

    public init(_ text: String, asOf: CivilDate? = nil) throws {
        guard let first = text.first else {
            throw KCBXError.invalidInput(field: "registry_number", rule: "must not be empty; G + resident ID or L + temporary number")
        }
        let rest = String(text.dropFirst())
        switch first {
        case "G", "g":
            do { self = .resident(try ResidentID(rest, asOf: asOf)) } catch let KCBXError.invalidInput(_, rule) {
                throw KCBXError.invalidInput(field: "registry_number", rule: "G number must hold a valid resident ID: \(rule)")
            }
        case "L", "l":
            guard (1...30).contains(rest.utf8.count),
                rest.utf8.allSatisfy({ ($0 >= 48 && $0 <= 57) || ($0 >= 65 && $0 <= 90) || ($0 >= 97 && $0 <= 122) })
            else {
                throw KCBXError.invalidInput(field: "registry_number", rule: "L number must be followed by 1-30 ASCII letters or digits")
            }
            self = .temporary(rest.uppercased())
        default:
            throw KCBXError.invalidInput(field: "registry_number", rule: "must start with G (resident ID) or L (temporary number)")
        }
    }

    public var kind: Kind { if case .resident = self { return .resident } else { return .temporary } }

    /// The resident ID for `G` numbers.
    public var residentID: ResidentID? { if case .resident(let id) = self { return id } else { return nil } }

    public var description: String {
        switch self {
        case .resident(let id): return "G" + id.text
        case .temporary(let t): return "L" + t
        }
    }
}
