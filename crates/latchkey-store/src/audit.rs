//! The audit records both stores write for the changes they make, built
//! from the records each write read and wrote inside its transaction.

use jiff::Timestamp;
use latchkey_core::audit::Audited;
use latchkey_core::audit::{Acting, AuditAction, AuditRecord, AuditTarget, Changes, TargetType};
use latchkey_core::id::{AccountId, PolicyGroupId};
use latchkey_core::resource::{AccessKey, ExposedKeyAction, JwtKey, KeyPolicy};
use latchkey_core::status::{ApplicationStatus, KeyStatus};
use serde_json::{Value, json};

use crate::AccountBundle;
use crate::rules::StoredKey;

/// A record of a change to a key of either kind, showing the key without
/// its digest.
pub(crate) fn key<K: StoredKey>(
    acting: &Acting,
    action: AuditAction,
    before: Option<&K>,
    after: Option<&K>,
    at: Timestamp,
) -> AuditRecord {
    AuditRecord::of(
        acting,
        action,
        before.map(K::shown),
        after.map(K::shown),
        at,
    )
}

/// The record of a change to another account (the operator creating or
/// changing a tenant) as the actor's own account's log keeps it, with the
/// actor in full; `None` when the actor changed its own account.
pub(crate) fn in_actors_log(acting: &Acting, record: &AuditRecord) -> Option<AuditRecord> {
    let own = acting.account_id()?;
    (own != record.account_id).then(|| {
        AuditRecord::new(
            acting,
            own,
            record.action,
            record.target.clone(),
            record.changes.clone(),
            record.at,
        )
    })
}

/// A new account's records: the account and everything it starts with
/// (and the creation in the creator's log, when another account's
/// credential made it).
pub(crate) fn bundle_records(acting: &Acting, bundle: &AccountBundle) -> Vec<AuditRecord> {
    let at = bundle.account.created_at;
    let created = AuditRecord::of(
        acting,
        AuditAction::AccountCreate,
        None,
        Some(&bundle.account),
        at,
    );
    let mut records: Vec<AuditRecord> = in_actors_log(acting, &created).into_iter().collect();
    records.push(created);
    records.push(AuditRecord::of(
        acting,
        AuditAction::GroupCreate,
        None,
        Some(&bundle.administrators),
        at,
    ));
    records.push(AuditRecord::of(
        acting,
        AuditAction::UserCreate,
        None,
        Some(&bundle.admin_user),
        at,
    ));
    records.push(AuditRecord::of(
        acting,
        AuditAction::ApplicationCreate,
        None,
        Some(&bundle.admin_application),
        at,
    ));
    records.push(AuditRecord::of(
        acting,
        AuditAction::AccessKeyCreate,
        None,
        Some(&bundle.admin_key.key),
        at,
    ));
    records
}

/// An account's change, in its log and, when another account's credential
/// made it, in the actor's log too: `account.update` for its name, plan and
/// limits (unless the update names only a key policy), and
/// `account.policy.update` when it names a key policy, with each of the
/// policy's fields that changed.
pub(crate) fn account_update(
    acting: &Acting,
    before: &latchkey_core::resource::Account,
    after: &latchkey_core::resource::Account,
    update: &latchkey_core::resource::AccountUpdate,
    at: Timestamp,
) -> Vec<AuditRecord> {
    let policy_only = update.key_policy.is_some()
        && update.name.is_none()
        && update.plan.is_none()
        && update.limits.is_none();
    let mut made = Vec::new();
    if !policy_only {
        made.push(AuditRecord::of(
            acting,
            AuditAction::AccountUpdate,
            Some(before),
            Some(after),
            at,
        ));
    }
    if update.key_policy.is_some() {
        made.push(AuditRecord::new(
            acting,
            after.id,
            AuditAction::AccountPolicyUpdate,
            after.target(),
            policy_changes(&before.key_policy, &after.key_policy),
            at,
        ));
    }
    let mut records = Vec::new();
    for record in made {
        records.extend(in_actors_log(acting, &record));
        records.push(record);
    }
    records
}

/// The fields of a key policy that differ, each with both values.
fn policy_changes(before: &KeyPolicy, after: &KeyPolicy) -> Changes {
    let fields = |policy: &KeyPolicy| match serde_json::to_value(policy) {
        Ok(Value::Object(fields)) => fields,
        _ => serde_json::Map::new(),
    };
    let (before, after) = (fields(before), fields(after));
    after
        .iter()
        .filter_map(|(name, new)| {
            let old = before.get(name).cloned().unwrap_or(Value::Null);
            (old != *new).then(|| (name.clone(), [old, new.clone()]))
        })
        .collect()
}

/// A roll, on the key rolled: its `expiration` before and after (always
/// shown, even when the grace left it as it was, since the roll decided
/// it) and `new_key_id`. The new key's own `access_key.create` follows.
pub(crate) fn key_roll(
    acting: &Acting,
    before: &AccessKey,
    after: &AccessKey,
    new: &AccessKey,
    at: Timestamp,
) -> AuditRecord {
    let mut record = AuditRecord::of(
        acting,
        AuditAction::AccessKeyRoll,
        Some(before),
        Some(after),
        at,
    );
    record.changes.insert(
        "expiration".into(),
        [json!(before.expiration), json!(after.expiration)],
    );
    record
        .changes
        .insert("new_key_id".into(), [Value::Null, json!(new.id)]);
    record
}

/// A leaked-key report handled: `access_key.exposed` on the key, with what
/// changed of it (its `status`, unless the action was `notify` or the key
/// had already stopped), the report's `url` and the `exposed_key_action`
/// taken.
pub(crate) fn key_exposed(
    acting: &Acting,
    before: &AccessKey,
    after: &AccessKey,
    action: ExposedKeyAction,
    url: &str,
    at: Timestamp,
) -> AuditRecord {
    let mut record = AuditRecord::of(
        acting,
        AuditAction::AccessKeyExposed,
        Some(before),
        Some(after),
        at,
    );
    record
        .changes
        .insert("url".into(), [Value::Null, json!(url)]);
    record.changes.insert(
        "exposed_key_action".into(),
        [Value::Null, json!(action.as_str())],
    );
    record
}

/// The action of an application change: revoking is its own.
pub(crate) fn application_update(
    before: ApplicationStatus,
    after: ApplicationStatus,
) -> AuditAction {
    if before != after && after == ApplicationStatus::Revoked {
        AuditAction::ApplicationRevoke
    } else {
        AuditAction::ApplicationUpdate
    }
}

/// A key kind's actions.
pub(crate) trait KeyActions {
    /// Created.
    const CREATE: AuditAction;
    /// Changed.
    const UPDATE: AuditAction;
    /// Revoked.
    const REVOKE: AuditAction;
    /// Deleted.
    const DELETE: AuditAction;
}

impl KeyActions for AccessKey {
    const CREATE: AuditAction = AuditAction::AccessKeyCreate;
    const UPDATE: AuditAction = AuditAction::AccessKeyUpdate;
    const REVOKE: AuditAction = AuditAction::AccessKeyRevoke;
    const DELETE: AuditAction = AuditAction::AccessKeyDelete;
}

impl KeyActions for JwtKey {
    const CREATE: AuditAction = AuditAction::JwtKeyCreate;
    const UPDATE: AuditAction = AuditAction::JwtKeyUpdate;
    const REVOKE: AuditAction = AuditAction::JwtKeyRevoke;
    const DELETE: AuditAction = AuditAction::JwtKeyDelete;
}

/// The action of a key change: revoking is its own.
pub(crate) fn key_update<K: StoredKey>(before: &K, after: &K) -> AuditAction {
    if before.status() != after.status() && after.status() == KeyStatus::Revoked {
        <K::Shown as KeyActions>::REVOKE
    } else {
        <K::Shown as KeyActions>::UPDATE
    }
}

/// A key kind's action when created.
pub(crate) fn key_create<K: StoredKey>() -> AuditAction {
    <K::Shown as KeyActions>::CREATE
}

/// A key kind's action when deleted.
pub(crate) fn key_delete<K: StoredKey>() -> AuditAction {
    <K::Shown as KeyActions>::DELETE
}

/// Members put into (`joined`) or taken out of a group: one record on the
/// group naming the members that actually moved; `None` when none did.
pub(crate) fn membership(
    acting: &Acting,
    account_id: AccountId,
    group: PolicyGroupId,
    joined: bool,
    field: &str,
    moved: Vec<String>,
    at: Timestamp,
) -> Option<AuditRecord> {
    if moved.is_empty() {
        return None;
    }
    let mut changes = Changes::new();
    let moved = json!(moved);
    changes.insert(
        field.to_owned(),
        if joined {
            [Value::Null, moved]
        } else {
            [moved, Value::Null]
        },
    );
    let action = if joined {
        AuditAction::GroupMembersAdd
    } else {
        AuditAction::GroupMembersRemove
    };
    Some(AuditRecord::new(
        acting,
        account_id,
        action,
        AuditTarget {
            kind: TargetType::PolicyGroup,
            id: group.to_string(),
        },
        changes,
        at,
    ))
}

/// A console session begun or ended, for its user.
pub(crate) fn session(
    acting: &Acting,
    account_id: AccountId,
    session: latchkey_core::id::SessionId,
    signed_in: bool,
    at: Timestamp,
) -> AuditRecord {
    AuditRecord::new(
        acting,
        account_id,
        if signed_in {
            AuditAction::ConsoleSignIn
        } else {
            AuditAction::ConsoleSignOut
        },
        AuditTarget {
            kind: TargetType::Session,
            id: session.to_string(),
        },
        Changes::new(),
        at,
    )
}
