// Every lazy list of the Swift SDK (written by `cargo xtask codegen` from the exported pagers and spec/sdk.json; do not edit).

import Foundation

extension AccessKeysProtocol {
    /// Every item of `GET /v3/access-keys (every page, lazily)`, fetched page by page as iterated (see `Pages`).
    public func listAccount(applicationId: String? = nil, status: EffectiveKeyStatus? = nil, options: ListOptions? = nil) -> Pages<AccessKey> {
        Pages { [self] in
            let pager = try self.accountPager(applicationId: applicationId, status: status, options: options)
            return { try await pager.nextPage()?.data }
        }
    }
}

extension AccessKeysProtocol {
    /// Every item of `GET /v3/applications/{id}/access-keys (every page, lazily)`, fetched page by page as iterated (see `Pages`).
    public func list(applicationId: String, status: EffectiveKeyStatus? = nil, options: ListOptions? = nil) -> Pages<AccessKey> {
        Pages { [self] in
            let pager = try self.pager(applicationId: applicationId, status: status, options: options)
            return { try await pager.nextPage()?.data }
        }
    }
}

extension AccountsProtocol {
    /// Every item of `GET /v3/accounts (every page, lazily; operator)`, fetched page by page as iterated (see `Pages`).
    public func list(options: ListOptions? = nil) -> Pages<Account> {
        Pages { [self] in
            let pager = try self.pager(options: options)
            return { try await pager.nextPage()?.data }
        }
    }
}

extension ApplicationsProtocol {
    /// Every item of `GET /v3/applications (every page, lazily)`, fetched page by page as iterated (see `Pages`).
    public func list(status: ApplicationStatus? = nil, options: ListOptions? = nil) -> Pages<Application> {
        Pages { [self] in
            let pager = try self.pager(status: status, options: options)
            return { try await pager.nextPage()?.data }
        }
    }
}

extension AuditLogProtocol {
    /// Every item of `GET /v3/audit-log (every page, lazily; filters action, target_id, actor_user_id, since, until)`, fetched page by page as iterated (see `Pages`).
    public func list(filter: AuditLogFilter? = nil, options: ListOptions? = nil) -> Pages<AuditRecord> {
        Pages { [self] in
            let pager = try self.pager(filter: filter, options: options)
            return { try await pager.nextPage()?.data }
        }
    }
}

extension JwtKeysProtocol {
    /// Every item of `GET /v3/applications/{id}/jwt-keys (every page, lazily)`, fetched page by page as iterated (see `Pages`).
    public func list(applicationId: String, status: EffectiveKeyStatus? = nil, options: ListOptions? = nil) -> Pages<JwtKey> {
        Pages { [self] in
            let pager = try self.pager(applicationId: applicationId, status: status, options: options)
            return { try await pager.nextPage()?.data }
        }
    }
}

extension PolicyGroupsProtocol {
    /// Every item of `GET /v3/policy-groups/{id}/applications (every page, lazily)`, fetched page by page as iterated (see `Pages`).
    public func listApplications(id: String, options: ListOptions? = nil) -> Pages<Application> {
        Pages { [self] in
            let pager = try self.applicationsPager(id: id, options: options)
            return { try await pager.nextPage()?.data }
        }
    }
}

extension PolicyGroupsProtocol {
    /// Every item of `GET /v3/policy-groups (every page, lazily)`, fetched page by page as iterated (see `Pages`).
    public func list(options: ListOptions? = nil) -> Pages<PolicyGroup> {
        Pages { [self] in
            let pager = try self.pager(options: options)
            return { try await pager.nextPage()?.data }
        }
    }
}

extension PolicyGroupsProtocol {
    /// Every item of `GET /v3/policy-groups/{id}/users (every page, lazily)`, fetched page by page as iterated (see `Pages`).
    public func listUsers(id: String, options: ListOptions? = nil) -> Pages<User> {
        Pages { [self] in
            let pager = try self.usersPager(id: id, options: options)
            return { try await pager.nextPage()?.data }
        }
    }
}

extension UsersProtocol {
    /// Every item of `GET /v3/users (every page, lazily)`, fetched page by page as iterated (see `Pages`).
    public func list(status: UserStatus? = nil, options: ListOptions? = nil) -> Pages<User> {
        Pages { [self] in
            let pager = try self.pager(status: status, options: options)
            return { try await pager.nextPage()?.data }
        }
    }
}
