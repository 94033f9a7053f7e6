// swift-tools-version:5.9
// The Latchkey Swift SDK for working on it: the same sources and FFI module
// as the package users add by URL (the repository root's Package.swift), plus
// the XCTest tests against the real server. No `unsafeFlags`:
// - Linux: the library through pkg-config (`latchkey_uniffi.pc`), from the
//   package `cargo xtask dist --host-only swift` stages in
//   `target/dist/swift/latchkey-swift-linux-x86_64/` (put its `lib/pkgconfig`
//   on PKG_CONFIG_PATH and its `lib` on LD_LIBRARY_PATH; see README.md).
// - Apple platforms: `latchkeyFFI.xcframework`, which `cargo xtask
//   xcframework` (on a Mac) copies here.

import PackageDescription

#if os(Linux)
let ffi: Target = .systemLibrary(
    name: "latchkeyFFI",
    path: "Sources/latchkeyFFI",
    pkgConfig: "latchkey_uniffi"
)
#else
let ffi: Target = .binaryTarget(name: "latchkeyFFI", path: "latchkeyFFI.xcframework")
#endif

// On Apple platforms the Rust library is static: the system frameworks its
// crates link (security-framework, core-foundation; `cargo rustc` prints them
// as `native-static-libs`) are linked by the Swift target.
let appleFrameworks: [LinkerSetting] = [
    .linkedFramework("Security", .when(platforms: [.macOS, .iOS])),
    .linkedFramework("CoreFoundation", .when(platforms: [.macOS, .iOS])),
]

let package = Package(
    name: "Latchkey",
    // Swift concurrency (every client call is `async`) needs these.
    platforms: [.macOS(.v10_15), .iOS(.v13)],
    products: [
        .library(name: "Latchkey", targets: ["Latchkey"]),
    ],
    targets: [
        ffi,
        .target(
            name: "Latchkey",
            dependencies: ["latchkeyFFI"],
            path: "Sources/Latchkey",
            linkerSettings: appleFrameworks
        ),
        .testTarget(
            name: "LatchkeyTests",
            dependencies: ["Latchkey"],
            path: "Tests/LatchkeyTests"
        ),
    ]
)
