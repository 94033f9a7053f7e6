// The offline toolkit, as in the Kotlin JwtTest.

import Foundation
import XCTest
@testable import Latchkey

final class JwtTests: XCTestCase {
    let now = Date(timeIntervalSince1970: 1_767_225_600)

    func claims(exp: Int? = nil) -> String {
        let at = Int(now.timeIntervalSince1970)
        return #"{"sub":"app_1","iss":"app_1","aud":"https://latchkey.test","iat":\#(at),"exp":\#(exp ?? at + 300)}"#
    }

    func options(_ algorithms: [String]) -> VerifyOptions {
        VerifyOptions(algorithms: algorithms, audience: ["https://latchkey.test"], leeway: 60, now: now)
    }

    func testGeneratedKeysSignAndVerifyThroughPemAndJwk() throws {
        for algorithm in ["EdDSA", "ES256", "ES384", "RS256", "PS256"] {
            let key = try Jwt.generateKeyPair(algorithm)
            let token = try Jwt.sign(claims(), key: key, kid: "k1")
            for verifying in [try VerifyingKey.fromPem(pem: key.publicPem()), try VerifyingKey.fromJwk(jwk: key.publicJwk())] {
                let verified = try Jwt.verify(token, key: verifying, options: options(["EdDSA", "ES256", "ES384", "RS256", "PS256"]))
                XCTAssertEqual(verified.algorithm, algorithm)
                XCTAssertEqual(verified.kid, "k1")
            }
            XCTAssertEqual(try SigningKey.fromPem(pem: key.privatePem()).publicPem(), key.publicPem())
        }
    }

    func testEachFaultIsItsOwnError() throws {
        let key = try Jwt.generateKeyPair("ES256")
        let at = Int(now.timeIntervalSince1970)
        XCTAssertThrowsError(try Jwt.verify(try Jwt.sign(claims(exp: at - 60), key: key), key: key.verifyingKey(), options: options(["ES256"]))) {
            XCTAssertEqual($0 as? JwtError, .Expired)
        }
        XCTAssertNoThrow(try Jwt.verify(try Jwt.sign(claims(exp: at - 59), key: key), key: key.verifyingKey(), options: options(["ES256"])))
        XCTAssertThrowsError(try Jwt.verify(try Jwt.sign(claims(), key: key), key: key.verifyingKey(), options: options(["EdDSA"]))) {
            guard case .DisallowedAlgorithm? = $0 as? JwtError else { return XCTFail("\($0)") }
        }
        // An unknown name is refused even beside one that would verify: never dropped.
        for algorithms in [["HS256", "ES256"], ["ES256", "none"]] {
            XCTAssertThrowsError(try Jwt.verify(try Jwt.sign(claims(), key: key), key: key.verifyingKey(), options: options(algorithms))) {
                guard case .DisallowedAlgorithm(let reason)? = $0 as? JwtError else { return XCTFail("\($0)") }
                XCTAssertTrue(reason.contains(algorithms.first { $0 != "ES256" }!), reason)
            }
        }
        XCTAssertThrowsError(try Jwt.verify(try Jwt.sign(claims(), key: try Jwt.generateKeyPair("ES256")), key: key.verifyingKey(), options: options(["ES256"]))) {
            XCTAssertEqual($0 as? JwtError, .BadSignature)
        }
        XCTAssertThrowsError(try VerifyingKey.fromPem(pem: key.privatePem())) {
            XCTAssertEqual($0 as? KeyError, .PrivateKeyGiven)
        }
    }

    func testClaimsAreCodableValues() throws {
        struct Claims: Codable, Equatable {
            let sub: String
            let aud: String
            let iat: Int
            let exp: Int
            let roles: [String]
        }
        let at = Int(now.timeIntervalSince1970)
        let given = Claims(sub: "app_1", aud: "https://latchkey.test", iat: at, exp: at + 300, roles: ["a", "b"])
        let key = try Jwt.generateKeyPair("EdDSA")
        let token = try Jwt.sign(given, key: key, kid: "k", extraHeader: ["x5u": .string("https://example.test")])
        XCTAssertEqual(try Jwt.unverifiedHeader(token)["kid"], .string("k"))
        let verified = try Jwt.verify(token, key: key.verifyingKey(), options: options(["EdDSA"]))
        XCTAssertEqual(try verified.claims(as: Claims.self), given)
        XCTAssertEqual(try verified.claims()["roles"], .array([.string("a"), .string("b")]))
        XCTAssertEqual(try verified.header()["x5u"], .string("https://example.test"))
    }

    func testTextFormsHideSecrets() throws {
        let key = try Jwt.generateKeyPair("EdDSA")
        let d = try XCTUnwrap(try key.privateJwk()["d"])
        XCTAssertFalse(key.description.contains(d))
    }
}
