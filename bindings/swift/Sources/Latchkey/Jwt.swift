// The offline JWT toolkit under the names every Latchkey SDK uses
// (`Jwt.generateKeyPair`, `Jwt.sign`, `Jwt.verify`), calling the generated
// functions of Latchkey.swift; nothing is decided here.

import Foundation

/// The offline JWT toolkit: keys are parsed once (`SigningKey`,
/// `VerifyingKey`, `Jwks`); claims and headers are `Codable` values
/// (`JSONValue`, or a type of yours); failures are typed (`JwtError`,
/// `KeyError`).
public enum Jwt {
    /// A new key pair for `algorithm` (`EdDSA`, `ES256`, `ES384`, `RS256`, `PS256`, …).
    public static func generateKeyPair(_ algorithm: String, rsaBits: UInt32? = nil) throws -> SigningKey {
        try SigningKey.generate(algorithm: algorithm, rsaBits: rsaBits)
    }

    /// Signs `claimsJson` (a JSON object, signed as given) with `key`.
    public static func sign(
        _ claimsJson: String, key: SigningKey, algorithm: String? = nil, kid: String? = nil,
        extraHeaderJson: String? = nil
    ) throws -> String {
        try jwtSign(claimsJson: claimsJson, key: key, algorithm: algorithm, kid: kid, extraHeaderJson: extraHeaderJson)
    }

    /// Signs `claims` (any `Encodable` JSON object, signed as given) with `key`.
    public static func sign<Claims: Encodable>(
        _ claims: Claims, key: SigningKey, algorithm: String? = nil, kid: String? = nil,
        extraHeader: [String: JSONValue]? = nil
    ) throws -> String {
        let encoder = JSONEncoder()
        let claimsJson = String(decoding: try encoder.encode(claims), as: UTF8.self)
        let headerJson = try extraHeader.map { String(decoding: try encoder.encode($0), as: UTF8.self) }
        return try sign(claimsJson, key: key, algorithm: algorithm, kid: kid, extraHeaderJson: headerJson)
    }

    /// The header of `token`, unverified (untrusted until `verify` succeeds).
    public static func unverifiedHeader(_ token: String) throws -> [String: JSONValue] {
        try JSONDecoder().decode([String: JSONValue].self, from: Data(jwtUnverifiedHeader(token: token).utf8))
    }

    /// Verifies `token` with one key.
    public static func verify(_ token: String, key: VerifyingKey, options: VerifyOptions) throws -> VerifiedToken {
        try jwtVerify(token: token, key: key, options: options)
    }

    /// Verifies `token` with the key of `jwks` its `kid` names.
    public static func verify(_ token: String, jwks: Jwks, options: VerifyOptions) throws -> VerifiedToken {
        try jwtVerifyWithJwks(token: token, jwks: jwks, options: options)
    }

    /// The access token the server expects from an application.
    public static func mintAccessToken(
        applicationId: String, keyId: String, audience: String, key: SigningKey,
        lifetime: TimeInterval = 15 * 60, now: Date? = nil
    ) throws -> String {
        try jwtMintAccessToken(
            applicationId: applicationId, keyId: keyId, audience: audience, lifetime: lifetime, key: key, now: now)
    }

    /// The RFC 7638 thumbprint of a public JWK.
    public static func thumbprint(_ jwk: [String: String]) throws -> String {
        try jwkThumbprint(jwk: jwk)
    }
}

extension AccessKey {
    /// Parses an access key (`ak_…`) offline: format and checksum, no request.
    public static func parse(_ key: String) throws -> ParsedAccessKey {
        try accessKeyParse(key: key)
    }
}

/// Any JSON value, as claims and headers hold them.
public enum JSONValue: Codable, Equatable, Hashable, Sendable {
    case null
    case bool(Bool)
    case integer(Int64)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    public init(from decoder: Decoder) throws {
        let value = try decoder.singleValueContainer()
        if value.decodeNil() {
            self = .null
        } else if let flag = try? value.decode(Bool.self) {
            self = .bool(flag)
        } else if let integer = try? value.decode(Int64.self) {
            self = .integer(integer)
        } else if let number = try? value.decode(Double.self) {
            self = .number(number)
        } else if let text = try? value.decode(String.self) {
            self = .string(text)
        } else if let items = try? value.decode([JSONValue].self) {
            self = .array(items)
        } else {
            self = .object(try value.decode([String: JSONValue].self))
        }
    }

    public func encode(to encoder: Encoder) throws {
        var value = encoder.singleValueContainer()
        switch self {
        case .null: try value.encodeNil()
        case .bool(let flag): try value.encode(flag)
        case .integer(let integer): try value.encode(integer)
        case .number(let number): try value.encode(number)
        case .string(let text): try value.encode(text)
        case .array(let items): try value.encode(items)
        case .object(let members): try value.encode(members)
        }
    }
}

extension VerifiedToken {
    /// The claims, as JSON values.
    public func claims() throws -> [String: JSONValue] {
        try claims(as: [String: JSONValue].self)
    }

    /// The claims decoded as `type` (a `Decodable` of yours).
    public func claims<Claims: Decodable>(as type: Claims.Type) throws -> Claims {
        try JSONDecoder().decode(type, from: Data(claimsJson.utf8))
    }

    /// The whole header, as JSON values.
    public func header() throws -> [String: JSONValue] {
        try JSONDecoder().decode([String: JSONValue].self, from: Data(headerJson.utf8))
    }
}
