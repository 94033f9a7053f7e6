package dev.latchkey

import kotlinx.coroutines.async
import kotlinx.coroutines.awaitAll
import kotlinx.coroutines.flow.first
import kotlinx.coroutines.flow.map
import kotlinx.coroutines.flow.take
import kotlinx.coroutines.flow.toList
import kotlinx.coroutines.runBlocking
import kotlinx.serialization.json.Json
import kotlinx.serialization.json.jsonObject
import org.junit.jupiter.api.AfterAll
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNotNull
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.BeforeAll
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestInstance
import org.junit.jupiter.api.assertThrows
import java.net.InetAddress
import java.net.ServerSocket
import java.time.Duration
import java.time.Instant

/** Every client method against the real server binary, and the exception of each failure. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClientTest {
    private lateinit var server: TestServer
    private lateinit var admin: LatchkeyClient

    @BeforeAll
    fun start() {
        server = TestServer.start()
        admin = server.admin()
    }

    @AfterAll
    fun stop() {
        admin.close()
        server.close()
    }

    private suspend fun newApplication(prefix: String = "app", groupIds: List<String> = emptyList()): Application =
        admin.applications().create(NewApplication(name = unique(prefix), description = "from Kotlin", groupIds = groupIds))

    /** The id of the account's built-in `Administrators` group. */
    private suspend fun administrators(): String = admin.policyGroups().list().toList().single { it.builtIn }.id

    @Test
    fun `me, health, well-known and the OpenAPI document`(): Unit = runBlocking {
        val me = admin.me()
        assertEquals(CredentialKind.ACCESS_KEY, me.credential.kind)
        assertTrue("accounts:manage" in me.permissions)
        assertEquals(Plan.COMMERCIAL, me.account.plan)
        assertEquals(25u, me.account.limits.applications)
        val anonymous = LatchkeyClient(server.url)
        assertEquals("ok", anonymous.health())
        val info = anonymous.wellKnown()
        assertEquals(me.jwtAudience, info.jwtAudience)
        assertTrue("EdDSA" in info.jwtAlgorithms)
        assertTrue(Json.parseToJsonElement(anonymous.openapi()).jsonObject.containsKey("paths"))
        assertThrows<LatchkeyException.Unauthorized> { runBlocking { anonymous.me() } }
        assertEquals(server.url.trimEnd('/'), admin.baseUrl())
    }

    @Test
    fun `applications - create, get, list, page, update, revoke, delete`(): Unit = runBlocking {
        val app = newApplication()
        assertEquals(ApplicationStatus.ACTIVE, app.status)
        assertEquals(app, admin.applications().get(app.id))
        assertTrue(admin.applications().list().toList().any { it.id == app.id })
        val page = admin.applications().listPage(options = ListOptions(limit = 1u, includeTotalCount = true))
        assertEquals(1, page.data.size)
        assertTrue(page.totalCount!! >= 1u)
        val renamed = admin.applications().update(app.id, ApplicationUpdate(name = unique("renamed")))
        assertFalse(renamed.name == app.name)
        assertEquals(ApplicationStatus.REVOKED, admin.applications().revoke(app.id).status)
        assertFalse(admin.applications().list().toList().any { it.id == app.id })
        assertTrue(admin.applications().list(status = ApplicationStatus.REVOKED).toList().any { it.id == app.id })
        admin.applications().delete(app.id)
        val missing = assertThrows<LatchkeyException.NotFound> { runBlocking { admin.applications().get(app.id) } }
        assertEquals(404, missing.status)
        assertEquals("not_found", missing.errorType)
        assertNotNull(missing.requestId)
    }

    @Test
    fun `access keys - the secret once, list, update, revoke, delete, bulk delete`(): Unit = runBlocking {
        // In Administrators: the key's rights are the application's groups narrowed by its scopes.
        val app = newApplication(groupIds = listOf(administrators()))
        val created = admin.accessKeys().create(app.id, NewAccessKey(name = unique("ci"), scopes = listOf("applications:view:any")))
        val secret = created.key()
        assertTrue(secret.startsWith(created.accessKey().keyPrefix))
        assertFalse(created.toString().contains(secret))
        assertEquals(created.id(), AccessKey.parse(secret).let { "key_" + it.keyId() })
        // The new key works, and only within its scopes.
        val scoped = LatchkeyClient(server.url, Credential.accessKey(secret))
        assertEquals(setOf("applications:view:own", "applications:view:any"), scoped.me().permissions.toSet()) // `:any` implies `:own`
        assertTrue(scoped.applications().list().toList().any { it.id == app.id })
        val forbidden = assertThrows<LatchkeyException.Forbidden> {
            runBlocking { scoped.applications().create(NewApplication(name = unique("nope"))) }
        }
        assertEquals(403, forbidden.status)

        val key = admin.accessKeys().get(app.id, created.id())
        assertEquals(EffectiveKeyStatus.ACTIVE, key.status)
        assertEquals(listOf(key.id), admin.accessKeys().list(app.id).toList().map { it.id })
        assertEquals(listOf(key.id), admin.accessKeys().listAccount(applicationId = app.id).toList().map { it.id })
        assertEquals(1, admin.accessKeys().listPage(app.id).data.size)
        val later = Instant.now().plus(Duration.ofDays(30)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
        val updated = admin.accessKeys().update(app.id, key.id, KeyUpdate(status = KeyStatus.INACTIVE, expiration = ExpirationChange.Set(later)))
        assertEquals(EffectiveKeyStatus.INACTIVE, updated.status)
        assertEquals(later, updated.expiration)
        assertThrows<LatchkeyException.Unauthorized> { runBlocking { scoped.me() } }
        assertEquals(later, admin.accessKeys().update(app.id, key.id, KeyUpdate(name = "kept")).expiration, "no change keeps it")
        assertNull(admin.accessKeys().update(app.id, key.id, KeyUpdate(expiration = ExpirationChange.Remove)).expiration)
        assertEquals(EffectiveKeyStatus.ACTIVE, admin.accessKeys().setStatus(app.id, key.id, KeyStatus.ACTIVE).status)
        val accountPage = admin.accessKeys().listAccountPage(applicationId = app.id, options = ListOptions(limit = 1u))
        assertEquals(listOf(key.id), accountPage.data.map { it.id })
        assertEquals(EffectiveKeyStatus.REVOKED, admin.accessKeys().revoke(app.id, key.id).status)
        admin.accessKeys().delete(app.id, key.id)
        assertThrows<LatchkeyException.NotFound> { runBlocking { admin.accessKeys().get(app.id, key.id) } }

        val a = admin.accessKeys().create(app.id, NewAccessKey(name = unique("a")))
        val b = admin.accessKeys().create(app.id, NewAccessKey(name = unique("b")))
        // All or nothing: one id that cannot be deleted, and nothing is.
        val none = assertThrows<LatchkeyException.Conflict> {
            runBlocking { admin.accessKeys().bulkDelete(listOf(a.id(), "key_0000000000000000000000")) }
        }
        assertEquals(listOf("ids[1]"), none.fields.map { it.name })
        assertEquals(a.id(), admin.accessKeys().get(app.id, a.id()).id)
        val result = admin.accessKeys().bulkDelete(listOf(a.id(), b.id()))
        assertTrue(result.deleted)
        assertEquals(listOf(a.id(), b.id()), result.results.map { it.id })
        assertTrue(admin.accessKeys().list(app.id).toList().isEmpty())
    }

    @Test
    fun `roll - both keys work during the grace, the new one with the old one's scopes`(): Unit = runBlocking {
        val group = admin.policyGroups().create(NewPolicyGroup(name = unique("rollers"), permissions = listOf("keys:view:own")))
        val app = newApplication("roll", listOf(group.id))
        val expiration = Instant.now().plus(Duration.ofDays(30)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
        val old = admin.accessKeys().create(
            app.id,
            NewAccessKey(name = unique("old"), description = "to roll", scopes = listOf("keys:view:own"), expiration = expiration),
        )
        val before = Instant.now()
        val rolled = admin.accessKeys().roll(app.id, old.id(), 3600u)
        val secret = rolled.key()
        assertTrue(secret.startsWith("ak_") && secret.startsWith(rolled.accessKey().keyPrefix))
        assertTrue(secret != old.key() && rolled.id() != old.id())
        assertFalse(rolled.toString().contains(secret), "the text form hides the key")
        // The new key has the old one's scopes, description and expiration.
        val fresh = rolled.accessKey()
        assertEquals(listOf("keys:view:own"), fresh.scopes)
        assertEquals("to roll", fresh.description)
        assertEquals(expiration, fresh.expiration)
        assertTrue(fresh.name.startsWith(old.accessKey().name + "-rolled-"), fresh.name)
        // The old key now ends with the grace.
        assertEquals(old.id(), rolled.rolled().id)
        assertEquals(EffectiveKeyStatus.ACTIVE, rolled.rolled().status)
        val graceEnd = rolled.rolled().expiration!!
        assertTrue(!graceEnd.isBefore(before.plusSeconds(3590)) && !graceEnd.isAfter(Instant.now().plusSeconds(3600)), graceEnd.toString())

        // During the grace both keys authenticate, each with the same scopes.
        for ((key, keyId) in listOf(old.key() to old.id(), secret to rolled.id())) {
            val asKey = LatchkeyClient(server.url, Credential.accessKey(key))
            val me = asKey.me()
            asKey.close()
            assertEquals(app.id to keyId, me.application.id to me.credential.id)
            assertEquals(listOf("keys:view:own"), me.credential.scopes)
            assertEquals(listOf("keys:view:own"), me.permissions)
        }

        // The plan allows two keys per application: no room for a third.
        assertThrows<LatchkeyException.LimitExceeded> { runBlocking { admin.accessKeys().roll(app.id, rolled.id(), 60u) } }
        admin.accessKeys().revoke(app.id, old.id())
        val named = admin.accessKeys().roll(app.id, rolled.id(), 0u, name = "renamed")
        assertEquals("renamed", named.accessKey().name)
        assertEquals(listOf("keys:view:own"), named.accessKey().scopes)
        val invalid = assertThrows<LatchkeyException.Validation> {
            runBlocking { admin.accessKeys().roll(app.id, named.id(), 604_801u) }
        }
        assertEquals(listOf("grace_seconds"), invalid.fields.map { it.name })
        assertThrows<LatchkeyException.InvalidArgument> { runBlocking { admin.accessKeys().roll(app.id, app.id, 0u) } }
        admin.applications().delete(app.id)
        admin.policyGroups().delete(group.id)
    }

    @Test
    fun `introspect - an active key with whose it is, a revoked or garbage one only inactive`(): Unit = runBlocking {
        val me = admin.me()
        val own = admin.introspect(server.adminKey)
        assertTrue(own.active)
        assertEquals("access_key", own.tokenType)
        assertEquals(
            listOf(me.account.id, me.application.id, me.user.id, me.credential.id),
            listOf(own.accountId, own.applicationId, own.userId, own.credentialId),
        )
        assertTrue(own.scope!!.split(' ').contains("credentials:introspect"), own.scope)
        assertNull(own.exp, "the admin key never expires")

        val app = newApplication("introspected")
        val expiration = Instant.now().plus(Duration.ofDays(3)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
        val key = admin.accessKeys().create(app.id, NewAccessKey(name = unique("seen"), expiration = expiration))
        val seen = admin.introspect(key.key())
        assertTrue(seen.active)
        assertEquals(listOf(me.account.id, app.id, key.id()), listOf(seen.accountId, seen.applicationId, seen.credentialId))
        assertEquals(expiration.epochSecond, seen.exp)

        // Revoked or garbage: inactive, and nothing else (never why). Few
        // guesses: a wrong one is paid from the asking client's failure budget.
        admin.accessKeys().revoke(app.id, key.id())
        assertEquals(Introspection(active = false, null, null, null, null, null, null, null), admin.introspect(key.key()))
        assertEquals(Introspection(active = false, null, null, null, null, null, null, null), admin.introspect("ak_not-a-key"))
        admin.applications().delete(app.id)
    }

    @Test
    fun `key policy - get, update, and a key without expiration is Validation naming expiration`(): Unit = runBlocking {
        val none = KeyPolicy(null, false, null, ExposedKeyAction.REVOKE)
        assertEquals(none, admin.accounts().keyPolicy())
        val app = newApplication("policy")
        try {
            val wanted = KeyPolicy(90u, true, null, ExposedKeyAction.DEACTIVATE)
            assertEquals(wanted, admin.accounts().updateKeyPolicy(wanted))
            assertEquals(wanted, admin.accounts().keyPolicy())
            val refused = assertThrows<LatchkeyException.Validation> {
                runBlocking { admin.accessKeys().create(app.id, NewAccessKey(name = unique("forever"))) }
            }
            assertEquals(listOf("expiration"), refused.fields.map { it.name })
            val expiration = Instant.now().plus(Duration.ofDays(30)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
            assertEquals(expiration, admin.accessKeys().create(app.id, NewAccessKey(name = unique("dated"), expiration = expiration)).accessKey().expiration)
        } finally {
            // The account is shared by every test: leave it asking nothing.
            assertEquals(none, admin.accounts().updateKeyPolicy(none))
        }
        assertNull(admin.accessKeys().create(app.id, NewAccessKey(name = unique("free"))).accessKey().expiration)
        admin.applications().delete(app.id)
    }

    @Test
    fun `a third access key is over the plan's limit, and a duplicate name a conflict`(): Unit = runBlocking {
        val app = newApplication()
        val name = unique("k")
        admin.accessKeys().create(app.id, NewAccessKey(name = name))
        val duplicate = assertThrows<LatchkeyException.Conflict> {
            runBlocking { admin.accessKeys().create(app.id, NewAccessKey(name = name)) }
        }
        assertEquals("conflict", duplicate.errorType)
        admin.accessKeys().create(app.id, NewAccessKey(name = unique("k")))
        val limit = assertThrows<LatchkeyException.LimitExceeded> {
            runBlocking { admin.accessKeys().create(app.id, NewAccessKey(name = unique("k"))) }
        }
        assertEquals(409, limit.status)
        assertEquals(2, admin.accessKeys().list(app.id).toList().size)
    }

    @Test
    fun `validation errors name their fields, bad ids and keys fail before any request`(): Unit = runBlocking {
        val invalid = assertThrows<LatchkeyException.Validation> {
            runBlocking { admin.applications().listPage(options = ListOptions(limit = 0u)) }
        }
        assertEquals(400, invalid.status)
        assertEquals(listOf("limit"), invalid.fields.map { it.name })
        // Every API error kind is an ApiException: one catch takes them all.
        val api: ApiException = invalid
        assertEquals(400 to "validation_error", api.status to api.errorType)
        // `message` is the whole sentence: type, status, the server's reason, fields, request id.
        assertTrue(api.message.contains("validation_error") && api.message.contains(api.reason), api.message)
        assertTrue(api.message.contains("limit") && api.message.contains(api.requestId!!), api.message)
        assertEquals(api.toString(), api.message)
        val missing = assertThrows<ApiException> { runBlocking { admin.applications().get("app_0000000000000000000000") } }
        assertTrue(missing is LatchkeyException.NotFound, missing.javaClass.name)
        assertEquals(404 to "not_found", missing.status to missing.errorType)
        assertNotNull(missing.requestId)
        val kind = when (missing) {
            is LatchkeyException.NotFound -> "not found"
            is LatchkeyException.Forbidden, is LatchkeyException.Unauthorized -> "refused"
            else -> "another"
        }
        assertEquals("not found", kind)
        val badId = assertThrows<LatchkeyException.InvalidArgument> { runBlocking { admin.applications().get("usr_nope") } }
        assertEquals("applicationId", badId.name)
        assertFalse((badId as LatchkeyException) is ApiException, "no answer, no API error")
        val badKey = assertThrows<LatchkeyException.InvalidAccessKey> { Credential.accessKey("ak_mistyped") }
        assertEquals("bad_length", badKey.category)
        assertFalse(badKey.toString().contains("ak_mistyped"))
        assertThrows<LatchkeyException.Configuration> { LatchkeyClient("ftp://example.com") }
        assertThrows<LatchkeyException.InvalidArgument> {
            LatchkeyClient(server.url, options = ClientOptions(timeout = Duration.ZERO))
        }
    }

    @Test
    fun `a server that is not there is a transport error`(): Unit = runBlocking {
        val port = ServerSocket(0).use { it.localPort }
        val client = LatchkeyClient("http://127.0.0.1:$port", options = ClientOptions(maxRetries = 0u))
        assertThrows<LatchkeyException.Transport> { runBlocking { client.health() } }
        Unit
    }

    @Test
    fun `list follows every page lazily and stops fetching when the collector stops`(): Unit = runBlocking {
        val created = (1..5).map { newApplication("paged").id }
        val everyId = admin.applications().list().map { it.id }.toList()
        assertTrue(everyId.containsAll(created))
        val small = ListOptions(limit = 2u)
        // More items than a page: the flow walks every page, in order.
        assertEquals(everyId, admin.applications().list(options = small).map { it.id }.toList())
        // The pager itself: one page per call, then null.
        admin.applications().pager(null, ListOptions(limit = 1000u)).use { pager ->
            assertEquals(everyId, pager.nextPage()!!.data.map { it.id })
            assertNull(pager.nextPage())
        }

        // list's own flow around the real pager, counting the pages it asks for.
        var fetched = 0
        val counted = pages({ admin.applications().pager(null, small) }) { pager ->
            pager.nextPage()?.data?.also { fetched++ }
        }
        assertEquals(everyId.take(3), counted.take(3).map { it.id }.toList())
        assertEquals(2, fetched, "three items of two-item pages need two pages")
        fetched = 0
        assertEquals(everyId.first(), counted.first().id)
        assertEquals(1, fetched, "the first item needs the first page only")
    }

    @Test
    fun `shutdown ends every later call, through the client and its resources`(): Unit = runBlocking {
        val client = server.admin()
        val applications = client.applications()
        assertTrue(applications.listPage().data.isNotEmpty())
        assertFalse(client.isClosed())
        client.shutdown()
        client.shutdown()
        assertTrue(client.isClosed())
        assertThrows<LatchkeyException.ClientClosed> { runBlocking { client.me() } }
        assertThrows<LatchkeyException.ClientClosed> { runBlocking { applications.listPage() } }
        assertThrows<LatchkeyException.ClientClosed> { runBlocking { applications.list().toList() } }
        client.close()
        // Without a URL, LATCHKEY_URL is read; the test run sets none.
        if (System.getenv("LATCHKEY_URL").isNullOrEmpty()) {
            val missing = assertThrows<LatchkeyException.Configuration> { LatchkeyClient() }
            assertTrue(missing.reason.contains("LATCHKEY_URL"), missing.reason)
        }
    }

    @Test
    fun `group member lists come as pages too`(): Unit = runBlocking {
        val group = admin.policyGroups().create(NewPolicyGroup(name = unique("paged")))
        val apps = (1..2).map { newApplication("member").id }
        admin.policyGroups().addApplications(group.id, apps)
        val first = admin.policyGroups().listApplicationsPage(group.id, ListOptions(limit = 1u, includeTotalCount = true))
        assertEquals(listOf(apps[0]), first.data.map { it.id })
        assertEquals(true to 2uL, first.hasMore to first.totalCount)
        val second = admin.policyGroups().listApplicationsPage(group.id, ListOptions(limit = 1u, after = first.after))
        assertEquals(listOf(apps[1]), second.data.map { it.id })
        assertTrue(admin.policyGroups().listUsersPage(group.id).data.isEmpty())
        admin.policyGroups().delete(group.id)
    }

    @Test
    fun `a server that accepts and never answers is a timeout`(): Unit = runBlocking {
        // The kernel completes the handshake from the listen backlog; nothing
        // ever reads the request or answers it.
        ServerSocket(0, 8, InetAddress.getLoopbackAddress()).use { silent ->
            val client = LatchkeyClient(
                "http://127.0.0.1:${silent.localPort}",
                options = ClientOptions(timeout = Duration.ofMillis(300), maxRetries = 0u),
            )
            val started = System.nanoTime()
            val error = assertThrows<LatchkeyException.Timeout> { runBlocking { client.health() } }
            val elapsed = Duration.ofNanos(System.nanoTime() - started)
            assertTrue(elapsed >= Duration.ofMillis(300) && elapsed < Duration.ofSeconds(10), "took $elapsed")
            assertTrue(error.reason.isNotEmpty())
            client.close()
        }
    }

    @Test
    fun `429 after too many failed logins carries retryAfter`(): Unit = runBlocking {
        // A server that throttles an address after two failed logins, for a long time.
        TestServer.start(
            mapOf(
                "LATCHKEY_AUTH_FAILURE_BURST" to "2",
                "LATCHKEY_AUTH_FAILURES_PER_SECOND" to "0.01",
                "LATCHKEY_AUTH_THROTTLE_DELAY_MS" to "0",
            ),
        ).use { strict ->
            // Tokens of a key the server does not know: each is a failed login.
            val guesser = LatchkeyClient(
                strict.url,
                Credential.jwtSigner(
                    "app_0000000000000000000000", "jwk_0000000000000000000000", Jwt.generateKeyPair("EdDSA"), audience = strict.url,
                ),
                ClientOptions(maxRetries = 0u),
            )
            assertThrows<LatchkeyException.Unauthorized> { runBlocking { guesser.me() } }
            var throttled: LatchkeyException.TooManyRequests? = null
            for (attempt in 1..5) {
                try {
                    guesser.me()
                } catch (error: LatchkeyException.TooManyRequests) {
                    throttled = error
                    break
                } catch (_: LatchkeyException.Unauthorized) {
                    // Still inside the burst.
                }
            }
            assertNotNull(throttled, "the server throttled the guesses")
            assertEquals(429, throttled!!.status)
            assertEquals("too_many_requests", throttled.errorType)
            val retryAfter = throttled.retryAfter
            assertNotNull(retryAfter)
            assertTrue(retryAfter!! > Duration.ZERO, "retryAfter $retryAfter")
            guesser.close()
        }
    }

    @Test
    fun `a key pair made in Kotlin registers, and its tokens log in to the server`(): Unit = runBlocking {
        val app = newApplication()
        val pair = Jwt.generateKeyPair("ES256")
        val registered = admin.jwtKeys().create(app.id, NewJwtKey(name = unique("signer"), publicKey = PublicKeyInput.Pem(pair.publicPem())))
        assertEquals("ES256", registered.algorithm)
        assertEquals(pair.thumbprint(), registered.thumbprint)
        assertEquals(pair.publicJwk().filterKeys { it in registered.publicKey }, registered.publicKey.filterKeys { it in pair.publicJwk() })
        val viaJwk = admin.jwtKeys().create(
            app.id, NewJwtKey(name = unique("jwk"), publicKey = PublicKeyInput.Jwk(Jwt.generateKeyPair("EdDSA").publicJwk())),
        )
        assertEquals("EdDSA", viaJwk.algorithm)

        // A signer credential: the client mints the tokens.
        val signed = LatchkeyClient(server.url, Credential.jwtSigner(app.id, registered.id, pair))
        val me = signed.me()
        assertEquals(CredentialKind.JWT_KEY, me.credential.kind)
        assertEquals(registered.id, me.credential.id)
        assertEquals(app.id, me.application.id)

        // A token minted by hand in Kotlin, sent as an access token.
        val audience = admin.wellKnown().jwtAudience
        val token = Jwt.mintAccessToken(app.id, registered.id, audience, pair, Duration.ofMinutes(5))
        val status = java.net.http.HttpClient.newHttpClient().send(
            java.net.http.HttpRequest.newBuilder(java.net.URI("${server.url}/v3/me")).header("Authorization", "Bearer $token").build(),
            java.net.http.HttpResponse.BodyHandlers.discarding(),
        ).statusCode()
        assertEquals(200, status)

        // The same token verifies with the application's JWKS through the Rust toolkit.
        val jwks = admin.jwtKeys().jwks(app.id)
        assertEquals(setOf(registered.id, viaJwk.id), jwks.kids().toSet())
        val verified = Jwt.verify(
            token, jwks, VerifyOptions(algorithms = listOf("EdDSA", "ES256"), audience = listOf(audience), issuer = app.id, subject = app.id),
        )
        assertEquals(registered.id, verified.kid)

        assertEquals(2, admin.jwtKeys().list(app.id).toList().size)
        assertEquals(1, admin.jwtKeys().listPage(app.id, options = ListOptions(limit = 1u)).data.size)
        assertEquals(registered.id, admin.jwtKeys().get(app.id, registered.id).id)
        val inactive = admin.jwtKeys().update(app.id, registered.id, KeyUpdate(status = KeyStatus.INACTIVE))
        assertEquals(EffectiveKeyStatus.INACTIVE, inactive.status)
        val refused = LatchkeyClient(server.url, Credential.jwtSigner(app.id, registered.id, pair, audience = audience))
        assertThrows<LatchkeyException.Unauthorized> { runBlocking { refused.me() } }
        assertEquals(EffectiveKeyStatus.REVOKED, admin.jwtKeys().revoke(app.id, registered.id).status)
        admin.jwtKeys().delete(app.id, registered.id)
        assertThrows<LatchkeyException.NotFound> { runBlocking { admin.jwtKeys().get(app.id, registered.id) } }
        val privateKey = assertThrows<LatchkeyException.Validation> {
            runBlocking { admin.jwtKeys().create(app.id, NewJwtKey(name = unique("bad"), publicKey = PublicKeyInput.Pem(pair.privatePem()))) }
        }
        assertEquals(listOf("public_key"), privateKey.fields.map { it.name })
    }

    @Test
    fun `a scoped JWT key narrows its tokens, and a grant beyond the caller is Forbidden naming what it lacks`(): Unit = runBlocking {
        val app = newApplication(groupIds = listOf(administrators()))
        val pair = Jwt.generateKeyPair("EdDSA")
        val scopes = listOf("applications:view:own", "keys:view:own")
        val registered = admin.jwtKeys().create(
            app.id, NewJwtKey(name = unique("narrow"), publicKey = PublicKeyInput.Pem(pair.publicPem()), scopes = scopes),
        )
        assertEquals(scopes, registered.scopes)
        assertEquals(scopes, admin.jwtKeys().get(app.id, registered.id).scopes)
        // Its tokens hold the application's rights (Administrators) narrowed to the scopes.
        val signed = LatchkeyClient(server.url, Credential.jwtSigner(app.id, registered.id, pair))
        val me = signed.me()
        assertEquals(registered.id, me.credential.id)
        assertEquals(scopes, me.credential.scopes)
        assertEquals(scopes, me.permissions)
        signed.close()

        // A credential may not register a key that could do more than it can.
        val limited = admin.accessKeys().create(app.id, NewAccessKey(name = unique("limited"), scopes = listOf("keys:create:own", "keys:view:own")))
        val asLimited = LatchkeyClient(server.url, Credential.accessKey(limited.key()))
        val refused = assertThrows<LatchkeyException.Forbidden> {
            runBlocking {
                asLimited.jwtKeys().create(
                    app.id,
                    NewJwtKey(name = unique("wider"), publicKey = PublicKeyInput.Pem(pair.publicPem()), scopes = listOf("keys:view:own", "keys:delete:any")),
                )
            }
        }
        asLimited.close()
        assertEquals(403, refused.status)
        assertEquals("forbidden", refused.errorType)
        assertEquals(listOf(FieldError(name = "scopes", reason = "the acting credential lacks `keys:delete:any`")), refused.fields)
        assertEquals(listOf(registered.id), admin.jwtKeys().list(app.id).toList().map { it.id })
        admin.applications().delete(app.id)
    }

    @Test
    fun `users and policy groups with their members`(): Unit = runBlocking {
        val group = admin.policyGroups().create(NewPolicyGroup(name = unique("readers"), permissions = listOf("applications:view:any")))
        assertEquals(listOf("applications:view:any"), group.permissions)
        assertEquals(group, admin.policyGroups().get(group.id))
        assertTrue(admin.policyGroups().list().toList().any { it.builtIn && it.name == "Administrators" })
        assertTrue(admin.policyGroups().listPage().data.isNotEmpty())
        val changed = admin.policyGroups().update(group.id, PolicyGroupUpdate(description = "read only"))
        assertEquals("read only", changed.description)

        val user = admin.users().create(NewUser(email = "${unique("u")}@example.com", name = "Ada"))
        assertEquals(UserStatus.ACTIVE, user.status)
        assertEquals(user, admin.users().get(user.id))
        assertTrue(admin.users().list().toList().any { it.id == user.id })
        assertTrue(admin.users().listPage(options = ListOptions(order = Order.DESCENDING)).data.isNotEmpty())
        assertEquals("Ada L.", admin.users().update(user.id, UserUpdate(name = "Ada L.")).name)

        val app = newApplication()
        admin.policyGroups().addApplications(group.id, listOf(app.id))
        admin.policyGroups().addUsers(group.id, listOf(user.id))
        assertEquals(listOf(app.id), admin.policyGroups().listApplications(group.id).toList().map { it.id })
        assertEquals(listOf(user.id), admin.policyGroups().listUsers(group.id).toList().map { it.id })
        assertEquals(listOf(group.id), admin.users().get(user.id).groupIds)
        admin.policyGroups().removeApplications(group.id, listOf(app.id))
        admin.policyGroups().removeUsers(group.id, listOf(user.id))
        assertTrue(admin.policyGroups().listApplications(group.id).toList().isEmpty())
        assertTrue(admin.policyGroups().listUsers(group.id).toList().isEmpty())

        admin.users().delete(user.id)
        assertTrue(admin.users().list(status = UserStatus.DELETED).toList().any { it.id == user.id })
        admin.policyGroups().delete(group.id)
        assertThrows<LatchkeyException.NotFound> { runBlocking { admin.policyGroups().get(group.id) } }
    }

    @Test
    fun `a password link, a grant bounded by the caller's rights, is Forbidden naming id beyond them`(): Unit = runBlocking {
        val user = admin.users().create(NewUser(email = "${unique("person")}@example.com", name = "Grace"))
        assertFalse(user.hasPassword)
        val link = admin.users().passwordLink(user.id)
        assertEquals(user.id, link.userId())
        assertTrue(link.url().startsWith("${server.url}/console/password?token="), link.url())
        assertTrue(link.expiresAt().isAfter(Instant.now()))
        assertFalse(link.toString().contains(link.url()), "the text form hides the link")
        assertTrue(admin.users().passwordLink(user.id).url() != link.url(), "each call is a new link")

        val group = admin.policyGroups().create(NewPolicyGroup(name = unique("managers"), permissions = listOf("users:manage")))
        val app = newApplication("people", listOf(group.id))
        val managerKey = admin.accessKeys().create(app.id, NewAccessKey(name = unique("manager")))
        val manager = LatchkeyClient(server.url, Credential.accessKey(managerKey.key()))
        val adminUser = admin.me().user
        val refused = assertThrows<ApiException> { runBlocking { manager.users().passwordLink(adminUser.id) } }
        assertTrue(refused is LatchkeyException.Forbidden, refused.javaClass.name)
        assertEquals(403, refused.status)
        assertEquals("forbidden", refused.errorType)
        assertTrue(refused.fields.isNotEmpty() && refused.fields.all { it.name == "id" }, refused.fields.toString())
        assertNotNull(refused.requestId)
        // A user without rights is within any manager's.
        assertEquals(user.id, manager.users().passwordLink(user.id).userId())
        manager.close()
        assertThrows<LatchkeyException.InvalidArgument> { runBlocking { admin.users().passwordLink(app.id) } }
        admin.applications().delete(app.id)
        admin.policyGroups().delete(group.id)
        admin.users().delete(user.id)
    }

    @Test
    fun `the audit log - records of the changes made, filters, and its refusals`(): Unit = runBlocking {
        val me = admin.me()
        val earlier = newApplication("unaudited")
        val start = Instant.now()
        val name = unique("audited")
        val app = admin.applications().create(NewApplication(name = name, description = "", groupIds = emptyList()))
        admin.applications().update(app.id, ApplicationUpdate(name = "$name-renamed"))
        val log = admin.auditLog()

        val records = log.list(AuditLogFilter(targetId = app.id), ListOptions(limit = 1u)).toList()
        assertEquals(listOf("application.create", "application.update"), records.map { it.action })
        val renamed = records[1]
        assertEquals(AuditTarget(kind = "application", id = app.id), renamed.target)
        assertEquals("access_key", renamed.actor.via)
        assertEquals(me.user.id, renamed.actor.userId)
        assertEquals(me.credential.id, renamed.actor.credentialId)
        assertEquals(me.account.id, renamed.accountId)
        val change = renamed.changes.getValue("name")
        assertEquals(Json.parseToJsonElement("\"$name\""), Json.parseToJsonElement(change.beforeJson))
        assertEquals(Json.parseToJsonElement("\"$name-renamed\""), Json.parseToJsonElement(change.afterJson))
        assertNotNull(renamed.requestId)
        assertEquals("127.0.0.1", renamed.ip)
        assertFalse(renamed.at.isBefore(start))

        // Every filter given must match.
        val mine = log.list(AuditLogFilter(targetId = app.id, actorUserId = me.user.id)).toList()
        assertEquals(records.map { it.id }, mine.map { it.id })
        val page = log.listPage(AuditLogFilter(action = "application.create", since = start), ListOptions(order = Order.DESCENDING))
        assertEquals(listOf(app.id), page.data.map { it.target.id })
        assertFalse(log.list(AuditLogFilter(since = start)).toList().any { it.target.id == earlier.id })
        assertEquals(emptyList<AuditRecord>(), log.list(AuditLogFilter(targetId = app.id, until = start)).toList())

        // A filter the server does not know is its Validation error naming it.
        val bad = assertThrows<LatchkeyException.Validation> {
            runBlocking { log.listPage(AuditLogFilter(action = "application.steal")) }
        }
        assertEquals(400, bad.status)
        assertEquals(listOf("action"), bad.fields.map { it.name })
        // Arguments are checked before any request.
        assertThrows<LatchkeyException.InvalidArgument> { runBlocking { log.listPage(AuditLogFilter(actorUserId = app.id)) } }

        // The log is for holders of audit:view only.
        val group = admin.policyGroups().create(NewPolicyGroup(name = unique("viewers"), permissions = listOf("applications:view:any")))
        val viewerApp = newApplication("viewer", listOf(group.id))
        val viewerKey = admin.accessKeys().create(viewerApp.id, NewAccessKey(name = unique("viewer")))
        val viewer = LatchkeyClient(server.url, Credential.accessKey(viewerKey.key()))
        val refused = assertThrows<LatchkeyException.Forbidden> { runBlocking { viewer.auditLog().listPage() } }
        assertEquals(403, refused.status)
        assertEquals("forbidden", refused.errorType)
        assertThrows<LatchkeyException.Forbidden> { runBlocking { viewer.auditLog().list().toList() } }
        viewer.close()
        for (id in listOf(app.id, earlier.id, viewerApp.id)) admin.applications().delete(id)
        admin.policyGroups().delete(group.id)
    }

    @Test
    fun `accounts - the current one, and tenants for the operator`(): Unit = runBlocking {
        val current = admin.accounts().current()
        assertTrue(current.operator)
        val renamed = admin.accounts().renameCurrent(unique("operator"))
        assertEquals(current.id, renamed.id)
        val created = admin.accounts().create(NewTenantAccount(name = unique("tenant"), adminEmail = "owner@example.com"))
        assertFalse(created.toString().contains(created.key()))
        val tenant = created.account()
        assertEquals(Plan.FREE, tenant.plan)
        assertEquals("owner@example.com", created.adminUser().email)
        assertEquals(created.adminApplication().id, created.accessKey().applicationId)
        assertEquals(tenant, admin.accounts().get(tenant.id))
        assertTrue(admin.accounts().list().toList().any { it.id == tenant.id })
        assertTrue(admin.accounts().listPage(options = ListOptions(limit = 1000u)).data.any { it.id == tenant.id })
        val limits = Limits(applications = 7u, accessKeysPerApplication = 3u, jwtKeysPerApplication = 1u)
        val custom = admin.accounts().update(tenant.id, AccountUpdate(plan = Plan.CUSTOM, limits = limits))
        assertEquals(limits, custom.limits)

        // The tenant's own key sees only its account: the operator's is a 404.
        val tenantClient = LatchkeyClient(server.url, Credential.accessKey(created.key()))
        assertEquals(tenant.id, tenantClient.me().account.id)
        assertThrows<LatchkeyException.Forbidden> { runBlocking { tenantClient.accounts().get(current.id) } }
    }

    @Test
    fun `one client serves concurrent coroutines`(): Unit = runBlocking {
        val calls = (1..16).map { async { admin.me().account.id } }
        assertEquals(1, calls.awaitAll().toSet().size)
    }
}
