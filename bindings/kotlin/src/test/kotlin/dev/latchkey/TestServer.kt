package dev.latchkey

import java.io.File
import java.nio.file.Files
import java.util.UUID
import java.util.concurrent.TimeUnit

/**
 * The real `latchkey` server binary (`LATCHKEY_SERVER_BIN`, set by
 * `cargo xtask test kotlin`) on an ephemeral loopback port with a temporary
 * data file, on the `commercial` plan so that a test class fits in one
 * account. It prints its admin key and address on stdout at first start.
 */
class TestServer private constructor(
    private val process: Process,
    private val dataDir: File,
    /** The base URL (`http://127.0.0.1:PORT`). */
    val url: String,
    /** The bootstrap admin access key. */
    val adminKey: String,
) : AutoCloseable {
    /** A client with the admin key. */
    fun admin(): LatchkeyClient = LatchkeyClient(url, Credential.accessKey(adminKey))

    override fun close() {
        process.destroy()
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor()
        }
        dataDir.deleteRecursively()
    }

    companion object {
        /**
         * Starts a server with [env] added to its environment (e.g. a
         * stricter failed-login throttle); fails with its log when it does
         * not come up.
         */
        fun start(env: Map<String, String> = emptyMap()): TestServer {
            val binary = System.getenv("LATCHKEY_SERVER_BIN")
                ?: error("LATCHKEY_SERVER_BIN is not set: run the tests with `cargo xtask test kotlin`")
            val dataDir = Files.createTempDirectory("latchkey-kotlin").toFile()
            val log = File(dataDir, "server.log")
            val process = ProcessBuilder(
                binary, "serve",
                "--listen", "127.0.0.1:0",
                "--data", File(dataDir, "latchkey.redb").path,
                "--plan", "commercial",
            ).redirectError(log).also {
                it.environment()["RUST_LOG"] = "warn"
                it.environment().putAll(env)
            }.start()
            val lines = process.inputStream.bufferedReader()
            var adminKey = ""
            var url = ""
            while (true) {
                val line = lines.readLine() ?: break
                line.split(' ', '\t').firstOrNull { it.startsWith("ak_") }?.let { adminKey = it }
                if (line.startsWith("latchkey listening on ")) {
                    url = line.removePrefix("latchkey listening on ").trim()
                    break
                }
            }
            if (url.isEmpty() || adminKey.isEmpty()) {
                process.destroyForcibly().waitFor()
                error("the server did not print its key and address: ${log.readText()}")
            }
            // Keep reading stdout so that the server never blocks on a full pipe.
            Thread { lines.readText() }.apply { isDaemon = true }.start()
            return TestServer(process, dataDir, url, adminKey)
        }
    }
}

/** A name no other test uses. */
fun unique(prefix: String): String = "$prefix-${UUID.randomUUID().toString().take(10)}"
