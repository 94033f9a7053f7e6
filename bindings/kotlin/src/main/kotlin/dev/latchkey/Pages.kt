package dev.latchkey

import kotlinx.coroutines.flow.Flow
import kotlinx.coroutines.flow.flow

// Lazy page-following for every list that has a `listPage` call: a cold
// Flow that fetches the first page when collected and the next one only
// after the collector has taken every item of the current page, so a
// collector that stops early (`take`, `first`, cancellation) stops the
// requests too. `list(...)` still reads every page into a list;
// `listPage(...)` still reads one page with its cursor.

/** One page as the flow needs it: its items and the cursor of the next page, if any. */
internal class PageStep<T>(val items: List<T>, val next: String?)

/**
 * Emits the items of page after page, starting from [options] (its `after`
 * included) and moving only the cursor; [fetch] reads one page.
 */
internal fun <T> pages(options: ListOptions?, fetch: suspend (ListOptions) -> PageStep<T>): Flow<T> = flow {
    val first = options ?: ListOptions()
    var cursor = first.after
    do {
        val page = fetch(first.copy(after = cursor))
        for (item in page.items) emit(item)
        cursor = page.next
    } while (cursor != null)
}

/** The step of a page with [items]: its cursor counts only when [hasMore]. */
internal fun <T> step(items: List<T>, hasMore: Boolean, after: String?): PageStep<T> =
    PageStep(items, after.takeIf { hasMore })

/** Every application with [status] (all when null), fetched page by page as collected. */
fun ApplicationsInterface.listFlow(status: ApplicationStatus? = null, options: ListOptions? = null): Flow<Application> =
    pages(options) { listPage(status, it).let { page -> step(page.data, page.hasMore, page.after) } }

/** Every access key of application [applicationId], fetched page by page as collected. */
fun AccessKeysInterface.listFlow(
    applicationId: String,
    status: EffectiveKeyStatus? = null,
    options: ListOptions? = null,
): Flow<AccessKey> =
    pages(options) { listPage(applicationId, status, it).let { page -> step(page.data, page.hasMore, page.after) } }

/** Every JWT key of application [applicationId], fetched page by page as collected. */
fun JwtKeysInterface.listFlow(
    applicationId: String,
    status: EffectiveKeyStatus? = null,
    options: ListOptions? = null,
): Flow<JwtKey> =
    pages(options) { listPage(applicationId, status, it).let { page -> step(page.data, page.hasMore, page.after) } }

/** Every user with [status] (all when null), fetched page by page as collected. */
fun UsersInterface.listFlow(status: UserStatus? = null, options: ListOptions? = null): Flow<User> =
    pages(options) { listPage(status, it).let { page -> step(page.data, page.hasMore, page.after) } }

/** Every policy group, fetched page by page as collected. */
fun PolicyGroupsInterface.listFlow(options: ListOptions? = null): Flow<PolicyGroup> =
    pages(options) { listPage(it).let { page -> step(page.data, page.hasMore, page.after) } }

/** Every tenant account (operators only), fetched page by page as collected. */
fun AccountsInterface.listFlow(options: ListOptions? = null): Flow<Account> =
    pages(options) { listPage(it).let { page -> step(page.data, page.hasMore, page.after) } }
