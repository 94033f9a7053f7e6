//! The rules every backend applies inside its write transactions, over the
//! records it read there: reach (`:own` vs `:any`), the active-application
//! check, plan-limit admission, and the delegation rule of
//! [`latchkey_core::delegation`]. The redb and PostgreSQL stores differ only
//! in how they read and write; what they decide is decided here, once.

use jiff::Timestamp;
use latchkey_core::authorize::effective_permissions;
use latchkey_core::delegation::{self, Actor, KeyLife, KeyRequest, KeyTarget};
use latchkey_core::id::{AccountId, ApplicationId, UserId};
use latchkey_core::permission::PermissionSet;
use latchkey_core::plan::LimitKind;
use latchkey_core::resource::{
    Account, Application, ChangeError, JwtKey, KeyUpdate, PolicyGroup, User,
};
use latchkey_core::status::KeyStatus;
use latchkey_core::validation::ValidationErrors;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::{AppScope, LimitPolicy, StoreError, StoreResult, StoredAccessKey};

/// A stored key of either kind (access key or JWT key), as both backends
/// handle it.
pub(crate) trait StoredKey: Serialize + DeserializeOwned + Clone + Send + Sync {
    /// Resource name for errors.
    const KIND: &'static str;
    /// The limit it counts toward.
    const LIMIT: LimitKind;
    /// What the audit log shows of it: the key without its digest.
    type Shown: latchkey_core::audit::Audited + crate::audit::KeyActions;

    /// The key as the audit log shows it.
    fn shown(&self) -> &Self::Shown;

    fn id(&self) -> u128;
    fn account_id(&self) -> AccountId;
    fn application_id(&self) -> ApplicationId;
    fn name(&self) -> &str;
    fn status(&self) -> KeyStatus;
    fn expiration(&self) -> Option<Timestamp>;
    fn scopes(&self) -> PermissionSet;
    fn set_scopes(&mut self, scopes: PermissionSet);
    fn created_by(&self) -> UserId;
    fn created_at(&self) -> Timestamp;
    fn apply(&mut self, update: &KeyUpdate, now: Timestamp) -> Result<(), ChangeError>;
    fn last_used_at(&mut self) -> &mut Option<Timestamp>;

    fn life(&self) -> KeyLife {
        KeyLife {
            status: self.status(),
            expiration: self.expiration(),
        }
    }

    fn counts_toward_limit(&self, now: Timestamp) -> bool {
        self.status().counts_toward_limit(self.expiration(), now)
    }
}

impl StoredKey for StoredAccessKey {
    const KIND: &'static str =
        <latchkey_core::id::AccessKeyKind as latchkey_core::id::IdKind>::NAME;
    const LIMIT: LimitKind = LimitKind::AccessKeysPerApplication;
    type Shown = latchkey_core::resource::AccessKey;

    fn shown(&self) -> &latchkey_core::resource::AccessKey {
        &self.key
    }

    fn id(&self) -> u128 {
        self.key.id.into()
    }
    fn account_id(&self) -> AccountId {
        self.key.account_id
    }
    fn application_id(&self) -> ApplicationId {
        self.key.application_id
    }
    fn name(&self) -> &str {
        &self.key.name
    }
    fn status(&self) -> KeyStatus {
        self.key.status
    }
    fn expiration(&self) -> Option<Timestamp> {
        self.key.expiration
    }
    fn scopes(&self) -> PermissionSet {
        self.key.scopes
    }
    fn set_scopes(&mut self, scopes: PermissionSet) {
        self.key.scopes = scopes;
    }
    fn created_by(&self) -> UserId {
        self.key.created_by
    }
    fn created_at(&self) -> Timestamp {
        self.key.created_at
    }
    fn apply(&mut self, update: &KeyUpdate, now: Timestamp) -> Result<(), ChangeError> {
        self.key.apply(update, now)
    }
    fn last_used_at(&mut self) -> &mut Option<Timestamp> {
        &mut self.key.last_used_at
    }
}

impl StoredKey for JwtKey {
    const KIND: &'static str = <latchkey_core::id::JwtKeyKind as latchkey_core::id::IdKind>::NAME;
    const LIMIT: LimitKind = LimitKind::JwtKeysPerApplication;
    type Shown = JwtKey;

    fn shown(&self) -> &JwtKey {
        self
    }

    fn id(&self) -> u128 {
        self.id.into()
    }
    fn account_id(&self) -> AccountId {
        self.account_id
    }
    fn application_id(&self) -> ApplicationId {
        self.application_id
    }
    fn name(&self) -> &str {
        &self.name
    }
    fn status(&self) -> KeyStatus {
        self.status
    }
    fn expiration(&self) -> Option<Timestamp> {
        self.expiration
    }
    fn scopes(&self) -> PermissionSet {
        self.scopes
    }
    fn set_scopes(&mut self, scopes: PermissionSet) {
        self.scopes = scopes;
    }
    fn created_by(&self) -> UserId {
        self.created_by
    }
    fn created_at(&self) -> Timestamp {
        self.created_at
    }
    fn apply(&mut self, update: &KeyUpdate, now: Timestamp) -> Result<(), ChangeError> {
        JwtKey::apply(self, update, now)
    }
    fn last_used_at(&mut self) -> &mut Option<Timestamp> {
        &mut self.last_used_at
    }
}

/// Whether `scope` reaches `app`: `OutsideScope` when it belongs to another
/// user and the scope is `:own`.
pub(crate) fn check_reach(
    scope: AppScope,
    app: &Application,
    kind: &'static str,
) -> StoreResult<()> {
    match scope.owned_by {
        Some(user) if user != app.created_by => Err(StoreError::OutsideScope { kind }),
        _ => Ok(()),
    }
}

/// Keys are made only for active applications.
pub(crate) fn check_active(app: &Application) -> StoreResult<()> {
    if app.is_active() {
        Ok(())
    } else {
        Err(StoreError::Conflict("the application is revoked".into()))
    }
}

/// The user a new key or application will belong to must be an active user
/// of the account (`created_by`).
pub(crate) fn check_owner(owner: Option<&User>) -> StoreResult<()> {
    match owner {
        Some(user) if user.is_active() => Ok(()),
        _ => Err(
            ValidationErrors::single("created_by", "no such active user in this account").into(),
        ),
    }
}

/// The union of some groups' permissions.
pub(crate) fn union_of<'a>(groups: impl IntoIterator<Item = &'a PolicyGroup>) -> PermissionSet {
    groups.into_iter().fold(PermissionSet::EMPTY, |set, group| {
        set.union(group.permissions)
    })
}

/// What a backend read for a new key, in the creating transaction.
pub(crate) struct NewKeyFacts<'a> {
    /// The key's account.
    pub account: &'a Account,
    /// Its application (in the account).
    pub application: &'a Application,
    /// The application's groups.
    pub application_groups: &'a [PolicyGroup],
    /// The user it will belong to, if that user exists in the account.
    pub owner: Option<&'a User>,
    /// The owner's groups.
    pub owner_groups: &'a [PolicyGroup],
    /// Keys of this kind of the application that count toward its limit now.
    pub counted: u64,
}

/// Admits a new key of either kind and fixes its scopes (see
/// [`delegation::admit_new_key`]): reach, an active application, an active
/// owner, the delegation rule, the account's key policy, then the plan limit.
pub(crate) fn admit_new_key<K: StoredKey>(
    actor: &Actor,
    scope: AppScope,
    key: &mut K,
    facts: NewKeyFacts<'_>,
    limits: LimitPolicy,
) -> StoreResult<()> {
    check_reach(scope, facts.application, K::KIND)?;
    check_active(facts.application)?;
    check_owner(facts.owner)?;
    let scopes = delegation::admit_new_key(
        actor,
        KeyTarget {
            application: facts.application,
            application_permissions: union_of(facts.application_groups),
            operator: facts.account.operator,
        },
        KeyRequest {
            scopes: key.scopes(),
            holder: key.created_by(),
            holder_permissions: union_of(facts.owner_groups),
        },
    )?;
    key.set_scopes(scopes);
    check_key_policy(actor, facts.account, key)?;
    if limits == LimitPolicy::Enforce {
        facts.account.limits.admit(K::LIMIT, facts.counted)?;
    }
    Ok(())
}

/// The account's key policy binds what requests make (the system's own
/// writes, such as recovery with `latchkey admin mint-key`, are not bound:
/// an operator locked out must get in).
fn check_key_policy<K: StoredKey>(actor: &Actor, account: &Account, key: &K) -> StoreResult<()> {
    if matches!(actor, Actor::System) {
        return Ok(());
    }
    account
        .key_policy
        .check_expiration(key.created_at(), key.expiration())?;
    Ok(())
}

/// A rolled key inherits its scopes: the delegation rule may admit it only
/// as it is. [`delegation::admit_new_key`] fixes the application's current
/// rights as the scopes of an unscoped key asked for by an actor that cannot
/// pass on every permission; for a roll that would quietly make a different
/// credential, so it is refused as the creation of an unscoped key would be.
pub(crate) fn check_inherited_scopes(
    actor: &Actor,
    account: &Account,
    inherited: PermissionSet,
    admitted: &StoredAccessKey,
) -> StoreResult<()> {
    if admitted.key.scopes == inherited {
        return Ok(());
    }
    let lacking = match actor.principal() {
        Some(principal) => delegation::every_permission(account.operator)
            .not_granted_by(delegation::passable(principal, admitted.key.created_by))
            .without_implied(),
        None => PermissionSet::EMPTY,
    };
    Err(delegation::Refused::UnscopedNeedsEveryPermission { lacking }.into())
}

/// What a backend read for a key change, in the changing transaction.
pub(crate) struct KeyChangeFacts<'a> {
    /// The key's account.
    pub account: &'a Account,
    /// The key's application's groups.
    pub application_groups: &'a [PolicyGroup],
    /// Keys of this kind of the application, other than this one, that
    /// count toward its limit now.
    pub counted_others: u64,
}

/// Admits a key's change, `before` → `after` (already applied by the
/// resource's own rules): making it work again or longer is a grant of its
/// rights ([`delegation::admit_key_change`]), and a key that starts counting
/// toward its application's limit again (an expired key given a future
/// expiration) needs room under it.
pub(crate) fn admit_key_change<K: StoredKey>(
    actor: &Actor,
    before: &K,
    after: &K,
    facts: KeyChangeFacts<'_>,
    now: Timestamp,
) -> StoreResult<()> {
    let rights = if after.scopes().is_empty() {
        effective_permissions(
            [union_of(facts.application_groups)],
            PermissionSet::EMPTY,
            facts.account.operator,
        )
    } else {
        after.scopes()
    };
    delegation::admit_key_change(
        actor,
        before.life(),
        after.life(),
        now,
        rights,
        after.created_by(),
    )?;
    // A later expiration (or none) must meet the key policy; bringing an
    // expiration forward is always allowed, so that keys made before the
    // policy can be brought toward it.
    let shortened = match (before.expiration(), after.expiration()) {
        (None, Some(_)) => true,
        (Some(old), Some(new)) => new < old,
        _ => false,
    };
    if before.expiration() != after.expiration()
        && !shortened
        && after.status() != KeyStatus::Revoked
    {
        check_key_policy(actor, facts.account, after)?;
    }
    if !before.counts_toward_limit(now) && after.counts_toward_limit(now) {
        facts.account.limits.admit(K::LIMIT, facts.counted_others)?;
    }
    Ok(())
}

/// Admits a new application: the delegation rule on `created_by` and its
/// groups, an active owner, then the plan limit (`counted`: the account's
/// active applications).
pub(crate) fn admit_new_application(
    actor: &Actor,
    application: &Application,
    groups: &[PolicyGroup],
    owner: Option<&User>,
    account: &Account,
    counted: u64,
) -> StoreResult<()> {
    check_owner(owner)?;
    delegation::admit_new_application(actor, application, groups)?;
    account.limits.admit(LimitKind::Applications, counted)?;
    Ok(())
}

/// Admits a user's group list changing from `before` to `wanted` (`groups`:
/// the groups `wanted` names, in order; on create, `before` is empty).
pub(crate) fn admit_user_groups(
    actor: &Actor,
    user: UserId,
    before: &[latchkey_core::id::PolicyGroupId],
    groups: &[PolicyGroup],
) -> StoreResult<()> {
    let changed = before.len() != groups.len() || groups.iter().any(|g| !before.contains(&g.id));
    let added = groups
        .iter()
        .enumerate()
        .filter(|(_, group)| !before.contains(&group.id));
    delegation::admit_user_groups(actor, user, changed, added)?;
    Ok(())
}

/// What a store found of a leaked-key report in a transaction that may
/// only record it (one that announces no change).
pub(crate) enum Exposure {
    /// The key is gone or its hash changed: nothing to do, nothing recorded.
    Gone,
    /// The report changes nothing of the key; its record is written.
    Recorded(Box<crate::ExposedKey>),
    /// The report changes the key: a write that announces it must follow.
    Changes,
}

/// The change an account's `exposed_key_action` makes to a leaked key with
/// `status`, if any: `revoke` revokes it (unless it already is), `deactivate`
/// deactivates it when it is active, `notify` changes nothing.
pub(crate) fn exposure_update(
    action: latchkey_core::resource::ExposedKeyAction,
    status: KeyStatus,
) -> Option<KeyUpdate> {
    use latchkey_core::resource::ExposedKeyAction;
    let to = match (action, status) {
        (ExposedKeyAction::Revoke, KeyStatus::Active | KeyStatus::Inactive) => KeyStatus::Revoked,
        (ExposedKeyAction::Deactivate, KeyStatus::Active) => KeyStatus::Inactive,
        _ => return None,
    };
    Some(KeyUpdate {
        status: Some(to),
        ..KeyUpdate::default()
    })
}
