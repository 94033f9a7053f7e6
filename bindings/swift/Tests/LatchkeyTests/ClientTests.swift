// The client against the real server, as in the Kotlin ClientTest (a
// shorter tour: the Kotlin suite covers every method).

import Foundation
import XCTest
@testable import Latchkey

final class ClientTests: XCTestCase {
    func testApplicationsKeysAndTypedErrors() async throws {
        let server = try TestServer()
        let admin = try server.admin()
        let me = try await admin.me()
        XCTAssertEqual(me.credential.kind, .accessKey)
        let administrators = try await admin.policyGroups().list().first { $0.builtIn }!.id
        let app = try await admin.applications().create(
            application: NewApplication(name: Support.unique("app"), groupIds: [administrators]))
        let created = try await admin.accessKeys().create(
            applicationId: app.id, key: NewAccessKey(name: Support.unique("ci")))
        XCTAssertFalse(created.description.contains(created.key()))
        let ci = try LatchkeyClient(baseUrl: server.url, credential: Credential.accessKey(key: created.key()))
        XCTAssertEqual(try await ci.me().application.id, app.id)
        _ = try await admin.accessKeys().revoke(applicationId: app.id, keyId: created.id())
        do {
            _ = try await ci.me()
            XCTFail("a revoked key worked")
        } catch LatchkeyError.Unauthorized(let status, _, _, _, _, _) {
            XCTAssertEqual(status, 401)
        }
        do {
            _ = try await admin.applications().get(id: "app_0000000000000000000000")
            XCTFail("found a missing application")
        } catch LatchkeyError.NotFound(let status, let errorType, _, let requestId, _, _) {
            XCTAssertEqual(status, 404)
            XCTAssertEqual(errorType, "not_found")
            XCTAssertNotNil(requestId)
        }
    }

    func testAKeyPairMadeInSwiftLogsIn() async throws {
        let server = try TestServer()
        let admin = try server.admin()
        let app = try await admin.applications().create(application: NewApplication(name: Support.unique("app")))
        let pair = try Jwt.generateKeyPair("EdDSA")
        let registered = try await admin.jwtKeys().create(
            applicationId: app.id, key: NewJwtKey(name: Support.unique("signer"), publicKey: .pem(pem: pair.publicPem())))
        let signed = try LatchkeyClient(
            baseUrl: server.url, credential: Credential.jwtSigner(applicationId: app.id, keyId: registered.id, key: pair))
        XCTAssertEqual(try await signed.me().credential.kind, .jwtKey)
    }
}
