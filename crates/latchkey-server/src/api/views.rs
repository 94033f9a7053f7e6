//! What the API shows: every resource as JSON with `"object": "<type>"`, and
//! the list envelope.

use jiff::Timestamp;
use latchkey_core::id::IdKind;
use latchkey_core::list::{Order, Page, PageRequest};
use latchkey_core::permission::PermissionSet;
use latchkey_core::plan::{Limits, Plan};
use latchkey_core::resource::{AccessKey, Account, Application, JwtKey, PolicyGroup, User};
use latchkey_core::status::{ApplicationStatus, EffectiveKeyStatus, UserStatus};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A page of a list.
#[derive(Debug, Serialize, ToSchema)]
pub struct List<T> {
    /// Always `list`.
    #[schema(example = "list")]
    pub object: &'static str,
    /// The items.
    pub data: Vec<T>,
    /// Whether more items follow.
    pub has_more: bool,
    /// The id of the last item of this page (pass it as `after` for the next
    /// page), or null when the page is empty.
    pub after: Option<String>,
    /// The page size asked for.
    pub limit: u32,
    /// The order.
    #[schema(schema_with = super::schema::order)]
    pub order: Order,
    /// Every matching item, when asked for with `include=total_count`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub total_count: Option<u64>,
}

impl<T> List<T> {
    /// The envelope of `page`, whose items are `T` with ids given by `id`.
    pub fn new<K: IdKind, U>(
        page: Page<U>,
        request: &PageRequest<latchkey_core::id::Id<K>>,
        id: impl Fn(&U) -> String,
        view: impl FnMut(U) -> T,
    ) -> Self {
        let after = page.data.last().map(id);
        List {
            object: "list",
            after,
            has_more: page.has_more,
            total_count: page.total_count,
            limit: request.limit,
            order: request.order,
            data: page.data.into_iter().map(view).collect(),
        }
    }
}

/// Limits of an account: active items it may hold.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LimitsView {
    /// Applications per account.
    #[schema(minimum = 0)]
    pub applications: u32,
    /// Access keys per application.
    #[schema(minimum = 0)]
    pub access_keys_per_application: u32,
    /// JWT keys per application.
    #[schema(minimum = 0)]
    pub jwt_keys_per_application: u32,
}

impl From<Limits> for LimitsView {
    fn from(limits: Limits) -> Self {
        LimitsView {
            applications: limits.applications,
            access_keys_per_application: limits.access_keys_per_application,
            jwt_keys_per_application: limits.jwt_keys_per_application,
        }
    }
}

impl From<LimitsView> for Limits {
    fn from(limits: LimitsView) -> Self {
        Limits {
            applications: limits.applications,
            access_keys_per_application: limits.access_keys_per_application,
            jwt_keys_per_application: limits.jwt_keys_per_application,
        }
    }
}

/// An account.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = Account)]
pub struct AccountView {
    /// Always `account`.
    #[schema(example = "account")]
    pub object: &'static str,
    /// Id (`acc_…`).
    #[schema(value_type = String)]
    pub id: latchkey_core::id::AccountId,
    /// Name.
    pub name: String,
    /// Plan.
    #[schema(schema_with = super::schema::plan)]
    pub plan: Plan,
    /// Limits in force.
    pub limits: LimitsView,
    /// Whether this is the operator account.
    pub operator: bool,
    /// Creation time (RFC 3339).
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Timestamp,
    /// Last change.
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: Timestamp,
}

impl From<Account> for AccountView {
    fn from(account: Account) -> Self {
        AccountView {
            object: "account",
            id: account.id,
            name: account.name,
            plan: account.plan,
            limits: account.limits.into(),
            operator: account.operator,
            created_at: account.created_at,
            updated_at: account.updated_at,
        }
    }
}

/// An account's key policy.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = KeyPolicy)]
pub struct KeyPolicyView {
    /// Always `key_policy`.
    #[schema(example = "key_policy")]
    pub object: &'static str,
    /// Longest a key may live, from creation to expiration, in days; `null`: no limit.
    pub max_key_lifetime_days: Option<u32>,
    /// Whether every new key must have an expiration.
    pub require_expiration: bool,
    /// Keys unused for this many days are deactivated; `null`: never.
    pub deactivate_unused_after_days: Option<u32>,
    /// `revoke`, `deactivate` or `notify`.
    #[schema(schema_with = super::schema::exposed_key_action)]
    pub exposed_key_action: latchkey_core::resource::ExposedKeyAction,
}

impl From<latchkey_core::resource::KeyPolicy> for KeyPolicyView {
    fn from(policy: latchkey_core::resource::KeyPolicy) -> Self {
        KeyPolicyView {
            object: "key_policy",
            max_key_lifetime_days: policy.max_key_lifetime_days,
            require_expiration: policy.require_expiration,
            deactivate_unused_after_days: policy.deactivate_unused_after_days,
            exposed_key_action: policy.exposed_key_action,
        }
    }
}

/// A user.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = User)]
pub struct UserView {
    /// Always `user`.
    #[schema(example = "user")]
    pub object: &'static str,
    /// Id (`usr_…`).
    #[schema(value_type = String)]
    pub id: latchkey_core::id::UserId,
    /// Email, unique among the account's active users.
    pub email: String,
    /// Display name.
    pub name: String,
    /// Status.
    #[schema(schema_with = super::schema::user_status)]
    pub status: UserStatus,
    /// Policy groups the user belongs to.
    #[schema(value_type = Vec<String>)]
    pub group_ids: Vec<latchkey_core::id::PolicyGroupId>,
    /// Whether the user has set a console password (through a password link).
    pub has_password: bool,
    /// Creation time.
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Timestamp,
    /// Last change.
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: Timestamp,
}

impl From<User> for UserView {
    fn from(user: User) -> Self {
        UserView {
            object: "user",
            id: user.id,
            has_password: user.has_password(),
            email: user.email,
            name: user.name,
            status: user.status,
            group_ids: user.group_ids,
            created_at: user.created_at,
            updated_at: user.updated_at,
        }
    }
}

/// A policy group.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = PolicyGroup)]
pub struct PolicyGroupView {
    /// Always `policy_group`.
    #[schema(example = "policy_group")]
    pub object: &'static str,
    /// Id (`grp_…`).
    #[schema(value_type = String)]
    pub id: latchkey_core::id::PolicyGroupId,
    /// Name, unique in the account.
    pub name: String,
    /// Description.
    pub description: String,
    /// Permissions granted to members.
    #[schema(schema_with = super::schema::group_permissions)]
    pub permissions: PermissionSet,
    /// Whether this is the built-in `Administrators` group.
    pub built_in: bool,
    /// Creation time.
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Timestamp,
    /// Last change.
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: Timestamp,
}

impl From<PolicyGroup> for PolicyGroupView {
    fn from(group: PolicyGroup) -> Self {
        PolicyGroupView {
            object: "policy_group",
            id: group.id,
            name: group.name,
            description: group.description,
            permissions: group.permissions,
            built_in: group.built_in,
            created_at: group.created_at,
            updated_at: group.updated_at,
        }
    }
}

/// An application.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = Application)]
pub struct ApplicationView {
    /// Always `application`.
    #[schema(example = "application")]
    pub object: &'static str,
    /// Id (`app_…`).
    #[schema(value_type = String)]
    pub id: latchkey_core::id::ApplicationId,
    /// Name, unique among the account's applications that are not revoked.
    pub name: String,
    /// Description.
    pub description: String,
    /// Policy groups whose permissions its credentials get.
    #[schema(value_type = Vec<String>)]
    pub group_ids: Vec<latchkey_core::id::PolicyGroupId>,
    /// Status.
    #[schema(schema_with = super::schema::application_status)]
    pub status: ApplicationStatus,
    /// The user it belongs to.
    #[schema(value_type = String)]
    pub created_by: latchkey_core::id::UserId,
    /// Creation time.
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Timestamp,
    /// Last change.
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: Timestamp,
}

impl From<Application> for ApplicationView {
    fn from(app: Application) -> Self {
        ApplicationView {
            object: "application",
            id: app.id,
            name: app.name,
            description: app.description,
            group_ids: app.group_ids,
            status: app.status,
            created_by: app.created_by,
            created_at: app.created_at,
            updated_at: app.updated_at,
        }
    }
}

/// An access key (never its secret).
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = AccessKey)]
pub struct AccessKeyView {
    /// Always `access_key`.
    #[schema(example = "access_key")]
    pub object: &'static str,
    /// Id (`key_…`).
    #[schema(value_type = String)]
    pub id: latchkey_core::id::AccessKeyId,
    /// The application it belongs to (never changes).
    #[schema(value_type = String)]
    pub application_id: latchkey_core::id::ApplicationId,
    /// Name, unique among the account's access keys that are not revoked.
    pub name: String,
    /// Description.
    pub description: String,
    /// Status at the time of the response (`expired` is derived).
    #[schema(schema_with = super::schema::effective_key_status)]
    pub status: EffectiveKeyStatus,
    /// When it stops working, if ever.
    #[schema(value_type = Option<String>, format = DateTime)]
    pub expiration: Option<Timestamp>,
    /// Scopes (immutable); empty: unscoped (the application's rights, as
    /// they change).
    #[schema(schema_with = super::schema::scopes)]
    pub scopes: PermissionSet,
    /// `ak_` and the first 8 characters of the key id.
    pub key_prefix: String,
    /// The server the key is for.
    pub api_host: String,
    /// The user it belongs to.
    #[schema(value_type = String)]
    pub created_by: latchkey_core::id::UserId,
    /// Creation time.
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Timestamp,
    /// Last change.
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: Timestamp,
    /// Last successful authentication (coalesced: up to a minute late).
    #[schema(value_type = Option<String>, format = DateTime)]
    pub last_used_at: Option<Timestamp>,
}

impl AccessKeyView {
    /// The key as shown at `now`.
    pub fn new(key: AccessKey, now: Timestamp) -> Self {
        AccessKeyView {
            object: "access_key",
            status: key.effective_status(now),
            id: key.id,
            application_id: key.application_id,
            name: key.name,
            description: key.description,
            expiration: key.expiration,
            scopes: key.scopes,
            key_prefix: key.key_prefix,
            api_host: key.api_host,
            created_by: key.created_by,
            created_at: key.created_at,
            updated_at: key.updated_at,
            last_used_at: key.last_used_at,
        }
    }
}

/// A new access key, with its secret string: shown this once, never again.
#[derive(Serialize, ToSchema)]
#[schema(as = CreatedAccessKey)]
pub struct CreatedAccessKeyView {
    /// The key.
    #[serde(flatten)]
    pub key: AccessKeyView,
    /// The full access key (`ak_…`). Store it now: it is never shown again.
    #[serde(rename = "key")]
    #[schema(rename = "key")]
    pub secret: String,
}

/// A roll's answer: the new key, its full key string shown once, and the
/// rolled key as it now is (expiring at the grace's end).
#[derive(Serialize, ToSchema)]
#[schema(as = RolledAccessKey)]
pub struct RolledAccessKeyView {
    /// The new key.
    #[serde(flatten)]
    pub key: AccessKeyView,
    /// The new full access key (`ak_…`). Store it now: it is never shown again.
    #[serde(rename = "key")]
    #[schema(rename = "key")]
    pub secret: String,
    /// The rolled key: its `expiration` is when it stops working.
    pub rolled: AccessKeyView,
}

impl std::fmt::Debug for RolledAccessKeyView {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RolledAccessKeyView")
            .field("key", &self.key)
            .field("rolled", &self.rolled)
            .finish_non_exhaustive()
    }
}

impl std::fmt::Debug for CreatedAccessKeyView {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CreatedAccessKeyView")
            .field("key", &self.key)
            .finish_non_exhaustive()
    }
}

/// A JWT key: a registered public key whose holder signs its own tokens.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = JwtKey)]
pub struct JwtKeyView {
    /// Always `jwt_key`.
    #[schema(example = "jwt_key")]
    pub object: &'static str,
    /// Id (`jwk_…`): the `kid` tokens signed with this key carry.
    #[schema(value_type = String)]
    pub id: latchkey_core::id::JwtKeyId,
    /// The application it belongs to (never changes): the `iss` and `sub`
    /// of its tokens.
    #[schema(value_type = String)]
    pub application_id: latchkey_core::id::ApplicationId,
    /// Name, unique among the account's JWT keys that are not revoked.
    pub name: String,
    /// Description.
    pub description: String,
    /// The one JWS algorithm its tokens must use.
    #[schema(example = "EdDSA")]
    pub algorithm: String,
    /// The public key as a JWK, with `kid` (the key's id) and `alg`.
    #[schema(value_type = Object)]
    pub public_key: serde_json::Map<String, serde_json::Value>,
    /// RFC 7638 SHA-256 thumbprint of the public key (base64url).
    pub thumbprint: String,
    /// Status at the time of the response (`expired` is derived).
    #[schema(schema_with = super::schema::effective_key_status)]
    pub status: EffectiveKeyStatus,
    /// When it stops working, if ever.
    #[schema(value_type = Option<String>, format = DateTime)]
    pub expiration: Option<Timestamp>,
    /// Scopes (immutable); empty: unscoped (the application's rights, as
    /// they change).
    #[schema(schema_with = super::schema::scopes)]
    pub scopes: PermissionSet,
    /// The user it belongs to.
    #[schema(value_type = String)]
    pub created_by: latchkey_core::id::UserId,
    /// Creation time.
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Timestamp,
    /// Last change.
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: Timestamp,
    /// Last successful authentication (coalesced: up to a minute late).
    #[schema(value_type = Option<String>, format = DateTime)]
    pub last_used_at: Option<Timestamp>,
}

impl JwtKeyView {
    /// The key as shown at `now`.
    pub fn new(key: JwtKey, now: Timestamp) -> Self {
        JwtKeyView {
            object: "jwt_key",
            status: key.effective_status(now),
            id: key.id,
            application_id: key.application_id,
            name: key.name,
            description: key.description,
            algorithm: key.algorithm,
            public_key: key.public_jwk,
            thumbprint: key.thumbprint,
            expiration: key.expiration,
            scopes: key.scopes,
            created_by: key.created_by,
            created_at: key.created_at,
            updated_at: key.updated_at,
            last_used_at: key.last_used_at,
        }
    }
}

/// A JSON Web Key Set (RFC 7517): the application's active public keys.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = JwkSet)]
pub struct JwkSetView {
    /// Each active key as a JWK with `kid` and `alg`.
    #[schema(value_type = Vec<Object>)]
    pub keys: Vec<serde_json::Map<String, serde_json::Value>>,
}
