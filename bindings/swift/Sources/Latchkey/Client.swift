// What the generated `LatchkeyClient` spells differently from the other SDKs.

import Foundation

extension LatchkeyClient {
    /// Drops this client's connections: later calls, through it or the
    /// resource objects made from it, throw `LatchkeyError.ClientClosed`.
    /// Closing twice is harmless.
    public func close() {
        shutdown()
    }
}
