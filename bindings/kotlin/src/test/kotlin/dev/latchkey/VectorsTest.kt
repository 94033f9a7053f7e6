package dev.latchkey

import kotlinx.serialization.json.Json
import kotlinx.serialization.json.JsonElement
import kotlinx.serialization.json.JsonObject
import kotlinx.serialization.json.boolean
import kotlinx.serialization.json.jsonArray
import kotlinx.serialization.json.jsonObject
import kotlinx.serialization.json.jsonPrimitive
import kotlinx.serialization.json.long
import org.junit.jupiter.api.Assertions.assertArrayEquals
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assumptions.assumeTrue
import org.junit.jupiter.api.DynamicTest
import org.junit.jupiter.api.DynamicTest.dynamicTest
import org.junit.jupiter.api.TestFactory
import org.junit.jupiter.api.assertThrows
import java.io.File
import java.time.Duration
import java.time.Instant
import java.util.Base64

/** The shared cross-language vectors of `tests/vectors/`, one dynamic test per case. */
class VectorsTest {
    private fun load(name: String): JsonObject {
        val dir = System.getProperty("latchkey.vectors.dir")
            ?: error("latchkey.vectors.dir is not set (Surefire passes it; see pom.xml)")
        return Json.parseToJsonElement(File(dir, name).readText()).jsonObject
    }

    private val JsonElement.text: String get() = jsonPrimitive.content

    @TestFactory
    fun accessKeys(): List<DynamicTest> {
        val vectors = load("access_keys.json")
        val valid = vectors["valid"]!!.jsonArray.map { case ->
            val case = case.jsonObject
            dynamicTest("valid: ${case["name"]!!.text}") {
                val parsed = AccessKey.parse(case["key"]!!.text)
                val expected = case["parsed"]!!.jsonObject
                assertEquals(expected["key_id"]!!.text, parsed.keyId())
                assertEquals(expected["secret"]!!.text, parsed.secret())
                assertEquals(expected["checksum"]!!.text, parsed.checksum())
                assertEquals(expected["key_prefix"]!!.text, parsed.keyPrefix())
            }
        }
        val invalid = vectors["invalid"]!!.jsonArray.map { case ->
            val case = case.jsonObject
            dynamicTest("invalid: ${case["name"]!!.text}") {
                val error = assertThrows<AccessKeyException> { AccessKey.parse(case["key"]!!.text) }
                assertEquals(case["category"]!!.text, category(error))
            }
        }
        return valid + invalid
    }

    private fun category(error: AccessKeyException): String = when (error) {
        is AccessKeyException.Empty -> "empty"
        is AccessKeyException.Whitespace -> "whitespace"
        is AccessKeyException.BadPrefix -> "bad_prefix"
        is AccessKeyException.BadCharacter -> "bad_character"
        is AccessKeyException.BadLength -> "bad_length"
        is AccessKeyException.BadChecksum -> "bad_checksum"
    }

    @TestFactory
    fun jwtClaims(): List<DynamicTest> {
        val vectors = load("jwt_claims.json")
        val verifier = vectors["verifier"]!!.jsonObject
        val jwks = Jwks.fromJson(verifier["jwks"]!!.toString())
        val options = VerifyOptions(
            algorithms = verifier["algorithms"]!!.jsonArray.map { it.text },
            audience = listOf(verifier["audience"]!!.text),
            issuer = verifier["issuer"]!!.text,
            subject = verifier["subject"]!!.text,
            leeway = Duration.ofSeconds(verifier["leeway_seconds"]!!.jsonPrimitive.long),
            maxLifetime = Duration.ofSeconds(verifier["max_lifetime_seconds"]!!.jsonPrimitive.long),
            now = Instant.ofEpochSecond(verifier["now"]!!.jsonPrimitive.long),
        )
        return vectors["cases"]!!.jsonArray.map { case ->
            val case = case.jsonObject
            dynamicTest(case["name"]!!.text) {
                val outcome = try {
                    val verified = Jwt.verify(case["token"]!!.text, jwks, options)
                    assertEquals(case["claims"], Json.parseToJsonElement(verified.claimsJson))
                    "ok"
                } catch (error: JwtException) {
                    outcome(error)
                }
                assertEquals(case["expected"]!!.text, outcome)
            }
        }
    }

    private fun outcome(error: JwtException): String = when (error) {
        is JwtException.Malformed -> "malformed"
        is JwtException.DisallowedAlgorithm -> "disallowed_algorithm"
        is JwtException.UnknownKid -> "unknown_kid"
        is JwtException.BadSignature -> "bad_signature"
        is JwtException.Expired -> "expired"
        is JwtException.NotYetValid -> "not_yet_valid"
        is JwtException.LifetimeTooLong -> "lifetime_too_long"
        is JwtException.MissingClaim -> "missing_claim"
        is JwtException.BadAudience -> "bad_audience"
        is JwtException.BadIssuer -> "bad_issuer"
        is JwtException.BadSubject -> "bad_subject"
        is JwtException.InvalidArgument -> "invalid_argument: ${error.reason}"
    }

    @TestFactory
    fun jws(): List<DynamicTest> = load("jws.json")["cases"]!!.jsonArray.map { case ->
        val case = case.jsonObject
        dynamicTest(case["id"]!!.text) {
            // ES512 (P-521) is outside the contract and this toolkit; every
            // case of the contract's allow-list runs.
            assumeTrue(
                case["in_contract_allow_list"]!!.jsonPrimitive.boolean || case["alg"]!!.text != "ES512",
                "P-521 keys are not supported",
            )
            val algorithm = case["alg"]!!.text
            val input = case["signing_input"]!!.text.toByteArray()
            val signature = Base64.getUrlDecoder().decode(case["signature_b64"]!!.text)
            val publicKey = VerifyingKey.fromJwkJson(case["public_jwk"]!!.toString())
            val verifies = try {
                jwsVerifyRaw(input, signature, publicKey, algorithm)
                true
            } catch (error: JwtException.BadSignature) {
                false
            }
            assertEquals(case["expected"]!!.jsonObject["verify"]!!.jsonPrimitive.boolean, verifies)
            val privateJwk = case["private_jwk"]
            if (privateJwk is JsonObject) {
                val key = SigningKey.fromJwkJson(privateJwk.toString())
                val fresh = jwsSignRaw(input, key, algorithm)
                if ("sign" in case["operations"]!!.jsonArray.map { it.text }) {
                    assertArrayEquals(signature, fresh)
                }
                jwsVerifyRaw(input, fresh, publicKey, algorithm)
            }
        }
    }

    @TestFactory
    fun thumbprints(): List<DynamicTest> = load("thumbprint.json")["cases"]!!.jsonArray.map { case ->
        val case = case.jsonObject
        dynamicTest(case["id"]!!.text) {
            val expected = case["thumbprint"]!!.text
            val jwk = case["jwk"]!!.jsonObject.mapValues { it.value.text }
            assertEquals(expected, Jwt.thumbprint(jwk))
            val fromPem = VerifyingKey.fromPem(case["public_key_pem"]!!.text)
            assertEquals(expected, fromPem.thumbprint())
            val canonical = Json.parseToJsonElement(case["canonical_json"]!!.text).jsonObject
            val exported = fromPem.toJwk()
            assertEquals(canonical.mapValues { it.value.text }, exported.filterKeys { it in canonical })
        }
    }
}
