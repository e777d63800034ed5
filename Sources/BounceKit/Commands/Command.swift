// What both commands share at their end: one way to fail, worded for an
// administrator, on standard error and in the log.

/// The end of a command.
public enum Command {
    /// Prints a one-line error to standard error, logs it, and returns the
    /// exit status to end with.
    @discardableResult
    public static func fail(_ message: String, _ status: ExitStatus) -> ExitStatus {
        FileIO.printError(message)
        SystemLog.log(.error, message)
        return status
    }
}
