// Every lazy list of the Kotlin SDK (written by `cargo xtask codegen` from the exported pagers and spec/sdk.json; do not edit).

package dev.latchkey

import kotlinx.coroutines.flow.Flow

/** Every item of `GET /v3/access-keys (every page, lazily)`, fetched page by page as the flow is collected (see [pages]). */
fun AccessKeysInterface.listAccount(`applicationId`: kotlin.String? = null, `status`: EffectiveKeyStatus? = null, `options`: ListOptions? = null): Flow<AccessKey> =
    pages({ `accountPager`(`applicationId`, `status`, `options`) }) { it.nextPage()?.data }

/** Every item of `GET /v3/applications/{id}/access-keys (every page, lazily)`, fetched page by page as the flow is collected (see [pages]). */
fun AccessKeysInterface.list(`applicationId`: kotlin.String, `status`: EffectiveKeyStatus? = null, `options`: ListOptions? = null): Flow<AccessKey> =
    pages({ `pager`(`applicationId`, `status`, `options`) }) { it.nextPage()?.data }

/** Every item of `GET /v3/accounts (every page, lazily; operator)`, fetched page by page as the flow is collected (see [pages]). */
fun AccountsInterface.list(`options`: ListOptions? = null): Flow<Account> =
    pages({ `pager`(`options`) }) { it.nextPage()?.data }

/** Every item of `GET /v3/applications (every page, lazily)`, fetched page by page as the flow is collected (see [pages]). */
fun ApplicationsInterface.list(`status`: ApplicationStatus? = null, `options`: ListOptions? = null): Flow<Application> =
    pages({ `pager`(`status`, `options`) }) { it.nextPage()?.data }

/** Every item of `GET /v3/audit-log (every page, lazily; filters action, target_id, actor_user_id, since, until)`, fetched page by page as the flow is collected (see [pages]). */
fun AuditLogInterface.list(`filter`: AuditLogFilter? = null, `options`: ListOptions? = null): Flow<AuditRecord> =
    pages({ `pager`(`filter`, `options`) }) { it.nextPage()?.data }

/** Every item of `GET /v3/applications/{id}/jwt-keys (every page, lazily)`, fetched page by page as the flow is collected (see [pages]). */
fun JwtKeysInterface.list(`applicationId`: kotlin.String, `status`: EffectiveKeyStatus? = null, `options`: ListOptions? = null): Flow<JwtKey> =
    pages({ `pager`(`applicationId`, `status`, `options`) }) { it.nextPage()?.data }

/** Every item of `GET /v3/policy-groups/{id}/applications (every page, lazily)`, fetched page by page as the flow is collected (see [pages]). */
fun PolicyGroupsInterface.listApplications(`id`: kotlin.String, `options`: ListOptions? = null): Flow<Application> =
    pages({ `applicationsPager`(`id`, `options`) }) { it.nextPage()?.data }

/** Every item of `GET /v3/policy-groups (every page, lazily)`, fetched page by page as the flow is collected (see [pages]). */
fun PolicyGroupsInterface.list(`options`: ListOptions? = null): Flow<PolicyGroup> =
    pages({ `pager`(`options`) }) { it.nextPage()?.data }

/** Every item of `GET /v3/policy-groups/{id}/users (every page, lazily)`, fetched page by page as the flow is collected (see [pages]). */
fun PolicyGroupsInterface.listUsers(`id`: kotlin.String, `options`: ListOptions? = null): Flow<User> =
    pages({ `usersPager`(`id`, `options`) }) { it.nextPage()?.data }

/** Every item of `GET /v3/users (every page, lazily)`, fetched page by page as the flow is collected (see [pages]). */
fun UsersInterface.list(`status`: UserStatus? = null, `options`: ListOptions? = null): Flow<User> =
    pages({ `pager`(`status`, `options`) }) { it.nextPage()?.data }
