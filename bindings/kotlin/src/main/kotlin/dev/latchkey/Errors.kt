package dev.latchkey

import java.time.Duration

// One view of every API error, whatever its kind: uniffi gives each kind its
// own class under `LatchkeyException` (catch `LatchkeyException.NotFound`),
// and cannot give them a common parent class of their own, so the common
// type is this value, read from any of them with `.api`.

/**
 * What the server said, the same for every kind of API error: the HTTP
 * [status], the API's error [type] (`not_found`), the sentence for humans
 * ([message]), the [requestId] to quote to the operator, the [fields]
 * concerned and how long it asked to wait ([retryAfter]).
 */
data class ApiError(
    val status: Int,
    val type: String,
    val message: String,
    val requestId: String?,
    val fields: List<FieldError>,
    val retryAfter: Duration?,
)

/** The server's error answer behind this exception; null for a failure without one (transport, argument, …). */
val LatchkeyException.api: ApiError?
    get() = when (this) {
        is LatchkeyException.Validation -> ApiError(status.toInt(), errorType, reason, requestId, fields, retryAfter)
        is LatchkeyException.Unauthorized -> ApiError(status.toInt(), errorType, reason, requestId, fields, retryAfter)
        is LatchkeyException.Forbidden -> ApiError(status.toInt(), errorType, reason, requestId, fields, retryAfter)
        is LatchkeyException.NotFound -> ApiError(status.toInt(), errorType, reason, requestId, fields, retryAfter)
        is LatchkeyException.MethodNotAllowed -> ApiError(status.toInt(), errorType, reason, requestId, fields, retryAfter)
        is LatchkeyException.Conflict -> ApiError(status.toInt(), errorType, reason, requestId, fields, retryAfter)
        is LatchkeyException.LimitExceeded -> ApiError(status.toInt(), errorType, reason, requestId, fields, retryAfter)
        is LatchkeyException.PayloadTooLarge -> ApiError(status.toInt(), errorType, reason, requestId, fields, retryAfter)
        is LatchkeyException.TooManyRequests -> ApiError(status.toInt(), errorType, reason, requestId, fields, retryAfter)
        is LatchkeyException.ServiceUnavailable -> ApiError(status.toInt(), errorType, reason, requestId, fields, retryAfter)
        is LatchkeyException.Server -> ApiError(status.toInt(), errorType, reason, requestId, fields, retryAfter)
        is LatchkeyException.Api -> ApiError(status.toInt(), errorType, reason, requestId, fields, retryAfter)
        else -> null
    }
