// The Swift tour, the same steps as examples/kotlin/src/main/kotlin/Quickstart.kt: an
// application, an access key, a JWT key made offline, a revocation.

import Foundation
import Latchkey

let environment = ProcessInfo.processInfo.environment
guard let url = environment["LATCHKEY_URL"], let adminKey = environment["LATCHKEY_ACCESS_KEY"] else {
    print("set LATCHKEY_URL and LATCHKEY_ACCESS_KEY")
    exit(2)
}
let suffix = UUID().uuidString.prefix(8).lowercased()
let admin = try LatchkeyClient(baseUrl: url, credential: Credential.accessKey(key: adminKey))
let administrators = try await admin.policyGroups().list().collect().first { $0.builtIn }!.id
let app = try await admin.applications().create(
    application: NewApplication(name: "billing-\(suffix)", description: "Invoices", groupIds: [administrators]))
print("application \(app.id)")

// The full key is in the answer this once: store it now.
let created = try await admin.accessKeys().create(applicationId: app.id, key: NewAccessKey(name: "ci-\(suffix)"))
let ci = try LatchkeyClient(baseUrl: url, credential: Credential.accessKey(key: created.key()))
print("access key \(created.accessKey().keyPrefix)… is \(try await ci.me().credential.kind)")

// A key pair made offline; the server keeps only the public half.
let pair = try Jwt.generateKeyPair("EdDSA")
let jwtKey = try await admin.jwtKeys().create(
    applicationId: app.id, key: NewJwtKey(name: "signer-\(suffix)", publicKey: .pem(pem: pair.publicPem())))
let signed = try LatchkeyClient(
    baseUrl: url, credential: Credential.jwtSigner(applicationId: app.id, keyId: jwtKey.id, key: pair))
print("jwt key \(jwtKey.id) authenticates as \(try await signed.me().credential.kind)")

_ = try await admin.accessKeys().revoke(applicationId: app.id, keyId: created.id())
do {
    _ = try await ci.me()
    print("revoked key still works?!")
    exit(1)
} catch LatchkeyError.Unauthorized {
    print("revoked key refused")
}
