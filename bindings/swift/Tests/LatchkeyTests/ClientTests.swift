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
        let administrators = try await admin.policyGroups().list().collect().first { $0.builtIn }!.id
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

    func testListSequenceFollowsEveryPageLazilyAndStopsFetchingWhenTheLoopStops() async throws {
        let server = try TestServer()
        let admin = try server.admin()
        var created: [String] = []
        for _ in 1...5 {
            created.append(try await admin.applications().create(application: NewApplication(name: Support.unique("paged"))).id)
        }
        let everyId = try await admin.applications().list().collect().map { $0.id }
        XCTAssertTrue(Set(created).isSubset(of: Set(everyId)))
        let small = ListOptions(limit: 2)
        // More items than a page: the sequence walks every page, in order.
        var walked: [String] = []
        for try await app in admin.applications().list(options: small) {
            walked.append(app.id)
        }
        XCTAssertEqual(walked, everyId)

        // list's own sequence around the real pager, counting the pages it asks for.
        let fetched = Counter()
        let applications = admin.applications()
        let counted = Pages<Application> {
            let pager = try applications.pager(status: nil, options: small)
            return {
                await fetched.bump()
                return try await pager.nextPage()?.data
            }
        }
        var firstThree: [String] = []
        for try await app in counted {
            firstThree.append(app.id)
            if firstThree.count == 3 { break }
        }
        XCTAssertEqual(firstThree, Array(everyId.prefix(3)))
        let pagesForThree = await fetched.value
        XCTAssertEqual(pagesForThree, 2, "three items of two-item pages need two pages")
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

    func testAScopedJwtKeyNarrowsItsTokensAndAWiderGrantIsForbidden() async throws {
        let server = try TestServer()
        let admin = try server.admin()
        let administrators = try await admin.policyGroups().list().collect().first { $0.builtIn }!.id
        let app = try await admin.applications().create(
            application: NewApplication(name: Support.unique("app"), groupIds: [administrators]))
        let pair = try Jwt.generateKeyPair("EdDSA")
        let scopes = ["applications:view:own", "keys:view:own"]
        let registered = try await admin.jwtKeys().create(
            applicationId: app.id,
            key: NewJwtKey(name: Support.unique("narrow"), publicKey: .pem(pem: pair.publicPem()), scopes: scopes))
        XCTAssertEqual(registered.scopes, scopes)
        let signed = try LatchkeyClient(
            baseUrl: server.url, credential: Credential.jwtSigner(applicationId: app.id, keyId: registered.id, key: pair))
        let me = try await signed.me()
        XCTAssertEqual(me.credential.scopes, scopes)
        XCTAssertEqual(me.permissions, scopes)

        let limited = try await admin.accessKeys().create(
            applicationId: app.id,
            key: NewAccessKey(name: Support.unique("limited"), scopes: ["keys:create:own", "keys:view:own"]))
        let asLimited = try LatchkeyClient(baseUrl: server.url, credential: Credential.accessKey(key: limited.key()))
        do {
            _ = try await asLimited.jwtKeys().create(
                applicationId: app.id,
                key: NewJwtKey(
                    name: Support.unique("wider"), publicKey: .pem(pem: pair.publicPem()),
                    scopes: ["keys:view:own", "keys:delete:any"]))
            XCTFail("a key wider than its creator was registered")
        } catch LatchkeyError.Forbidden(let status, let errorType, _, _, let fields, _) {
            XCTAssertEqual(status, 403)
            XCTAssertEqual(errorType, "forbidden")
            XCTAssertEqual(fields.map { $0.name }, ["scopes"])
            XCTAssertEqual(fields.map { $0.reason }, ["the acting credential lacks `keys:delete:any`"])
        }
    }

    func testAPasswordLinkIsAGrantBoundedByTheCallersRights() async throws {
        let server = try TestServer()
        let admin = try server.admin()
        let user = try await admin.users().create(
            user: NewUser(email: "\(Support.unique("person"))@example.com", name: "Grace"))
        XCTAssertFalse(user.hasPassword)
        let link = try await admin.users().passwordLink(id: user.id)
        XCTAssertEqual(link.userId(), user.id)
        XCTAssertTrue(link.url().hasPrefix("\(server.url)/console/password?token="))
        XCTAssertGreaterThan(link.expiresAt(), Date())
        XCTAssertFalse(link.description.contains(link.url()))

        let group = try await admin.policyGroups().create(
            group: NewPolicyGroup(name: Support.unique("managers"), permissions: ["users:manage"]))
        let app = try await admin.applications().create(
            application: NewApplication(name: Support.unique("people"), groupIds: [group.id]))
        let managerKey = try await admin.accessKeys().create(
            applicationId: app.id, key: NewAccessKey(name: Support.unique("manager")))
        let manager = try LatchkeyClient(baseUrl: server.url, credential: Credential.accessKey(key: managerKey.key()))
        let adminUser = try await admin.me().user
        do {
            _ = try await manager.users().passwordLink(id: adminUser.id)
            XCTFail("a manager handed out a user wider than itself")
        } catch LatchkeyError.Forbidden(let status, let errorType, _, let requestId, let fields, _) {
            XCTAssertEqual(status, 403)
            XCTAssertEqual(errorType, "forbidden")
            XCTAssertNotNil(requestId)
            XCTAssertFalse(fields.isEmpty)
            XCTAssertTrue(fields.allSatisfy { $0.name == "id" })
        }
        XCTAssertEqual(try await manager.users().passwordLink(id: user.id).userId(), user.id)
    }

    func testARollKeepsBothKeysWorkingDuringTheGraceWithTheOldScopes() async throws {
        let server = try TestServer()
        let admin = try server.admin()
        let group = try await admin.policyGroups().create(
            group: NewPolicyGroup(name: Support.unique("rollers"), permissions: ["keys:view:own"]))
        let app = try await admin.applications().create(
            application: NewApplication(name: Support.unique("roll"), groupIds: [group.id]))
        let old = try await admin.accessKeys().create(
            applicationId: app.id,
            key: NewAccessKey(name: Support.unique("old"), description: "to roll", scopes: ["keys:view:own"]))
        let before = Date()
        let rolled = try await admin.accessKeys().roll(applicationId: app.id, keyId: old.id(), graceSeconds: 3600)
        XCTAssertNotEqual(rolled.id(), old.id())
        XCTAssertFalse(rolled.description.contains(rolled.key()))
        XCTAssertEqual(rolled.accessKey().scopes, ["keys:view:own"])
        XCTAssertEqual(rolled.accessKey().description, "to roll")
        XCTAssertEqual(rolled.rolled().id, old.id())
        let graceEnd = try XCTUnwrap(rolled.rolled().expiration)
        XCTAssertGreaterThanOrEqual(graceEnd, before.addingTimeInterval(3590))
        XCTAssertLessThanOrEqual(graceEnd, Date().addingTimeInterval(3600))
        // During the grace both keys authenticate, each with the same scopes.
        for (key, keyId) in [(old.key(), old.id()), (rolled.key(), rolled.id())] {
            let client = try LatchkeyClient(baseUrl: server.url, credential: Credential.accessKey(key: key))
            let me = try await client.me()
            XCTAssertEqual(me.credential.id, keyId)
            XCTAssertEqual(me.credential.scopes, ["keys:view:own"])
            XCTAssertEqual(me.permissions, ["keys:view:own"])
        }
    }

    func testIntrospectDescribesAnActiveKeyAndOnlyDeactivatesTheRest() async throws {
        let server = try TestServer()
        let admin = try server.admin()
        let me = try await admin.me()
        let own = try await admin.introspect(token: server.adminKey)
        XCTAssertTrue(own.active)
        XCTAssertEqual(own.tokenType, "access_key")
        XCTAssertEqual(own.credentialId, me.credential.id)
        XCTAssertEqual(own.userId, me.user.id)
        XCTAssertTrue(own.scope?.split(separator: " ").contains("credentials:introspect") ?? false)
        XCTAssertNil(own.exp)
        let app = try await admin.applications().create(application: NewApplication(name: Support.unique("seen")))
        let key = try await admin.accessKeys().create(applicationId: app.id, key: NewAccessKey(name: Support.unique("seen")))
        XCTAssertEqual(try await admin.introspect(token: key.key()).credentialId, key.id())
        _ = try await admin.accessKeys().revoke(applicationId: app.id, keyId: key.id())
        let inactive = Introspection(
            active: false, tokenType: nil, accountId: nil, applicationId: nil, userId: nil,
            credentialId: nil, scope: nil, exp: nil)
        XCTAssertEqual(try await admin.introspect(token: key.key()), inactive)
        XCTAssertEqual(try await admin.introspect(token: "ak_not-a-key"), inactive)
    }

    func testAKeyPolicyRequiringExpirationRefusesAKeyWithoutOne() async throws {
        let server = try TestServer()
        let admin = try server.admin()
        let none = KeyPolicy(
            maxKeyLifetimeDays: nil, requireExpiration: false, deactivateUnusedAfterDays: nil, exposedKeyAction: .revoke)
        let current = try await admin.accounts().keyPolicy()
        XCTAssertEqual(current, none)
        let wanted = KeyPolicy(
            maxKeyLifetimeDays: 90, requireExpiration: true, deactivateUnusedAfterDays: nil, exposedKeyAction: .deactivate)
        let updated = try await admin.accounts().updateKeyPolicy(policy: wanted)
        XCTAssertEqual(updated, wanted)
        let app = try await admin.applications().create(application: NewApplication(name: Support.unique("policy")))
        do {
            _ = try await admin.accessKeys().create(applicationId: app.id, key: NewAccessKey(name: Support.unique("forever")))
            XCTFail("a key without expiration passed a policy requiring one")
        } catch LatchkeyError.Validation(_, _, _, _, let fields, _) {
            XCTAssertEqual(fields.map { $0.name }, ["expiration"])
        }
        _ = try await admin.accounts().updateKeyPolicy(policy: none)
    }

    func testTheAuditLogRecordsChangesFiltersAndRefusesWithoutAuditView() async throws {
        let server = try TestServer()
        let admin = try server.admin()
        let me = try await admin.me()
        let start = Date()
        let name = Support.unique("audited")
        let app = try await admin.applications().create(application: NewApplication(name: name))
        _ = try await admin.applications().update(id: app.id, update: ApplicationUpdate(name: "\(name)-renamed"))
        let log = admin.auditLog()

        let records = try await log.list(filter: AuditLogFilter(targetId: app.id), options: ListOptions(limit: 1)).collect()
        XCTAssertEqual(records.map { $0.action }, ["application.create", "application.update"])
        let renamed = records[1]
        XCTAssertEqual(renamed.target, AuditTarget(kind: "application", id: app.id))
        XCTAssertEqual(renamed.actor.via, "access_key")
        XCTAssertEqual(renamed.actor.userId, me.user.id)
        XCTAssertEqual(renamed.changes["name"]?.afterJson, "\"\(name)-renamed\"")
        XCTAssertEqual(renamed.ip, "127.0.0.1")

        let page = try await log.listPage(
            filter: AuditLogFilter(action: "application.create", since: start), options: ListOptions(order: .descending))
        XCTAssertEqual(page.data.map { $0.target.id }, [app.id])
        do {
            _ = try await log.listPage(filter: AuditLogFilter(action: "application.steal"))
            XCTFail("an unknown action was accepted")
        } catch LatchkeyError.Validation(let status, _, _, _, let fields, _) {
            XCTAssertEqual(status, 400)
            XCTAssertEqual(fields.map { $0.name }, ["action"])
        }

        let group = try await admin.policyGroups().create(
            group: NewPolicyGroup(name: Support.unique("viewers"), permissions: ["applications:view:any"]))
        let viewerApp = try await admin.applications().create(
            application: NewApplication(name: Support.unique("viewer"), groupIds: [group.id]))
        let viewerKey = try await admin.accessKeys().create(
            applicationId: viewerApp.id, key: NewAccessKey(name: Support.unique("viewer")))
        let viewer = try LatchkeyClient(baseUrl: server.url, credential: Credential.accessKey(key: viewerKey.key()))
        do {
            _ = try await viewer.auditLog().listPage()
            XCTFail("the audit log was shown without audit:view")
        } catch LatchkeyError.Forbidden(let status, let errorType, _, _, _, _) {
            XCTAssertEqual(status, 403)
            XCTAssertEqual(errorType, "forbidden")
        }
    }

    func testEveryApiErrorHasOneCommonViewAndCloseEndsCalls() async throws {
        let server = try TestServer()
        let admin = try server.admin()
        do {
            _ = try await admin.applications().get(id: "app_0000000000000000000000")
            XCTFail("a missing application was found")
        } catch let error as LatchkeyError {
            let api = try XCTUnwrap(error.api)
            XCTAssertEqual(api.status, 404)
            XCTAssertEqual(api.type, "not_found")
            XCTAssertNotNil(api.requestId)
        }
        // The common type from any thrown error, whatever its kind.
        do {
            _ = try await admin.applications().get(id: "app_0000000000000000000000")
            XCTFail("a missing application was found")
        } catch {
            let api = try XCTUnwrap(ApiError(error))
            XCTAssertEqual(api.status, 404)
            XCTAssertEqual(api.errorDescription, api.message)
        }
        XCTAssertNil(ApiError(LatchkeyError.InvalidArgument(name: "id", reason: "bad")))
        let applications = admin.applications()
        admin.close()
        XCTAssertTrue(admin.isClosed())
        do {
            _ = try await applications.listPage(status: nil, options: nil)
            XCTFail("a closed client answered")
        } catch LatchkeyError.ClientClosed {
        }
    }
}

/// Counts calls from concurrent code (the pager's fetch closure is `@Sendable`).
actor Counter {
    private(set) var value = 0
    func bump() { value += 1 }
}
