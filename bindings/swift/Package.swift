// swift-tools-version:5.9
// The Latchkey Swift SDK: the sources uniffi-bindgen generates from the
// native library `liblatchkey_uniffi` (`cargo xtask codegen`), a thin layer
// (`Jwt`, `AccessKey.parse`), and XCTest tests against the real server.
//
// The library is prebuilt by cargo (`cargo build -p latchkey-uniffi`) into
// the workspace's `target/debug` (or `LATCHKEY_LIB_DIR`); the FFI module is a
// system library whose module map links it. See README.md.

import PackageDescription
import Foundation

let libraryDir = ProcessInfo.processInfo.environment["LATCHKEY_LIB_DIR"]
    ?? URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../target/debug").standardized.path

let package = Package(
    name: "Latchkey",
    products: [
        .library(name: "Latchkey", targets: ["Latchkey"]),
    ],
    targets: [
        // The C declarations of the library and a module map with
        // `link "latchkey_uniffi"`.
        .systemLibrary(name: "latchkeyFFI", path: "Sources/latchkeyFFI"),
        .target(
            name: "Latchkey",
            dependencies: ["latchkeyFFI"],
            path: "Sources/Latchkey",
            linkerSettings: [
                .unsafeFlags(["-L", libraryDir, "-Xlinker", "-rpath", "-Xlinker", libraryDir]),
            ]
        ),
        .testTarget(
            name: "LatchkeyTests",
            dependencies: ["Latchkey"],
            path: "Tests/LatchkeyTests"
        ),
    ]
)
