//! The rules every backend applies inside its write transactions, over the
//! records it read there: reach (`:own` vs `:any`), the active-application
//! check, plan-limit admission, and the delegation rule of
//! [`latchkey_core::delegation`]. The redb and PostgreSQL stores differ only
//! in how they read and write; what they decide is decided here, once.

use jiff::Timestamp;
use latchkey_core::audit::AuditRecord;
use latchkey_core::authorize::effective_permissions;
use latchkey_core::delegation::{self, Actor, KeyLife, KeyRequest, KeyTarget};
use latchkey_core::id::{AccountId, ApplicationId, UserId};
use latchkey_core::permission::PermissionSet;
use latchkey_core::plan::LimitKind;
use latchkey_core::resource::ExposedKeyAction;
use latchkey_core::resource::{
    Account, Application, ChangeError, JwtKey, KeyUpdate, PolicyGroup, User,
};
use latchkey_core::secret_hash::SecretHash;
use latchkey_core::status::{EffectiveKeyStatus, KeyStatus};
use latchkey_core::validation::ValidationErrors;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::commits::Changed;
use crate::{
    AccessKeyRoll, AnyKeyId, AppScope, DeactivatedKey, ExposedKey, LimitPolicy, RolledAccessKey,
    StoreError, StoreResult, StoredAccessKey,
};

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
    /// Its last use, read only.
    fn last_used(&self) -> Option<Timestamp>;
    /// Its id among keys of either kind.
    fn any_id(&self) -> AnyKeyId;

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
    fn last_used(&self) -> Option<Timestamp> {
        self.key.last_used_at
    }
    fn any_id(&self) -> AnyKeyId {
        AnyKeyId::Access(self.key.id)
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
    fn last_used(&self) -> Option<Timestamp> {
        self.last_used_at
    }
    fn any_id(&self) -> AnyKeyId {
        AnyKeyId::Jwt(self.id)
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
fn check_inherited_scopes(
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

/// A roll decided over the key read in the roll's transaction: the old key
/// as it stands after the roll (written first, so that the new key's limit
/// check counts it so), the new key (created under the delegation rule and
/// the limit), and the record of the roll (appended before the creation's).
pub(crate) struct Roll {
    /// The rolled key as it was.
    before: latchkey_core::resource::AccessKey,
    /// The rolled key, expiring at the end of the grace.
    pub old: StoredAccessKey,
    /// The new key, before the delegation rule admits it.
    pub new: StoredAccessKey,
    /// The scopes the new key inherits.
    inherited: PermissionSet,
}

/// Rolls `stored` (see [`crate::Store::roll_access_key`]).
pub(crate) fn roll(
    stored: &StoredAccessKey,
    request: AccessKeyRoll,
    now: Timestamp,
) -> StoreResult<Roll> {
    let rolled = stored
        .key
        .roll(request.origin, request.name, request.grace, now)?;
    let inherited = rolled.new.scopes;
    Ok(Roll {
        before: stored.key.clone(),
        old: StoredAccessKey {
            key: rolled.old,
            secret_hash: stored.secret_hash.clone(),
        },
        new: StoredAccessKey {
            key: rolled.new,
            secret_hash: request.secret_hash,
        },
        inherited,
    })
}

impl Roll {
    /// The roll's audit record.
    pub fn record(&self, acting: &latchkey_core::audit::Acting, now: Timestamp) -> AuditRecord {
        crate::audit::key_roll(acting, &self.before, &self.old.key, &self.new.key, now)
    }

    /// Once the new key is admitted: refused if the delegation rule changed
    /// its scopes (see [`check_inherited_scopes`]), else the outcome.
    pub fn finish(self, actor: &Actor, account: &Account) -> StoreResult<RolledAccessKey> {
        check_inherited_scopes(actor, account, self.inherited, &self.new)?;
        Ok(RolledAccessKey {
            old: self.old.key,
            new: self.new.key,
        })
    }
}

/// The key a leaked-key report names, if it is still the one reported: a
/// report carries the hash of the secret that leaked, and a key whose
/// secret changed since (or a key that is gone) is not its key.
pub(crate) fn reported_key(
    stored: Option<StoredAccessKey>,
    expected: &SecretHash,
) -> Option<StoredAccessKey> {
    stored.filter(|stored| stored.secret_hash == *expected)
}

/// A leaked-key report decided: the key before and after its account's
/// `exposed_key_action`.
pub(crate) struct Exposure {
    /// The key as read.
    before: StoredAccessKey,
    /// The key after the action (the same when it changes nothing).
    pub after: StoredAccessKey,
    action: ExposedKeyAction,
}

/// What the account's `action` does to the reported key `stored` (see
/// [`crate::Store::expose_access_key`]): `revoke` revokes it (unless it
/// already is), `deactivate` deactivates it when it is active, `notify`
/// changes nothing.
pub(crate) fn expose(
    stored: StoredAccessKey,
    action: ExposedKeyAction,
    now: Timestamp,
) -> StoreResult<Exposure> {
    let to = match (action, stored.key.status) {
        (ExposedKeyAction::Revoke, KeyStatus::Active | KeyStatus::Inactive) => {
            Some(KeyStatus::Revoked)
        }
        (ExposedKeyAction::Deactivate, KeyStatus::Active) => Some(KeyStatus::Inactive),
        _ => None,
    };
    let mut after = stored.clone();
    if let Some(to) = to {
        let update = KeyUpdate {
            status: Some(to),
            ..KeyUpdate::default()
        };
        after.key.apply(&update, now)?;
    }
    Ok(Exposure {
        before: stored,
        after,
        action,
    })
}

impl Exposure {
    /// Whether the report changes the key (else only its record is written).
    pub fn changes_key(&self) -> bool {
        self.before.key.status != self.after.key.status
    }

    /// The stored key as read, to write [`Exposure::after`] over.
    pub fn before(&self) -> &StoredAccessKey {
        &self.before
    }

    /// What the commit that writes it changes: the key's account, or
    /// nothing when only the record is written.
    pub fn changed(&self) -> Option<Changed> {
        changed_accounts(self.changes_key().then_some(self.after.key.account_id))
    }

    /// The report's audit record (`notify` too).
    pub fn record(
        &self,
        acting: &latchkey_core::audit::Acting,
        url: &str,
        now: Timestamp,
    ) -> AuditRecord {
        crate::audit::key_exposed(
            acting,
            &self.before.key,
            &self.after.key,
            self.action,
            url,
            now,
        )
    }

    /// The outcome.
    pub fn outcome(self) -> ExposedKey {
        ExposedKey {
            status_before: self.before.key.status,
            key: self.after.key,
            action: self.action,
        }
    }
}

/// Whether the sweep of unused keys deactivates `key` of `account` at
/// `now`: it works, and the account's key policy finds it unused.
pub(crate) fn is_unused<K: StoredKey>(account: &Account, key: &K, now: Timestamp) -> bool {
    key.status().effective(key.expiration(), now) == EffectiveKeyStatus::Active
        && account
            .key_policy
            .is_unused(key.created_at(), key.last_used(), now)
}

/// The sweep's change to an unused key: deactivated, and what the sweep
/// reports of it.
pub(crate) fn deactivate<K: StoredKey>(
    key: &K,
    now: Timestamp,
) -> StoreResult<(K, DeactivatedKey)> {
    let mut after = key.clone();
    after.apply(
        &KeyUpdate {
            status: Some(KeyStatus::Inactive),
            ..KeyUpdate::default()
        },
        now,
    )?;
    let deactivated = DeactivatedKey {
        account_id: key.account_id(),
        application_id: key.application_id(),
        key: key.any_id(),
        last_used_at: key.last_used(),
    };
    Ok((after, deactivated))
}

/// What a commit changing these accounts' records reports: nothing for
/// none, the account for one, everything for several.
pub(crate) fn changed_accounts(accounts: impl IntoIterator<Item = AccountId>) -> Option<Changed> {
    let mut accounts = accounts.into_iter();
    let first = accounts.next()?;
    if accounts.all(|other| other == first) {
        Some(Changed::Account(first))
    } else {
        Some(Changed::Everything)
    }
}

#[cfg(test)]
mod tests {
    use jiff::SignedDuration;
    use latchkey_core::plan::Plan;
    use latchkey_core::resource::{KeyPolicy, NewAccount};

    use super::*;
    use crate::AccountBundle;

    const DAY: i64 = 86_400;

    /// A new account and its first key, made at `now`.
    fn bundle(now: Timestamp) -> AccountBundle {
        let account = NewAccount {
            name: "Acme".into(),
            plan: Plan::Free,
            limits: None,
        }
        .build(false, now)
        .unwrap();
        AccountBundle::build(account, "a@b.co", "http://x", now)
            .unwrap()
            .0
    }

    fn with_status(mut key: StoredAccessKey, status: KeyStatus) -> StoredAccessKey {
        key.key.status = status;
        key
    }

    #[test]
    fn a_commit_reports_nothing_one_account_or_everything() {
        let (a, b) = (AccountId::generate(), AccountId::generate());
        assert_eq!(changed_accounts([]), None);
        assert_eq!(changed_accounts([a]), Some(Changed::Account(a)));
        assert_eq!(changed_accounts([a, a, a]), Some(Changed::Account(a)));
        assert_eq!(changed_accounts([a, b, a]), Some(Changed::Everything));
    }

    #[test]
    fn a_report_names_its_key_only_with_the_leaked_secrets_hash() {
        let key = bundle(Timestamp::now()).admin_key;
        let hash = key.secret_hash.clone();
        assert!(reported_key(Some(key.clone()), &hash).is_some());
        assert!(reported_key(Some(key), &SecretHash::digest("another")).is_none());
        assert!(reported_key(None, &hash).is_none());
    }

    #[test]
    fn each_exposed_key_action_changes_only_a_key_it_can_stop() {
        use ExposedKeyAction::{Deactivate, Notify, Revoke};
        use KeyStatus::{Active, Inactive, Revoked};
        let now = Timestamp::now();
        let bundle = bundle(now);
        let account = bundle.account.id;
        for (action, before, after) in [
            (Revoke, Active, Revoked),
            (Revoke, Inactive, Revoked),
            (Revoke, Revoked, Revoked),
            (Deactivate, Active, Inactive),
            (Deactivate, Inactive, Inactive),
            (Deactivate, Revoked, Revoked),
            (Notify, Active, Active),
            (Notify, Inactive, Inactive),
            (Notify, Revoked, Revoked),
        ] {
            let key = with_status(bundle.admin_key.clone(), before);
            let exposure = expose(key.clone(), action, now).unwrap();
            let what = format!("{action:?} of a {before:?} key");
            assert_eq!(exposure.before(), &key, "{what}");
            assert_eq!(exposure.after.key.status, after, "{what}");
            assert_eq!(exposure.changes_key(), before != after, "{what}");
            let changed = (before != after).then_some(Changed::Account(account));
            assert_eq!(exposure.changed(), changed, "{what}");
            let outcome = exposure.outcome();
            assert_eq!(
                (outcome.status_before, outcome.key.status, outcome.action),
                (before, after, action),
                "{what}"
            );
        }
    }

    #[test]
    fn the_sweep_takes_working_keys_idle_for_the_policys_days() {
        let made = Timestamp::now();
        let mut bundle = bundle(made);
        bundle.account.key_policy = KeyPolicy {
            deactivate_unused_after_days: Some(30),
            ..KeyPolicy::default()
        };
        let account = &bundle.account;
        let key = bundle.admin_key;
        let at = |days: i64| made + SignedDuration::from_secs(days * DAY);
        assert!(!is_unused(account, &key, at(29)));
        assert!(is_unused(account, &key, at(31)));
        let mut used = key.clone();
        used.key.last_used_at = Some(at(10));
        assert!(!is_unused(account, &used, at(31)));
        assert!(is_unused(account, &used, at(41)));
        let inactive = with_status(key.clone(), KeyStatus::Inactive);
        assert!(!is_unused(account, &inactive, at(31)));
        let mut expired = key.clone();
        expired.key.expiration = Some(at(20));
        assert!(!is_unused(account, &expired, at(31)));
        let unswept = Account {
            key_policy: KeyPolicy::default(),
            ..account.clone()
        };
        assert!(!is_unused(&unswept, &key, at(3650)));

        let (after, report) = deactivate(&used, at(41)).unwrap();
        assert_eq!(after.key.status, KeyStatus::Inactive);
        assert_eq!(
            report,
            DeactivatedKey {
                account_id: account.id,
                application_id: key.key.application_id,
                key: AnyKeyId::Access(key.key.id),
                last_used_at: Some(at(10)),
            }
        );
    }

    #[test]
    fn a_roll_keeps_the_old_secret_and_refuses_scopes_the_rule_changed() {
        let now = Timestamp::now();
        let bundle = bundle(now);
        let stored = bundle.admin_key;
        let (request, _) =
            AccessKeyRoll::issue(None, SignedDuration::from_secs(60), "http://x").unwrap();
        let new_hash = request.secret_hash.clone();
        let roll = roll(&stored, request.clone(), now).unwrap();
        assert_eq!(roll.old.secret_hash, stored.secret_hash);
        assert_eq!(roll.old.key.id, stored.key.id);
        assert_eq!(
            roll.old.key.expiration,
            Some(now + SignedDuration::from_secs(60))
        );
        assert_eq!(roll.new.secret_hash, new_hash);
        assert_eq!(roll.new.key.scopes, stored.key.scopes);
        let rolled = roll.finish(&Actor::System, &bundle.account).unwrap();
        assert_eq!(rolled.new.id, request.origin.id);

        // Admission gave the new key other scopes: refused.
        let mut changed = self::roll(&stored, request, now).unwrap();
        changed.new.key.scopes = [latchkey_core::permission::Permission::AuditView]
            .into_iter()
            .collect();
        assert!(matches!(
            changed.finish(&Actor::System, &bundle.account),
            Err(StoreError::Refused(_))
        ));
    }
}
