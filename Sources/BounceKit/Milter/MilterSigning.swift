// The milter's outgoing side: MessageSigner on the message gathered, its
// header changes as edits, its new body when the proof parts change it.
// As bouncesign: any failure to sign is a temporary failure (451 4.7.0), so
// the client retries and nothing leaves unsigned, unless on-error pass; a
// Message-ID no proof can bind goes out unsigned with a warning.

struct MilterSigning {
    let service: MilterService
    let envelope: Envelope?
    let tag: String
    let because: String

    func sign(_ source: MessageSource) -> MilterDecision {
        guard let signer = service.signer, let key = service.config.key else {
            return failed("no signing key: set key in the configuration")
        }
        let prepared: PreparedMessage
        do { prepared = try signer.prepare(source, now: service.now(), envelope: envelope) } catch SignError.unusableMessageID(
            let id)
        {
            return MilterDecision(
                .accept, log: tag + "sending unsigned: cannot bind a proof to Message-ID \(id)", level: .warning)
        } catch SignError.input(let error) {
            return MilterDecision(
                .tempfail(.tempfail("cannot read the message now", status: "4.3.0")), log: tag + error.description, level: .error)
        } catch {
            return failed(error.description)
        }
        var decision = MilterDecision(
            .accept,
            log: tag + "signed message-id=\(prepared.statement.messageID) key=\(key) (\(because))"
                + (prepared.addedMessageID ? " (message-id added)" : ""))
        decision.headerEdits = prepared.headerEdits
        decision.newBody = prepared.replacesBody ? prepared : nil
        decision.statement = prepared.statement
        return decision
    }

    private func failed(_ why: String) -> MilterDecision {
        if service.config.onError == .pass {
            return MilterDecision(.accept, log: tag + "sending unsigned (on-error pass): \(why)", level: .warning)
        }
        return MilterDecision(
            .tempfail(.tempfail("cannot sign the message now, try again later")),
            log: tag + "cannot sign, message refused for retry (451): \(why)", level: .error)
    }
}
