package dev.latchkey

import dev.latchkey.examples.quickstart
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test

/** `examples/kotlin/src/main/kotlin/Quickstart.kt` runs, start to end, against a real server. */
class QuickstartTest {
    @Test
    fun `the quickstart example runs`(): Unit = TestServer.start().use { server ->
        val log = runBlocking { quickstart(server.url, server.adminKey) }
        assertEquals(4, log.size, log.toString())
        assertTrue(Regex("sees [1-9][0-9]* application\\(s\\)$").containsMatchIn(log[1]), log[1])
        assertTrue(log[2].endsWith("authenticates as JWT_KEY"), log[2])
        assertEquals("revoked key refused (401)", log[3])
    }
}
