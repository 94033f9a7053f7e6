// Every lazy list of the Kotlin SDK (written by `cargo xtask codegen` from the exported pagers and spec/sdk.json; do not edit).

package dev.latchkey

import kotlinx.coroutines.flow.Flow

/** Every access key of the account the caller may view, optionally of one application (`GET /v3/access-keys`), across pages. Fetched page by page as the flow is collected (see [pages]). */
fun AccessKeysInterface.listAccount(`applicationId`: kotlin.String? = null, `status`: EffectiveKeyStatus? = null, `options`: ListOptions? = null): Flow<AccessKey> =
    pages({ `accountPager`(`applicationId`, `status`, `options`) }) { it.nextPage()?.data }

/** Every access key of an application, across pages (revoked ones only when the `status` filter is `revoked`). Fetched page by page as the flow is collected (see [pages]). */
fun AccessKeysInterface.list(`applicationId`: kotlin.String, `status`: EffectiveKeyStatus? = null, `options`: ListOptions? = null): Flow<AccessKey> =
    pages({ `pager`(`applicationId`, `status`, `options`) }) { it.nextPage()?.data }

/** Every account, across pages (operator only). Fetched page by page as the flow is collected (see [pages]). */
fun AccountsInterface.list(`options`: ListOptions? = null): Flow<Account> =
    pages({ `pager`(`options`) }) { it.nextPage()?.data }

/** Every application the caller may view, across pages (revoked ones only when the `status` filter is `revoked`). Fetched page by page as the flow is collected (see [pages]). */
fun ApplicationsInterface.list(`status`: ApplicationStatus? = null, `options`: ListOptions? = null): Flow<Application> =
    pages({ `pager`(`status`, `options`) }) { it.nextPage()?.data }

/** Every record passing the filters, across pages. Fetched page by page as the flow is collected (see [pages]). */
fun AuditLogInterface.list(`filter`: AuditLogFilter? = null, `options`: ListOptions? = null): Flow<AuditRecord> =
    pages({ `pager`(`filter`, `options`) }) { it.nextPage()?.data }

/** Every JWT key of an application, across pages. Fetched page by page as the flow is collected (see [pages]). */
fun JwtKeysInterface.list(`applicationId`: kotlin.String, `status`: EffectiveKeyStatus? = null, `options`: ListOptions? = null): Flow<JwtKey> =
    pages({ `pager`(`applicationId`, `status`, `options`) }) { it.nextPage()?.data }

/** The applications in a group, across pages. Fetched page by page as the flow is collected (see [pages]). */
fun PolicyGroupsInterface.listApplications(`id`: kotlin.String, `options`: ListOptions? = null): Flow<Application> =
    pages({ `applicationsPager`(`id`, `options`) }) { it.nextPage()?.data }

/** Every policy group, across pages. Fetched page by page as the flow is collected (see [pages]). */
fun PolicyGroupsInterface.list(`options`: ListOptions? = null): Flow<PolicyGroup> =
    pages({ `pager`(`options`) }) { it.nextPage()?.data }

/** The users in a group, across pages. Fetched page by page as the flow is collected (see [pages]). */
fun PolicyGroupsInterface.listUsers(`id`: kotlin.String, `options`: ListOptions? = null): Flow<User> =
    pages({ `usersPager`(`id`, `options`) }) { it.nextPage()?.data }

/** Every user, across pages (deleted ones only when the `status` filter is `deleted`). Fetched page by page as the flow is collected (see [pages]). */
fun UsersInterface.list(`status`: UserStatus? = null, `options`: ListOptions? = null): Flow<User> =
    pages({ `pager`(`status`, `options`) }) { it.nextPage()?.data }
