//! A stateful property test of the delegation rule (API.md, "Delegation is
//! bounded") through every granting path of the real store.
//!
//! Each case builds a small random world in an in-memory redb store — an
//! account (sometimes the operator's), groups with random permission sets,
//! users, applications and credentials (access keys and JWT keys) — then
//! replays a random sequence of granting operations, each performed by a
//! random credential of that world, authorized as the server authorizes it
//! (`authorize`, `visibility`) and handed to the store, which admits it or
//! not. After every accepted step the whole store is read back and checked
//! against an oracle written here, independently of the rule under test:
//! - no principal (credential or user) gained a right the actor could not
//!   pass on to it (its holder's `:own` reach included);
//! - every credential stays within what its creator could pass on when it
//!   was made, whatever happened since;
//! - nothing came to hold every permission without an actor that held them
//!   all.
//!
//! Operations name entities by index (taken modulo what exists), so a
//! shrunk counterexample is a short, readable list of steps.

use std::collections::HashMap;

use jiff::{SignedDuration, Timestamp};
use latchkey_core::audit::Acting;
use latchkey_core::authorize::{
    Action, Principal, Target, Visibility, authorize, effective_permissions, visibility,
};
use latchkey_core::delegation::Actor;
use latchkey_core::id::{AccessKeyId, ApplicationId, JwtKeyId, PolicyGroupId, UserId};
use latchkey_core::jwt::{Algorithm, SigningKey};
use latchkey_core::password_link::PasswordLink;
use latchkey_core::permission::{Permission, PermissionSet, Reach, Subject, Verb};
use latchkey_core::plan::{Limits, Plan};
use latchkey_core::resource::access_key::AccessKeyOrigin;
use latchkey_core::resource::jwt_key::RegisteredPublicKey;
use latchkey_core::resource::{
    Account, KeyUpdate, NewAccessKey, NewAccount, NewApplication, NewJwtKey, NewPolicyGroup,
    NewUser, PolicyGroupUpdate, UserUpdate,
};
use latchkey_core::secret_hash::SecretHash;
use latchkey_core::status::{EffectiveKeyStatus, KeyStatus};
use latchkey_store::export::ExportRecord;
use latchkey_store::redb::RedbStore;
use latchkey_store::{AccountBundle, AppScope, LimitPolicy, Members, Store, StoredAccessKey};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};

/// A permission set as a plain number (bit `i` = the `i`-th permission in
/// canonical order), shown as its permission strings when shrunk.
#[derive(Clone, Copy, PartialEq, Eq)]
struct Perms(u32);

impl Perms {
    fn set(self) -> PermissionSet {
        Permission::all()
            .enumerate()
            .filter(|(bit, _)| self.0 & (1 << bit) != 0)
            .map(|(_, p)| p)
            .collect()
    }
}

impl std::fmt::Debug for Perms {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?}", self.set())
    }
}

/// The permissions escalations are made of: mostly these, so that random
/// worlds often hold actors that can grant a little but not everything.
const INTERESTING: [&str; 11] = [
    "keys:create:own",
    "keys:create:any",
    "keys:edit:any",
    "keys:view:own",
    "keys:view:any",
    "groups:manage",
    "users:manage",
    "applications:create:own",
    "applications:create:any",
    "account:edit",
    "audit:view",
];

fn perms() -> impl Strategy<Value = Perms> {
    let bit = |text: &str| {
        let wanted: Permission = text.parse().unwrap();
        Permission::all().position(|p| p == wanted).unwrap()
    };
    let interesting: Vec<usize> = INTERESTING.iter().map(|t| bit(t)).collect();
    prop_oneof![
        4 => proptest::sample::subsequence(interesting, 0..6)
            .prop_map(|bits| Perms(bits.into_iter().fold(0, |acc, b| acc | (1 << b)))),
        2 => proptest::collection::vec(0..Permission::COUNT, 0..5)
            .prop_map(|bits| Perms(bits.into_iter().fold(0, |acc, b| acc | (1 << b)))),
        1 => Just(Perms((1 << Permission::COUNT) - 1)),
    ]
}

/// A key's scopes in the starting world: often none (unscoped).
fn world_scopes() -> impl Strategy<Value = Perms> {
    prop_oneof![1 => Just(Perms(0)), 1 => perms()]
}

/// One granting (or narrowing) operation, by a credential (`by`).
#[derive(Debug, Clone)]
enum Op {
    CreateAccessKey {
        by: usize,
        app: usize,
        scopes: Perms,
        owner: Option<usize>,
    },
    CreateJwtKey {
        by: usize,
        app: usize,
        scopes: Perms,
        owner: Option<usize>,
    },
    CreateApplication {
        by: usize,
        groups: Vec<usize>,
        owner: Option<usize>,
    },
    CreateUser {
        by: usize,
        groups: Vec<usize>,
    },
    SetUserGroups {
        by: usize,
        user: usize,
        groups: Vec<usize>,
    },
    CreateGroup {
        by: usize,
        permissions: Perms,
    },
    SetGroupPermissions {
        by: usize,
        group: usize,
        permissions: Perms,
    },
    AddApplicationToGroup {
        by: usize,
        group: usize,
        app: usize,
    },
    AddUserToGroup {
        by: usize,
        group: usize,
        user: usize,
    },
    RemoveApplicationFromGroup {
        by: usize,
        group: usize,
        app: usize,
    },
    SetKeyStatus {
        by: usize,
        key: usize,
        active: bool,
    },
    SetKeyExpiration {
        by: usize,
        key: usize,
        expiration: Expiration,
    },
    /// A password link for a user: its holder acts as that user.
    PasswordLink {
        by: usize,
        user: usize,
    },
    /// A roll of an access key: a new credential with its scopes and owner.
    RollKey {
        by: usize,
        key: usize,
        grace: bool,
    },
}

#[derive(Debug, Clone, Copy)]
enum Expiration {
    Never,
    InAnHour,
    Past,
}

fn op() -> impl Strategy<Value = Op> {
    let idx = || 0usize..16;
    let groups = || proptest::collection::vec(0usize..16, 0..3);
    let owner = || proptest::option::of(0usize..16);
    prop_oneof![
        (idx(), idx(), perms(), owner()).prop_map(|(by, app, scopes, owner)| {
            Op::CreateAccessKey {
                by,
                app,
                scopes,
                owner,
            }
        }),
        (idx(), idx(), perms(), owner()).prop_map(|(by, app, scopes, owner)| {
            Op::CreateJwtKey {
                by,
                app,
                scopes,
                owner,
            }
        }),
        (idx(), groups(), owner()).prop_map(|(by, groups, owner)| Op::CreateApplication {
            by,
            groups,
            owner
        }),
        (idx(), groups()).prop_map(|(by, groups)| Op::CreateUser { by, groups }),
        (idx(), idx(), groups()).prop_map(|(by, user, groups)| Op::SetUserGroups {
            by,
            user,
            groups
        }),
        (idx(), perms()).prop_map(|(by, permissions)| Op::CreateGroup { by, permissions }),
        (idx(), idx(), perms()).prop_map(|(by, group, permissions)| {
            Op::SetGroupPermissions {
                by,
                group,
                permissions,
            }
        }),
        (idx(), idx(), idx()).prop_map(|(by, group, app)| Op::AddApplicationToGroup {
            by,
            group,
            app
        }),
        (idx(), idx(), idx()).prop_map(|(by, group, user)| Op::AddUserToGroup { by, group, user }),
        (idx(), idx(), idx())
            .prop_map(|(by, group, app)| { Op::RemoveApplicationFromGroup { by, group, app } }),
        (idx(), idx()).prop_map(|(by, user)| Op::PasswordLink { by, user }),
        (idx(), idx(), any::<bool>()).prop_map(|(by, key, grace)| Op::RollKey { by, key, grace }),
        (idx(), idx(), any::<bool>()).prop_map(|(by, key, active)| Op::SetKeyStatus {
            by,
            key,
            active
        }),
        (
            idx(),
            idx(),
            prop_oneof![
                Just(Expiration::Never),
                Just(Expiration::InAnHour),
                Just(Expiration::Past)
            ]
        )
            .prop_map(|(by, key, expiration)| Op::SetKeyExpiration {
                by,
                key,
                expiration
            }),
    ]
}

/// The random world a case starts from, made by the system (unbounded).
#[derive(Debug, Clone)]
struct World {
    operator: bool,
    groups: Vec<Perms>,
    /// Each user's groups.
    users: Vec<Vec<usize>>,
    /// Each application's groups and owner.
    apps: Vec<(Vec<usize>, usize)>,
    /// Each key's application, scopes, owner and whether it starts inactive.
    keys: Vec<(usize, Perms, usize, bool)>,
}

fn world() -> impl Strategy<Value = World> {
    (
        any::<bool>(),
        proptest::collection::vec(perms(), 1..4),
        proptest::collection::vec(proptest::collection::vec(0usize..8, 0..3), 1..4),
        proptest::collection::vec(
            (proptest::collection::vec(0usize..8, 0..3), 0usize..8),
            1..4,
        ),
        proptest::collection::vec((0usize..8, world_scopes(), 0usize..8, any::<bool>()), 1..6),
    )
        .prop_map(|(operator, groups, users, apps, keys)| World {
            operator,
            groups,
            users,
            apps,
            keys,
        })
}

fn now() -> Timestamp {
    Timestamp::now()
}

fn fixed_hash() -> SecretHash {
    SecretHash::digest("fixed")
}

fn public_key() -> serde_json::Value {
    static KEY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    serde_json::Value::from(
        KEY.get_or_init(|| {
            SigningKey::generate(Algorithm::EdDSA)
                .unwrap()
                .verifying_key()
                .to_spki_pem()
        })
        .clone(),
    )
}

/// A credential of the world.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Cred {
    Access(AccessKeyId),
    Jwt(JwtKeyId),
}

/// What the oracle knows about the world between steps.
struct Model {
    store: RedbStore,
    account: Account,
    groups: Vec<PolicyGroupId>,
    users: Vec<UserId>,
    apps: Vec<ApplicationId>,
    creds: Vec<Cred>,
    /// What each credential's creator could pass on to its holder when it
    /// was made (everything, for the system's).
    ceilings: HashMap<Cred, PermissionSet>,
    counter: usize,
}

/// Every principal's rights as read back from the store: credentials that
/// work now, and active users.
#[derive(Debug, Default, Clone)]
struct Rights {
    creds: HashMap<Cred, (PermissionSet, UserId)>,
    users: HashMap<UserId, PermissionSet>,
    /// Active applications: what their groups grant, the groups, the owner.
    apps: HashMap<ApplicationId, (PermissionSet, Vec<PolicyGroupId>, UserId)>,
    /// Every credential that exists (working or not), with its owner.
    existing: HashMap<Cred, UserId>,
}

/// The oracle's own statement of what an actor may pass on to `holder`,
/// written without the code under test: every right it holds (with what
/// `:any` and changing applications imply), but an `:own` right for
/// another user only through its `:any` twin.
fn passable(actor: &Principal, holder: UserId) -> PermissionSet {
    let held = actor.permissions.implied();
    if holder == actor.user_id {
        return held;
    }
    held.iter()
        .filter(|permission| match permission {
            Permission::Scoped {
                subject,
                verb,
                reach: Reach::Own,
            } => held.contains(Permission::scoped(*subject, *verb, Reach::Any)),
            _ => true,
        })
        .collect()
}

fn every(operator: bool) -> PermissionSet {
    if operator {
        PermissionSet::operator_all()
    } else {
        PermissionSet::tenant_all()
    }
}

impl Model {
    fn name(&mut self, kind: &str) -> String {
        self.counter += 1;
        format!("{kind}-{}", self.counter)
    }

    fn scope(&self) -> AppScope {
        AppScope::account(self.account.id)
    }

    async fn build(world: &World) -> Model {
        let store = RedbStore::in_memory().unwrap();
        let limits = Limits {
            applications: 1000,
            access_keys_per_application: 1000,
            jwt_keys_per_application: 1000,
        };
        let account = NewAccount {
            name: "Model".into(),
            plan: Plan::Custom,
            limits: Some(limits),
        }
        .build(world.operator, now())
        .unwrap();
        let (bundle, _) =
            AccountBundle::build(account, "admin@example.com", "http://127.0.0.1:8080", now())
                .unwrap();
        let mut model = Model {
            account: bundle.account.clone(),
            groups: vec![bundle.administrators.id],
            users: vec![bundle.admin_user.id],
            apps: vec![bundle.admin_application.id],
            creds: vec![Cred::Access(bundle.admin_key.key.id)],
            ceilings: HashMap::new(),
            counter: 0,
            store,
        };
        model.ceilings.insert(model.creds[0], every(world.operator));
        model
            .store
            .create_account(&Acting::system(), bundle)
            .await
            .unwrap();
        let system = Actor::System;
        for permissions in &world.groups {
            let permissions = permissions.set().intersection(every(world.operator));
            model.create_group(&system, permissions).await.unwrap();
        }
        for groups in &world.users {
            let groups = model.pick_groups(groups);
            model.create_user(&system, groups).await.unwrap();
        }
        for (groups, owner) in &world.apps {
            let groups = model.pick_groups(groups);
            let owner = model.users[owner % model.users.len()];
            model.create_app(&system, groups, owner).await.unwrap();
        }
        for (app, scopes, owner, inactive) in &world.keys {
            let app = model.apps[app % model.apps.len()];
            let owner = model.users[owner % model.users.len()];
            model
                .create_access_key(&system, app, scopes.set(), owner)
                .await
                .unwrap();
            if *inactive {
                let Some(Cred::Access(id)) = model.creds.last().copied() else {
                    unreachable!("just created");
                };
                let update = KeyUpdate {
                    status: Some(KeyStatus::Inactive),
                    ..Default::default()
                };
                model
                    .store
                    .update_access_key(&acting(&system), model.scope(), app, id, update, now())
                    .await
                    .unwrap();
            }
        }
        model
    }

    fn pick_groups(&self, picks: &[usize]) -> Vec<PolicyGroupId> {
        let mut groups: Vec<PolicyGroupId> = picks
            .iter()
            .map(|i| self.groups[i % self.groups.len()])
            .collect();
        groups.sort();
        groups.dedup();
        groups
    }

    async fn create_group(
        &mut self,
        actor: &Actor,
        permissions: PermissionSet,
    ) -> Result<(), String> {
        let group = NewPolicyGroup {
            name: self.name("group"),
            description: String::new(),
            permissions: permissions.iter().map(|p| p.to_string()).collect(),
        }
        .build(self.account.id, self.account.operator, now())
        .map_err(|e| e.to_string())?;
        let group = self
            .store
            .create_group(&acting(actor), group)
            .await
            .map_err(|e| e.to_string())?;
        self.groups.push(group.id);
        Ok(())
    }

    async fn create_user(
        &mut self,
        actor: &Actor,
        groups: Vec<PolicyGroupId>,
    ) -> Result<(), String> {
        let user = NewUser {
            email: format!("{}@example.com", self.name("user")),
            name: String::new(),
            group_ids: groups,
        }
        .build(self.account.id, now())
        .map_err(|e| e.to_string())?;
        let user = self
            .store
            .create_user(&acting(actor), user)
            .await
            .map_err(|e| e.to_string())?;
        self.users.push(user.id);
        Ok(())
    }

    async fn create_app(
        &mut self,
        actor: &Actor,
        groups: Vec<PolicyGroupId>,
        owner: UserId,
    ) -> Result<(), String> {
        let app = NewApplication {
            name: self.name("app"),
            description: String::new(),
            group_ids: groups,
            created_by: Some(owner),
        }
        .build(self.account.id, owner, now())
        .map_err(|e| e.to_string())?;
        let app = self
            .store
            .create_application(&acting(actor), app)
            .await
            .map_err(|e| e.to_string())?;
        self.apps.push(app.id);
        Ok(())
    }

    fn ceiling_for(&self, actor: &Actor, holder: UserId) -> PermissionSet {
        match actor {
            Actor::System => every(self.account.operator),
            Actor::Credential(principal) => passable(principal, holder),
        }
    }

    async fn create_access_key(
        &mut self,
        actor: &Actor,
        app: ApplicationId,
        scopes: PermissionSet,
        owner: UserId,
    ) -> Result<(), String> {
        let id = AccessKeyId::generate();
        let key = NewAccessKey {
            name: self.name("key"),
            description: String::new(),
            scopes: scopes.iter().map(|p| p.to_string()).collect(),
            expiration: None,
            created_by: Some(owner),
        }
        .build(
            AccessKeyOrigin {
                id,
                key_prefix: format!("ak_{}", &id.body()[..8]),
                account_id: self.account.id,
                application_id: app,
                created_by: owner,
                api_host: "http://127.0.0.1:8080".into(),
            },
            now(),
        )
        .map_err(|e| e.to_string())?;
        let scope = self.scope_for(actor, Verb::Create)?;
        let stored = StoredAccessKey {
            key,
            secret_hash: fixed_hash(),
        };
        self.store
            .create_access_key(&acting(actor), scope, stored, LimitPolicy::Enforce, now())
            .await
            .map_err(|e| e.to_string())?;
        let cred = Cred::Access(id);
        self.creds.push(cred);
        self.ceilings.insert(cred, self.ceiling_for(actor, owner));
        Ok(())
    }

    async fn create_jwt_key(
        &mut self,
        actor: &Actor,
        app: ApplicationId,
        scopes: PermissionSet,
        owner: UserId,
    ) -> Result<(), String> {
        let id = JwtKeyId::generate();
        let registered =
            RegisteredPublicKey::parse(&public_key(), None, id).map_err(|e| e.to_string())?;
        let key = NewJwtKey {
            name: self.name("jwt"),
            description: String::new(),
            expiration: None,
            scopes: scopes.iter().map(|p| p.to_string()).collect(),
            created_by: Some(owner),
        }
        .build(id, self.account.id, app, owner, registered, now())
        .map_err(|e| e.to_string())?;
        let scope = self.scope_for(actor, Verb::Create)?;
        self.store
            .create_jwt_key(&acting(actor), scope, key, now())
            .await
            .map_err(|e| e.to_string())?;
        let cred = Cred::Jwt(id);
        self.creds.push(cred);
        self.ceilings.insert(cred, self.ceiling_for(actor, owner));
        Ok(())
    }

    /// The keys' reach, as the server's handlers compute it.
    fn scope_for(&self, actor: &Actor, verb: Verb) -> Result<AppScope, String> {
        let mut scope = self.scope();
        if let Actor::Credential(principal) = actor
            && let Visibility::OwnedBy(user) =
                visibility(principal, Subject::Keys, verb).map_err(|e| e.to_string())?
        {
            scope.owned_by = Some(user);
        }
        Ok(scope)
    }

    /// The credential `by` as an authenticated principal, if it works now.
    async fn principal(&self, by: usize) -> Option<Principal> {
        let cred = self.creds[by % self.creds.len()];
        let context = match cred {
            Cred::Access(id) => self.store.access_key_credential(id).await.unwrap()?.0,
            Cred::Jwt(id) => self.store.jwt_key_credential(id).await.unwrap()?.0,
        };
        context.authenticate(now()).ok().map(|a| a.principal)
    }

    /// Every principal's rights, read back from the store.
    async fn rights(&self) -> Rights {
        let records = self.store.export_all().await.unwrap();
        let mut groups = HashMap::new();
        let mut apps = HashMap::new();
        let mut users = HashMap::new();
        for record in &records {
            match record {
                ExportRecord::PolicyGroup(group) => {
                    groups.insert(group.id, group.permissions);
                }
                ExportRecord::Application(app) => {
                    apps.insert(app.id, app.clone());
                }
                ExportRecord::User(user) => {
                    users.insert(user.id, user.clone());
                }
                _ => {}
            }
        }
        let group_rights = |ids: &[PolicyGroupId]| -> PermissionSet {
            ids.iter()
                .fold(PermissionSet::EMPTY, |set, id| set.union(groups[id]))
        };
        let operator = self.account.operator;
        let mut rights = Rights::default();
        for user in users.values().filter(|u| u.is_active()) {
            rights.users.insert(
                user.id,
                effective_permissions(
                    [group_rights(&user.group_ids)],
                    PermissionSet::EMPTY,
                    operator,
                ),
            );
        }
        for app in apps.values().filter(|a| a.is_active()) {
            rights.apps.insert(
                app.id,
                (
                    effective_permissions(
                        [group_rights(&app.group_ids)],
                        PermissionSet::EMPTY,
                        operator,
                    ),
                    app.group_ids.clone(),
                    app.created_by,
                ),
            );
        }
        let mut note = |cred: Cred,
                        status: KeyStatus,
                        expiration,
                        app: ApplicationId,
                        scopes,
                        owner: UserId| {
            rights.existing.insert(cred, owner);
            let app = &apps[&app];
            let owner_active = users.get(&owner).is_some_and(|u| u.is_active());
            let app_owner_active = users.get(&app.created_by).is_some_and(|u| u.is_active());
            if status.effective(expiration, now()) == EffectiveKeyStatus::Active
                && app.is_active()
                && owner_active
                && app_owner_active
            {
                rights.creds.insert(
                    cred,
                    (
                        effective_permissions([group_rights(&app.group_ids)], scopes, operator),
                        owner,
                    ),
                );
            }
        };
        for record in &records {
            match record {
                ExportRecord::AccessKey(stored) => {
                    let k = &stored.key;
                    note(
                        Cred::Access(k.id),
                        k.status,
                        k.expiration,
                        k.application_id,
                        k.scopes,
                        k.created_by,
                    );
                }
                ExportRecord::JwtKey(k) => {
                    note(
                        Cred::Jwt(k.id),
                        k.status,
                        k.expiration,
                        k.application_id,
                        k.scopes,
                        k.created_by,
                    );
                }
                _ => {}
            }
        }
        rights
    }

    /// Performs `op` as the server would (authorization first); `Ok(true)`
    /// when the store accepted it, `Ok(false)` when refused anywhere.
    async fn apply(&mut self, op: &Op) -> Option<(Principal, bool)> {
        let by = match op {
            Op::CreateAccessKey { by, .. }
            | Op::CreateJwtKey { by, .. }
            | Op::CreateApplication { by, .. }
            | Op::CreateUser { by, .. }
            | Op::SetUserGroups { by, .. }
            | Op::CreateGroup { by, .. }
            | Op::SetGroupPermissions { by, .. }
            | Op::AddApplicationToGroup { by, .. }
            | Op::AddUserToGroup { by, .. }
            | Op::RemoveApplicationFromGroup { by, .. }
            | Op::SetKeyStatus { by, .. }
            | Op::SetKeyExpiration { by, .. }
            | Op::PasswordLink { by, .. }
            | Op::RollKey { by, .. } => *by,
        };
        let principal = self.principal(by).await?;
        let actor = Actor::Credential(principal.clone());
        let home = Target::Account(self.account.id);
        let user = |i: &usize| self.users[i % self.users.len()];
        let app = |i: &usize| self.apps[i % self.apps.len()];
        let group = |i: &usize| self.groups[i % self.groups.len()];
        // What the handler authorizes before the store is asked (the
        // store admits grants; the handler checks the plain permission).
        let needed = match op {
            Op::CreateApplication { owner, .. } => Some((
                Action::Applications(Verb::Create),
                Target::Application {
                    account_id: self.account.id,
                    created_by: owner.as_ref().map_or(principal.user_id, user),
                },
            )),
            Op::CreateUser { .. } | Op::SetUserGroups { .. } | Op::PasswordLink { .. } => {
                Some((Action::ManageUsers, home))
            }
            Op::CreateGroup { .. }
            | Op::SetGroupPermissions { .. }
            | Op::AddApplicationToGroup { .. }
            | Op::AddUserToGroup { .. }
            | Op::RemoveApplicationFromGroup { .. } => Some((Action::ManageGroups, home)),
            _ => None,
        };
        if let Some((action, target)) = needed
            && authorize(&principal, action, target).is_err()
        {
            return Some((principal, false));
        }
        let accepted = match op {
            Op::CreateAccessKey {
                app: a,
                scopes,
                owner,
                ..
            } => {
                let owner = owner.as_ref().map_or(principal.user_id, user);
                self.create_access_key(&actor, app(a), scopes.set(), owner)
                    .await
                    .is_ok()
            }
            Op::CreateJwtKey {
                app: a,
                scopes,
                owner,
                ..
            } => {
                let owner = owner.as_ref().map_or(principal.user_id, user);
                self.create_jwt_key(&actor, app(a), scopes.set(), owner)
                    .await
                    .is_ok()
            }
            Op::CreateApplication { groups, owner, .. } => {
                let owner = owner.as_ref().map_or(principal.user_id, user);
                let groups = self.pick_groups(groups);
                self.create_app(&actor, groups, owner).await.is_ok()
            }
            Op::CreateUser { groups, .. } => {
                let groups = self.pick_groups(groups);
                self.create_user(&actor, groups).await.is_ok()
            }
            Op::SetUserGroups {
                user: u, groups, ..
            } => {
                let update = UserUpdate {
                    group_ids: Some(self.pick_groups(groups)),
                    ..Default::default()
                };
                self.store
                    .update_user(&acting(&actor), self.account.id, user(u), update, now())
                    .await
                    .is_ok()
            }
            Op::CreateGroup { permissions, .. } => {
                self.create_group(&actor, permissions.set()).await.is_ok()
            }
            Op::SetGroupPermissions {
                group: g,
                permissions,
                ..
            } => {
                let update = PolicyGroupUpdate {
                    permissions: Some(permissions.set().iter().map(|p| p.to_string()).collect()),
                    ..Default::default()
                };
                self.store
                    .update_group(
                        &acting(&actor),
                        self.account.id,
                        group(g),
                        update,
                        self.account.operator,
                        now(),
                    )
                    .await
                    .is_ok()
            }
            Op::AddApplicationToGroup {
                group: g, app: a, ..
            } => self
                .store
                .add_members(
                    &acting(&actor),
                    self.account.id,
                    group(g),
                    Members::Applications(vec![app(a)]),
                    now(),
                )
                .await
                .is_ok(),
            Op::AddUserToGroup {
                group: g, user: u, ..
            } => self
                .store
                .add_members(
                    &acting(&actor),
                    self.account.id,
                    group(g),
                    Members::Users(vec![user(u)]),
                    now(),
                )
                .await
                .is_ok(),
            Op::RemoveApplicationFromGroup {
                group: g, app: a, ..
            } => self
                .store
                .remove_members(
                    &Acting::system(),
                    self.account.id,
                    group(g),
                    Members::Applications(vec![app(a)]),
                    now(),
                )
                .await
                .is_ok(),
            Op::SetKeyStatus { key, active, .. } => {
                let update = KeyUpdate {
                    status: Some(if *active {
                        KeyStatus::Active
                    } else {
                        KeyStatus::Inactive
                    }),
                    ..Default::default()
                };
                self.update_key(&actor, *key, update).await
            }
            Op::SetKeyExpiration {
                key, expiration, ..
            } => {
                let at = match expiration {
                    Expiration::Never => None,
                    Expiration::InAnHour => Some(now() + SignedDuration::from_secs(3600)),
                    Expiration::Past => Some(now() - SignedDuration::from_secs(1)),
                };
                let update = KeyUpdate {
                    expiration: Some(at),
                    ..Default::default()
                };
                self.update_key(&actor, *key, update).await
            }
            Op::PasswordLink { user: u, .. } => {
                let Ok(holder) = self.store.get_user(self.account.id, user(u)).await else {
                    return Some((principal, false));
                };
                let (link, _) = PasswordLink::issue(&holder, now()).unwrap();
                self.store
                    .create_password_link(&acting(&actor), link)
                    .await
                    .is_ok()
            }
            Op::RollKey { key, grace, .. } => self.roll_key(&actor, *key, *grace).await,
        };
        Some((principal, accepted))
    }

    /// Rolls credential `key` if it is an access key, as the handler does:
    /// the reach of both `keys:create` and `keys:edit`.
    async fn roll_key(&mut self, actor: &Actor, key: usize, grace: bool) -> bool {
        let (Ok(create), Ok(edit)) = (
            self.scope_for(actor, Verb::Create),
            self.scope_for(actor, Verb::Edit),
        ) else {
            return false;
        };
        let scope = AppScope {
            owned_by: create.owned_by.or(edit.owned_by),
            ..create
        };
        let Cred::Access(id) = self.creds[key % self.creds.len()] else {
            return false;
        };
        let Some((context, _)) = self.store.access_key_credential(id).await.unwrap() else {
            return false;
        };
        let grace = SignedDuration::from_secs(if grace { 3600 } else { 0 });
        let Ok((roll, _)) = latchkey_store::AccessKeyRoll::issue(None, grace, "http://x") else {
            return false;
        };
        match self
            .store
            .roll_access_key(
                &acting(actor),
                scope,
                context.application.id,
                id,
                roll,
                now(),
            )
            .await
        {
            Ok(rolled) => {
                let cred = Cred::Access(rolled.new.id);
                self.creds.push(cred);
                let ceiling = self.ceiling_for(actor, rolled.new.created_by);
                self.ceilings.insert(cred, ceiling);
                true
            }
            Err(_) => false,
        }
    }

    async fn update_key(&self, actor: &Actor, key: usize, update: KeyUpdate) -> bool {
        let Ok(scope) = self.scope_for(actor, Verb::Edit) else {
            return false;
        };
        match self.creds[key % self.creds.len()] {
            Cred::Access(id) => {
                let Some((context, _)) = self.store.access_key_credential(id).await.unwrap() else {
                    return false;
                };
                self.store
                    .update_access_key(
                        &acting(actor),
                        scope,
                        context.application.id,
                        id,
                        update,
                        now(),
                    )
                    .await
                    .is_ok()
            }
            Cred::Jwt(id) => {
                let Some((context, _)) = self.store.jwt_key_credential(id).await.unwrap() else {
                    return false;
                };
                self.store
                    .update_jwt_key(
                        &acting(actor),
                        scope,
                        context.application.id,
                        id,
                        update,
                        now(),
                    )
                    .await
                    .is_ok()
            }
        }
    }
}

/// The checks after an accepted step.
fn check_step(
    model: &Model,
    op: &Op,
    actor: &Principal,
    before: &Rights,
    after: &Rights,
) -> Result<(), TestCaseError> {
    let full = every(model.account.operator);
    for (cred, (rights, holder)) in &after.creds {
        let had = before
            .creds
            .get(cred)
            .map_or(PermissionSet::EMPTY, |(rights, _)| *rights);
        let gained = rights.implied().difference(had.implied());
        prop_assert!(
            gained.is_granted_by(passable(actor, *holder)),
            "{op:?} gave credential {cred:?} (held by {holder}) {gained:?}, beyond what the actor \
             could pass on: {:?}",
            passable(actor, *holder)
        );
        let ceiling = model.ceilings[cred];
        prop_assert!(
            rights.is_granted_by(ceiling),
            "after {op:?}, credential {cred:?} holds {rights:?}, beyond what its creator could \
             pass on when it was made: {ceiling:?}"
        );
        if full.is_granted_by(*rights) && !full.is_granted_by(had) {
            prop_assert!(
                full.is_granted_by(passable(actor, *holder)),
                "{op:?} made {cred:?} an administrator without an actor holding everything"
            );
        }
    }
    // A password link hands out its user's rights (the console session it
    // opens acts as the user): they must be passable to that user.
    if let Op::PasswordLink { user, .. } = op {
        let holder = model.users[user % model.users.len()];
        let rights = after
            .users
            .get(&holder)
            .copied()
            .unwrap_or(PermissionSet::EMPTY);
        prop_assert!(
            rights.implied().is_granted_by(passable(actor, holder)),
            "{op:?} handed out {holder}'s rights {rights:?}, beyond what the actor could pass \
             on: {:?}",
            passable(actor, holder)
        );
    }
    // `created_by` naming another user: `users:manage` and the `:any`
    // create permission (API.md), for new credentials and applications.
    let holds = |text: &str| actor.permissions.contains(text.parse().unwrap());
    for (cred, holder) in &after.existing {
        if !before.existing.contains_key(cred) && *holder != actor.user_id {
            prop_assert!(
                holds("users:manage") && holds("keys:create:any"),
                "{op:?} made {cred:?} for another user without users:manage and keys:create:any"
            );
        }
    }
    for (app, (rights, groups, owner)) in &after.apps {
        let (had, had_groups) = match before.apps.get(app) {
            Some((had, had_groups, _)) => (*had, had_groups.clone()),
            None => {
                prop_assert!(
                    *owner == actor.user_id
                        || (holds("users:manage") && holds("applications:create:any")),
                    "{op:?} made {app} for another user without users:manage and \
                     applications:create:any"
                );
                (PermissionSet::EMPTY, Vec::new())
            }
        };
        // An application's groups are what its unscoped keys would hold:
        // joining one needs `groups:manage` and rights the actor holds.
        if groups.iter().any(|g| !had_groups.contains(g)) {
            prop_assert!(
                holds("groups:manage"),
                "{op:?} put {app} into a group without groups:manage"
            );
        }
        let gained = rights.implied().difference(had.implied());
        prop_assert!(
            gained.is_granted_by(actor.permissions),
            "{op:?} gave application {app} {gained:?}, which the actor lacks"
        );
    }
    for (user, rights) in &after.users {
        let had = before
            .users
            .get(user)
            .copied()
            .unwrap_or(PermissionSet::EMPTY);
        let gained = rights.implied().difference(had.implied());
        prop_assert!(
            gained.is_granted_by(passable(actor, *user)),
            "{op:?} gave user {user} {gained:?}, beyond what the actor could pass on: {:?}",
            passable(actor, *user)
        );
    }
    Ok(())
}

#[test]
fn no_sequence_of_grants_gives_anyone_more_than_its_actor_holds() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let cases = std::env::var("LATCHKEY_DELEGATION_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(256);
    let mut runner = TestRunner::new(Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    });
    let accepted_steps = std::cell::Cell::new(0usize);
    let result = runner.run(
        &(world(), proptest::collection::vec(op(), 1..60)),
        |(world, ops)| {
            runtime.block_on(async {
                let mut model = Model::build(&world).await;
                let mut before = model.rights().await;
                for op in &ops {
                    let Some((actor, accepted)) = model.apply(op).await else {
                        continue;
                    };
                    if !accepted {
                        continue;
                    }
                    accepted_steps.set(accepted_steps.get() + 1);
                    let after = model.rights().await;
                    check_step(&model, op, &actor, &before, &after)?;
                    before = after;
                }
                Ok(())
            })
        },
    );
    if let Err(failure) = result {
        panic!("{failure}");
    }
    // The generator must reach accepted grants, or the test proves nothing.
    assert!(
        accepted_steps.get() > cases as usize,
        "only {} accepted steps in {cases} cases",
        accepted_steps.get()
    );
    println!("{cases} cases, {} accepted steps", accepted_steps.get());
}

/// The store's view of an actor: what a write takes.
fn acting(actor: &Actor) -> Acting {
    match actor {
        Actor::System => Acting::system(),
        Actor::Credential(principal) => Acting::credential(principal.clone(), None, None),
    }
}
