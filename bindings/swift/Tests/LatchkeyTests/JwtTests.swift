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
            XCTAssertEqual($0 as? JwtError, .DisallowedAlgorithm)
        }
        XCTAssertThrowsError(try Jwt.verify(try Jwt.sign(claims(), key: try Jwt.generateKeyPair("ES256")), key: key.verifyingKey(), options: options(["ES256"]))) {
            XCTAssertEqual($0 as? JwtError, .BadSignature)
        }
        XCTAssertThrowsError(try VerifyingKey.fromPem(pem: key.privatePem())) {
            XCTAssertEqual($0 as? KeyError, .PrivateKeyGiven)
        }
    }

    func testTextFormsHideSecrets() throws {
        let key = try Jwt.generateKeyPair("EdDSA")
        let d = try XCTUnwrap(try key.privateJwk()["d"])
        XCTAssertFalse(key.description.contains(d))
    }
}
