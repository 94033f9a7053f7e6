// The offline JWT toolkit under the names every Latchkey SDK uses
// (`Jwt.generateKeyPair`, `Jwt.sign`, `Jwt.verify`), calling the generated
// functions of Latchkey.swift; nothing is decided here.

import Foundation

/// The offline JWT toolkit: keys are parsed once (`SigningKey`,
/// `VerifyingKey`, `Jwks`); failures are typed (`JwtError`, `KeyError`).
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
