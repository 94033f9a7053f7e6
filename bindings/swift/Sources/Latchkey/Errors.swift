// One type for every API error, whatever its kind: uniffi gives each kind its
// own case of `LatchkeyError` (`catch LatchkeyError.NotFound`), and Swift
// enum cases have no common parent, so the common type is this value, read
// from any of them with `.api` or from any thrown error with
// `ApiError(error)`; it is an `Error` itself, for code that rethrows it.

import Foundation

/// What the server said, the same for every kind of API error:
/// `catch { if let api = ApiError(error) { print(api.status, api.requestId ?? "") } }`.
public struct ApiError: Swift.Error, Equatable, Hashable, Sendable {
    /// The HTTP status.
    public let status: Int
    /// The API's error type (`not_found`).
    public let type: String
    /// The sentence for humans.
    public let message: String
    /// The request id to quote to the operator.
    public let requestId: String?
    /// The fields concerned.
    public let fields: [FieldError]
    /// How long the server asked to wait.
    public let retryAfter: TimeInterval?

    /// The API error behind `error`, or nil when it is not one (a transport
    /// failure, a bad argument, a token fault, …).
    public init?(_ error: any Swift.Error) {
        guard let api = (error as? LatchkeyError)?.api else { return nil }
        self = api
    }

    init(
        status: Int, type: String, message: String, requestId: String?, fields: [FieldError],
        retryAfter: TimeInterval?
    ) {
        self.status = status
        self.type = type
        self.message = message
        self.requestId = requestId
        self.fields = fields
        self.retryAfter = retryAfter
    }
}

extension ApiError: LocalizedError {
    /// The server's sentence.
    public var errorDescription: String? { message }
}

extension LatchkeyError {
    /// The server's error answer behind this error; nil for a failure without one.
    public var api: ApiError? {
        switch self {
        case let .Validation(status, type, message, requestId, fields, retryAfter),
            let .Unauthorized(status, type, message, requestId, fields, retryAfter),
            let .Forbidden(status, type, message, requestId, fields, retryAfter),
            let .NotFound(status, type, message, requestId, fields, retryAfter),
            let .MethodNotAllowed(status, type, message, requestId, fields, retryAfter),
            let .Conflict(status, type, message, requestId, fields, retryAfter),
            let .LimitExceeded(status, type, message, requestId, fields, retryAfter),
            let .PayloadTooLarge(status, type, message, requestId, fields, retryAfter),
            let .TooManyRequests(status, type, message, requestId, fields, retryAfter),
            let .ServiceUnavailable(status, type, message, requestId, fields, retryAfter),
            let .Server(status, type, message, requestId, fields, retryAfter),
            let .Api(status, type, message, requestId, fields, retryAfter):
            return ApiError(
                status: Int(status), type: type, message: message, requestId: requestId, fields: fields,
                retryAfter: retryAfter)
        default:
            return nil
        }
    }
}
