/// The release, shown by --version.
public enum BounceKitVersion {
    /// The version, as --version prints it.
    public static let string = "0.1.0"
}
