// The cross-language scenario (`tests/scenarios/` at the repository root),
// as in the Kotlin ScenarioTest: the same script against a real server, its
// transcript compared step by step with the one every SDK must produce.

import Foundation
import XCTest
@testable import Latchkey

final class ScenarioTests: XCTestCase {
    let missingKey = "key_0000000000000000000000"

    /// The step's values, or the error it raised as status, type and fields.
    func outcome(_ call: () async throws -> [String: JSONValue]) async throws -> [String: JSONValue] {
        do {
            return try await call()
        } catch let error as LatchkeyError {
            guard let api = error.api else { throw error }
            return [
                "error": .object([
                    "status": .integer(Int64(api.status)), "type": .string(api.type),
                    "fields": .array(api.fields.map { .string($0.name) }),
                ])
            ]
        } catch JwtError.DisallowedAlgorithm {
            return ["error": .object(["type": .string("disallowed_algorithm")])]
        }
    }

    func httpMe(_ url: String, _ token: String) async throws -> [String: JSONValue] {
        var request = URLRequest(url: URL(string: "\(url)/v3/me")!)
        request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        let (body, answer) = try await URLSession.shared.data(for: request)
        let status = Int64((answer as! HTTPURLResponse).statusCode)
        guard status == 200 else { return ["http_status": .integer(status)] }
        let me = try JSONDecoder().decode([String: JSONValue].self, from: body)
        guard case .object(let credential)? = me["credential"] else { throw SetupError(message: "no credential") }
        return ["http_status": .integer(status), "credential": credential["object"] ?? .null]
    }

    func httpMePermissions(_ url: String, _ token: String) async throws -> JSONValue {
        var request = URLRequest(url: URL(string: "\(url)/v3/me")!)
        request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        let (body, _) = try await URLSession.shared.data(for: request)
        let me = try JSONDecoder().decode([String: JSONValue].self, from: body)
        guard case .array(let permissions)? = me["permissions"] else { throw SetupError(message: "no permissions") }
        let names = permissions.compactMap { if case .string(let name) = $0 { return name } else { return nil } }
        return strings(names.sorted())
    }

    func optional(_ text: String?) -> JSONValue {
        text.map { .string($0) } ?? .null
    }

    func kind(_ kind: CredentialKind) -> JSONValue {
        .string(kind == .accessKey ? "access_key" : "jwt_key")
    }

    func status(_ status: EffectiveKeyStatus) -> JSONValue {
        .string("\(status)".lowercased())
    }

    func strings(_ items: [String]) -> JSONValue {
        .array(items.map { .string($0) })
    }

    func lifecycle(_ server: TestServer) async throws -> [[String: JSONValue]] {
        var transcript: [[String: JSONValue]] = []
        func step(_ name: String, _ call: () async throws -> [String: JSONValue]) async throws {
            var entry = try await outcome(call)
            entry["step"] = .string(name)
            transcript.append(entry)
        }

        let admin = try server.admin()
        let administrators = try await admin.policyGroups().list().collect().first { $0.builtIn }!.id
        let app = try await admin.applications().create(
            application: NewApplication(name: Support.unique("scenario"), groupIds: [administrators]))
        try await step("create_application") { ["status": .string("\(app.status)".lowercased())] }

        let scopes = ["applications:view:own"]
        let first = try await admin.accessKeys().create(
            applicationId: app.id, key: NewAccessKey(name: Support.unique("first"), scopes: scopes))
        let firstKey = first.accessKey()
        try await step("create_access_key") {
            [
                "status": status(firstKey.status), "scopes": strings(firstKey.scopes),
                "key_prefix_matches": .bool(first.key().hasPrefix(firstKey.keyPrefix)),
            ]
        }
        let asFirst = try LatchkeyClient(baseUrl: server.url, credential: Credential.accessKey(key: first.key()))
        let useFirst = { () async throws -> [String: JSONValue] in
            let me = try await asFirst.me()
            return ["credential": self.kind(me.credential.kind), "permissions": self.strings(me.permissions.sorted())]
        }
        try await step("use_access_key", useFirst)

        let second = try await admin.accessKeys().create(
            applicationId: app.id, key: NewAccessKey(name: Support.unique("second"), scopes: scopes))
        try await step("rotate") {
            let old = try await admin.accessKeys().setStatus(applicationId: app.id, keyId: first.id(), status: .inactive)
            return ["new_key_status": status(second.accessKey().status), "old_key_status": status(old.status)]
        }
        try await step("use_deactivated_key", useFirst)
        let asSecond = try LatchkeyClient(baseUrl: server.url, credential: Credential.accessKey(key: second.key()))
        try await step("use_new_key") { ["credential": kind(try await asSecond.me().credential.kind)] }
        try await step("revoke") {
            ["status": status(try await admin.accessKeys().revoke(applicationId: app.id, keyId: first.id()).status)]
        }
        try await step("reactivate_revoked") {
            let key = try await admin.accessKeys().setStatus(applicationId: app.id, keyId: first.id(), status: .active)
            return ["status": status(key.status)]
        }
        try await step("bulk_delete_refused") {
            ["deleted": .bool(try await admin.accessKeys().bulkDelete(keyIds: [second.id(), missingKey]).deleted)]
        }
        try await step("bulk_delete") {
            let result = try await admin.accessKeys().bulkDelete(keyIds: [first.id(), second.id()])
            return ["deleted": .bool(result.deleted), "results": strings(result.results.map { $0.status })]
        }
        try await step("list_after_bulk_delete") {
            ["count": .integer(Int64(try await admin.accessKeys().list(applicationId: app.id).collect().count))]
        }

        let pair = try Jwt.generateKeyPair("EdDSA")
        let registered = try await admin.jwtKeys().create(
            applicationId: app.id,
            key: NewJwtKey(name: Support.unique("signer"), publicKey: .pem(pem: pair.publicPem())))
        try await step("register_jwt_key") {
            [
                "algorithm": .string(registered.algorithm), "status": status(registered.status),
                "thumbprint_matches": .bool(registered.thumbprint == pair.thumbprint()),
            ]
        }
        let audience = try await admin.wellKnown().jwtAudience
        let token = try Jwt.mintAccessToken(applicationId: app.id, keyId: registered.id, audience: audience, key: pair)
        try await step("mint_and_use") { try await httpMe(server.url, token) }
        let jwks = try await admin.jwtKeys().jwks(applicationId: app.id)
        for (name, algorithms) in [("verify_with_jwks", ["EdDSA"]), ("verify_unknown_algorithm", ["HS256", "EdDSA"])] {
            try await step(name) {
                let verified = try Jwt.verify(
                    token, jwks: jwks, options: VerifyOptions(algorithms: algorithms, audience: [audience], issuer: app.id))
                return ["subject_is_application": .bool(try verified.claims()["sub"] == .string(app.id))]
            }
        }

        let viewers = try await admin.policyGroups().create(
            group: NewPolicyGroup(name: Support.unique("viewers"), permissions: ["applications:view:any"]))
        let person = try await admin.users().create(
            user: NewUser(email: "\(Support.unique("person"))@example.com", groupIds: [viewers.id]))
        try await step("password_link") {
            let link = try await admin.users().passwordLink(id: person.id)
            return ["has_password": .bool(person.hasPassword), "link_for_user": .bool(link.userId() == person.id)]
        }
        let people = try await admin.accessKeys().create(
            applicationId: app.id, key: NewAccessKey(name: Support.unique("people"), scopes: ["users:manage"]))
        let asPeople = try LatchkeyClient(baseUrl: server.url, credential: Credential.accessKey(key: people.key()))
        try await step("password_link_beyond_caller") {
            ["user_id": .string(try await asPeople.users().passwordLink(id: person.id).userId())]
        }
        try await step("audit_log") {
            let records = try await admin.auditLog().list(
                filter: AuditLogFilter(targetId: first.id()), options: ListOptions(limit: 1)
            ).collect()
            return [
                "actions": strings(records.map { $0.action }),
                "via": strings(Set(records.map { $0.actor.via }).sorted()),
            ]
        }
        try await step("audit_log_without_permission") {
            ["count": .integer(Int64(try await asPeople.auditLog().listPage().data.count))]
        }
        try await step("introspect_without_permission") {
            ["active": .bool(try await asPeople.introspect(token: people.key()).active)]
        }
        // Room for the roll: the plan allows two active keys an application.
        _ = try await admin.accessKeys().revoke(applicationId: app.id, keyId: people.id())
        let rollable = try await admin.accessKeys().create(
            applicationId: app.id, key: NewAccessKey(name: Support.unique("rollable"), scopes: scopes))
        let rolled = try await admin.accessKeys().roll(applicationId: app.id, keyId: rollable.id(), graceSeconds: 3600)
        try await step("roll") {
            [
                "new_key_status": status(rolled.accessKey().status),
                "new_key_scopes": strings(rolled.accessKey().scopes),
                "new_key_differs": .bool(rolled.key() != rollable.key() && rolled.id() != rollable.id()),
                "rolled_status": status(rolled.rolled().status),
                "rolled_expires": .bool(rolled.rolled().expiration != nil),
            ]
        }
        let asRollable = try LatchkeyClient(baseUrl: server.url, credential: Credential.accessKey(key: rollable.key()))
        let asRolled = try LatchkeyClient(baseUrl: server.url, credential: Credential.accessKey(key: rolled.key()))
        try await step("use_rolled_keys") {
            [
                "credentials": .array([
                    kind(try await asRollable.me().credential.kind), kind(try await asRolled.me().credential.kind),
                ])
            ]
        }
        func introspect(_ token: String, _ credentialId: String) async throws -> [String: JSONValue] {
            let seen = try await admin.introspect(token: token)
            return [
                "active": .bool(seen.active), "token_type": optional(seen.tokenType),
                "credential_matches": .bool(seen.credentialId == credentialId),
                "application_matches": .bool(seen.applicationId == app.id),
                "scope": seen.scope.map { strings($0.split(separator: " ").map(String.init)) } ?? .null,
            ]
        }
        try await step("introspect_access_key") { try await introspect(rolled.key(), rolled.id()) }
        // The application's rights (every permission): not pinned here.
        try await step("introspect_minted_token") {
            var seen = try await introspect(token, registered.id)
            seen["scope"] = nil
            return seen
        }
        try await step("introspect_revoked") {
            _ = try await admin.accessKeys().revoke(applicationId: app.id, keyId: rollable.id())
            let seen = try await admin.introspect(token: rollable.key())
            return ["active": .bool(seen.active), "token_type": optional(seen.tokenType)]
        }
        let none = KeyPolicy(
            maxKeyLifetimeDays: nil, requireExpiration: false, deactivateUnusedAfterDays: nil, exposedKeyAction: .revoke)
        try await step("key_policy_requires_expiration") {
            _ = try await admin.accounts().updateKeyPolicy(
                policy: KeyPolicy(
                    maxKeyLifetimeDays: nil, requireExpiration: true, deactivateUnusedAfterDays: nil,
                    exposedKeyAction: .revoke))
            do {
                let undated = try await admin.accessKeys().create(
                    applicationId: app.id, key: NewAccessKey(name: Support.unique("undated"), scopes: scopes))
                _ = try await admin.accounts().updateKeyPolicy(policy: none)
                return ["status": status(undated.accessKey().status)]
            } catch {
                _ = try await admin.accounts().updateKeyPolicy(policy: none)
                throw error
            }
        }
        try await step("key_policy_reset") {
            let policy = try await admin.accounts().keyPolicy()
            return [
                "require_expiration": .bool(policy.requireExpiration),
                "max_key_lifetime_days": policy.maxKeyLifetimeDays.map { .integer(Int64($0)) } ?? .null,
                "exposed_key_action": .string("\(policy.exposedKeyAction)".lowercased()),
            ]
        }
        let scopedPair = try Jwt.generateKeyPair("ES256")
        let scoped = try await admin.jwtKeys().create(
            applicationId: app.id,
            key: NewJwtKey(name: Support.unique("scoped"), publicKey: .pem(pem: scopedPair.publicPem()), scopes: scopes))
        let scopedToken = try Jwt.mintAccessToken(
            applicationId: app.id, keyId: scoped.id, audience: audience, key: scopedPair)
        try await step("jwt_key_scopes") {
            [
                "algorithm": .string(scoped.algorithm), "scopes": strings(scoped.scopes),
                "permissions": try await httpMePermissions(server.url, scopedToken),
            ]
        }
        try await admin.users().delete(id: person.id)
        try await admin.policyGroups().delete(id: viewers.id)
        try await admin.applications().delete(id: app.id)
        try await step("use_deleted_application") { try await httpMe(server.url, token) }
        try await step("get_deleted_application") {
            ["status": .string("\(try await admin.applications().get(id: app.id).status)".lowercased())]
        }
        return transcript
    }

    func testTheLifecycleScenarioGivesTheTranscriptEverySdkGives() async throws {
        let file = Support.vectorsDir.deletingLastPathComponent().appendingPathComponent("scenarios/lifecycle.json")
        let scenario = try JSONDecoder().decode([String: JSONValue].self, from: Data(contentsOf: file))
        guard case .array(let steps)? = scenario["transcript"] else { throw SetupError(message: "no transcript") }
        let expected: [[String: JSONValue]] = steps.compactMap { if case .object(let step) = $0 { return step } else { return nil } }
        let server = try TestServer()
        let actual = try await lifecycle(server)
        // Step by step, so that a difference names its step.
        XCTAssertEqual(actual.map { $0["step"] }, expected.map { $0["step"] })
        for (want, got) in zip(expected, actual) {
            XCTAssertEqual(got, want, "step \(String(describing: want["step"]))")
        }
    }
}
