//! The tables of the redb file.
//!
//! Records are JSON documents keyed by the id's 128-bit value, whose order is
//! creation order. Indexes are `(parent, child) → ()` tables, so one range
//! scan lists a parent's children in either order from any cursor. Name
//! tables map `(account, name) → id` and hold only names in use (revoked
//! objects and deleted users give theirs back).

use redb::TableDefinition;

/// `id → JSON record`.
pub(super) type Records = TableDefinition<'static, u128, &'static [u8]>;
/// `(parent id, child id) → ()`.
pub(super) type Index = TableDefinition<'static, (u128, u128), ()>;
/// `(account id, name) → id`.
pub(super) type Names = TableDefinition<'static, (u128, &'static str), u128>;

/// `application id → count`: an application's keys of one kind that count
/// toward its limit for as long as they stay as they are
/// ([`LimitStanding::Always`](latchkey_core::status::LimitStanding::Always)).
pub(super) type Unexpiring = TableDefinition<'static, u128, u64>;
/// `(application id, expiration in ns, key id) → ()`: an application's keys
/// of one kind that count until their expiration
/// ([`LimitStanding::Until`](latchkey_core::status::LimitStanding::Until)).
pub(super) type Expiring = TableDefinition<'static, (u128, i128, u128), ()>;

/// `"schema_version" → version`.
pub(super) const META: TableDefinition<'static, &'static str, u64> = TableDefinition::new("meta");
/// The key of the schema version in [`META`].
pub(super) const SCHEMA_VERSION_KEY: &str = "schema_version";
/// The key of the operator account's id in [`META`]'s sibling [`OPERATOR`].
pub(super) const OPERATOR: TableDefinition<'static, &'static str, u128> =
    TableDefinition::new("operator");

pub(super) const ACCOUNTS: Records = TableDefinition::new("accounts");
/// `(0, account)`: every account, for the operator's list.
pub(super) const ACCOUNT_LIST: Index = TableDefinition::new("account_list");

pub(super) const USERS: Records = TableDefinition::new("users");
pub(super) const USERS_BY_ACCOUNT: Index = TableDefinition::new("users_by_account");
/// Lower-cased emails of active users.
pub(super) const USER_EMAILS: Names = TableDefinition::new("user_emails");

pub(super) const GROUPS: Records = TableDefinition::new("groups");
pub(super) const GROUPS_BY_ACCOUNT: Index = TableDefinition::new("groups_by_account");
pub(super) const GROUP_NAMES: Names = TableDefinition::new("group_names");
/// `(group, application)` memberships.
pub(super) const GROUP_APPLICATIONS: Index = TableDefinition::new("group_applications");
/// `(group, user)` memberships.
pub(super) const GROUP_USERS: Index = TableDefinition::new("group_users");

pub(super) const APPLICATIONS: Records = TableDefinition::new("applications");
pub(super) const APPLICATIONS_BY_ACCOUNT: Index = TableDefinition::new("applications_by_account");
pub(super) const APPLICATION_NAMES: Names = TableDefinition::new("application_names");

pub(super) const ACCESS_KEYS: Records = TableDefinition::new("access_keys");
pub(super) const ACCESS_KEYS_BY_APPLICATION: Index =
    TableDefinition::new("access_keys_by_application");
pub(super) const ACCESS_KEYS_BY_ACCOUNT: Index = TableDefinition::new("access_keys_by_account");
pub(super) const ACCESS_KEY_NAMES: Names = TableDefinition::new("access_key_names");
pub(super) const ACCESS_KEYS_UNEXPIRING: Unexpiring =
    TableDefinition::new("access_keys_unexpiring");
pub(super) const ACCESS_KEYS_EXPIRING: Expiring = TableDefinition::new("access_keys_expiring");

pub(super) const JWT_KEYS: Records = TableDefinition::new("jwt_keys");
pub(super) const JWT_KEYS_BY_APPLICATION: Index = TableDefinition::new("jwt_keys_by_application");
pub(super) const JWT_KEYS_BY_ACCOUNT: Index = TableDefinition::new("jwt_keys_by_account");
pub(super) const JWT_KEY_NAMES: Names = TableDefinition::new("jwt_key_names");
pub(super) const JWT_KEYS_UNEXPIRING: Unexpiring = TableDefinition::new("jwt_keys_unexpiring");
pub(super) const JWT_KEYS_EXPIRING: Expiring = TableDefinition::new("jwt_keys_expiring");

/// Audit records, by id (time-ordered).
pub(super) const AUDIT_LOG: Records = TableDefinition::new("audit_log");
/// `(account, record)`: an account's log in order.
pub(super) const AUDIT_BY_ACCOUNT: Index = TableDefinition::new("audit_by_account");

/// `token digest → JSON record`: records looked up by the digest of a token
/// a person holds (sessions, password links).
pub(super) type ByDigest = TableDefinition<'static, &'static [u8], &'static [u8]>;

/// Console sessions, by the digest of their cookie's token.
pub(super) const SESSIONS: ByDigest = TableDefinition::new("sessions");
/// Password links not yet used, by the digest of their token.
pub(super) const PASSWORD_LINKS: ByDigest = TableDefinition::new("password_links");

/// Creates every table that does not exist yet, so that reads never meet a
/// missing table (redb creates a table on its first write only).
pub(super) fn create_all(txn: &redb::WriteTransaction) -> Result<(), redb::TableError> {
    txn.open_table(OPERATOR)?;
    txn.open_table(SESSIONS)?;
    txn.open_table(PASSWORD_LINKS)?;
    for records in [
        ACCOUNTS,
        USERS,
        GROUPS,
        APPLICATIONS,
        ACCESS_KEYS,
        JWT_KEYS,
        AUDIT_LOG,
    ] {
        txn.open_table(records)?;
    }
    for index in [
        ACCOUNT_LIST,
        USERS_BY_ACCOUNT,
        GROUP_APPLICATIONS,
        GROUP_USERS,
        GROUPS_BY_ACCOUNT,
        APPLICATIONS_BY_ACCOUNT,
        ACCESS_KEYS_BY_APPLICATION,
        ACCESS_KEYS_BY_ACCOUNT,
        JWT_KEYS_BY_APPLICATION,
        JWT_KEYS_BY_ACCOUNT,
        AUDIT_BY_ACCOUNT,
    ] {
        txn.open_table(index)?;
    }
    for names in [
        USER_EMAILS,
        GROUP_NAMES,
        APPLICATION_NAMES,
        ACCESS_KEY_NAMES,
        JWT_KEY_NAMES,
    ] {
        txn.open_table(names)?;
    }
    for unexpiring in [ACCESS_KEYS_UNEXPIRING, JWT_KEYS_UNEXPIRING] {
        txn.open_table(unexpiring)?;
    }
    for expiring in [ACCESS_KEYS_EXPIRING, JWT_KEYS_EXPIRING] {
        txn.open_table(expiring)?;
    }
    Ok(())
}
