/// The release, shown by --version.
public enum BounceKitVersion {
    public static let string = "0.1.0"
}
