// The Kotlin tour: create an application, give it an access key, use the
// key, rotate to a JWT key made in Kotlin, revoke. The SDK's tests run
// `quickstart` against a real server (QuickstartTest); `main` runs it
// against LATCHKEY_URL with the admin key LATCHKEY_ACCESS_KEY, as the
// README's command does (`mvn -q -f examples/kotlin/pom.xml compile exec:java`,
// after `cargo xtask dist --host-only kotlin` installed the SDK).

package dev.latchkey.examples

import dev.latchkey.Credential
import dev.latchkey.Jwt
import dev.latchkey.LatchkeyClient
import dev.latchkey.LatchkeyException
import dev.latchkey.NewAccessKey
import dev.latchkey.NewApplication
import dev.latchkey.NewJwtKey
import dev.latchkey.PublicKeyInput
import dev.latchkey.list
import kotlinx.coroutines.flow.count
import kotlinx.coroutines.flow.first
import kotlinx.coroutines.runBlocking
import java.util.UUID

/** Runs the tour against [url] with the admin key [adminKey]; returns what it did, one line per step. */
suspend fun quickstart(url: String, adminKey: String): List<String> {
    val log = mutableListOf<String>()
    val admin = LatchkeyClient(url, Credential.accessKey(adminKey))
    val suffix = UUID.randomUUID().toString().take(8)

    // Its credentials get the rights of its policy groups (narrowed by a key's scopes).
    val administrators = admin.policyGroups().list().first { it.builtIn }.id
    val app = admin.applications().create(
        NewApplication(name = "billing-$suffix", description = "Invoices", groupIds = listOf(administrators)),
    )
    log += "application ${app.id}"

    // The full key is in the answer this once: store it now.
    val created = admin.accessKeys().create(app.id, NewAccessKey(name = "ci-$suffix", scopes = listOf("applications:view:own")))
    val ci = LatchkeyClient(url, Credential.accessKey(created.key()))
    log += "access key ${created.accessKey().keyPrefix}… sees ${ci.applications().list().count()} application(s)"

    // A key pair made offline; the server keeps only the public half.
    val pair = Jwt.generateKeyPair("EdDSA")
    val jwtKey = admin.jwtKeys().create(app.id, NewJwtKey(name = "signer-$suffix", publicKey = PublicKeyInput.Pem(pair.publicPem())))
    val signed = LatchkeyClient(url, Credential.jwtSigner(app.id, jwtKey.id, pair))
    log += "jwt key ${jwtKey.id} authenticates as ${signed.me().credential.kind}"

    // Revoked: the next request with the access key is refused.
    admin.accessKeys().revoke(app.id, created.id())
    try {
        ci.me()
        log += "revoked key still works?!"
    } catch (refused: LatchkeyException.Unauthorized) {
        log += "revoked key refused (${refused.status})"
    }
    return log
}

/** The tour against `LATCHKEY_URL` (default `http://127.0.0.1:8080`) with the admin key `LATCHKEY_ACCESS_KEY`. */
fun main(): Unit = runBlocking {
    val url = System.getenv("LATCHKEY_URL") ?: "http://127.0.0.1:8080"
    val adminKey = System.getenv("LATCHKEY_ACCESS_KEY")
        ?: error("set LATCHKEY_ACCESS_KEY to an admin access key (the server prints one at its first start)")
    quickstart(url, adminKey).forEach(::println)
}
