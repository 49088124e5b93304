import ArgumentParser
import Foundation
import KCBXCore

/// `kcbx keygen`: a county's Ed25519 signing key for the heads sent upward.
struct KeygenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keygen",
        abstract: "Create a county's Ed25519 signing key for ledger heads; prints the public key for the level above.",
        discussion: """
            Writes the private key (64 hex digits) to a new file readable only by its owner; an existing
            file is never replaced. Give the printed public key to the level above, which checks the
            heads with kcbx verify --heads FILE --public-key HEX.
            """)
    @Option(name: .customLong("private-key"), help: ArgumentHelp("The new key file.", valueName: "file")) var privateKey: String

    func run() throws {
        do {
            let key = LedgerSigningKey()
            let fd = open(privateKey, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0o600)
            guard fd >= 0 else {
                throw KCBXError.storage(
                    "cannot create \(privateKey): \(String(cString: strerror(errno))) (an existing key file is never replaced)")
            }
            let text = Array((hexString(key.rawRepresentation) + "\n").utf8)
            let written = text.withUnsafeBufferPointer { write(fd, $0.baseAddress, $0.count) }
            let closed = close(fd)
            guard written == text.count, closed == 0 else { throw KCBXError.storage("cannot write \(privateKey)") }
            print(hexString(key.publicKey))
        } catch { throw fail(error) }
    }
}

/// `kcbx head`: the ledger's head, signed with the county's key, to send upward with a report.
struct HeadCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "head",
        abstract: "Print the ledger's head (seq, hash, time, unit, profile and its hash), signed with the county's Ed25519 key.",
        discussion: """
            One line of JSON: send it upward with the weekly or monthly report (周上报、月汇总); the level
            above appends it to its heads file and later runs kcbx verify --heads FILE --public-key HEX.
            Without --sign-key, prints the unsigned seq and hash (an anchor for kcbx verify --anchor).
            """)
    @OptionGroup var ledger: LedgerOptions
    @Option(name: .customLong("sign-key"), help: ArgumentHelp("The county's private key file (kcbx keygen).", valueName: "file"))
    var signKey: String?

    func run() throws {
        do {
            let led = try ledger.open()
            guard let signKey else {
                let h = try led.head()
                print("\(h.seq):\(h.hash)")
                return
            }
            let key = try LedgerSigningKey(hex: try readSmallText(signKey, field: "--sign-key"), field: "--sign-key")
            print(try led.signedHead(key: key).json)
        } catch { throw fail(error) }
    }
}

/// `kcbx change-profile`: record that another policy profile is in force.
struct ChangeProfileCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "change-profile",
        abstract: "Record that the ledger is now under another policy profile (county level or above; attributed, with a reason).",
        discussion: """
            The profile in force is part of the ledger: every other command refuses a profile other than
            the recorded one. This records a profile.changed event (who, when, why, old and new profile
            id and SHA-256). A lower actor's attempt is refused (exit 3) and recorded.
            """)
    @Option(help: ArgumentHelp("The ledger file.", valueName: "path")) var ledger: String
    @Option(help: ArgumentHelp("The new profile: a built-in id or a profile JSON file.", valueName: "name|file")) var policy: String
    @Option(help: ArgumentHelp("Who changes it, LEVEL:UNIT:PERSON[:ROLE] (county, city or province).", valueName: "actor")) var actor:
        String
    @Option(help: ArgumentHelp("Why (e.g. the notice that changed the rules).", valueName: "text")) var reason: String

    func run() throws {
        do {
            let l = try Ledger.changeProfile(path: ledger, to: try loadPolicy(policy), actor: try parseActor(actor), reason: reason)
            print("\(ledger) is under profile \(l.policy.id), sha256 \(l.profileHash)")
        } catch { throw fail(error) }
    }
}

/// A small text file (a key, a heads file), at most 64 MiB.
func readSmallText(_ path: String, field: String) throws -> String {
    guard let attrs = try? FileManager.default.attributesOfItem(atPath: path), (attrs[.type] as? FileAttributeType) == .typeRegular else {
        throw KCBXError.invalidInput(field: field, rule: "\(path) is not a readable regular file")
    }
    guard ((attrs[.size] as? NSNumber)?.intValue ?? 0) <= 64 << 20 else {
        throw KCBXError.invalidInput(field: field, rule: "\(path) is larger than 64 MiB")
    }
    guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
        throw KCBXError.invalidInput(field: field, rule: "\(path) cannot be read as UTF-8")
    }
    return text
}

/// `--public-key`: 64 hex digits, or a file holding them.
func parsePublicKey(_ text: String) throws -> [UInt8] {
    let hex =
        FileManager.default.fileExists(atPath: text)
        ? try readSmallText(text, field: "--public-key").trimmingCharacters(in: .whitespacesAndNewlines) : text
    guard hex.utf8.count == 64, hex.utf8.allSatisfy({ (48...57).contains($0) || (97...102).contains($0) || (65...70).contains($0) }) else {
        throw KCBXError.invalidInput(field: "--public-key", rule: "must be 64 hex digits (32 bytes) or a file holding them")
    }
    var out: [UInt8] = []
    var i = hex.startIndex
    while i < hex.endIndex {
        let j = hex.index(i, offsetBy: 2)
        out.append(UInt8(hex[i..<j], radix: 16) ?? 0)
        i = j
    }
    return out
}

func hexString(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }
