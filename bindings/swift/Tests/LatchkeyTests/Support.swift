// What the tests share: the shared vectors folder, and the real server
// binary (`LATCHKEY_SERVER_BIN`) on an ephemeral loopback port with a
// temporary data file, as the Kotlin tests start it.

import Foundation
import XCTest
@testable import Latchkey

enum Support {
    /// `tests/vectors/` of the workspace (or `LATCHKEY_VECTORS_DIR`).
    static var vectorsDir: URL {
        if let dir = ProcessInfo.processInfo.environment["LATCHKEY_VECTORS_DIR"] {
            return URL(fileURLWithPath: dir)
        }
        return URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().appendingPathComponent("../../../../tests/vectors").standardized
    }

    static func vectors(_ name: String) throws -> [String: Any] {
        let data = try Data(contentsOf: vectorsDir.appendingPathComponent(name))
        return try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    static func json(_ value: Any) throws -> String {
        String(decoding: try JSONSerialization.data(withJSONObject: value, options: [.sortedKeys]), as: UTF8.self)
    }

    static func unique(_ prefix: String) -> String {
        "\(prefix)-\(UUID().uuidString.prefix(10).lowercased())"
    }
}

/// A test environment that is not there: the test fails, it is not skipped.
struct SetupError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}

/// A running server: its URL and the admin key it printed.
final class TestServer {
    let url: String
    let adminKey: String
    private let process: Process
    private let dataDir: URL

    init() throws {
        guard let binary = ProcessInfo.processInfo.environment["LATCHKEY_SERVER_BIN"] else {
            throw SetupError(message: "LATCHKEY_SERVER_BIN is not set (see README.md)")
        }
        dataDir = FileManager.default.temporaryDirectory.appendingPathComponent(Support.unique("latchkey-swift"))
        try FileManager.default.createDirectory(at: dataDir, withIntermediateDirectories: true)
        process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = [
            "serve", "--listen", "127.0.0.1:0",
            "--data", dataDir.appendingPathComponent("latchkey.redb").path, "--plan", "commercial",
        ]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        var key = "", address = "", buffer = ""
        let handle = output.fileHandleForReading
        while address.isEmpty {
            let chunk = handle.availableData
            if chunk.isEmpty { break }
            buffer += String(decoding: chunk, as: UTF8.self)
            for line in buffer.split(separator: "\n") {
                for word in line.split(separator: " ") where word.hasPrefix("ak_") { key = String(word) }
                if line.hasPrefix("latchkey listening on ") {
                    address = String(line.dropFirst("latchkey listening on ".count))
                }
            }
        }
        guard !address.isEmpty, !key.isEmpty else {
            process.terminate()
            throw SetupError(message: "the server did not print its key and address")
        }
        url = address.trimmingCharacters(in: .whitespaces)
        adminKey = key
    }

    func admin() throws -> LatchkeyClient {
        try LatchkeyClient(baseUrl: url, credential: Credential.accessKey(key: adminKey))
    }

    deinit {
        process.terminate()
        process.waitUntilExit()
        try? FileManager.default.removeItem(at: dataDir)
    }
}
