//! The console's pages: one askama template (`templates/console/`) per
//! struct, and the rows its tables show. Templates escape everything they
//! print.

use askama::Template;
use jiff::Timestamp;
use latchkey_core::resource::{AccessKey, Application, JwtKey, PolicyGroup, User};

use super::web::Problems;

/// A time as people read it in a table (UTC, to the minute).
pub fn when(at: Timestamp) -> String {
    at.strftime("%Y-%m-%d %H:%M UTC").to_string()
}

/// An optional time, or a dash.
pub fn when_or(at: Option<Timestamp>, none: &str) -> String {
    at.map_or_else(|| none.to_owned(), when)
}

/// A time as `<input type="datetime-local">` takes it (UTC).
pub fn input_time(at: Option<Timestamp>) -> String {
    at.map(|at| at.strftime("%Y-%m-%dT%H:%M").to_string())
        .unwrap_or_default()
}

/// What the header shows: the person, the sections they may open, the
/// CSRF token of the sign-out form, and a message about the last change.
#[derive(Debug, Clone)]
pub struct Nav {
    /// Which section is open (`applications`, `access-keys`, …).
    pub section: &'static str,
    /// The person's email.
    pub email: String,
    /// Their account's name.
    pub account_name: String,
    /// The CSRF token of every form.
    pub csrf: String,
    /// Whether the Users section is theirs to see.
    pub users: bool,
    /// Whether the Policy groups section is theirs to see.
    pub groups: bool,
    /// Whether the Account section is theirs to see.
    pub account: bool,
    /// Whether the Audit log is theirs to see.
    pub audit: bool,
    /// What the last change did.
    pub flash: Option<String>,
}

/// The sign-in form.
#[derive(Template)]
#[template(path = "console/sign_in.html")]
pub struct SignInPage {
    pub csrf: String,
    pub next: String,
    pub email: String,
    /// When the email and password open several accounts: (id, name).
    pub accounts: Vec<(String, String)>,
    pub notice: Option<String>,
    pub problems: Problems,
}

/// The form behind a password link (or why the link does not work).
#[derive(Template)]
#[template(path = "console/password.html")]
pub struct PasswordPage {
    pub csrf: String,
    pub token: String,
    /// The link's user; `None` when the link does not work.
    pub email: Option<String>,
    pub problems: Problems,
    pub min_chars: usize,
}

/// An error that is no form's business.
#[derive(Template)]
#[template(path = "console/error.html")]
pub struct ErrorPage {
    pub title: String,
    pub message: String,
}

/// An application in a table.
pub struct AppRow {
    pub id: String,
    pub name: String,
    pub description: String,
    pub status: &'static str,
    pub created_at: String,
}

impl AppRow {
    pub fn new(app: &Application) -> Self {
        AppRow {
            id: app.id.to_string(),
            name: app.name.clone(),
            description: app.description.clone(),
            status: app.status.as_str(),
            created_at: when(app.created_at),
        }
    }
}

/// Applications.
#[derive(Template)]
#[template(path = "console/applications.html")]
pub struct ApplicationsPage {
    pub nav: Nav,
    pub revoked: bool,
    pub rows: Vec<AppRow>,
    pub can_create: bool,
    pub next_page: Option<String>,
}

/// A check box of a list (groups, scopes, permissions).
pub struct Choice {
    pub value: String,
    pub label: String,
    pub checked: bool,
}

/// New application.
#[derive(Template)]
#[template(path = "console/application_new.html")]
pub struct NewApplicationPage {
    pub nav: Nav,
    pub name: String,
    pub description: String,
    pub groups: Vec<Choice>,
    pub problems: Problems,
}

/// A key (access key or JWT key) in a table.
pub struct KeyRow {
    pub id: String,
    pub application_id: String,
    pub application_name: String,
    pub name: String,
    pub detail: String,
    pub status: &'static str,
    pub expiration: String,
    pub last_used: String,
    pub created_at: String,
}

impl KeyRow {
    pub fn access_key(key: &AccessKey, application_name: String, now: Timestamp) -> Self {
        KeyRow {
            id: key.id.to_string(),
            application_id: key.application_id.to_string(),
            application_name,
            name: key.name.clone(),
            detail: key.key_prefix.clone(),
            status: key.status.effective(key.expiration, now).as_str(),
            expiration: when_or(key.expiration, "never"),
            last_used: when_or(key.last_used_at, "never"),
            created_at: when(key.created_at),
        }
    }

    pub fn jwt_key(key: &JwtKey, application_name: String, now: Timestamp) -> Self {
        KeyRow {
            id: key.id.to_string(),
            application_id: key.application_id.to_string(),
            application_name,
            name: key.name.clone(),
            detail: key.algorithm.clone(),
            status: key.status.effective(key.expiration, now).as_str(),
            expiration: when_or(key.expiration, "never"),
            last_used: when_or(key.last_used_at, "never"),
            created_at: when(key.created_at),
        }
    }
}

/// An application: Summary, Attributes, its keys, and what may be done.
#[derive(Template)]
#[template(path = "console/application.html")]
pub struct ApplicationPage {
    pub nav: Nav,
    pub app: AppRow,
    pub owner: String,
    pub groups: Vec<String>,
    pub updated_at: String,
    pub access_keys: Vec<KeyRow>,
    pub jwt_keys: Vec<KeyRow>,
    pub can_create_keys: bool,
    pub can_edit: bool,
    pub can_revoke: bool,
    pub can_delete: bool,
    pub problems: Problems,
}

/// New access key (and New JWT key's shared fields).
#[derive(Template)]
#[template(path = "console/access_key_new.html")]
pub struct NewAccessKeyPage {
    pub nav: Nav,
    pub app: AppRow,
    pub name: String,
    pub description: String,
    pub expiration: String,
    pub scopes: Vec<Choice>,
    pub problems: Problems,
}

/// The key just made, shown this once.
#[derive(Template)]
#[template(path = "console/access_key_created.html")]
pub struct CreatedAccessKeyPage {
    pub nav: Nav,
    pub app: AppRow,
    pub key_id: String,
    pub name: String,
    pub secret: String,
    pub scopes: Vec<String>,
}

/// An access key or a JWT key: Summary, Attributes, Edit, revoke, delete.
#[derive(Template)]
#[template(path = "console/key.html")]
pub struct KeyPage {
    pub nav: Nav,
    pub app: AppRow,
    /// `access-keys` or `jwt-keys` (the path segment).
    pub kind: &'static str,
    /// "access key" or "JWT key".
    pub kind_name: &'static str,
    pub row: KeyRow,
    pub description: String,
    pub stored_status: &'static str,
    pub expiration_input: String,
    pub scopes: Vec<String>,
    pub created_by: String,
    pub updated_at: String,
    /// JWT keys: the thumbprint and the public JWK.
    pub thumbprint: Option<String>,
    pub public_jwk: Option<String>,
    /// Access keys: the server the key is for.
    pub api_host: Option<String>,
    pub can_edit: bool,
    pub can_revoke: bool,
    pub can_delete: bool,
    pub problems: Problems,
}

/// Every access key of the account the person may view.
#[derive(Template)]
#[template(path = "console/access_keys.html")]
pub struct AccessKeysPage {
    pub nav: Nav,
    pub rows: Vec<KeyRow>,
    pub applications: Vec<Choice>,
    pub statuses: Vec<Choice>,
    pub can_delete: bool,
    pub next_page: Option<String>,
    /// The per-id report of the last bulk delete: (id, outcome).
    pub report: Vec<(String, String)>,
    pub problems: Problems,
}

/// Register a JWT key.
#[derive(Template)]
#[template(path = "console/jwt_key_new.html")]
pub struct NewJwtKeyPage {
    pub nav: Nav,
    pub app: AppRow,
    pub name: String,
    pub description: String,
    pub public_key: String,
    pub algorithms: Vec<Choice>,
    pub expiration: String,
    pub scopes: Vec<Choice>,
    pub problems: Problems,
}

/// A user in a table.
pub struct UserRow {
    pub id: String,
    pub email: String,
    pub name: String,
    pub status: &'static str,
    pub has_password: bool,
    pub created_at: String,
}

impl UserRow {
    pub fn new(user: &User) -> Self {
        UserRow {
            id: user.id.to_string(),
            email: user.email.clone(),
            name: user.name.clone(),
            status: user.status.as_str(),
            has_password: user.has_password(),
            created_at: when(user.created_at),
        }
    }
}

/// Users.
#[derive(Template)]
#[template(path = "console/users.html")]
pub struct UsersPage {
    pub nav: Nav,
    pub rows: Vec<UserRow>,
    pub can_manage: bool,
    pub next_page: Option<String>,
}

/// Invite a user.
#[derive(Template)]
#[template(path = "console/user_new.html")]
pub struct NewUserPage {
    pub nav: Nav,
    pub email: String,
    pub name: String,
    pub groups: Vec<Choice>,
    pub problems: Problems,
}

/// A user, with their groups and, just made, a password link.
#[derive(Template)]
#[template(path = "console/user.html")]
pub struct UserPage {
    pub nav: Nav,
    pub user: UserRow,
    pub groups: Vec<Choice>,
    pub can_manage: bool,
    pub is_me: bool,
    /// A password link just made: shown this once.
    pub link: Option<(String, String)>,
    pub problems: Problems,
}

/// A group in a table.
pub struct GroupRow {
    pub id: String,
    pub name: String,
    pub description: String,
    pub built_in: bool,
    pub permissions: usize,
}

impl GroupRow {
    pub fn new(group: &PolicyGroup) -> Self {
        GroupRow {
            id: group.id.to_string(),
            name: group.name.clone(),
            description: group.description.clone(),
            built_in: group.built_in,
            permissions: group.permissions.without_implied().iter().count(),
        }
    }
}

/// One line of the audit log as the console shows it.
pub struct AuditRow {
    pub at: String,
    pub action: String,
    pub target: String,
    pub target_id: String,
    pub actor: String,
    /// `field: before → after`, one per changed field.
    pub changes: Vec<String>,
    pub request_id: String,
    pub ip: String,
}

impl AuditRow {
    pub fn new(record: latchkey_core::audit::AuditRecord) -> Self {
        let show = |value: &serde_json::Value| match value {
            serde_json::Value::Null => "—".to_owned(),
            serde_json::Value::String(text) => text.clone(),
            other => other.to_string(),
        };
        let who = &record.actor;
        let actor = match (who.user_id, &who.credential_id) {
            (Some(user), Some(credential)) => format!("{user} ({} {credential})", who.via.as_str()),
            (Some(user), None) => format!("{user} ({})", who.via.as_str()),
            (None, Some(credential)) => format!("{} {credential}", who.via.as_str()),
            (None, None) => who.via.as_str().to_owned(),
        };
        AuditRow {
            at: record.at.strftime("%Y-%m-%d %H:%M:%S UTC").to_string(),
            action: record.action.as_str().to_owned(),
            target: serde_json::to_value(record.target.kind)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default(),
            target_id: record.target.id,
            actor,
            changes: record
                .changes
                .iter()
                .map(|(field, [before, after])| {
                    format!("{field}: {} → {}", show(before), show(after))
                })
                .collect(),
            request_id: record.request_id.unwrap_or_default(),
            ip: record.ip.map(|ip| ip.to_string()).unwrap_or_default(),
        }
    }
}

/// An action of the audit page's filter.
pub struct ActionChoice {
    pub name: &'static str,
    pub selected: bool,
}

/// The audit log, newest first, with its filters.
#[derive(Template)]
#[template(path = "console/audit.html")]
pub struct AuditPage {
    pub nav: Nav,
    pub rows: Vec<AuditRow>,
    /// Every action, for the filter.
    pub actions: Vec<ActionChoice>,
    /// The filters as given.
    pub action: String,
    pub target_id: String,
    /// The query of the next (older) page, if there is one.
    pub older: Option<String>,
}

/// Policy groups.
#[derive(Template)]
#[template(path = "console/groups.html")]
pub struct GroupsPage {
    pub nav: Nav,
    pub rows: Vec<GroupRow>,
    pub can_manage: bool,
}

/// New policy group.
#[derive(Template)]
#[template(path = "console/group_new.html")]
pub struct NewGroupPage {
    pub nav: Nav,
    pub name: String,
    pub description: String,
    pub permissions: Vec<Choice>,
    pub problems: Problems,
}

/// A policy group, its permissions and its members.
#[derive(Template)]
#[template(path = "console/group.html")]
pub struct GroupPage {
    pub nav: Nav,
    pub group: GroupRow,
    pub permissions: Vec<Choice>,
    pub users: Vec<UserRow>,
    pub applications: Vec<AppRow>,
    /// Users and applications that could be added: (id, label).
    pub other_users: Vec<(String, String)>,
    pub other_applications: Vec<(String, String)>,
    pub can_manage: bool,
    pub problems: Problems,
}

/// One limit and how much of it is used.
pub struct Usage {
    pub what: String,
    pub used: u64,
    pub limit: u32,
}

/// The account, its plan, limits and usage.
#[derive(Template)]
#[template(path = "console/account.html")]
pub struct AccountPage {
    pub nav: Nav,
    pub id: String,
    pub name: String,
    pub plan: &'static str,
    pub operator: bool,
    pub created_at: String,
    pub usage: Vec<Usage>,
    pub can_edit: bool,
    pub problems: Problems,
}

/// Change one's password.
#[derive(Template)]
#[template(path = "console/password_change.html")]
pub struct PasswordChangePage {
    pub nav: Nav,
    pub problems: Problems,
    pub min_chars: usize,
}
