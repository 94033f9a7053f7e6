//! What the server answers, as exported records (Kotlin data classes, Swift
//! structs), and the inputs of creations and updates. Ids are strings
//! (`app_…`), timestamps `Instant`/`Date`, permissions their API strings
//! (`keys:view:own`). Answers that carry a secret (a created key, a created
//! account) are objects whose text form hides it.

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;
use std::time::SystemTime;

use latchkey_client::models as client;
use latchkey_client::types::{
    ApplicationStatus, EffectiveKeyStatus, KeyStatus, Limits, Order, PermissionSet, Plan,
    UserStatus,
};
use zeroize::Zeroizing;

use crate::keys::{JwkMembers, jwk_members};

/// A timestamp as `SystemTime` (Kotlin `Instant`, Swift `Date`).
fn time(at: jiff::Timestamp) -> SystemTime {
    let since_epoch = at.as_duration();
    if since_epoch.is_negative() {
        SystemTime::UNIX_EPOCH - since_epoch.unsigned_abs()
    } else {
        SystemTime::UNIX_EPOCH + since_epoch.unsigned_abs()
    }
}

fn strings<T: ToString>(items: impl IntoIterator<Item = T>) -> Vec<String> {
    items.into_iter().map(|item| item.to_string()).collect()
}

fn permissions(set: PermissionSet) -> Vec<String> {
    strings(set.iter())
}

/// An account (a team, a tenant).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Account {
    /// Id (`acc_…`).
    pub id: String,
    /// Name.
    pub name: String,
    /// Plan.
    pub plan: Plan,
    /// Limits in force.
    pub limits: Limits,
    /// Whether this is the operator account.
    pub operator: bool,
    /// Creation time.
    pub created_at: SystemTime,
    /// Last change.
    pub updated_at: SystemTime,
}

impl From<client::Account> for Account {
    fn from(a: client::Account) -> Self {
        Account {
            id: a.id.to_string(),
            name: a.name,
            plan: a.plan,
            limits: a.limits,
            operator: a.operator,
            created_at: time(a.created_at),
            updated_at: time(a.updated_at),
        }
    }
}

/// A user of an account.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct User {
    /// Id (`usr_…`).
    pub id: String,
    /// Email, unique among the account's active users.
    pub email: String,
    /// Display name.
    pub name: String,
    /// Status.
    pub status: UserStatus,
    /// Policy groups the user belongs to.
    pub group_ids: Vec<String>,
    /// Whether the user has set a console password (through a password
    /// link).
    pub has_password: bool,
    /// Creation time.
    pub created_at: SystemTime,
    /// Last change.
    pub updated_at: SystemTime,
}

impl From<client::User> for User {
    fn from(u: client::User) -> Self {
        User {
            id: u.id.to_string(),
            email: u.email,
            name: u.name,
            status: u.status,
            group_ids: strings(u.group_ids),
            has_password: u.has_password,
            created_at: time(u.created_at),
            updated_at: time(u.updated_at),
        }
    }
}

/// A policy group: a named set of permissions.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct PolicyGroup {
    /// Id (`grp_…`).
    pub id: String,
    /// Name, unique in the account.
    pub name: String,
    /// Description.
    pub description: String,
    /// Permissions granted to members.
    pub permissions: Vec<String>,
    /// Whether this is the built-in `Administrators` group.
    pub built_in: bool,
    /// Creation time.
    pub created_at: SystemTime,
    /// Last change.
    pub updated_at: SystemTime,
}

impl From<client::PolicyGroup> for PolicyGroup {
    fn from(g: client::PolicyGroup) -> Self {
        PolicyGroup {
            id: g.id.to_string(),
            name: g.name,
            description: g.description,
            permissions: permissions(g.permissions),
            built_in: g.built_in,
            created_at: time(g.created_at),
            updated_at: time(g.updated_at),
        }
    }
}

/// An application: the holder of credentials.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Application {
    /// Id (`app_…`).
    pub id: String,
    /// Name, unique among the account's applications that are not revoked.
    pub name: String,
    /// Description.
    pub description: String,
    /// Policy groups whose permissions its credentials get.
    pub group_ids: Vec<String>,
    /// Status.
    pub status: ApplicationStatus,
    /// The user it belongs to.
    pub created_by: String,
    /// Creation time.
    pub created_at: SystemTime,
    /// Last change.
    pub updated_at: SystemTime,
}

impl From<client::Application> for Application {
    fn from(a: client::Application) -> Self {
        Application {
            id: a.id.to_string(),
            name: a.name,
            description: a.description,
            group_ids: strings(a.group_ids),
            status: a.status,
            created_by: a.created_by.to_string(),
            created_at: time(a.created_at),
            updated_at: time(a.updated_at),
        }
    }
}

/// An access key, without its secret.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct AccessKey {
    /// Id (`key_…`).
    pub id: String,
    /// The application it belongs to (never changes).
    pub application_id: String,
    /// Name.
    pub name: String,
    /// Description.
    pub description: String,
    /// Status at the time of the answer (`Expired` is derived).
    pub status: EffectiveKeyStatus,
    /// When it stops working, if ever.
    pub expiration: Option<SystemTime>,
    /// Scopes (immutable); empty means unscoped (the application's rights,
    /// as they change).
    pub scopes: Vec<String>,
    /// `ak_` and the first 8 characters of the key id.
    pub key_prefix: String,
    /// The server the key is for.
    pub api_host: String,
    /// The user it belongs to.
    pub created_by: String,
    /// Creation time.
    pub created_at: SystemTime,
    /// Last change.
    pub updated_at: SystemTime,
    /// Last successful authentication (reported up to a minute late).
    pub last_used_at: Option<SystemTime>,
}

impl From<client::AccessKey> for AccessKey {
    fn from(k: client::AccessKey) -> Self {
        AccessKey {
            id: k.id.to_string(),
            application_id: k.application_id.to_string(),
            name: k.name,
            description: k.description,
            status: k.status,
            expiration: k.expiration.map(time),
            scopes: permissions(k.scopes),
            key_prefix: k.key_prefix,
            api_host: k.api_host,
            created_by: k.created_by.to_string(),
            created_at: time(k.created_at),
            updated_at: time(k.updated_at),
            last_used_at: k.last_used_at.map(time),
        }
    }
}

/// A new access key and its full key string, shown this once. Its text form
/// never shows the key.
#[derive(uniffi::Object)]
#[uniffi::export(Display)]
pub struct CreatedAccessKey {
    access_key: AccessKey,
    key: Zeroizing<String>,
}

impl From<client::CreatedAccessKey> for CreatedAccessKey {
    fn from(created: client::CreatedAccessKey) -> Self {
        let key = Zeroizing::new(created.key().to_owned());
        CreatedAccessKey {
            access_key: created.access_key.into(),
            key,
        }
    }
}

impl fmt::Display for CreatedAccessKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "CreatedAccessKey(id={}, keyPrefix={}, key=[REDACTED])",
            self.access_key.id, self.access_key.key_prefix
        )
    }
}

impl fmt::Debug for CreatedAccessKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

#[uniffi::export]
impl CreatedAccessKey {
    /// The key's record.
    pub fn access_key(&self) -> AccessKey {
        self.access_key.clone()
    }

    /// The key's id (`key_…`).
    pub fn id(&self) -> String {
        self.access_key.id.clone()
    }

    /// The full access key (`ak_…`): store it now, the server never shows it
    /// again.
    pub fn key(&self) -> String {
        self.key.to_string()
    }
}

/// A roll's outcome: the new key with its full key string, shown this once,
/// and the rolled key as it now is (its `expiration` the grace's end). Its
/// text form never shows the key.
#[derive(uniffi::Object)]
#[uniffi::export(Display)]
pub struct RolledAccessKey {
    access_key: AccessKey,
    key: Zeroizing<String>,
    rolled: AccessKey,
}

impl From<client::RolledAccessKey> for RolledAccessKey {
    fn from(rolled: client::RolledAccessKey) -> Self {
        let key = Zeroizing::new(rolled.key().to_owned());
        RolledAccessKey {
            access_key: rolled.access_key.into(),
            key,
            rolled: rolled.rolled.into(),
        }
    }
}

impl fmt::Display for RolledAccessKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "RolledAccessKey(id={}, keyPrefix={}, key=[REDACTED], rolled={})",
            self.access_key.id, self.access_key.key_prefix, self.rolled.id
        )
    }
}

impl fmt::Debug for RolledAccessKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

#[uniffi::export]
impl RolledAccessKey {
    /// The new key's record: the old one's scopes, description and
    /// expiration.
    pub fn access_key(&self) -> AccessKey {
        self.access_key.clone()
    }

    /// The new key's id (`key_…`).
    pub fn id(&self) -> String {
        self.access_key.id.clone()
    }

    /// The new full access key (`ak_…`): store it now, the server never
    /// shows it again.
    pub fn key(&self) -> String {
        self.key.to_string()
    }

    /// The rolled key as it now is: its `expiration` is when it stops
    /// working.
    pub fn rolled(&self) -> AccessKey {
        self.rolled.clone()
    }
}

/// Whether a credential is active and, when it is, whose it is (RFC 7662's
/// shape). An inactive credential carries nothing else, whatever the reason:
/// every other field is then null.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Introspection {
    /// Whether the credential may act now.
    pub active: bool,
    /// `access_key` or `jwt`.
    pub token_type: Option<String>,
    /// Its account (`acc_…`).
    pub account_id: Option<String>,
    /// Its application (`app_…`).
    pub application_id: Option<String>,
    /// The user it acts as (`usr_…`).
    pub user_id: Option<String>,
    /// The access key (`key_…`) or JWT key (`jwk_…`) id.
    pub credential_id: Option<String>,
    /// Its effective permissions, space-separated.
    pub scope: Option<String>,
    /// When it stops working, in seconds since the epoch.
    pub exp: Option<i64>,
}

impl From<client::Introspection> for Introspection {
    fn from(i: client::Introspection) -> Self {
        Introspection {
            active: i.active,
            token_type: i.token_type,
            account_id: i.account_id.map(|id| id.to_string()),
            application_id: i.application_id.map(|id| id.to_string()),
            user_id: i.user_id.map(|id| id.to_string()),
            credential_id: i.credential_id,
            scope: i.scope,
            exp: i.exp,
        }
    }
}

/// A one-time link that sets a user's console password. Whoever opens it
/// can act as the user, so it is an object whose text form hides the link,
/// read through `url()`.
#[derive(uniffi::Object)]
#[uniffi::export(Display)]
pub struct PasswordLink {
    user_id: String,
    expires_at: SystemTime,
    url: Zeroizing<String>,
}

impl From<client::PasswordLink> for PasswordLink {
    fn from(link: client::PasswordLink) -> Self {
        PasswordLink {
            user_id: link.user_id.to_string(),
            expires_at: time(link.expires_at),
            url: Zeroizing::new(link.url().to_owned()),
        }
    }
}

impl fmt::Display for PasswordLink {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PasswordLink(userId={}, url=[REDACTED])", self.user_id)
    }
}

impl fmt::Debug for PasswordLink {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

#[uniffi::export]
impl PasswordLink {
    /// The user whose password it sets (`usr_…`).
    pub fn user_id(&self) -> String {
        self.user_id.clone()
    }

    /// When it stops working (24 hours after it was made).
    pub fn expires_at(&self) -> SystemTime {
        self.expires_at
    }

    /// The link, shown this once: hand it to the user only. It works once;
    /// a newer link for the same user withdraws it.
    pub fn url(&self) -> String {
        self.url.to_string()
    }
}

/// A registered JWT public key.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct JwtKey {
    /// Id (`jwk_…`): the `kid` of the tokens the key signs.
    pub id: String,
    /// The application it belongs to (never changes).
    pub application_id: String,
    /// Name.
    pub name: String,
    /// Description.
    pub description: String,
    /// The JWS algorithm (`EdDSA`, `ES256`, …).
    pub algorithm: String,
    /// The public key as a JWK.
    pub public_key: JwkMembers,
    /// The RFC 7638 thumbprint of the public key.
    pub thumbprint: String,
    /// Status at the time of the answer (`Expired` is derived).
    pub status: EffectiveKeyStatus,
    /// When it stops working, if ever.
    pub expiration: Option<SystemTime>,
    /// Scopes (immutable), as an access key's; empty means unscoped.
    pub scopes: Vec<String>,
    /// The user it belongs to.
    pub created_by: String,
    /// Creation time.
    pub created_at: SystemTime,
    /// Last change.
    pub updated_at: Option<SystemTime>,
    /// Last successful authentication.
    pub last_used_at: Option<SystemTime>,
}

impl From<client::JwtKey> for JwtKey {
    fn from(k: client::JwtKey) -> Self {
        JwtKey {
            id: k.id.to_string(),
            application_id: k.application_id.to_string(),
            name: k.name,
            description: k.description,
            algorithm: k.algorithm,
            public_key: jwk_members(&k.public_key),
            thumbprint: k.thumbprint,
            status: k.status,
            expiration: k.expiration.map(time),
            scopes: permissions(k.scopes),
            created_by: k.created_by.to_string(),
            created_at: time(k.created_at),
            updated_at: k.updated_at.map(time),
            last_used_at: k.last_used_at.map(time),
        }
    }
}

/// A new tenant account with what it starts with. Its text form never shows
/// the key.
#[derive(uniffi::Object)]
#[uniffi::export(Display)]
pub struct CreatedAccount {
    account: Account,
    admin_user: User,
    admin_application: Application,
    access_key: AccessKey,
    key: Zeroizing<String>,
}

impl From<client::CreatedAccount> for CreatedAccount {
    fn from(created: client::CreatedAccount) -> Self {
        let key = Zeroizing::new(created.key().to_owned());
        CreatedAccount {
            account: created.account.into(),
            admin_user: created.admin_user.into(),
            admin_application: created.admin_application.into(),
            access_key: created.access_key.into(),
            key,
        }
    }
}

impl fmt::Display for CreatedAccount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "CreatedAccount(id={}, name={}, key=[REDACTED])",
            self.account.id, self.account.name
        )
    }
}

impl fmt::Debug for CreatedAccount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

#[uniffi::export]
impl CreatedAccount {
    /// The account.
    pub fn account(&self) -> Account {
        self.account.clone()
    }

    /// Its admin user (in `Administrators`).
    pub fn admin_user(&self) -> User {
        self.admin_user.clone()
    }

    /// Its admin application (in `Administrators`).
    pub fn admin_application(&self) -> Application {
        self.admin_application.clone()
    }

    /// The admin application's first access key (its record).
    pub fn access_key(&self) -> AccessKey {
        self.access_key.clone()
    }

    /// The admin application's full access key, shown this once.
    pub fn key(&self) -> String {
        self.key.to_string()
    }
}

/// Which kind of credential a request authenticated with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum CredentialKind {
    /// An access key (`ak_…`).
    AccessKey,
    /// A JWT signed by a registered JWT key.
    JwtKey,
}

/// The credential of `GET /v3/me`.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct CredentialSummary {
    /// Access key or JWT key.
    pub kind: CredentialKind,
    /// The key's id (`key_…` or `jwk_…`).
    pub id: String,
    /// The key's scopes (empty: unscoped).
    pub scopes: Vec<String>,
    /// When the key expires, if ever.
    pub expiration: Option<SystemTime>,
}

/// Who the calling credential is (`GET /v3/me`).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Me {
    /// The credential's account.
    pub account: Account,
    /// The credential's application.
    pub application: Application,
    /// The user the credential belongs to.
    pub user: User,
    /// The credential.
    pub credential: CredentialSummary,
    /// Effective permissions: the application's groups ∩ the key's scopes.
    pub permissions: Vec<String>,
    /// The `aud` JWTs must carry.
    pub jwt_audience: String,
}

impl From<client::Me> for Me {
    fn from(me: client::Me) -> Self {
        let kind = match me.credential.kind {
            client::CredentialKind::JwtKey => CredentialKind::JwtKey,
            _ => CredentialKind::AccessKey,
        };
        Me {
            account: me.account.into(),
            application: me.application.into(),
            user: me.user.into(),
            credential: CredentialSummary {
                kind,
                id: me.credential.id,
                scopes: permissions(me.credential.scopes),
                expiration: me.credential.expiration.map(time),
            },
            permissions: permissions(me.permissions),
            jwt_audience: me.jwt_audience,
        }
    }
}

/// Public facts about the server (`GET /.well-known/latchkey`).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ServerInfo {
    /// The `aud` every JWT must carry.
    pub jwt_audience: String,
    /// The JWS algorithms JWT keys may use.
    pub jwt_algorithms: Vec<String>,
    /// The server's version.
    pub version: String,
}

impl From<client::ServerInfo> for ServerInfo {
    fn from(info: client::ServerInfo) -> Self {
        ServerInfo {
            jwt_audience: info.jwt_audience,
            jwt_algorithms: info.jwt_algorithms,
            version: info.version,
        }
    }
}

/// The outcome of a bulk delete that deleted every key.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct BulkDeleteResult {
    /// Always true in a success.
    pub deleted: bool,
    /// One line per id, in request order.
    pub results: Vec<BulkDeleteItem>,
}

/// One id of a bulk delete.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct BulkDeleteItem {
    /// The key id.
    pub id: String,
    /// `deleted`.
    pub status: String,
}

impl From<client::BulkDeleteResult> for BulkDeleteResult {
    fn from(result: client::BulkDeleteResult) -> Self {
        BulkDeleteResult {
            deleted: result.deleted,
            results: result
                .results
                .into_iter()
                .map(|item| BulkDeleteItem {
                    id: item.id,
                    status: item.status,
                })
                .collect(),
        }
    }
}

/// The page size, cursor, order and total count of a list.
#[derive(Debug, Clone, Default, PartialEq, Eq, uniffi::Record)]
pub struct ListOptions {
    /// Items per page, 1–1000 (the server's default is 50; others are a
    /// `Validation` error).
    #[uniffi(default)]
    pub limit: Option<u32>,
    /// Start after the item with this id.
    #[uniffi(default)]
    pub after: Option<String>,
    /// Creation order (default) or newest first.
    #[uniffi(default)]
    pub order: Option<Order>,
    /// Ask for `total_count`.
    #[uniffi(default)]
    pub include_total_count: bool,
}

impl ListOptions {
    pub(crate) fn params(&self) -> latchkey_client::ListParams {
        let mut params = latchkey_client::ListParams::new();
        if let Some(limit) = self.limit {
            params = params.limit(limit);
        }
        if let Some(after) = &self.after {
            params = params.after(after.clone());
        }
        if let Some(order) = self.order {
            params = params.order(order);
        }
        if self.include_total_count {
            params = params.include_total_count();
        }
        params
    }
}

/// Who acted, as an audit record shows it.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct AuditActor {
    /// The acting user; none for the CLI and the system.
    pub user_id: Option<String>,
    /// The acting credential's application; none in the console.
    pub application_id: Option<String>,
    /// The credential (`key_…`, `jwk_…`, or a console session).
    pub credential_id: Option<String>,
    /// How: `access_key`, `jwt`, `console`, `cli` or `system`.
    pub via: String,
}

/// What an audit record is about.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct AuditTarget {
    /// `account`, `user`, `policy_group`, `application`, `access_key`,
    /// `jwt_key`, ….
    pub kind: String,
    /// Its id.
    pub id: String,
}

/// One field's change in an audit record, each side as JSON text (a field
/// may hold any JSON: parse it with the JSON library of the app).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct AuditChange {
    /// The value before, as JSON text (`null` when the field was new).
    pub before_json: String,
    /// The value after, as JSON text.
    pub after_json: String,
}

/// One entry of the account's audit log (`GET /v3/audit-log`).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct AuditRecord {
    /// Id (`aud_…`), in the order records were written.
    pub id: String,
    /// The account whose log it is in.
    pub account_id: String,
    /// When.
    pub at: SystemTime,
    /// Who.
    pub actor: AuditActor,
    /// What happened (`access_key.create`, `console.sign_in`, …).
    pub action: String,
    /// To what.
    pub target: AuditTarget,
    /// Each field the change touched; never a secret.
    pub changes: HashMap<String, AuditChange>,
    /// The request that made the change.
    pub request_id: Option<String>,
    /// The client's address.
    pub ip: Option<String>,
}

impl From<client::AuditRecord> for AuditRecord {
    fn from(r: client::AuditRecord) -> Self {
        AuditRecord {
            id: r.id,
            account_id: r.account_id.to_string(),
            at: time(r.at),
            actor: AuditActor {
                user_id: r.actor.user_id.map(|id| id.to_string()),
                application_id: r.actor.application_id.map(|id| id.to_string()),
                credential_id: r.actor.credential_id,
                via: r.actor.via,
            },
            action: r.action,
            target: AuditTarget {
                kind: r.target.kind,
                id: r.target.id,
            },
            changes: r
                .changes
                .into_iter()
                .map(|(field, [before, after])| {
                    let change = AuditChange {
                        before_json: before.to_string(),
                        after_json: after.to_string(),
                    };
                    (field, change)
                })
                .collect(),
            request_id: r.request_id,
            ip: r.ip,
        }
    }
}

/// The audit log's filters; every one given must match.
#[derive(Debug, Clone, Default, PartialEq, Eq, uniffi::Record)]
pub struct AuditLogFilter {
    /// Only this action (`access_key.update`, …).
    #[uniffi(default)]
    pub action: Option<String>,
    /// Only records about this object.
    #[uniffi(default)]
    pub target_id: Option<String>,
    /// Only what this user did.
    #[uniffi(default)]
    pub actor_user_id: Option<String>,
    /// Only records at or after this instant.
    #[uniffi(default)]
    pub since: Option<SystemTime>,
    /// Only records at or before this instant.
    #[uniffi(default)]
    pub until: Option<SystemTime>,
}

macro_rules! page {
    ($(#[$doc:meta])* $page:ident of $item:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
        pub struct $page {
            /// The items.
            pub data: Vec<$item>,
            /// Whether more pages follow.
            pub has_more: bool,
            /// The cursor of the next page (the last item's id).
            pub after: Option<String>,
            /// The page size.
            pub limit: u32,
            /// The order.
            pub order: Order,
            /// The number of items of the whole list, when asked for.
            pub total_count: Option<u64>,
        }

        impl From<client::Page<client::$item>> for $page {
            fn from(page: client::Page<client::$item>) -> Self {
                $page {
                    data: page.data.into_iter().map(Into::into).collect(),
                    has_more: page.has_more,
                    after: page.after,
                    limit: page.limit,
                    order: page.order,
                    total_count: page.total_count,
                }
            }
        }
    };
}

page!(/// A page of applications.
    ApplicationPage of Application);
page!(/// A page of access keys.
    AccessKeyPage of AccessKey);
page!(/// A page of JWT keys.
    JwtKeyPage of JwtKey);
page!(/// A page of users.
    UserPage of User);
page!(/// A page of policy groups.
    PolicyGroupPage of PolicyGroup);
page!(/// A page of accounts.
    AccountPage of Account);
page!(/// A page of audit records.
    AuditRecordPage of AuditRecord);

/// A new application.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct NewApplication {
    /// Name, unique among the account's applications that are not revoked.
    pub name: String,
    /// Description.
    #[uniffi(default)]
    pub description: String,
    /// Policy groups (`grp_…`) whose permissions its credentials get.
    #[uniffi(default)]
    pub group_ids: Vec<String>,
    /// Another user (`usr_…`) to own it (needs `users:manage`).
    #[uniffi(default)]
    pub created_by: Option<String>,
}

/// A change to an application: only what is given changes.
#[derive(Debug, Clone, Default, PartialEq, Eq, uniffi::Record)]
pub struct ApplicationUpdate {
    /// New name.
    #[uniffi(default)]
    pub name: Option<String>,
    /// New description.
    #[uniffi(default)]
    pub description: Option<String>,
    /// New status (`Revoked` is terminal).
    #[uniffi(default)]
    pub status: Option<ApplicationStatus>,
}

/// A new access key.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct NewAccessKey {
    /// Name, unique among the account's access keys that are not revoked.
    pub name: String,
    /// Description.
    #[uniffi(default)]
    pub description: String,
    /// Scopes (a subset of the creating user's permissions; immutable).
    /// Empty: unscoped when the calling credential holds every permission;
    /// otherwise the application's current rights become its scopes.
    #[uniffi(default)]
    pub scopes: Vec<String>,
    /// When it stops working.
    #[uniffi(default)]
    pub expiration: Option<SystemTime>,
    /// Another user (`usr_…`) to own it (needs `users:manage`).
    #[uniffi(default)]
    pub created_by: Option<String>,
}

/// A change to an access key or JWT key: only what is given changes.
#[derive(Debug, Clone, Default, PartialEq, Eq, uniffi::Record)]
pub struct KeyUpdate {
    /// New name.
    #[uniffi(default)]
    pub name: Option<String>,
    /// New description.
    #[uniffi(default)]
    pub description: Option<String>,
    /// New stored status (`Revoked` is terminal).
    #[uniffi(default)]
    pub status: Option<KeyStatus>,
    /// A new expiration, or its removal; none keeps it.
    #[uniffi(default)]
    pub expiration: Option<ExpirationChange>,
}

/// What happens to a key's expiration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum ExpirationChange {
    /// The key stops working at `at` (a future one reactivates an expired
    /// key).
    Set {
        /// When the key stops working.
        at: SystemTime,
    },
    /// The key never expires.
    Remove,
}

/// The public key of a new JWT key.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum PublicKeyInput {
    /// SPKI PEM (`-----BEGIN PUBLIC KEY-----`) or an X.509 certificate PEM.
    Pem {
        /// The PEM text.
        pem: String,
    },
    /// A public JWK.
    Jwk {
        /// Its members.
        jwk: JwkMembers,
    },
}

/// A new JWT key.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct NewJwtKey {
    /// Name.
    pub name: String,
    /// The public key.
    pub public_key: PublicKeyInput,
    /// Description.
    #[uniffi(default)]
    pub description: String,
    /// The algorithm (`EdDSA`, `ES256`, …); inferred from the key when absent.
    #[uniffi(default)]
    pub algorithm: Option<String>,
    /// When it stops working.
    #[uniffi(default)]
    pub expiration: Option<SystemTime>,
    /// Scopes its tokens are limited to (immutable), under the same rules as
    /// an access key's: held by the owner, and nothing the calling credential
    /// cannot do (empty: likewise unscoped, or the application's current
    /// rights).
    #[uniffi(default)]
    pub scopes: Vec<String>,
    /// Another user (`usr_…`) to own it (needs `users:manage`).
    #[uniffi(default)]
    pub created_by: Option<String>,
}

/// A new user.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct NewUser {
    /// Email, unique among the account's active users.
    pub email: String,
    /// Display name.
    #[uniffi(default)]
    pub name: String,
    /// Policy groups (`grp_…`).
    #[uniffi(default)]
    pub group_ids: Vec<String>,
}

/// A change to a user: only what is given changes.
#[derive(Debug, Clone, Default, PartialEq, Eq, uniffi::Record)]
pub struct UserUpdate {
    /// New email.
    #[uniffi(default)]
    pub email: Option<String>,
    /// New name.
    #[uniffi(default)]
    pub name: Option<String>,
    /// New policy groups (replaces the list).
    #[uniffi(default)]
    pub group_ids: Option<Vec<String>>,
}

/// A new policy group.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct NewPolicyGroup {
    /// Name, unique in the account.
    pub name: String,
    /// Description.
    #[uniffi(default)]
    pub description: String,
    /// Permissions (`keys:view:own`, `users:manage`, …).
    #[uniffi(default)]
    pub permissions: Vec<String>,
}

/// A change to a policy group: only what is given changes.
#[derive(Debug, Clone, Default, PartialEq, Eq, uniffi::Record)]
pub struct PolicyGroupUpdate {
    /// New name.
    #[uniffi(default)]
    pub name: Option<String>,
    /// New description.
    #[uniffi(default)]
    pub description: Option<String>,
    /// New permissions (replaces the list).
    #[uniffi(default)]
    pub permissions: Option<Vec<String>>,
}

/// A new tenant account (operator only).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct NewTenantAccount {
    /// Name.
    pub name: String,
    /// Plan (the server's default is `Free`).
    #[uniffi(default)]
    pub plan: Option<Plan>,
    /// Limits: required with plan `Custom`, refused otherwise.
    #[uniffi(default)]
    pub limits: Option<Limits>,
    /// Email of the account's admin user.
    #[uniffi(default)]
    pub admin_email: Option<String>,
}

/// A change to an account (operator only): only what is given changes.
#[derive(Debug, Clone, Default, PartialEq, Eq, uniffi::Record)]
pub struct AccountUpdate {
    /// New name.
    #[uniffi(default)]
    pub name: Option<String>,
    /// New plan.
    #[uniffi(default)]
    pub plan: Option<Plan>,
    /// New limits (plan `Custom`).
    #[uniffi(default)]
    pub limits: Option<Limits>,
}

/// The `CreatedAccessKey` object of a client answer.
pub(crate) fn created_access_key(created: client::CreatedAccessKey) -> Arc<CreatedAccessKey> {
    Arc::new(created.into())
}

/// The `CreatedAccount` object of a client answer.
pub(crate) fn created_account(created: client::CreatedAccount) -> Arc<CreatedAccount> {
    Arc::new(created.into())
}
