// The shared cross-language vectors of `tests/vectors/`, as in the Kotlin
// VectorsTest: every case runs, failures are collected and named.

import Foundation
import XCTest
@testable import Latchkey

final class VectorsTests: XCTestCase {
    func testAccessKeys() throws {
        let vectors = try Support.vectors("access_keys.json")
        for case let valid as [String: Any] in vectors["valid"] as! [Any] {
            let parsed = try AccessKey.parse(valid["key"] as! String)
            let expected = valid["parsed"] as! [String: String]
            XCTAssertEqual(parsed.keyId(), expected["key_id"], "\(valid["name"]!)")
            XCTAssertEqual(parsed.secret(), expected["secret"])
            XCTAssertEqual(parsed.checksum(), expected["checksum"])
            XCTAssertEqual(parsed.keyPrefix(), expected["key_prefix"])
        }
        for case let invalid as [String: Any] in vectors["invalid"] as! [Any] {
            do {
                _ = try AccessKey.parse(invalid["key"] as! String)
                XCTFail("\(invalid["name"]!) parsed")
            } catch let error as AccessKeyError {
                XCTAssertEqual(category(error), invalid["category"] as? String, "\(invalid["name"]!)")
            }
        }
    }

    private func category(_ error: AccessKeyError) -> String {
        switch error {
        case .Empty: return "empty"
        case .Whitespace: return "whitespace"
        case .BadPrefix: return "bad_prefix"
        case .BadCharacter: return "bad_character"
        case .BadLength: return "bad_length"
        case .BadChecksum: return "bad_checksum"
        }
    }

    func testJwtClaims() throws {
        let vectors = try Support.vectors("jwt_claims.json")
        let verifier = vectors["verifier"] as! [String: Any]
        let jwks = try Jwks.fromJson(jsonText: try Support.json(verifier["jwks"]!))
        let options = VerifyOptions(
            algorithms: verifier["algorithms"] as! [String],
            audience: [verifier["audience"] as! String],
            issuer: verifier["issuer"] as? String,
            subject: verifier["subject"] as? String,
            leeway: TimeInterval((verifier["leeway_seconds"] as! NSNumber).doubleValue),
            maxLifetime: TimeInterval((verifier["max_lifetime_seconds"] as! NSNumber).doubleValue),
            now: Date(timeIntervalSince1970: (verifier["now"] as! NSNumber).doubleValue)
        )
        for case let vector as [String: Any] in vectors["cases"] as! [Any] {
            let outcome: String
            do {
                _ = try Jwt.verify(vector["token"] as! String, jwks: jwks, options: options)
                outcome = "ok"
            } catch let error as JwtError {
                outcome = self.outcome(error)
            }
            XCTAssertEqual(outcome, vector["expected"] as? String, "\(vector["name"]!)")
        }
    }

    private func outcome(_ error: JwtError) -> String {
        switch error {
        case .Malformed: return "malformed"
        case .DisallowedAlgorithm: return "disallowed_algorithm"
        case .UnknownKid: return "unknown_kid"
        case .BadSignature: return "bad_signature"
        case .Expired: return "expired"
        case .NotYetValid: return "not_yet_valid"
        case .LifetimeTooLong: return "lifetime_too_long"
        case .MissingClaim: return "missing_claim"
        case .BadAudience: return "bad_audience"
        case .BadIssuer: return "bad_issuer"
        case .BadSubject: return "bad_subject"
        case .InvalidArgument(let reason): return "invalid_argument: \(reason)"
        }
    }

    func testThumbprints() throws {
        for case let vector as [String: Any] in try Support.vectors("thumbprint.json")["cases"] as! [Any] {
            let expected = vector["thumbprint"] as! String
            let jwk = (vector["jwk"] as! [String: Any]).mapValues { "\($0)" }
            XCTAssertEqual(try Jwt.thumbprint(jwk), expected, "\(vector["id"]!)")
            let key = try VerifyingKey.fromPem(pem: vector["public_key_pem"] as! String)
            XCTAssertEqual(key.thumbprint(), expected, "\(vector["id"]!)")
        }
    }
}
