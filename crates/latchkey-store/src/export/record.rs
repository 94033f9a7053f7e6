//! The lines of an export: its header and its records.

use jiff::Timestamp;
use latchkey_core::audit::AuditRecord;
use latchkey_core::id::AccountId;
use latchkey_core::resource::{Account, Application, JwtKey, PolicyGroup, User};
use serde::{Deserialize, Serialize};

use crate::StoredAccessKey;

/// The `format` of the header line: what the file is.
pub const FORMAT: &str = "latchkey-export";
/// The layout of the lines (header, `{"kind","record"}` lines, closing
/// line). A reader refuses a newer one.
pub const FORMAT_VERSION: u64 = 1;
/// The shape of the record documents (latchkey-core's serde types, the same
/// documents both stores keep). Raised when a record type changes shape; a
/// reader refuses a newer one, and reads the older ones it lists in
/// [`OLDEST_RECORD_SCHEMA`]`..=RECORD_SCHEMA`.
///
/// 2: an access key's `secret_hash` is `sha256:<hex>` (or, until the key's
/// first use, the argon2id PHC string that schema 1 always held).
/// 3: a user may carry a console `password` (its argon2id hash and when it
/// was set); earlier schemas' users are schema 3's without one.
/// 4: `audit_record` lines (the audit log) follow the other records;
/// earlier schemas have none.
/// 5: an account may carry a `key_policy`; earlier schemas' accounts are
/// schema 5's with the empty policy.
pub const RECORD_SCHEMA: u64 = 5;
/// The oldest record schema this version reads: schema 1's documents are
/// schema 5's, with every `secret_hash` an argon2id PHC string, no user's
/// `password`, no audit records and no account's `key_policy`.
pub const OLDEST_RECORD_SCHEMA: u64 = 1;

/// The first line of an export.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExportHeader {
    /// Always [`FORMAT`].
    pub format: String,
    /// [`FORMAT_VERSION`] of the writer.
    pub version: u64,
    /// [`RECORD_SCHEMA`] of the writer.
    pub schema: u64,
    /// When the export was read from its store (one snapshot).
    pub exported_at: Timestamp,
}

impl ExportHeader {
    /// The header this build writes.
    pub fn new(exported_at: Timestamp) -> Self {
        ExportHeader {
            format: FORMAT.to_owned(),
            version: FORMAT_VERSION,
            schema: RECORD_SCHEMA,
            exported_at,
        }
    }
}

/// One stored record, as both stores keep it. `Debug` never shows a secret
/// hash ([`latchkey_core::secret_hash::SecretHash`] hides it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "record", rename_all = "snake_case")]
pub enum ExportRecord {
    /// An account (the operator account has `operator: true`).
    Account(Account),
    /// A policy group.
    PolicyGroup(PolicyGroup),
    /// A user, deleted ones included.
    User(User),
    /// An application, revoked ones included.
    Application(Application),
    /// An access key with its secret's digest (or the argon2id hash of an
    /// earlier version), never the secret.
    AccessKey(StoredAccessKey),
    /// A JWT key (its public key only).
    JwtKey(JwtKey),
    /// An entry of an account's audit log (never a secret).
    AuditRecord(AuditRecord),
}

/// The kinds of record, in the order an export lists them: every record
/// comes after the records it names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RecordKind {
    /// Accounts.
    Account,
    /// Policy groups.
    PolicyGroup,
    /// Users.
    User,
    /// Applications.
    Application,
    /// Access keys.
    AccessKey,
    /// JWT keys.
    JwtKey,
    /// Audit records (they name their account only).
    AuditRecord,
}

impl RecordKind {
    /// Every kind, in export order.
    pub const ALL: [RecordKind; 7] = [
        RecordKind::Account,
        RecordKind::PolicyGroup,
        RecordKind::User,
        RecordKind::Application,
        RecordKind::AccessKey,
        RecordKind::JwtKey,
        RecordKind::AuditRecord,
    ];

    /// The `kind` written on its lines.
    pub const fn as_str(self) -> &'static str {
        match self {
            RecordKind::Account => "account",
            RecordKind::PolicyGroup => "policy_group",
            RecordKind::User => "user",
            RecordKind::Application => "application",
            RecordKind::AccessKey => "access_key",
            RecordKind::JwtKey => "jwt_key",
            RecordKind::AuditRecord => "audit_record",
        }
    }

    /// The kind in prose, for messages.
    pub const fn describe(self) -> &'static str {
        match self {
            RecordKind::Account => "account",
            RecordKind::PolicyGroup => "policy group",
            RecordKind::User => "user",
            RecordKind::Application => "application",
            RecordKind::AccessKey => "access key",
            RecordKind::JwtKey => "JWT key",
            RecordKind::AuditRecord => "audit record",
        }
    }
}

impl ExportRecord {
    /// Its kind.
    pub fn kind(&self) -> RecordKind {
        match self {
            ExportRecord::Account(_) => RecordKind::Account,
            ExportRecord::PolicyGroup(_) => RecordKind::PolicyGroup,
            ExportRecord::User(_) => RecordKind::User,
            ExportRecord::Application(_) => RecordKind::Application,
            ExportRecord::AccessKey(_) => RecordKind::AccessKey,
            ExportRecord::JwtKey(_) => RecordKind::JwtKey,
            ExportRecord::AuditRecord(_) => RecordKind::AuditRecord,
        }
    }

    /// Its id's 128 bits (whose order is creation order).
    pub fn id(&self) -> u128 {
        match self {
            ExportRecord::Account(r) => r.id.into(),
            ExportRecord::PolicyGroup(r) => r.id.into(),
            ExportRecord::User(r) => r.id.into(),
            ExportRecord::Application(r) => r.id.into(),
            ExportRecord::AccessKey(r) => r.key.id.into(),
            ExportRecord::JwtKey(r) => r.id.into(),
            ExportRecord::AuditRecord(r) => r.id.into(),
        }
    }

    /// Its id as written (`usr_…`), for messages.
    pub fn id_string(&self) -> String {
        match self {
            ExportRecord::Account(r) => r.id.to_string(),
            ExportRecord::PolicyGroup(r) => r.id.to_string(),
            ExportRecord::User(r) => r.id.to_string(),
            ExportRecord::Application(r) => r.id.to_string(),
            ExportRecord::AccessKey(r) => r.key.id.to_string(),
            ExportRecord::JwtKey(r) => r.id.to_string(),
            ExportRecord::AuditRecord(r) => r.id.to_string(),
        }
    }

    /// The account it belongs to (an account belongs to itself).
    pub fn account_id(&self) -> AccountId {
        match self {
            ExportRecord::Account(r) => r.id,
            ExportRecord::PolicyGroup(r) => r.account_id,
            ExportRecord::User(r) => r.account_id,
            ExportRecord::Application(r) => r.account_id,
            ExportRecord::AccessKey(r) => r.key.account_id,
            ExportRecord::JwtKey(r) => r.account_id,
            ExportRecord::AuditRecord(r) => r.account_id,
        }
    }

    /// The export order: by kind, then by id (creation order).
    pub fn sort_key(&self) -> (RecordKind, u128) {
        (self.kind(), self.id())
    }
}
