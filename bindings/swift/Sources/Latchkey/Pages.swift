// Every list is lazy, as Kotlin's `list` Flow:
// `for try await app in client.applications().list()`; `cargo xtask codegen`
// writes one per exported pager in Lists.swift. A pull-based
// AsyncSequence over the Rust client's pager (the generated `pager(...)`,
// one request per `nextPage()`, following the cursor), not an
// AsyncThrowingStream fed by a task: a stream's producer would run ahead and
// fetch pages nobody reads, while here the next page is fetched only when the
// loop asks for the item after the last one of the current page, so leaving
// the loop stops the requests.

import Foundation

/// The items of page after page of one list, fetched as iterated.
/// (Swift concurrency: macOS 10.15 and iOS 13, the package's `platforms`.)
@available(macOS 10.15, iOS 13, tvOS 13, watchOS 6, *)
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
        var nextPage: (@Sendable () async throws -> [Item]?)?
        var buffer: [Item] = []
        var index = 0
        var done = false

        public mutating func next() async throws -> Item? {
            while index >= buffer.count {
                if done { return nil }
                if nextPage == nil { nextPage = try open() }
                guard let items = try await nextPage!() else {
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

@available(macOS 10.15, iOS 13, tvOS 13, watchOS 6, *)
extension Pages {
    /// Every item, read page by page into an array.
    public func collect() async throws -> [Item] {
        var items: [Item] = []
        for try await item in self { items.append(item) }
        return items
    }
}
