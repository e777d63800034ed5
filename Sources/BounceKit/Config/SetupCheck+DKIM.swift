// bouncecheck --check for the DKIM proof (issue 13): the domains configured,
// libopendkim loadable, and, with dkim-keys, a readable file with a usable
// key record for every domain; without it, where the keys come from (DNS,
// and what no answer means). Nothing is said when DKIM is not configured.

extension SetupCheck {
    func dkimFindings() -> [SetupFinding] {
        guard !config.dkimDomains.isEmpty else {
            guard let keys = config.dkimKeys else { return [] }
            return [SetupFinding(.note, "dkim-keys \(keys) is set but no dkim-domain: DKIM signatures are not used as proof")]
        }
        let list = config.dkimDomains.joined(separator: ", ")
        var out = [SetupFinding(.ok, "DKIM signatures of \(list) count as proof when a returned message has no bouncesign proof")]
        do throws(DKIMError) {
            _ = try DKIMLibrary.functions()
            out.append(SetupFinding(.ok, "libopendkim loads"))
        } catch {
            out.append(SetupFinding(.error, "\(error.description); until then such bounces are a temporary error (75)"))
        }
        guard let path = config.dkimKeys else {
            return out + [
                SetupFinding(
                    .note,
                    "DKIM keys come from DNS (\(OpenDKIMVerifier.defaultTimeout) s timeout; no answer is a temporary error, 75); set dkim-keys FILE to pin them"
                )
            ]
        }
        return out + keyFile(path)
    }

    /// The dkim-keys file: readable, every line a name and a record, a key
    /// for every configured domain.
    private func keyFile(_ path: String) -> [SetupFinding] {
        let text: [UInt8]
        do { text = try FileIO.readFile(path) } catch {
            return [SetupFinding(.error, "cannot read dkim-keys \(path): \(error.description)")]
        }
        var out: [SetupFinding] = []
        var selectors: [String: [String]] = [:]
        var pos = 0, n = 0
        while let line = text.line(at: pos) {
            pos = line.next
            n += 1
            let content = String(mailBytes: text[line.content]).trimmingWhitespace
            if content.isEmpty || content.hasPrefix("#") { continue }
            let words = content.split(maxSplits: 1, whereSeparator: { $0 == " " || $0 == "\t" })
            let name = String(words[0]).asciiLowercased
            let labels = name.split(separator: ".", omittingEmptySubsequences: false)
            guard words.count == 2, let k = labels.firstIndex(of: "_domainkey"), k > 0, k < labels.count - 1 else {
                out.append(
                    SetupFinding(
                        .error, "dkim-keys \(path), line \(n): want SELECTOR._domainkey.DOMAIN, white space, the TXT record"))
                continue
            }
            let record = words[1].filter { !$0.isWhitespace }
            guard let p = record.split(separator: ";").first(where: { $0.hasPrefix("p=") }), p.count > 2 else {
                out.append(SetupFinding(.error, "dkim-keys \(path), line \(n): the record for \(name) has no public key (p=)"))
                continue
            }
            selectors[labels[(k + 1)...].joined(separator: "."), default: []].append(labels[..<k].joined(separator: "."))
        }
        for domain in config.dkimDomains {
            if let s = selectors[domain] {
                out.append(
                    SetupFinding(.ok, "dkim-keys \(path): key record for \(domain) (selector \(s.joined(separator: ", ")))"))
            } else {
                out.append(
                    SetupFinding(
                        .error,
                        "dkim-keys \(path) has no key record for \(domain): add SELECTOR._domainkey.\(domain) and its TXT record (v=DKIM1; k=rsa; p=...), or remove dkim-domain \(domain)"
                    ))
            }
        }
        return out
    }
}
