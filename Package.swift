// swift-tools-version:6.0
// bouncesign: stateless proof of origin for outgoing mail, checked on the
// bounces that come back. See README.md and man/.
import PackageDescription

let package = Package(
    name: "bouncesign",
    products: [
        .executable(name: "bouncesign", targets: ["bouncesign"]),
        .executable(name: "bouncecheck", targets: ["bouncecheck"]),
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
        // libopendkim-dev, loaded on first use likewise (Sources/CDKIM/shim.h).
        .systemLibrary(name: "CDKIM"),
        .target(name: "BounceKit", dependencies: ["CGPGME", "CGcrypt", "CDKIM"]),
        .executableTarget(name: "bouncesign", dependencies: ["BounceKit"]),
        .executableTarget(name: "bouncecheck", dependencies: ["BounceKit"]),
        .testTarget(name: "BounceKitTests", dependencies: ["BounceKit"], resources: [.copy("Fixtures")]),
        .testTarget(name: "EndToEndTests", dependencies: ["BounceKit"]),
    ]
)
