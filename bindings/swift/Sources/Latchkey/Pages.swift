// Lazy page-following for every list that has a `listPage` call, as Kotlin's
// `listFlow`: `for try await item in client.applications().listSequence()`.
// A pull-based AsyncSequence, not an AsyncThrowingStream fed by a task: a
// stream's producer would run ahead and fetch pages nobody reads, while here
// the next page is fetched only when the loop asks for the item after the
// last one of the current page, so leaving the loop stops the requests.

import Foundation

/// One page as `Pages` needs it: its items and the cursor of the next page, if any.
struct PageStep<Item> {
    let items: [Item]
    let next: String?

    init(_ items: [Item], hasMore: Bool, after: String?) {
        self.items = items
        self.next = hasMore ? after : nil
    }
}

/// The items of page after page of one list, fetched as iterated.
public struct Pages<Item>: AsyncSequence {
    public typealias Element = Item

    let options: ListOptions
    let fetch: @Sendable (ListOptions) async throws -> PageStep<Item>

    /// Pages from `options` (its `after` included), moving only the cursor.
    init(_ options: ListOptions?, fetch: @escaping @Sendable (ListOptions) async throws -> PageStep<Item>) {
        self.options = options ?? ListOptions()
        self.fetch = fetch
    }

    public func makeAsyncIterator() -> Iterator {
        Iterator(options: options, fetch: fetch, cursor: options.after)
    }

    /// Reads a page when the current one is used up.
    public struct Iterator: AsyncIteratorProtocol {
        let options: ListOptions
        let fetch: @Sendable (ListOptions) async throws -> PageStep<Item>
        var cursor: String?
        var buffer: [Item] = []
        var index = 0
        var started = false

        public mutating func next() async throws -> Item? {
            while index >= buffer.count {
                if started && cursor == nil { return nil }
                var request = options
                request.after = cursor
                let page = try await fetch(request)
                started = true
                buffer = page.items
                index = 0
                cursor = page.next
            }
            defer { index += 1 }
            return buffer[index]
        }
    }
}

extension ApplicationsProtocol {
    /// Every application with `status` (all when nil), fetched page by page as iterated.
    public func listSequence(status: ApplicationStatus? = nil, options: ListOptions? = nil) -> Pages<Application> {
        Pages(options) { [self] in
            let page = try await self.listPage(status: status, options: $0)
            return PageStep(page.data, hasMore: page.hasMore, after: page.after)
        }
    }
}

extension AccessKeysProtocol {
    /// Every access key of application `applicationId`, fetched page by page as iterated.
    public func listSequence(
        applicationId: String, status: EffectiveKeyStatus? = nil, options: ListOptions? = nil
    ) -> Pages<AccessKey> {
        Pages(options) { [self] in
            let page = try await self.listPage(applicationId: applicationId, status: status, options: $0)
            return PageStep(page.data, hasMore: page.hasMore, after: page.after)
        }
    }
}

extension JwtKeysProtocol {
    /// Every JWT key of application `applicationId`, fetched page by page as iterated.
    public func listSequence(
        applicationId: String, status: EffectiveKeyStatus? = nil, options: ListOptions? = nil
    ) -> Pages<JwtKey> {
        Pages(options) { [self] in
            let page = try await self.listPage(applicationId: applicationId, status: status, options: $0)
            return PageStep(page.data, hasMore: page.hasMore, after: page.after)
        }
    }
}

extension UsersProtocol {
    /// Every user with `status` (all when nil), fetched page by page as iterated.
    public func listSequence(status: UserStatus? = nil, options: ListOptions? = nil) -> Pages<User> {
        Pages(options) { [self] in
            let page = try await self.listPage(status: status, options: $0)
            return PageStep(page.data, hasMore: page.hasMore, after: page.after)
        }
    }
}

extension PolicyGroupsProtocol {
    /// Every policy group, fetched page by page as iterated.
    public func listSequence(options: ListOptions? = nil) -> Pages<PolicyGroup> {
        Pages(options) { [self] in
            let page = try await self.listPage(options: $0)
            return PageStep(page.data, hasMore: page.hasMore, after: page.after)
        }
    }
}

extension AccountsProtocol {
    /// Every tenant account (operators only), fetched page by page as iterated.
    public func listSequence(options: ListOptions? = nil) -> Pages<Account> {
        Pages(options) { [self] in
            let page = try await self.listPage(options: $0)
            return PageStep(page.data, hasMore: page.hasMore, after: page.after)
        }
    }
}
