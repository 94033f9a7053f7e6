package dev.latchkey

import kotlinx.coroutines.flow.first
import kotlinx.coroutines.flow.toList
import kotlinx.coroutines.runBlocking
import kotlinx.serialization.json.Json
import kotlinx.serialization.json.JsonArray
import kotlinx.serialization.json.JsonElement
import kotlinx.serialization.json.JsonNull
import kotlinx.serialization.json.JsonObject
import kotlinx.serialization.json.JsonPrimitive
import kotlinx.serialization.json.jsonArray
import kotlinx.serialization.json.jsonObject
import kotlinx.serialization.json.jsonPrimitive
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Test
import java.io.File
import java.net.URI
import java.net.http.HttpClient
import java.net.http.HttpRequest
import java.net.http.HttpResponse

/**
 * The cross-language scenario (`tests/scenarios/` at the repository root):
 * the same script in every SDK against a real server, its transcript
 * compared step by step with the one every SDK must produce.
 */
class ScenarioTest {
    private val missingKey = "key_0000000000000000000000"

    private fun json(vararg members: Pair<String, Any?>): JsonObject = JsonObject(
        members.associate { (name, value) ->
            name to when (value) {
                null -> JsonNull
                is JsonElement -> value
                is Boolean -> JsonPrimitive(value)
                is Number -> JsonPrimitive(value)
                is String -> JsonPrimitive(value)
                is List<*> -> JsonArray(value.map { JsonPrimitive(it as String) })
                else -> error("not JSON: $value")
            }
        },
    )

    /** The step's values, or the error it raised as status, type and fields. */
    private suspend fun outcome(call: suspend () -> JsonObject): JsonObject = try {
        call()
    } catch (error: ApiException) {
        json("error" to json("status" to error.status.toInt(), "type" to error.errorType, "fields" to error.fields.map { it.name }))
    } catch (error: JwtException.DisallowedAlgorithm) {
        json("error" to json("type" to "disallowed_algorithm"))
    }

    private fun httpMe(url: String, token: String): JsonObject {
        val answer = HttpClient.newHttpClient().send(
            HttpRequest.newBuilder(URI("$url/v3/me")).header("Authorization", "Bearer $token").build(),
            HttpResponse.BodyHandlers.ofString(),
        )
        if (answer.statusCode() != 200) return json("http_status" to answer.statusCode())
        val credential = Json.parseToJsonElement(answer.body()).jsonObject["credential"]!!.jsonObject["object"]!!
        return json("http_status" to answer.statusCode(), "credential" to credential)
    }

    private fun httpMePermissions(url: String, token: String): List<String> {
        val answer = HttpClient.newHttpClient().send(
            HttpRequest.newBuilder(URI("$url/v3/me")).header("Authorization", "Bearer $token").build(),
            HttpResponse.BodyHandlers.ofString(),
        )
        return Json.parseToJsonElement(answer.body()).jsonObject["permissions"]!!.jsonArray.map { it.jsonPrimitive.content }.sorted()
    }

    private fun kind(kind: CredentialKind): String = when (kind) {
        CredentialKind.ACCESS_KEY -> "access_key"
        CredentialKind.JWT_KEY -> "jwt_key"
    }

    private fun status(status: EffectiveKeyStatus): String = status.name.lowercase()

    private suspend fun lifecycle(server: TestServer): List<JsonObject> {
        val transcript = mutableListOf<JsonObject>()
        suspend fun step(name: String, call: suspend () -> JsonObject) {
            transcript += JsonObject(mapOf("step" to JsonPrimitive(name)) + outcome(call))
        }

        val admin = server.admin()
        val administrators = admin.policyGroups().list().first { it.builtIn }.id
        val app = admin.applications().create(NewApplication(name = unique("scenario"), groupIds = listOf(administrators)))
        step("create_application") { json("status" to app.status.name.lowercase()) }

        val scopes = listOf("applications:view:own")
        val first = admin.accessKeys().create(app.id, NewAccessKey(name = unique("first"), scopes = scopes))
        val firstKey = first.accessKey()
        step("create_access_key") {
            json(
                "status" to status(firstKey.status),
                "scopes" to firstKey.scopes,
                "key_prefix_matches" to first.key().startsWith(firstKey.keyPrefix),
            )
        }
        val asFirst = LatchkeyClient(server.url, Credential.accessKey(first.key()))
        val useFirst: suspend () -> JsonObject = {
            val me = asFirst.me()
            json("credential" to kind(me.credential.kind), "permissions" to me.permissions.sorted())
        }
        step("use_access_key", useFirst)

        val second = admin.accessKeys().create(app.id, NewAccessKey(name = unique("second"), scopes = scopes))
        step("rotate") {
            val old = admin.accessKeys().setStatus(app.id, first.id(), KeyStatus.INACTIVE)
            json("new_key_status" to status(second.accessKey().status), "old_key_status" to status(old.status))
        }
        step("use_deactivated_key", useFirst)
        val asSecond = LatchkeyClient(server.url, Credential.accessKey(second.key()))
        step("use_new_key") { json("credential" to kind(asSecond.me().credential.kind)) }
        step("revoke") { json("status" to status(admin.accessKeys().revoke(app.id, first.id()).status)) }
        step("reactivate_revoked") {
            json("status" to status(admin.accessKeys().setStatus(app.id, first.id(), KeyStatus.ACTIVE).status))
        }
        step("bulk_delete_refused") {
            json("deleted" to admin.accessKeys().bulkDelete(listOf(second.id(), missingKey)).deleted)
        }
        step("bulk_delete") {
            val result = admin.accessKeys().bulkDelete(listOf(first.id(), second.id()))
            json("deleted" to result.deleted, "results" to result.results.map { it.status })
        }
        step("list_after_bulk_delete") { json("count" to admin.accessKeys().list(app.id).toList().size) }

        val pair = Jwt.generateKeyPair("EdDSA")
        val registered = admin.jwtKeys().create(app.id, NewJwtKey(name = unique("signer"), publicKey = PublicKeyInput.Pem(pair.publicPem())))
        step("register_jwt_key") {
            json(
                "algorithm" to registered.algorithm,
                "status" to status(registered.status),
                "thumbprint_matches" to (registered.thumbprint == pair.thumbprint()),
            )
        }
        val audience = admin.wellKnown().jwtAudience
        val token = Jwt.mintAccessToken(app.id, registered.id, audience, pair)
        step("mint_and_use") { httpMe(server.url, token) }
        val jwks = admin.jwtKeys().jwks(app.id)
        fun verify(algorithms: List<String>): suspend () -> JsonObject = {
            val verified = Jwt.verify(token, jwks, VerifyOptions(algorithms = algorithms, audience = listOf(audience), issuer = app.id))
            json("subject_is_application" to (verified.claims["sub"]!!.jsonPrimitive.content == app.id))
        }
        step("verify_with_jwks", verify(listOf("EdDSA")))
        step("verify_unknown_algorithm", verify(listOf("HS256", "EdDSA")))

        val viewers = admin.policyGroups().create(NewPolicyGroup(name = unique("viewers"), permissions = listOf("applications:view:any")))
        val person = admin.users().create(NewUser(email = "${unique("person")}@example.com", groupIds = listOf(viewers.id)))
        step("password_link") {
            val link = admin.users().passwordLink(person.id)
            json("has_password" to person.hasPassword, "link_for_user" to (link.userId() == person.id))
        }
        val people = admin.accessKeys().create(app.id, NewAccessKey(name = unique("people"), scopes = listOf("users:manage")))
        val asPeople = LatchkeyClient(server.url, Credential.accessKey(people.key()))
        step("password_link_beyond_caller") { json("user_id" to asPeople.users().passwordLink(person.id).userId()) }
        step("audit_log") {
            val records = admin.auditLog().list(AuditLogFilter(targetId = first.id()), ListOptions(limit = 1u)).toList()
            json("actions" to records.map { it.action }, "via" to records.map { it.actor.via }.toSortedSet().toList())
        }
        step("audit_log_without_permission") { json("count" to asPeople.auditLog().listPage().data.size) }
        step("introspect_without_permission") { json("active" to asPeople.introspect(people.key()).active) }
        // Room for the roll: the plan allows two active keys an application.
        admin.accessKeys().revoke(app.id, people.id())
        val rollable = admin.accessKeys().create(app.id, NewAccessKey(name = unique("rollable"), scopes = scopes))
        val rolled = admin.accessKeys().roll(app.id, rollable.id(), 3600u)
        step("roll") {
            json(
                "new_key_status" to status(rolled.accessKey().status),
                "new_key_scopes" to rolled.accessKey().scopes,
                "new_key_differs" to (rolled.key() != rollable.key() && rolled.id() != rollable.id()),
                "rolled_status" to status(rolled.rolled().status),
                "rolled_expires" to (rolled.rolled().expiration != null),
            )
        }
        val asRollable = LatchkeyClient(server.url, Credential.accessKey(rollable.key()))
        val asRolled = LatchkeyClient(server.url, Credential.accessKey(rolled.key()))
        step("use_rolled_keys") {
            json("credentials" to listOf(kind(asRollable.me().credential.kind), kind(asRolled.me().credential.kind)))
        }
        suspend fun introspect(token: String, credentialId: String): JsonObject {
            val seen = admin.introspect(token)
            return json(
                "active" to seen.active,
                "token_type" to seen.tokenType,
                "credential_matches" to (seen.credentialId == credentialId),
                "application_matches" to (seen.applicationId == app.id),
                "scope" to seen.scope?.split(' '),
            )
        }
        step("introspect_access_key") { introspect(rolled.key(), rolled.id()) }
        // The application's rights (every permission): not pinned here.
        step("introspect_minted_token") { JsonObject(introspect(token, registered.id) - "scope") }
        step("introspect_revoked") {
            admin.accessKeys().revoke(app.id, rollable.id())
            val seen = admin.introspect(rollable.key())
            json("active" to seen.active, "token_type" to seen.tokenType)
        }
        step("key_policy_requires_expiration") {
            admin.accounts().updateKeyPolicy(KeyPolicy(null, true, null, ExposedKeyAction.REVOKE))
            try {
                val undated = admin.accessKeys().create(app.id, NewAccessKey(name = unique("undated"), scopes = scopes))
                json("status" to status(undated.accessKey().status))
            } finally {
                admin.accounts().updateKeyPolicy(KeyPolicy(null, false, null, ExposedKeyAction.REVOKE))
            }
        }
        step("key_policy_reset") {
            val policy = admin.accounts().keyPolicy()
            json(
                "require_expiration" to policy.requireExpiration,
                "max_key_lifetime_days" to policy.maxKeyLifetimeDays?.toInt(),
                "exposed_key_action" to policy.exposedKeyAction.name.lowercase(),
            )
        }
        val scopedPair = Jwt.generateKeyPair("ES256")
        val scoped = admin.jwtKeys().create(
            app.id,
            NewJwtKey(name = unique("scoped"), publicKey = PublicKeyInput.Pem(scopedPair.publicPem()), scopes = scopes),
        )
        val scopedToken = Jwt.mintAccessToken(app.id, scoped.id, audience, scopedPair)
        step("jwt_key_scopes") {
            json(
                "algorithm" to scoped.algorithm,
                "scopes" to scoped.scopes,
                "permissions" to httpMePermissions(server.url, scopedToken),
            )
        }
        admin.users().delete(person.id)
        admin.policyGroups().delete(viewers.id)
        admin.applications().delete(app.id)
        step("use_deleted_application") { httpMe(server.url, token) }
        step("get_deleted_application") { json("status" to admin.applications().get(app.id).status.name.lowercase()) }
        listOf(admin, asFirst, asSecond, asPeople, asRollable, asRolled).forEach { it.close() }
        return transcript
    }

    @Test
    fun `the lifecycle scenario gives the transcript every SDK gives`(): Unit = runBlocking {
        val dir = System.getProperty("latchkey.vectors.dir")
            ?: error("latchkey.vectors.dir is not set (Surefire passes it; see pom.xml)")
        val file = File(dir).resolveSibling("scenarios").resolve("lifecycle.json")
        val expected = Json.parseToJsonElement(file.readText()).jsonObject["transcript"]!!.jsonArray.map { it.jsonObject }
        val actual = TestServer.start().use { lifecycle(it) }
        // Step by step, so that a difference names its step.
        assertEquals(expected.map { it["step"] }, actual.map { it["step"] })
        for ((want, got) in expected.zip(actual)) assertEquals(want, got, "step ${want["step"]}")
    }
}
