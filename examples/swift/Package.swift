// swift-tools-version:5.9
// The Swift tour as a command-line program (see README.md in bindings/swift):
//   LATCHKEY_URL=… LATCHKEY_ACCESS_KEY=ak_… swift run Quickstart
import PackageDescription

let package = Package(
    name: "Quickstart",
    platforms: [.macOS(.v10_15), .iOS(.v13)],
    dependencies: [.package(path: "../../bindings/swift")],
    targets: [
        .executableTarget(
            name: "Quickstart",
            dependencies: [.product(name: "Latchkey", package: "swift")]
        ),
    ]
)
