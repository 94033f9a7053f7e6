package dev.latchkey

import kotlinx.coroutines.flow.Flow
import kotlinx.coroutines.flow.flow

// Every list is lazy: `list(...)` is a cold Flow over the Rust client's pager
// (the generated `pager(...)`, one request per `nextPage()`, following the
// cursor). The first page is fetched when the flow is collected, the next one
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

/** Every application with [status] (all but revoked ones when null), fetched page by page as collected. */
fun ApplicationsInterface.list(status: ApplicationStatus? = null, options: ListOptions? = null): Flow<Application> =
    pages({ pager(status, options) }) { it.nextPage()?.data }

/** Every access key of application [applicationId], fetched page by page as collected. */
fun AccessKeysInterface.list(
    applicationId: String,
    status: EffectiveKeyStatus? = null,
    options: ListOptions? = null,
): Flow<AccessKey> = pages({ pager(applicationId, status, options) }) { it.nextPage()?.data }

/** Every access key of the account the caller may view (of [applicationId] only when given), page by page. */
fun AccessKeysInterface.listAccount(
    applicationId: String? = null,
    status: EffectiveKeyStatus? = null,
    options: ListOptions? = null,
): Flow<AccessKey> = pages({ accountPager(applicationId, status, options) }) { it.nextPage()?.data }

/** Every JWT key of application [applicationId], fetched page by page as collected. */
fun JwtKeysInterface.list(
    applicationId: String,
    status: EffectiveKeyStatus? = null,
    options: ListOptions? = null,
): Flow<JwtKey> = pages({ pager(applicationId, status, options) }) { it.nextPage()?.data }

/** Every user with [status] (all but deleted ones when null), fetched page by page as collected. */
fun UsersInterface.list(status: UserStatus? = null, options: ListOptions? = null): Flow<User> =
    pages({ pager(status, options) }) { it.nextPage()?.data }

/** Every policy group, fetched page by page as collected. */
fun PolicyGroupsInterface.list(options: ListOptions? = null): Flow<PolicyGroup> =
    pages({ pager(options) }) { it.nextPage()?.data }

/** The applications in group [groupId], fetched page by page as collected. */
fun PolicyGroupsInterface.listApplications(groupId: String, options: ListOptions? = null): Flow<Application> =
    pages({ applicationsPager(groupId, options) }) { it.nextPage()?.data }

/** The users in group [groupId], fetched page by page as collected. */
fun PolicyGroupsInterface.listUsers(groupId: String, options: ListOptions? = null): Flow<User> =
    pages({ usersPager(groupId, options) }) { it.nextPage()?.data }

/** Every tenant account (operators only), fetched page by page as collected. */
fun AccountsInterface.list(options: ListOptions? = null): Flow<Account> =
    pages({ pager(options) }) { it.nextPage()?.data }
