package dev.latchkey

import kotlinx.coroutines.flow.Flow
import kotlinx.coroutines.flow.flow

// Every list is lazy: `list(...)` is a cold Flow over the Rust client's pager
// (the generated `pager(...)`, one request per `nextPage()`, following the
// cursor); `cargo xtask codegen` writes one per exported pager in Lists.kt. The first page is fetched when the flow is collected, the next one
// only after the collector has taken every item of the current page, so a
// collector that stops early (`take`, `first`, cancellation) stops the
// requests too. `listPage(...)` reads one page with its cursor.

/**
 * Emits the items of page after page: [open] makes the pager when the flow
 * is collected (so a closed client or a bad argument fails there), [next]
 * reads its next page's items, or null after the last page. The pager is
 * released when the flow ends, normally or not.
 */
internal fun <P : AutoCloseable, T> pages(open: () -> P, next: suspend (P) -> List<T>?): Flow<T> = flow {
    open().use { pager ->
        while (true) {
            val items = next(pager) ?: break
            for (item in items) emit(item)
        }
    }
}
