//! The audit log: who changed what, how, and from where.
//!
//! Every write that changes data takes an [`Acting`] (the [`Actor`] whose
//! rights bound the write, with how it authenticated, the request id and
//! the client's address), and the store writes an [`AuditRecord`] in the
//! same transaction as the change, built from the rows it read and wrote
//! there. A change without its record, or a record without its change,
//! cannot be committed.
//!
//! The fields a record shows of a resource are listed per type by
//! [`Audited`]: an allow-list, never the serialized record minus a deny-list,
//! so that a field added to a resource later (a digest, a hash) stays out of
//! the log until someone decides it belongs there.

use std::collections::BTreeMap;
use std::fmt;
use std::net::IpAddr;
use std::str::FromStr;

use jiff::Timestamp;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value, json};

use crate::authorize::{Credential, Principal};
use crate::delegation::Actor;
use crate::id::{AccountId, ApplicationId, AuditRecordId, SessionId, UserId};
use crate::permission::PermissionSet;
use crate::resource::{AccessKey, Account, Application, JwtKey, PolicyGroup, User};

/// How the actor reached the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Via {
    /// An access key in a request's `Authorization` header.
    AccessKey,
    /// A JWT signed by a registered JWT key.
    Jwt,
    /// A person in the console (a session, or signing in).
    Console,
    /// `latchkey admin …` against the data file or database.
    Cli,
    /// The server on its own (bootstrap, background sweeps).
    System,
}

impl Via {
    /// The word of the API.
    pub const fn as_str(self) -> &'static str {
        match self {
            Via::AccessKey => "access_key",
            Via::Jwt => "jwt",
            Via::Console => "console",
            Via::Cli => "cli",
            Via::System => "system",
        }
    }
}

/// Who acted, as a record shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditActor {
    /// The acting user (none for the CLI and the system).
    pub user_id: Option<UserId>,
    /// The acting credential's application (none in the console).
    pub application_id: Option<ApplicationId>,
    /// The credential: an access key, JWT key or session id.
    pub credential_id: Option<String>,
    /// How.
    pub via: Via,
}

/// Who performs a write, with what the audit log records of the request:
/// the [`Actor`] whose rights bound what the write may grant, how it came
/// in, the request id and the client's address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Acting {
    actor: Actor,
    who: AuditActor,
    /// The request's id (`X-Request-Id`), if a request carries the write.
    pub request_id: Option<String>,
    /// The client's address, if a request carries the write.
    pub ip: Option<IpAddr>,
}

impl Acting {
    /// A request's authenticated credential (an access key, a JWT or a
    /// console session).
    pub fn credential(
        principal: Principal,
        request_id: Option<String>,
        ip: Option<IpAddr>,
    ) -> Self {
        let (via, credential_id) = match principal.credential {
            Credential::AccessKey(id) => (Via::AccessKey, id.to_string()),
            Credential::JwtKey(id) => (Via::Jwt, id.to_string()),
            Credential::Session(id) => (Via::Console, id.to_string()),
        };
        let who = AuditActor {
            user_id: Some(principal.user_id),
            application_id: principal.application_id,
            credential_id: Some(credential_id),
            via,
        };
        Acting {
            actor: Actor::Credential(principal),
            who,
            request_id,
            ip,
        }
    }

    /// A person in the console acting for themselves before a session acts
    /// for them (signing in, setting a password through a link): a user
    /// with no rights at all, so that a write which grants refuses them.
    pub fn person(
        account_id: AccountId,
        user_id: UserId,
        session: Option<SessionId>,
        request_id: Option<String>,
        ip: Option<IpAddr>,
    ) -> Self {
        let actor = Actor::Credential(Principal {
            account_id,
            operator: false,
            application_id: None,
            user_id,
            // Names no session when there is none yet: it authorizes
            // nothing either way (no permissions).
            credential: Credential::Session(session.unwrap_or(SessionId::from_u128(0))),
            permissions: PermissionSet::EMPTY,
        });
        Acting {
            actor,
            who: AuditActor {
                user_id: Some(user_id),
                application_id: None,
                credential_id: session.map(|id| id.to_string()),
                via: Via::Console,
            },
            request_id,
            ip,
        }
    }

    /// `latchkey admin …`: someone holding the data file, not bounded.
    pub fn cli() -> Self {
        Self::unbounded(Via::Cli)
    }

    /// The server itself (bootstrap, sweeps), not bounded.
    pub fn system() -> Self {
        Self::unbounded(Via::System)
    }

    fn unbounded(via: Via) -> Self {
        Acting {
            actor: Actor::System,
            who: AuditActor {
                user_id: None,
                application_id: None,
                credential_id: None,
                via,
            },
            request_id: None,
            ip: None,
        }
    }

    /// The actor whose rights bound the write.
    pub fn actor(&self) -> &Actor {
        &self.actor
    }

    /// Who acted, as the record shows it.
    pub fn who(&self) -> &AuditActor {
        &self.who
    }

    /// Who acted, as a record in `account_id`'s log shows it: an actor of
    /// another account (the operator changing a tenant) is shown only by
    /// how it came in, so that no id of one account shows in another's log
    /// (the actor's own log has the full record).
    pub fn who_in(&self, account_id: AccountId) -> AuditActor {
        match self.principal() {
            Some(principal) if principal.account_id != account_id => AuditActor {
                user_id: None,
                application_id: None,
                credential_id: None,
                via: self.who.via,
            },
            _ => self.who.clone(),
        }
    }

    /// The actor's own account, when a credential acts.
    pub fn account_id(&self) -> Option<AccountId> {
        self.principal().map(|principal| principal.account_id)
    }

    /// The acting principal, unless the CLI or the system acts.
    pub fn principal(&self) -> Option<&Principal> {
        self.actor.principal()
    }
}

macro_rules! actions {
    ($($(#[$doc:meta])* $variant:ident => $name:literal,)*) => {
        /// What a record says happened. Written `subject.verb` in the API.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum AuditAction {
            $($(#[$doc])* $variant,)*
        }

        impl AuditAction {
            /// Every action.
            pub const ALL: &'static [AuditAction] = &[$(AuditAction::$variant,)*];

            /// The API's name (`access_key.create`).
            pub const fn as_str(self) -> &'static str {
                match self {
                    $(AuditAction::$variant => $name,)*
                }
            }
        }
    };
}

actions! {
    /// A tenant account created (with its first admin, group, application and key).
    AccountCreate => "account.create",
    /// An account renamed, its plan or limits changed.
    AccountUpdate => "account.update",
    /// The account's key policy changed.
    AccountPolicyUpdate => "account.policy.update",
    /// A user created.
    UserCreate => "user.create",
    /// A user's email, name or groups changed.
    UserUpdate => "user.update",
    /// A user marked deleted.
    UserDelete => "user.delete",
    /// A user's console password set (through a link or changed).
    UserPasswordSet => "user.password_set",
    /// A password link handed out for a user.
    UserPasswordLink => "user.password_link",
    /// A person signed in to the console.
    ConsoleSignIn => "console.sign_in",
    /// A console session ended (signed out, or found ended).
    ConsoleSignOut => "console.sign_out",
    /// A policy group created.
    GroupCreate => "group.create",
    /// A policy group renamed or its permissions changed.
    GroupUpdate => "group.update",
    /// A policy group deleted.
    GroupDelete => "group.delete",
    /// Members put into a group.
    GroupMembersAdd => "group.members.add",
    /// Members taken out of a group.
    GroupMembersRemove => "group.members.remove",
    /// An application created.
    ApplicationCreate => "application.create",
    /// An application renamed or described.
    ApplicationUpdate => "application.update",
    /// An application revoked.
    ApplicationRevoke => "application.revoke",
    /// An application deleted with its keys.
    ApplicationDelete => "application.delete",
    /// An access key created.
    AccessKeyCreate => "access_key.create",
    /// An access key changed (name, description, status, expiration).
    AccessKeyUpdate => "access_key.update",
    /// An access key revoked.
    AccessKeyRevoke => "access_key.revoke",
    /// An access key deleted.
    AccessKeyDelete => "access_key.delete",
    /// An access key rolled: a new key made, the old one expiring.
    AccessKeyRoll => "access_key.roll",
    /// An access key reported leaked.
    AccessKeyExposed => "access_key.exposed",
    /// A JWT key registered.
    JwtKeyCreate => "jwt_key.create",
    /// A JWT key changed.
    JwtKeyUpdate => "jwt_key.update",
    /// A JWT key revoked.
    JwtKeyRevoke => "jwt_key.revoke",
    /// A JWT key deleted.
    JwtKeyDelete => "jwt_key.delete",
    /// Failed authentications of one credential from one address in one
    /// minute, counted in one record.
    AuthenticationFailed => "authentication.failed",
}

impl fmt::Display for AuditAction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A string that names no action.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown audit action `{0}`")]
pub struct UnknownAction(pub String);

impl FromStr for AuditAction {
    type Err = UnknownAction;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        AuditAction::ALL
            .iter()
            .copied()
            .find(|action| action.as_str() == text)
            .ok_or_else(|| UnknownAction(text.to_owned()))
    }
}

impl Serialize for AuditAction {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for AuditAction {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// The kind of object a record is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TargetType {
    /// An account.
    Account,
    /// A user.
    User,
    /// A policy group.
    PolicyGroup,
    /// An application.
    Application,
    /// An access key.
    AccessKey,
    /// A JWT key.
    JwtKey,
    /// A console session.
    Session,
    /// A credential that failed to authenticate (its id as presented).
    Credential,
}

/// What a record is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditTarget {
    /// Its kind.
    #[serde(rename = "type")]
    pub kind: TargetType,
    /// Its id.
    pub id: String,
}

/// `{field: [before, after]}`: each field a change touched, with its value
/// before and after (`null` on the side where the object did not exist).
pub type Changes = BTreeMap<String, [Value; 2]>;

/// One entry of the audit log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditRecord {
    /// Id; its order is the order of the log.
    pub id: AuditRecordId,
    /// The account whose log it is in.
    pub account_id: AccountId,
    /// When.
    pub at: Timestamp,
    /// Who.
    pub actor: AuditActor,
    /// What happened.
    pub action: AuditAction,
    /// To what.
    pub target: AuditTarget,
    /// The fields it changed; never a secret.
    pub changes: Changes,
    /// The request that made the change.
    pub request_id: Option<String>,
    /// The client's address.
    pub ip: Option<IpAddr>,
}

impl AuditRecord {
    /// A record of `action` on `target` by `acting`, in `account_id`'s log.
    pub fn new(
        acting: &Acting,
        account_id: AccountId,
        action: AuditAction,
        target: AuditTarget,
        changes: Changes,
        at: Timestamp,
    ) -> Self {
        AuditRecord {
            id: AuditRecordId::generate(),
            account_id,
            at,
            actor: acting.who_in(account_id),
            action,
            target,
            changes,
            request_id: acting.request_id.clone(),
            ip: acting.ip,
        }
    }

    /// A record of a change to one object, from its state before (`None`:
    /// it is new) and after (`None`: it is gone).
    pub fn of<T: Audited>(
        acting: &Acting,
        action: AuditAction,
        before: Option<&T>,
        after: Option<&T>,
        at: Timestamp,
    ) -> Self {
        let object = after.or(before).expect("a change has a before or an after");
        AuditRecord::new(
            acting,
            object.account_id(),
            action,
            object.target(),
            diff(before, after),
            at,
        )
    }
}

/// A resource whose changes the log shows, field by field.
pub trait Audited {
    /// What it is.
    const TARGET: TargetType;
    /// Its account.
    fn account_id(&self) -> AccountId;
    /// Its id as the API writes it.
    fn target_id(&self) -> String;
    /// The fields the log may show, by name. An allow-list: no secret, no
    /// digest, no hash, and no bookkeeping (`updated_at`, `last_used_at`).
    fn audited_fields(&self) -> Map<String, Value>;

    /// The target of a record about it.
    fn target(&self) -> AuditTarget {
        AuditTarget {
            kind: Self::TARGET,
            id: self.target_id(),
        }
    }
}

/// The fields that differ between `before` and `after`, each with both values.
pub fn diff<T: Audited>(before: Option<&T>, after: Option<&T>) -> Changes {
    let before = before.map(Audited::audited_fields).unwrap_or_default();
    let after = after.map(Audited::audited_fields).unwrap_or_default();
    let mut changes = Changes::new();
    for name in before.keys().chain(after.keys()) {
        let old = before.get(name).cloned().unwrap_or(Value::Null);
        let new = after.get(name).cloned().unwrap_or(Value::Null);
        if old != new {
            changes.insert(name.clone(), [old, new]);
        }
    }
    changes
}

fn fields(pairs: impl IntoIterator<Item = (&'static str, Value)>) -> Map<String, Value> {
    pairs
        .into_iter()
        .map(|(name, value)| (name.to_owned(), value))
        .collect()
}

impl Audited for Account {
    const TARGET: TargetType = TargetType::Account;
    fn account_id(&self) -> AccountId {
        self.id
    }
    fn target_id(&self) -> String {
        self.id.to_string()
    }
    fn audited_fields(&self) -> Map<String, Value> {
        fields([
            ("name", json!(self.name)),
            ("plan", json!(self.plan)),
            ("limits", json!(self.limits)),
        ])
    }
}

impl Audited for User {
    const TARGET: TargetType = TargetType::User;
    fn account_id(&self) -> AccountId {
        self.account_id
    }
    fn target_id(&self) -> String {
        self.id.to_string()
    }
    fn audited_fields(&self) -> Map<String, Value> {
        // Whether a password is set and when, never its hash.
        fields([
            ("email", json!(self.email)),
            ("name", json!(self.name)),
            ("status", json!(self.status)),
            ("group_ids", json!(self.group_ids)),
            ("has_password", json!(self.password.is_some())),
            (
                "password_set_at",
                json!(self.password.as_ref().map(|p| p.set_at)),
            ),
        ])
    }
}

impl Audited for PolicyGroup {
    const TARGET: TargetType = TargetType::PolicyGroup;
    fn account_id(&self) -> AccountId {
        self.account_id
    }
    fn target_id(&self) -> String {
        self.id.to_string()
    }
    fn audited_fields(&self) -> Map<String, Value> {
        fields([
            ("name", json!(self.name)),
            ("description", json!(self.description)),
            ("permissions", json!(self.permissions)),
        ])
    }
}

impl Audited for Application {
    const TARGET: TargetType = TargetType::Application;
    fn account_id(&self) -> AccountId {
        self.account_id
    }
    fn target_id(&self) -> String {
        self.id.to_string()
    }
    fn audited_fields(&self) -> Map<String, Value> {
        fields([
            ("name", json!(self.name)),
            ("description", json!(self.description)),
            ("group_ids", json!(self.group_ids)),
            ("status", json!(self.status)),
            ("created_by", json!(self.created_by)),
        ])
    }
}

impl Audited for AccessKey {
    const TARGET: TargetType = TargetType::AccessKey;
    fn account_id(&self) -> AccountId {
        self.account_id
    }
    fn target_id(&self) -> String {
        self.id.to_string()
    }
    fn audited_fields(&self) -> Map<String, Value> {
        // The stored digest lives beside the key (`StoredAccessKey`), never
        // in it; the prefix is what the API shows anyway.
        fields([
            ("application_id", json!(self.application_id)),
            ("name", json!(self.name)),
            ("description", json!(self.description)),
            ("status", json!(self.status)),
            ("expiration", json!(self.expiration)),
            ("scopes", json!(self.scopes)),
            ("key_prefix", json!(self.key_prefix)),
            ("created_by", json!(self.created_by)),
        ])
    }
}

impl Audited for JwtKey {
    const TARGET: TargetType = TargetType::JwtKey;
    fn account_id(&self) -> AccountId {
        self.account_id
    }
    fn target_id(&self) -> String {
        self.id.to_string()
    }
    fn audited_fields(&self) -> Map<String, Value> {
        // The thumbprint names the public key; the key itself stays in
        // the key's own record.
        fields([
            ("application_id", json!(self.application_id)),
            ("name", json!(self.name)),
            ("description", json!(self.description)),
            ("algorithm", json!(self.algorithm)),
            ("thumbprint", json!(self.thumbprint)),
            ("status", json!(self.status)),
            ("expiration", json!(self.expiration)),
            ("scopes", json!(self.scopes)),
            ("created_by", json!(self.created_by)),
        ])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::argon2id::{HashParams, hash_argon2id};
    use crate::id::{AccessKeyId, PolicyGroupId};
    use crate::password::Password;
    use crate::secret_hash::SecretHash;
    use crate::status::{KeyStatus, UserStatus};

    fn key() -> AccessKey {
        AccessKey {
            id: AccessKeyId::generate(),
            account_id: AccountId::generate(),
            application_id: ApplicationId::generate(),
            name: "ci".into(),
            description: String::new(),
            status: KeyStatus::Active,
            expiration: None,
            scopes: PermissionSet::EMPTY,
            key_prefix: "ak_12345678".into(),
            api_host: "https://latchkey.example".into(),
            created_by: UserId::generate(),
            created_at: Timestamp::UNIX_EPOCH,
            updated_at: Timestamp::UNIX_EPOCH,
            last_used_at: None,
        }
    }

    #[test]
    fn actions_round_trip_by_name_and_are_unique() {
        let mut names = std::collections::HashSet::new();
        for action in AuditAction::ALL {
            assert!(names.insert(action.as_str()));
            assert_eq!(action.as_str().parse::<AuditAction>().unwrap(), *action);
            let json = serde_json::to_string(action).unwrap();
            assert_eq!(json, format!("\"{}\"", action.as_str()));
        }
        assert!("access_key.steal".parse::<AuditAction>().is_err());
    }

    #[test]
    fn a_diff_has_the_changed_fields_only_with_both_sides() {
        let before = key();
        let mut after = before.clone();
        after.status = KeyStatus::Inactive;
        after.updated_at = Timestamp::from_second(60).unwrap();
        after.last_used_at = Some(Timestamp::from_second(61).unwrap());
        let changes = diff(Some(&before), Some(&after));
        assert_eq!(changes.len(), 1, "{changes:?}");
        assert_eq!(changes["status"], [json!("active"), json!("inactive")]);
    }

    #[test]
    fn creation_and_deletion_show_null_on_the_missing_side() {
        let key = key();
        let created = diff(None, Some(&key));
        assert_eq!(created["name"], [Value::Null, json!("ci")]);
        assert!(
            !created.contains_key("expiration"),
            "null to null is no change"
        );
        let deleted = diff(Some(&key), None);
        assert_eq!(deleted["name"], [json!("ci"), Value::Null]);
    }

    #[test]
    fn a_record_never_carries_a_secret() {
        // A key whose digest sits beside it, and a user with a password:
        // every record about them, serialized, shows neither.
        let secret_hash = SecretHash::digest("the-secret-part-of-the-key");
        let digest_text = secret_hash.to_stored();
        let digest_hex = digest_text.trim_start_matches("sha256:");
        let hash = hash_argon2id("correct horse battery", &HashParams::OWASP_MINIMUM).unwrap();
        let hash_text = hash.as_str().to_owned();
        let user = User {
            id: UserId::generate(),
            account_id: AccountId::generate(),
            email: "ada@example.com".into(),
            name: "Ada".into(),
            status: UserStatus::Active,
            group_ids: vec![PolicyGroupId::generate()],
            created_at: Timestamp::UNIX_EPOCH,
            updated_at: Timestamp::UNIX_EPOCH,
            password: None,
        };
        let mut with_password = user.clone();
        with_password.password = Some(Password {
            hash,
            set_at: Timestamp::from_second(5).unwrap(),
        });
        let acting = Acting::system();
        let at = Timestamp::UNIX_EPOCH;
        let records = [
            AuditRecord::of(
                &acting,
                AuditAction::AccessKeyCreate,
                None,
                Some(&key()),
                at,
            ),
            AuditRecord::of(
                &acting,
                AuditAction::UserPasswordSet,
                Some(&user),
                Some(&with_password),
                at,
            ),
            AuditRecord::of(
                &acting,
                AuditAction::UserDelete,
                Some(&with_password),
                None,
                at,
            ),
        ];
        for record in &records {
            let text = serde_json::to_string(record).unwrap();
            assert!(!text.contains(digest_hex), "{text}");
            assert!(!text.contains(&hash_text), "{text}");
            assert!(!text.contains("argon2id"), "{text}");
            assert!(!text.contains("sha256"), "{text}");
        }
        let set = &records[1].changes;
        assert_eq!(set["has_password"], [json!(false), json!(true)]);
    }

    #[test]
    fn acting_shows_how_the_actor_came_in() {
        let principal = Principal {
            account_id: AccountId::generate(),
            operator: false,
            application_id: Some(ApplicationId::generate()),
            user_id: UserId::generate(),
            credential: Credential::AccessKey(AccessKeyId::generate()),
            permissions: PermissionSet::EMPTY,
        };
        let acting = Acting::credential(principal.clone(), Some("req_1".into()), None);
        assert_eq!(acting.who().via, Via::AccessKey);
        assert_eq!(acting.who().user_id, Some(principal.user_id));
        assert_eq!(acting.principal(), Some(&principal));
        assert_eq!(Acting::cli().who().via, Via::Cli);
        assert!(Acting::cli().principal().is_none());
        let person = Acting::person(principal.account_id, principal.user_id, None, None, None);
        assert_eq!(person.who().via, Via::Console);
        assert!(person.principal().unwrap().permissions.is_empty());
    }

    #[test]
    fn another_accounts_log_shows_no_id_of_the_actors_account() {
        let principal = Principal {
            account_id: AccountId::generate(),
            operator: true,
            application_id: Some(ApplicationId::generate()),
            user_id: UserId::generate(),
            credential: Credential::AccessKey(AccessKeyId::generate()),
            permissions: PermissionSet::EMPTY,
        };
        let acting = Acting::credential(principal.clone(), Some("req_1".into()), None);
        let tenant = AccountId::generate();
        let record = AuditRecord::new(
            &acting,
            tenant,
            AuditAction::AccountUpdate,
            AuditTarget {
                kind: TargetType::Account,
                id: tenant.to_string(),
            },
            Changes::new(),
            Timestamp::UNIX_EPOCH,
        );
        let text = serde_json::to_string(&record).unwrap();
        assert!(!text.contains(&principal.user_id.to_string()));
        assert!(!text.contains(&principal.account_id.to_string()));
        assert_eq!(record.actor.via, Via::AccessKey);
        let own = AuditRecord::new(
            &acting,
            principal.account_id,
            AuditAction::AccountUpdate,
            record.target.clone(),
            Changes::new(),
            Timestamp::UNIX_EPOCH,
        );
        assert_eq!(own.actor, *acting.who());
    }
}
