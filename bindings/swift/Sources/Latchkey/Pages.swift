// Every list is lazy, as Kotlin's `list` Flow:
// `for try await app in client.applications().list()`. A pull-based
// AsyncSequence over the Rust client's pager (the generated `pager(...)`,
// one request per `nextPage()`, following the cursor), not an
// AsyncThrowingStream fed by a task: a stream's producer would run ahead and
// fetch pages nobody reads, while here the next page is fetched only when the
// loop asks for the item after the last one of the current page, so leaving
// the loop stops the requests.

import Foundation

/// The items of page after page of one list, fetched as iterated.
public struct Pages<Item>: AsyncSequence {
    public typealias Element = Item

    let open: @Sendable () throws -> @Sendable () async throws -> [Item]?

    /// Pages of the pager `open` makes when iteration starts (so a closed
    /// client or a bad argument fails there); the pager's `nextPage` gives
    /// each page's items, or nil after the last page.
    init(_ open: @escaping @Sendable () throws -> @Sendable () async throws -> [Item]?) {
        self.open = open
    }

    public func makeAsyncIterator() -> Iterator {
        Iterator(open: open)
    }

    /// Reads a page when the current one is used up.
    public struct Iterator: AsyncIteratorProtocol {
        let open: @Sendable () throws -> @Sendable () async throws -> [Item]?
        var next: (@Sendable () async throws -> [Item]?)?
        var buffer: [Item] = []
        var index = 0
        var done = false

        public mutating func next() async throws -> Item? {
            while index >= buffer.count {
                if done { return nil }
                if next == nil { next = try open() }
                guard let items = try await next!() else {
                    done = true
                    return nil
                }
                buffer = items
                index = 0
            }
            defer { index += 1 }
            return buffer[index]
        }
    }
}

extension ApplicationsProtocol {
    /// Every application with `status` (all but revoked ones when nil), fetched page by page as iterated.
    public func list(status: ApplicationStatus? = nil, options: ListOptions? = nil) -> Pages<Application> {
        Pages { [self] in
            let pager = try self.pager(status: status, options: options)
            return { try await pager.nextPage()?.data }
        }
    }
}

extension AccessKeysProtocol {
    /// Every access key of application `applicationId`, fetched page by page as iterated.
    public func list(
        applicationId: String, status: EffectiveKeyStatus? = nil, options: ListOptions? = nil
    ) -> Pages<AccessKey> {
        Pages { [self] in
            let pager = try self.pager(applicationId: applicationId, status: status, options: options)
            return { try await pager.nextPage()?.data }
        }
    }

    /// Every access key of the account the caller may view (of `applicationId` only when given).
    public func listAccount(
        applicationId: String? = nil, status: EffectiveKeyStatus? = nil, options: ListOptions? = nil
    ) -> Pages<AccessKey> {
        Pages { [self] in
            let pager = try self.accountPager(applicationId: applicationId, status: status, options: options)
            return { try await pager.nextPage()?.data }
        }
    }
}

extension JwtKeysProtocol {
    /// Every JWT key of application `applicationId`, fetched page by page as iterated.
    public func list(
        applicationId: String, status: EffectiveKeyStatus? = nil, options: ListOptions? = nil
    ) -> Pages<JwtKey> {
        Pages { [self] in
            let pager = try self.pager(applicationId: applicationId, status: status, options: options)
            return { try await pager.nextPage()?.data }
        }
    }
}

extension UsersProtocol {
    /// Every user with `status` (all but deleted ones when nil), fetched page by page as iterated.
    public func list(status: UserStatus? = nil, options: ListOptions? = nil) -> Pages<User> {
        Pages { [self] in
            let pager = try self.pager(status: status, options: options)
            return { try await pager.nextPage()?.data }
        }
    }
}

extension PolicyGroupsProtocol {
    /// Every policy group, fetched page by page as iterated.
    public func list(options: ListOptions? = nil) -> Pages<PolicyGroup> {
        Pages { [self] in
            let pager = try self.pager(options: options)
            return { try await pager.nextPage()?.data }
        }
    }

    /// The applications in group `groupId`, fetched page by page as iterated.
    public func listApplications(groupId: String, options: ListOptions? = nil) -> Pages<Application> {
        Pages { [self] in
            let pager = try self.applicationsPager(id: groupId, options: options)
            return { try await pager.nextPage()?.data }
        }
    }

    /// The users in group `groupId`, fetched page by page as iterated.
    public func listUsers(groupId: String, options: ListOptions? = nil) -> Pages<User> {
        Pages { [self] in
            let pager = try self.usersPager(id: groupId, options: options)
            return { try await pager.nextPage()?.data }
        }
    }
}

extension AccountsProtocol {
    /// Every tenant account (operators only), fetched page by page as iterated.
    public func list(options: ListOptions? = nil) -> Pages<Account> {
        Pages { [self] in
            let pager = try self.pager(options: options)
            return { try await pager.nextPage()?.data }
        }
    }
}

extension Pages {
    /// Every item, read page by page into an array.
    public func collect() async throws -> [Item] {
        var items: [Item] = []
        for try await item in self { items.append(item) }
        return items
    }
}
