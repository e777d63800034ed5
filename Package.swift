// swift-tools-version:6.0
// bouncesign: stateless proof of origin for outgoing mail, checked on the
// bounces that come back. See README.md and man/.
import PackageDescription

let package = Package(
    name: "bouncesign",
    products: [
        .executable(name: "bouncesign", targets: ["bouncesign"]),
        .executable(name: "bouncecheck", targets: ["bouncecheck"]),
        .executable(name: "bouncesign-milter", targets: ["bouncesign-milter"]),
        .library(name: "BounceKit", targets: ["BounceKit"]),
    ],
    // No packages: both command lines are scanned by BounceKit's
    // OptionScanner (a parser library costs ~1.9 ms of start-up per message).
    dependencies: [],
    targets: [
        // Headers only (libgpgme-dev, libgcrypt20-dev): the libraries are not
        // linked but loaded on first use, out of bouncecheck's start-up.
        // See Sources/CGPGME/shim.h.
        .systemLibrary(name: "CGPGME"),
        .systemLibrary(name: "CGcrypt"),
        // libmilter-dev: linked normally, by the milter alone (Sources/CMilter/shim.h).
        .systemLibrary(name: "CMilter", providers: [.apt(["libmilter-dev"])]),
        // libopendkim-dev, loaded on first use likewise (Sources/CDKIM/shim.h).
        .systemLibrary(name: "CDKIM"),
        // libc calls Swift cannot make: syslog(3), which is variadic, and
        // fallocate(2), declared only under _GNU_SOURCE (Sources/CLibc/shim.h).
        .systemLibrary(name: "CLibc"),
        .target(name: "BounceKit", dependencies: ["CGPGME", "CGcrypt", "CDKIM", "CLibc"]),
        .executableTarget(name: "bouncesign", dependencies: ["BounceKit"]),
        .executableTarget(name: "bouncecheck", dependencies: ["BounceKit"]),
        .executableTarget(name: "bouncesign-milter", dependencies: ["BounceKit", "CMilter"]),
        .testTarget(name: "BounceKitTests", dependencies: ["BounceKit"], resources: [.copy("Fixtures")]),
        .testTarget(name: "EndToEndTests", dependencies: ["BounceKit"]),
    ]
)
