package dev.latchkey

import kotlinx.serialization.json.Json
import kotlinx.serialization.json.jsonObject
import kotlinx.serialization.json.jsonPrimitive
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNotEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import org.junit.jupiter.params.ParameterizedTest
import org.junit.jupiter.params.provider.ValueSource
import java.time.Duration
import java.time.Instant

/** The offline toolkit through the generated binding and the `Jwt` object. */
class JwtTest {
    private val now = Instant.ofEpochSecond(1_767_225_600)

    private fun claims(exp: Long = now.epochSecond + 300, extra: String = "") =
        """{"sub":"app_1","iss":"app_1","aud":"https://latchkey.test","iat":${now.epochSecond},"exp":$exp$extra}"""

    @ParameterizedTest
    @ValueSource(strings = ["EdDSA", "Ed25519", "ES256", "ES384", "RS256", "PS256"])
    fun `a generated key signs tokens its public half verifies, through PEM and JWK`(algorithm: String) {
        val key = Jwt.generateKeyPair(algorithm)
        assertEquals(algorithm, key.algorithm())
        val token = Jwt.sign(claims(), key, kid = "k1")
        val fromPem = VerifyingKey.fromPem(key.publicPem())
        val fromJwk = VerifyingKey.fromJwk(key.publicJwk())
        assertEquals(fromPem, fromJwk)
        assertEquals(key.thumbprint(), fromPem.thumbprint())
        assertEquals(43, key.thumbprint().length)
        for (verifying in listOf(fromPem, fromJwk, key.verifyingKey())) {
            val verified = Jwt.verify(
                token, verifying, listOf("EdDSA", "ES256", "ES384", "RS256", "PS256"),
                audience = "https://latchkey.test", issuer = "app_1", subject = "app_1", now = now,
            )
            assertEquals(algorithm, verified.algorithm)
            assertEquals("k1", verified.kid)
            assertEquals("app_1", verified.claims["sub"]!!.jsonPrimitive.content)
            assertEquals("k1", verified.header["kid"]!!.jsonPrimitive.content)
        }
        // The private key survives PKCS#8 PEM and JWK.
        val again = SigningKey.fromPem(key.privatePem())
        assertEquals(key.publicPem(), again.publicPem())
        assertEquals(key.publicPem(), SigningKey.fromJwk(key.privateJwk()).publicPem())
    }

    @Test
    fun `each fault of a token is its own exception`() {
        val key = Jwt.generateKeyPair("ES256")
        val public = key.verifyingKey()
        fun verify(token: String, algorithms: List<String> = listOf("ES256"), audience: String? = "https://latchkey.test", at: Instant = now) =
            Jwt.verify(token, public, algorithms, audience = audience, issuer = "app_1", leeway = Duration.ofSeconds(60), now = at)

        assertThrows<JwtException.Expired> { verify(Jwt.sign(claims(exp = now.epochSecond - 60), key)) }
        verify(Jwt.sign(claims(exp = now.epochSecond - 59), key))
        assertThrows<JwtException.NotYetValid> { verify(Jwt.sign(claims(extra = ""","nbf":${now.epochSecond + 61}"""), key)) }
        assertThrows<JwtException.BadAudience> { verify(Jwt.sign(claims(), key), audience = "https://other.test") }
        assertThrows<JwtException.BadAudience> { verify(Jwt.sign(claims(), key), audience = null) }
        assertThrows<JwtException.DisallowedAlgorithm> { verify(Jwt.sign(claims(), key), algorithms = listOf("EdDSA")) }
        assertThrows<JwtException.BadSignature> { verify(Jwt.sign(claims(), Jwt.generateKeyPair("ES256"))) }
        assertThrows<JwtException.Malformed> { verify("not.a-token") }
        val missing = assertThrows<JwtException.MissingClaim> {
            Jwt.verify(Jwt.sign(claims(), key), public, listOf("ES256"), audience = "https://latchkey.test", requiredClaims = listOf("jti"), now = now)
        }
        assertEquals("jti", missing.claim)
        assertThrows<JwtException.BadIssuer> {
            Jwt.verify(Jwt.sign(claims(), key), public, listOf("ES256"), audience = "https://latchkey.test", issuer = "app_2", now = now)
        }
        assertThrows<JwtException.BadSubject> {
            Jwt.verify(Jwt.sign(claims(), key), public, listOf("ES256"), audience = "https://latchkey.test", subject = "app_2", now = now)
        }
        assertThrows<JwtException.LifetimeTooLong> {
            Jwt.verify(
                Jwt.sign(claims(exp = now.epochSecond + 3601), key), public,
                VerifyOptions(algorithms = listOf("ES256"), audience = listOf("https://latchkey.test"), maxLifetime = Duration.ofHours(1), now = now),
            )
        }
        assertThrows<JwtException.UnknownKid> {
            Jwt.verify(Jwt.sign(claims(), key, kid = "a"), public.withKid("b"), listOf("ES256"), audience = "https://latchkey.test", now = now)
        }
        // An unknown name is refused even beside one that would verify: never dropped.
        for (algorithms in listOf(listOf("HS256"), listOf("HS256", "ES256"), listOf("ES256", "none"))) {
            val unknownAlgorithm = assertThrows<JwtException.DisallowedAlgorithm> { verify(Jwt.sign(claims(), key), algorithms = algorithms) }
            assertTrue(unknownAlgorithm.reason.contains(algorithms.first { it != "ES256" }), unknownAlgorithm.reason)
        }
        assertThrows<JwtException.InvalidArgument> { verify(Jwt.sign(claims(), key), algorithms = emptyList()) }
    }

    @Test
    fun `alg none and HS256 are refused`() {
        val key = Jwt.generateKeyPair("EdDSA")
        val body = java.util.Base64.getUrlEncoder().withoutPadding()
        val payload = body.encodeToString(claims().toByteArray())
        for (alg in listOf("none", "HS256")) {
            val header = body.encodeToString("""{"alg":"$alg","typ":"JWT"}""".toByteArray())
            assertThrows<JwtException.DisallowedAlgorithm> {
                Jwt.verify("$header.$payload.c2ln", key.verifyingKey(), listOf("EdDSA"), audience = "https://latchkey.test", now = now)
            }
        }
    }

    @Test
    fun `a key set picks the key by kid`() {
        val a = Jwt.generateKeyPair("EdDSA")
        val b = Jwt.generateKeyPair("ES256")
        val jwks = Jwks.fromKeys(listOf(a.verifyingKey().withKid("a"), b.verifyingKey().withKid("b")))
        assertEquals(listOf("a", "b"), jwks.kids())
        val options = VerifyOptions(algorithms = listOf("EdDSA", "ES256"), audience = listOf("https://latchkey.test"), now = now)
        assertEquals("b", Jwt.verify(Jwt.sign(claims(), b, kid = "b"), jwks, options).kid)
        assertThrows<JwtException.UnknownKid> { Jwt.verify(Jwt.sign(claims(), b, kid = "c"), jwks, options) }
        // EdDSA under b's P-256 key: the algorithm does not fit the key.
        val reloaded = Jwks.fromJson(jwks.toJson())
        assertThrows<JwtException.DisallowedAlgorithm> { Jwt.verify(Jwt.sign(claims(), a, kid = "b"), reloaded, options) }
        assertThrows<JwtException.BadSignature> {
            Jwt.verify(Jwt.sign(claims(), Jwt.generateKeyPair("ES256"), kid = "b"), reloaded, options)
        }
    }

    @Test
    fun `mintAccessToken fills the claims the server expects`() {
        val key = Jwt.generateKeyPair("EdDSA")
        val token = Jwt.mintAccessToken("app_1", "jwk_1", "https://latchkey.test", key, Duration.ofMinutes(5), now)
        val header = Jwt.unverifiedHeader(token)
        assertEquals("jwk_1", header["kid"]!!.jsonPrimitive.content)
        val verified = Jwt.verify(
            token, key.verifyingKey(), VerifyOptions(
                algorithms = listOf("EdDSA"), audience = listOf("https://latchkey.test"), issuer = "app_1",
                subject = "app_1", maxLifetime = Duration.ofHours(1), requiredClaims = listOf("jti", "iat", "exp"), now = now,
            ),
        )
        val claims = Json.parseToJsonElement(verified.claimsJson).jsonObject
        assertEquals(now.epochSecond + 300, claims["exp"]!!.jsonPrimitive.content.toLong())
        assertThrows<JwtException.InvalidArgument> {
            Jwt.mintAccessToken("app_1", "jwk_1", "aud", key, Duration.ofHours(2))
        }
    }

    @Test
    fun `bad keys are typed key exceptions`() {
        val key = Jwt.generateKeyPair("ES256")
        assertThrows<KeyException.PrivateKeyGiven> { VerifyingKey.fromPem(key.privatePem()) }
        assertThrows<KeyException.PublicKeyGiven> { SigningKey.fromPem(key.publicPem()) }
        assertThrows<KeyException.InvalidPem> { VerifyingKey.fromPem("not pem") }
        assertThrows<KeyException.InvalidKey> { VerifyingKey.fromJwkJson("{") }
        assertThrows<KeyException.UnsupportedAlgorithm> { Jwt.generateKeyPair("HS256") }
        assertThrows<KeyException.UnsupportedAlgorithm> { key.withAlgorithm("RS256") }
        assertThrows<KeyException.UnsupportedKey> { Jwt.generateKeyPair("RS256", rsaBits = 1024) }
        val duplicate = assertThrows<KeyException.DuplicateKid> {
            Jwks.fromKeys(listOf(key.verifyingKey().withKid("x"), Jwt.generateKeyPair("EdDSA").verifyingKey().withKid("x")))
        }
        assertEquals("x", duplicate.kid)
        assertThrows<JwtException.InvalidArgument> { Jwt.sign("[1]", key) }
        assertThrows<JwtException.InvalidArgument> { Jwt.sign(claims(), key, algorithm = "EdDSA") }
    }

    @Test
    fun `text forms never show private keys or secrets`() {
        val key = Jwt.generateKeyPair("EdDSA")
        val pemBody = key.privatePem().lines().filter { it.isNotEmpty() && !it.startsWith("-----") }.joinToString("")
        val d = key.privateJwk()["d"]!!
        for (text in listOf(key.toString(), key.verifyingKey().toString())) {
            assertFalse(text.contains(pemBody) || text.contains(d), text)
        }
        val raw = "ak_" + "0".repeat(71)
        val error = assertThrows<AccessKeyException> { AccessKey.parse(raw) }
        assertFalse(error.toString().contains(raw))
        assertNotEquals("", error.message)
    }

    @Test
    fun `claims go in and come out as JsonObject`() {
        val key = Jwt.generateKeyPair("EdDSA")
        val claims = Json.parseToJsonElement(claims(extra = ""","roles":["a","b"],"n":{"x":1}""")).jsonObject
        val token = Jwt.sign(claims, key, kid = "k", extraHeader = Json.parseToJsonElement("""{"x5u":"https://example.test"}""").jsonObject)
        val header = Jwt.unverifiedHeader(token)
        assertEquals("k", header["kid"]!!.jsonPrimitive.content)
        assertEquals("https://example.test", header["x5u"]!!.jsonPrimitive.content)
        val verified = Jwt.verify(token, key.verifyingKey(), listOf("EdDSA"), audience = "https://latchkey.test", now = now)
        assertEquals(claims, verified.claims)
    }
}
