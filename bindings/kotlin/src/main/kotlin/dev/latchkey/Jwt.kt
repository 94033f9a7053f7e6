package dev.latchkey

import kotlinx.serialization.json.Json
import kotlinx.serialization.json.JsonObject
import kotlinx.serialization.json.jsonObject
import java.time.Duration
import java.time.Instant

/**
 * The offline JWT toolkit under the names every Latchkey SDK uses
 * (`Jwt.generateKeyPair`, `Jwt.sign`, `Jwt.verify`). Each function calls the
 * generated binding of the Rust toolkit; nothing is decided here.
 *
 * Keys are parsed once ([SigningKey], [VerifyingKey], [Jwks]) and reused for
 * every call. Claims and headers are [JsonObject]s (kotlinx.serialization);
 * the `…Json` forms take and give JSON text. Failures are typed:
 * [JwtException] for a token, [KeyException] for a key.
 */
object Jwt {
    /** A new key pair for [algorithm] (`EdDSA`, `ES256`, `ES384`, `RS256`, `PS256`, …); RSA keys get [rsaBits] (2048 by default). */
    fun generateKeyPair(algorithm: String, rsaBits: Int? = null): SigningKey =
        SigningKey.generate(algorithm, rsaBits?.let(::unsignedBits))

    /**
     * Signs [claimsJson] (a JSON object, signed exactly as given: nothing is
     * validated) with [key]: `alg` = [algorithm] or the key's own, `typ: JWT`,
     * `kid` = [kid] when given, plus the members of [extraHeaderJson].
     */
    fun sign(
        claimsJson: String,
        key: SigningKey,
        algorithm: String? = null,
        kid: String? = null,
        extraHeaderJson: String? = null,
    ): String = jwtSign(claimsJson, key, algorithm, kid, extraHeaderJson)

    /** Signs [claims] (signed exactly as given) with [key]; [extraHeader] adds header members. */
    fun sign(
        claims: JsonObject,
        key: SigningKey,
        algorithm: String? = null,
        kid: String? = null,
        extraHeader: JsonObject? = null,
    ): String = jwtSign(claims.toString(), key, algorithm, kid, extraHeader?.toString())

    /** Verifies [token] with one [key] under [options]. */
    fun verify(token: String, key: VerifyingKey, options: VerifyOptions): VerifiedToken =
        jwtVerify(token, key, options)

    /** Verifies [token] with the key of [jwks] its `kid` names. */
    fun verify(token: String, jwks: Jwks, options: VerifyOptions): VerifiedToken =
        jwtVerifyWithJwks(token, jwks, options)

    /**
     * Verifies [token] with one [key]: the signature, then each claim.
     * No leeway unless given; a token with `aud` is refused when no
     * [audience] is given; [now] replays the token at a fixed instant.
     */
    fun verify(
        token: String,
        key: VerifyingKey,
        algorithms: List<String>,
        audience: String? = null,
        issuer: String? = null,
        subject: String? = null,
        leeway: Duration? = null,
        requiredClaims: List<String> = emptyList(),
        now: Instant? = null,
    ): VerifiedToken = jwtVerify(
        token,
        key,
        VerifyOptions(
            algorithms = algorithms,
            audience = listOfNotNull(audience),
            issuer = issuer,
            subject = subject,
            leeway = leeway,
            requiredClaims = requiredClaims,
            now = now,
        ),
    )

    /**
     * The access token the server expects from application [applicationId]
     * signing with its registered JWT key [keyId]: `iss` = `sub` = the
     * application, `aud` = [audience], a [lifetime] of at most one hour.
     */
    fun mintAccessToken(
        applicationId: String,
        keyId: String,
        audience: String,
        key: SigningKey,
        lifetime: Duration = Duration.ofMinutes(15),
        now: Instant? = null,
    ): String = jwtMintAccessToken(applicationId, keyId, audience, lifetime, key, now)

    /** The header of [token], unverified (untrusted until [verify] succeeds). */
    fun unverifiedHeader(token: String): JsonObject = Json.parseToJsonElement(jwtUnverifiedHeader(token)).jsonObject

    /** The RFC 7638 thumbprint of a public JWK (unpadded base64url). */
    fun thumbprint(jwk: Map<String, String>): String = jwkThumbprint(jwk)
}

/** The verified token's claims. */
val VerifiedToken.claims: JsonObject
    get() = Json.parseToJsonElement(claimsJson).jsonObject

/** The verified token's whole header. */
val VerifiedToken.header: JsonObject
    get() = Json.parseToJsonElement(headerJson).jsonObject

private fun unsignedBits(bits: Int): UInt {
    require(bits > 0) { "rsaBits must be positive" }
    return bits.toUInt()
}

/** Parses an access key (`ak_…`) offline: format and checksum, no request. */
fun dev.latchkey.models.AccessKey.Companion.parse(key: String): ParsedAccessKey = accessKeyParse(key)
