// Written by `cargo xtask codegen` from the generated models (checked by
// `cargo xtask check`): the client's models, whose FFI the client crate
// derives, under the package of the rest of the SDK.

package dev.latchkey

/** [dev.latchkey.models.AccessKey] */
public typealias AccessKey = dev.latchkey.models.AccessKey
/** [dev.latchkey.models.AccessKeyId] */
public typealias AccessKeyId = dev.latchkey.models.AccessKeyId
/** [dev.latchkey.models.Account] */
public typealias Account = dev.latchkey.models.Account
/** [dev.latchkey.models.AccountId] */
public typealias AccountId = dev.latchkey.models.AccountId
/** [dev.latchkey.models.Application] */
public typealias Application = dev.latchkey.models.Application
/** [dev.latchkey.models.ApplicationId] */
public typealias ApplicationId = dev.latchkey.models.ApplicationId
/** [dev.latchkey.models.ApplicationStatus] */
public typealias ApplicationStatus = dev.latchkey.models.ApplicationStatus
/** [dev.latchkey.models.AuditActor] */
public typealias AuditActor = dev.latchkey.models.AuditActor
/** [dev.latchkey.models.AuditChange] */
public typealias AuditChange = dev.latchkey.models.AuditChange
/** [dev.latchkey.models.AuditChanges] */
public typealias AuditChanges = dev.latchkey.models.AuditChanges
/** [dev.latchkey.models.AuditRecord] */
public typealias AuditRecord = dev.latchkey.models.AuditRecord
/** [dev.latchkey.models.AuditTarget] */
public typealias AuditTarget = dev.latchkey.models.AuditTarget
/** [dev.latchkey.models.BulkDeleteItem] */
public typealias BulkDeleteItem = dev.latchkey.models.BulkDeleteItem
/** [dev.latchkey.models.BulkDeleteResult] */
public typealias BulkDeleteResult = dev.latchkey.models.BulkDeleteResult
/** [dev.latchkey.models.CredentialKind] */
public typealias CredentialKind = dev.latchkey.models.CredentialKind
/** [dev.latchkey.models.CredentialSummary] */
public typealias CredentialSummary = dev.latchkey.models.CredentialSummary
/** [dev.latchkey.models.EffectiveKeyStatus] */
public typealias EffectiveKeyStatus = dev.latchkey.models.EffectiveKeyStatus
/** [dev.latchkey.models.ExposedKeyAction] */
public typealias ExposedKeyAction = dev.latchkey.models.ExposedKeyAction
/** [dev.latchkey.models.Introspection] */
public typealias Introspection = dev.latchkey.models.Introspection
/** [dev.latchkey.models.JwtKey] */
public typealias JwtKey = dev.latchkey.models.JwtKey
/** [dev.latchkey.models.JwtKeyId] */
public typealias JwtKeyId = dev.latchkey.models.JwtKeyId
/** [dev.latchkey.models.KeyPolicy] */
public typealias KeyPolicy = dev.latchkey.models.KeyPolicy
/** [dev.latchkey.models.KeyStatus] */
public typealias KeyStatus = dev.latchkey.models.KeyStatus
/** [dev.latchkey.models.Limits] */
public typealias Limits = dev.latchkey.models.Limits
/** [dev.latchkey.models.Me] */
public typealias Me = dev.latchkey.models.Me
/** [dev.latchkey.models.Order] */
public typealias Order = dev.latchkey.models.Order
/** [dev.latchkey.models.PermissionSet] */
public typealias PermissionSet = dev.latchkey.models.PermissionSet
/** [dev.latchkey.models.Plan] */
public typealias Plan = dev.latchkey.models.Plan
/** [dev.latchkey.models.PolicyGroup] */
public typealias PolicyGroup = dev.latchkey.models.PolicyGroup
/** [dev.latchkey.models.PolicyGroupId] */
public typealias PolicyGroupId = dev.latchkey.models.PolicyGroupId
/** [dev.latchkey.models.PublicJwk] */
public typealias PublicJwk = dev.latchkey.models.PublicJwk
/** [dev.latchkey.models.ServerInfo] */
public typealias ServerInfo = dev.latchkey.models.ServerInfo
/** [dev.latchkey.models.Timestamp] */
public typealias Timestamp = dev.latchkey.models.Timestamp
/** [dev.latchkey.models.User] */
public typealias User = dev.latchkey.models.User
/** [dev.latchkey.models.UserId] */
public typealias UserId = dev.latchkey.models.UserId
/** [dev.latchkey.models.UserStatus] */
public typealias UserStatus = dev.latchkey.models.UserStatus
