// Every lazy list of the Swift SDK (written by `cargo xtask codegen` from the exported pagers and spec/sdk.json; do not edit).

import Foundation

extension AccessKeysProtocol {
    /// Every access key of the account the caller may view, optionally of one application (`GET /v3/access-keys`), across pages. Fetched page by page as iterated (see `Pages`).
    public func listAccount(applicationId: String? = nil, status: EffectiveKeyStatus? = nil, options: ListOptions? = nil) -> Pages<AccessKey> {
        Pages { [self] in
            let pager = try self.accountPager(applicationId: applicationId, status: status, options: options)
            return { try await pager.nextPage()?.data }
        }
    }
}

extension AccessKeysProtocol {
    /// Every access key of an application, across pages (revoked ones only when the `status` filter is `revoked`). Fetched page by page as iterated (see `Pages`).
    public func list(applicationId: String, status: EffectiveKeyStatus? = nil, options: ListOptions? = nil) -> Pages<AccessKey> {
        Pages { [self] in
            let pager = try self.pager(applicationId: applicationId, status: status, options: options)
            return { try await pager.nextPage()?.data }
        }
    }
}

extension AccountsProtocol {
    /// Every account, across pages (operator only). Fetched page by page as iterated (see `Pages`).
    public func list(options: ListOptions? = nil) -> Pages<Account> {
        Pages { [self] in
            let pager = try self.pager(options: options)
            return { try await pager.nextPage()?.data }
        }
    }
}

extension ApplicationsProtocol {
    /// Every application the caller may view, across pages (revoked ones only when the `status` filter is `revoked`). Fetched page by page as iterated (see `Pages`).
    public func list(status: ApplicationStatus? = nil, options: ListOptions? = nil) -> Pages<Application> {
        Pages { [self] in
            let pager = try self.pager(status: status, options: options)
            return { try await pager.nextPage()?.data }
        }
    }
}

extension AuditLogProtocol {
    /// Every record passing the filters, across pages. Fetched page by page as iterated (see `Pages`).
    public func list(filter: AuditLogFilter? = nil, options: ListOptions? = nil) -> Pages<AuditRecord> {
        Pages { [self] in
            let pager = try self.pager(filter: filter, options: options)
            return { try await pager.nextPage()?.data }
        }
    }
}

extension JwtKeysProtocol {
    /// Every JWT key of an application, across pages. Fetched page by page as iterated (see `Pages`).
    public func list(applicationId: String, status: EffectiveKeyStatus? = nil, options: ListOptions? = nil) -> Pages<JwtKey> {
        Pages { [self] in
            let pager = try self.pager(applicationId: applicationId, status: status, options: options)
            return { try await pager.nextPage()?.data }
        }
    }
}

extension PolicyGroupsProtocol {
    /// The applications in a group, across pages. Fetched page by page as iterated (see `Pages`).
    public func listApplications(id: String, options: ListOptions? = nil) -> Pages<Application> {
        Pages { [self] in
            let pager = try self.applicationsPager(id: id, options: options)
            return { try await pager.nextPage()?.data }
        }
    }
}

extension PolicyGroupsProtocol {
    /// Every policy group, across pages. Fetched page by page as iterated (see `Pages`).
    public func list(options: ListOptions? = nil) -> Pages<PolicyGroup> {
        Pages { [self] in
            let pager = try self.pager(options: options)
            return { try await pager.nextPage()?.data }
        }
    }
}

extension PolicyGroupsProtocol {
    /// The users in a group, across pages. Fetched page by page as iterated (see `Pages`).
    public func listUsers(id: String, options: ListOptions? = nil) -> Pages<User> {
        Pages { [self] in
            let pager = try self.usersPager(id: id, options: options)
            return { try await pager.nextPage()?.data }
        }
    }
}

extension UsersProtocol {
    /// Every user, across pages (deleted ones only when the `status` filter is `deleted`). Fetched page by page as iterated (see `Pages`).
    public func list(status: UserStatus? = nil, options: ListOptions? = nil) -> Pages<User> {
        Pages { [self] in
            let pager = try self.pager(status: status, options: options)
            return { try await pager.nextPage()?.data }
        }
    }
}
