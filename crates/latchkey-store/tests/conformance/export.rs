//! Export and import, on every store: a store filled with every kind of
//! record in every status goes out as JSON lines and into a fresh store
//! (of the other kind, where the test binary has both), and comes out again
//! byte for byte; bad input and a non-empty target are refused, writing
//! nothing.

use latchkey_core::audit::Acting;
use std::sync::Arc;

use jiff::{SignedDuration, Timestamp};
use latchkey_core::access_key;
use latchkey_core::argon2id::{HashParams, hash_argon2id};
use latchkey_core::id::{AccessKeyId, JwtKeyId, UserId};
use latchkey_core::jwt::{Algorithm, SigningKey};
use latchkey_core::list::PageRequest;
use latchkey_core::plan::Plan;
use latchkey_core::resource::jwt_key::RegisteredPublicKey;
use latchkey_core::resource::{
    ApplicationUpdate, KeyUpdate, NewAccessKey, NewApplication, NewJwtKey, NewPolicyGroup, NewUser,
    PolicyGroup,
};
use latchkey_core::secret_hash::{SecretHash, verify_secret};
use latchkey_core::status::{ApplicationStatus, EffectiveKeyStatus, KeyStatus};
use latchkey_store::export::{ImportError, RecordKind, read_export, write_export};
use latchkey_store::{AppScope, KeyFilter, LimitPolicy, Members, Store, StoreError};

use super::{Tenant, app, cheap_key, custom, now, tenant};

/// What [`populate`] made.
pub struct Populated {
    pub operator: Tenant,
    pub tenant: Tenant,
    pub ops: PolicyGroup,
    pub ada: UserId,
    pub expired_key: AccessKeyId,
    /// An inactive key stored with an argon2id hash of `"fixed"`, as an
    /// earlier version wrote keys.
    pub legacy_key: AccessKeyId,
}

/// A JWT key (EdDSA) for `app`.
pub fn jwt_key(
    t: &Tenant,
    app: latchkey_core::id::ApplicationId,
    name: &str,
) -> latchkey_core::resource::JwtKey {
    let id = JwtKeyId::generate();
    let public = SigningKey::generate(Algorithm::EdDSA)
        .unwrap()
        .verifying_key()
        .to_jwk();
    let registered =
        RegisteredPublicKey::parse(&serde_json::Value::Object(public), None, id).unwrap();
    NewJwtKey {
        name: name.into(),
        description: "signs the nightly job".into(),
        expiration: None,
        scopes: vec!["keys:view:any".into()],
        created_by: None,
    }
    .build(id, t.account.id, app, t.admin.id, registered, now())
    .unwrap()
}

/// Fills a store with two accounts and every kind of record in every
/// status: a group with members, a deleted user whose email was taken
/// again, a revoked application whose name was taken again, access keys
/// active (scoped, owned by another user, used), inactive, revoked (name
/// taken again) and expired, JWT keys active (used) and revoked.
pub async fn populate(store: &dyn Store) -> Populated {
    let operator = tenant(store, Plan::Free, None, true).await;
    let t = tenant(store, Plan::Custom, custom(10, 5), false).await;
    let account = t.account.id;
    let ops = NewPolicyGroup {
        name: "ops".into(),
        description: "Operations".into(),
        permissions: vec!["keys:view:any".into(), "applications:view:own".into()],
    }
    .build(account, false, now())
    .unwrap();
    store
        .create_group(&Acting::system(), ops.clone())
        .await
        .unwrap();

    let user = |email: &str, groups| {
        NewUser {
            email: email.into(),
            name: "Someone".into(),
            group_ids: groups,
        }
        .build(account, now())
        .unwrap()
    };
    let ada = store
        .create_user(&Acting::system(), user("Ada@Example.com", vec![ops.id]))
        .await
        .unwrap();
    let gone = store
        .create_user(&Acting::system(), user("gone@example.com", vec![ops.id]))
        .await
        .unwrap();
    store
        .delete_user(&Acting::system(), account, gone.id, now())
        .await
        .unwrap();
    let again = store
        .create_user(&Acting::system(), user("GONE@example.com", vec![]))
        .await
        .unwrap();

    let billing = NewApplication {
        name: "billing".into(),
        description: "Invoices".into(),
        group_ids: vec![ops.id],
        created_by: None,
    }
    .build(account, ada.id, now())
    .unwrap();
    store
        .create_application(&Acting::system(), billing.clone())
        .await
        .unwrap();
    let old = app(store, &t, "reports").await.unwrap();
    let revoke = ApplicationUpdate {
        status: Some(ApplicationStatus::Revoked),
        ..Default::default()
    };
    store
        .update_application(&Acting::system(), t.scope(), old.id, revoke, now())
        .await
        .unwrap();
    let reports = app(store, &t, "reports").await.unwrap();
    store
        .add_members(
            &Acting::system(),
            account,
            ops.id,
            Members::Applications(vec![reports.id]),
            now(),
        )
        .await
        .unwrap();
    store
        .add_members(
            &Acting::system(),
            account,
            ops.id,
            Members::Users(vec![again.id]),
            now(),
        )
        .await
        .unwrap();

    let scope = t.scope();
    let system = Acting::system();
    let create = |key| store.create_access_key(&system, scope, key, LimitPolicy::Enforce, now());
    let mut scoped = cheap_key(&t, billing.id, "scoped", None);
    let input = NewAccessKey {
        name: "scoped".into(),
        description: "read only".into(),
        scopes: vec!["keys:view:any".into()],
        expiration: None,
        created_by: None,
    };
    scoped.key.scopes = input.validate(now()).unwrap();
    scoped.key.created_by = ada.id;
    let scoped = create(scoped).await.unwrap();
    // A key as an earlier version stored it: its secret's argon2id hash.
    let mut paused = cheap_key(&t, billing.id, "paused", None);
    paused.secret_hash =
        SecretHash::Argon2id(hash_argon2id("fixed", &HashParams::default()).unwrap());
    let inactive = create(paused).await.unwrap();
    let rotated = create(cheap_key(&t, billing.id, "rotated", None))
        .await
        .unwrap();
    let expiring = create(cheap_key(
        &t,
        billing.id,
        "expiring",
        Some(now() + SignedDuration::from_hours(1)),
    ))
    .await
    .unwrap();
    let change = |status, expiration| KeyUpdate {
        status,
        expiration,
        ..Default::default()
    };
    store
        .update_access_key(
            &Acting::system(),
            scope,
            billing.id,
            inactive.id,
            change(Some(KeyStatus::Inactive), None),
            now(),
        )
        .await
        .unwrap();
    store
        .update_access_key(
            &Acting::system(),
            scope,
            billing.id,
            rotated.id,
            change(Some(KeyStatus::Revoked), None),
            now(),
        )
        .await
        .unwrap();
    create(cheap_key(&t, billing.id, "rotated", None))
        .await
        .unwrap();
    let past = Some(Some(now() - SignedDuration::from_hours(1)));
    store
        .update_access_key(
            &Acting::system(),
            scope,
            billing.id,
            expiring.id,
            change(None, past),
            now(),
        )
        .await
        .unwrap();
    store
        .record_access_key_use(vec![(scoped.id, now())])
        .await
        .unwrap();

    let signing = store
        .create_jwt_key(
            &Acting::system(),
            scope,
            jwt_key(&t, billing.id, "nightly"),
            now(),
        )
        .await
        .unwrap();
    let retired = store
        .create_jwt_key(
            &Acting::system(),
            scope,
            jwt_key(&t, reports.id, "retired"),
            now(),
        )
        .await
        .unwrap();
    store
        .update_jwt_key(
            &Acting::system(),
            scope,
            reports.id,
            retired.id,
            change(Some(KeyStatus::Revoked), None),
            now(),
        )
        .await
        .unwrap();
    store
        .record_jwt_key_use(vec![(signing.id, now())])
        .await
        .unwrap();

    Populated {
        operator,
        tenant: t,
        ops,
        ada: ada.id,
        expired_key: expiring.id,
        legacy_key: inactive.id,
    }
}

/// The store's export as text, taken at `at`.
pub async fn export_text(store: &dyn Store, at: Timestamp) -> String {
    let mut out = Vec::new();
    write_export(store.export_all().await.unwrap(), at, &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

/// The lines after the header.
fn body(export: &str) -> Vec<&str> {
    export.lines().skip(1).collect()
}

pub async fn export_import_round_trips(source: Arc<dyn Store>, target: Arc<dyn Store>) {
    let p = populate(&*source).await;
    // A console password travels with its user (sessions and links do not).
    let (link, token) =
        latchkey_core::password_link::PasswordLink::issue(&p.operator.admin, now()).unwrap();
    source
        .create_password_link(&Acting::system(), link)
        .await
        .unwrap();
    let password = latchkey_core::password::Password::hash(
        "correct horse battery",
        &latchkey_core::argon2id::HashParams::default(),
        now(),
    )
    .unwrap();
    source
        .redeem_password_link(
            &Acting::system(),
            token.digest(latchkey_core::token::TokenUse::PasswordLink),
            password,
            now(),
        )
        .await
        .unwrap();
    let taken = now();
    let first = export_text(&*source, taken).await;
    let (header, set) = read_export(first.as_bytes()).unwrap();
    assert_eq!(header.exported_at, taken);
    let counts = set.counts();
    let expected = [
        (RecordKind::Account, 2),
        (RecordKind::PolicyGroup, 3),
        (RecordKind::User, 5),
        (RecordKind::Application, 5),
        (RecordKind::AccessKey, 7),
        (RecordKind::JwtKey, 2),
    ];
    for (kind, count) in expected {
        assert_eq!(counts.get(kind), count, "{kind:?} in {counts}");
    }
    assert!(
        first.contains("\"secret_hash\":\"sha256:"),
        "digests travel"
    );
    assert!(
        first.contains("\"secret_hash\":\"$argon2id$v=19$"),
        "legacy argon2id hashes travel"
    );

    target.import_all(set).await.unwrap();
    let admin = target
        .get_user(p.operator.account.id, p.operator.admin.id)
        .await
        .unwrap();
    assert!(
        admin
            .password
            .as_ref()
            .is_some_and(|stored| stored.verify("correct horse battery")),
        "the password's hash travels"
    );
    assert_eq!(
        target.sign_in_candidates(&admin.email).await.unwrap().len(),
        1
    );
    let second = export_text(&*target, now()).await;
    assert_eq!(
        body(&second),
        body(&first),
        "the same records, byte for byte"
    );
    let header_of = |text: &str| {
        let (header, _) = read_export(text.as_bytes()).unwrap();
        (header.format, header.version, header.schema)
    };
    assert_eq!(header_of(&second), header_of(&first));

    // What the target derived works like the source's: credentials (with
    // the hash carried over), the operator marker, memberships, name and
    // email claims, effective statuses.
    let op = &p.operator;
    let parsed = access_key::parse(&op.key_string).unwrap();
    let (context, hash) = target
        .access_key_credential(op.admin_key.id)
        .await
        .unwrap()
        .unwrap();
    assert!(verify_secret(parsed.secret(), &hash));
    assert!(context.authenticate(now()).unwrap().principal.operator);
    // The legacy hash came over as it was, and upgrades on the target.
    let (_, legacy) = target
        .access_key_credential(p.legacy_key)
        .await
        .unwrap()
        .unwrap();
    assert!(legacy.is_legacy());
    assert!(verify_secret("fixed", &legacy));
    let digest = SecretHash::digest("fixed");
    assert!(
        target
            .upgrade_access_key_secret(p.legacy_key, legacy, digest.clone())
            .await
            .unwrap()
    );
    let (_, upgraded) = target
        .access_key_credential(p.legacy_key)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(upgraded, digest);
    assert_eq!(
        target.operator_account().await.unwrap().unwrap().id,
        op.account.id
    );
    let t = &p.tenant;
    let members = target
        .list_group_users(t.account.id, p.ops.id, PageRequest::first(10))
        .await
        .unwrap();
    assert_eq!(
        members.data.len(),
        2,
        "ada and the user who took the freed email"
    );
    assert_eq!(members.data[0].id, p.ada);
    let apps = target
        .list_group_applications(t.account.id, p.ops.id, PageRequest::first(10))
        .await
        .unwrap();
    assert_eq!(apps.data.len(), 2, "billing and the second reports");
    for name in ["billing", "reports"] {
        assert!(
            matches!(
                app(&*target, t, name).await,
                Err(StoreError::Duplicate { .. })
            ),
            "{name} is held by an active application"
        );
    }
    let taken_email = NewUser {
        email: "gone@EXAMPLE.com".into(),
        name: String::new(),
        group_ids: vec![],
    }
    .build(t.account.id, now())
    .unwrap();
    assert!(matches!(
        target.create_user(&Acting::system(), taken_email).await,
        Err(StoreError::Duplicate { field: "email", .. })
    ));
    let billing = apps.data[0].id;
    let expired = target
        .list_access_keys(
            AppScope::account(t.account.id),
            KeyFilter {
                application_id: Some(billing),
                status: Some(EffectiveKeyStatus::Expired),
            },
            PageRequest::first(10),
            now(),
        )
        .await
        .unwrap();
    assert_eq!(expired.data.len(), 1);
    assert_eq!(expired.data[0].id, p.expired_key);
    assert!(matches!(
        target
            .create_access_key(
                &Acting::system(),
                t.scope(),
                cheap_key(t, billing, "rotated", None),
                LimitPolicy::Enforce,
                now(),
            )
            .await,
        Err(StoreError::Duplicate { .. })
    ));
    target
        .create_jwt_key(
            &Acting::system(),
            t.scope(),
            jwt_key(t, billing, "retired"),
            now(),
        )
        .await
        .expect("a revoked JWT key's name is free in the target too");
}

pub async fn import_refuses_a_non_empty_store(store: Arc<dyn Store>) {
    populate(&*store).await;
    let at = now();
    let before = export_text(&*store, at).await;
    let (_, set) = read_export(before.as_bytes()).unwrap();
    let error = store.import_all(set).await.unwrap_err();
    assert!(
        matches!(
            error,
            ImportError::NotEmpty {
                kind: RecordKind::Account
            }
        ),
        "{error:?}"
    );
    assert!(error.to_string().contains("not empty"), "{error}");
    let empty = format!(
        "{}\n{{\"kind\":\"end\",\"records\":0}}\n",
        before.lines().next().unwrap()
    );
    let (_, nothing) = read_export(empty.as_bytes()).unwrap();
    assert!(matches!(
        store.import_all(nothing).await,
        Err(ImportError::NotEmpty { .. })
    ));
    assert_eq!(export_text(&*store, at).await, before, "nothing changed");
}

/// `text` with line `index` (0-based) replaced.
fn replace_line(text: &str, index: usize, line: &str) -> String {
    let mut lines: Vec<&str> = text.lines().collect();
    lines[index] = line;
    lines.join("\n") + "\n"
}

fn find_line(text: &str, kind: &str) -> usize {
    text.lines()
        .position(|line| line.starts_with(&format!("{{\"kind\":\"{kind}\"")))
        .unwrap()
}

/// The reasons for the lines an import refused, or a panic when it read.
fn refusal(text: &str) -> Vec<(usize, String)> {
    let error = read_export(text.as_bytes()).unwrap_err();
    let shown = format!("{error} {error:?}");
    assert!(!shown.contains("$argon2"), "no hash in errors: {shown}");
    match error {
        ImportError::Invalid(lines) => lines.into_iter().map(|l| (l.line, l.reason)).collect(),
        other => panic!("expected bad lines, got {other:?}"),
    }
}

fn assert_refused(text: &str, line: usize, fragment: &str) {
    let problems = refusal(text);
    assert!(
        problems
            .iter()
            .any(|(at, reason)| *at == line && reason.contains(fragment)),
        "expected line {line}: …{fragment}…, got {problems:?}"
    );
}

pub async fn import_refuses_bad_input(source: Arc<dyn Store>, target: Arc<dyn Store>) {
    populate(&*source).await;
    let good = export_text(&*source, now()).await;
    let count = good.lines().count();
    let closing = |records: usize| format!("{{\"kind\":\"end\",\"records\":{records}}}");
    let user = find_line(&good, "user");
    let user_line = good.lines().nth(user).unwrap();

    // A line cut in the middle.
    let cut = &user_line[..user_line.len() / 2];
    assert_refused(&replace_line(&good, user, cut), user + 1, "cut short");
    // A file cut at a line boundary: its closing line is missing.
    let head: String = good
        .lines()
        .take(count - 3)
        .map(|l| format!("{l}\n"))
        .collect();
    assert_refused(&head, count - 2, "cut short");
    // An unknown kind.
    let robot = user_line.replacen("\"kind\":\"user\"", "\"kind\":\"robot\"", 1);
    assert_refused(
        &replace_line(&good, user, &robot),
        user + 1,
        "unknown kind `robot`",
    );
    // A field this version does not know.
    let extra = user_line.replacen("\"record\":{", "\"record\":{\"nickname\":\"x\",", 1);
    assert_refused(
        &replace_line(&good, user, &extra),
        user + 1,
        "record.nickname",
    );
    // A duplicate id (the closing line counts it).
    let mut lines: Vec<String> = good.lines().map(str::to_owned).collect();
    lines.insert(user + 1, user_line.to_owned());
    *lines.last_mut().unwrap() = closing(count - 1);
    let twice = lines.join("\n");
    assert_refused(&twice, user + 2, "duplicate user id");
    // A reference to nothing.
    let application = find_line(&good, "application");
    let app_line = good.lines().nth(application).unwrap();
    let owner: serde_json::Value = serde_json::from_str(app_line).unwrap();
    let owner = owner["record"]["created_by"].as_str().unwrap();
    let stranger = UserId::generate().to_string();
    let dangling = app_line.replace(owner, &stranger);
    assert_refused(
        &replace_line(&good, application, &dangling),
        application + 1,
        &format!("created_by {stranger} names no user"),
    );
    // A newer format.
    let header = good
        .lines()
        .next()
        .unwrap()
        .replacen("\"version\":1", "\"version\":2", 1);
    assert_refused(&replace_line(&good, 0, &header), 1, "upgrade Latchkey");
    // A hash where a status belongs: the error must not quote it.
    let key = find_line(&good, "access_key");
    let key_line = good.lines().nth(key).unwrap();
    let value: serde_json::Value = serde_json::from_str(key_line).unwrap();
    let hash = value["record"]["secret_hash"].as_str().unwrap();
    let leaky = key_line.replacen(
        "\"status\":\"active\"",
        &format!("\"status\":\"{hash}\""),
        1,
    );
    assert_refused(
        &replace_line(&good, key, &leaky),
        key + 1,
        "bad access key record",
    );
    // Every bad line is reported, not only the first.
    let both = replace_line(&replace_line(&good, user, &robot), application, &dangling);
    let problems = refusal(&both);
    assert_eq!(
        problems.len(),
        1,
        "references are checked once every line reads: {problems:?}"
    );
    let both = replace_line(&replace_line(&good, user, &robot), key, cut);
    let lines: Vec<usize> = refusal(&both).into_iter().map(|(line, _)| line).collect();
    assert_eq!(lines, vec![user + 1, key + 1]);

    // The good export still imports: the target was left empty by every refusal.
    assert!(target.export_all().await.unwrap().is_empty());
    let (_, set) = read_export(good.as_bytes()).unwrap();
    target.import_all(set).await.unwrap();
}

/// An export the audit log's version wrote (record schema 4: audit records,
/// no key policies, and `Administrators` without `credentials:introspect`,
/// which came later) imports whole: its audit records come along, and the
/// built-in groups get every permission of their account, as the stores'
/// upgrades give them.
pub async fn an_export_of_record_schema_4_imports(source: Arc<dyn Store>, target: Arc<dyn Store>) {
    use latchkey_core::audit::AuditRecord;
    use latchkey_core::id::AuditRecordId;
    use latchkey_core::permission::Permission;
    let p = populate(&*source).await;
    let current = export_text(&*source, now()).await;
    let mut lines: Vec<String> = Vec::new();
    for (index, line) in current.lines().enumerate() {
        let mut value: serde_json::Value = serde_json::from_str(line).unwrap();
        if index == 0 {
            value["schema"] = 4.into();
        } else if value["kind"] == "account" {
            assert!(value["record"].get("key_policy").is_none(), "{line}");
        } else if value["kind"] == "policy_group" && value["record"]["built_in"] == true {
            let permissions = value["record"]["permissions"].as_array_mut().unwrap();
            permissions.retain(|p| p != "credentials:introspect");
        }
        lines.push(serde_json::to_string(&value).unwrap());
    }
    let old = lines.join("\n") + "\n";
    assert!(old.contains("\"kind\":\"audit_record\""));
    let (header, set) = read_export(old.as_bytes()).unwrap();
    assert_eq!(header.schema, 4);
    target.import_all(set).await.unwrap();
    let log = |store: Arc<dyn Store>, account| async move {
        store
            .list_audit_records(
                account,
                latchkey_store::AuditFilter::default(),
                PageRequest::<AuditRecordId>::first(1000),
            )
            .await
            .unwrap()
            .data
    };
    let imported: Vec<AuditRecord> = log(target.clone(), p.tenant.account.id).await;
    assert!(!imported.is_empty());
    assert_eq!(imported, log(source.clone(), p.tenant.account.id).await);
    for t in [&p.operator, &p.tenant] {
        let administrators = target
            .get_group(t.account.id, t.administrators)
            .await
            .unwrap();
        assert!(administrators.built_in);
        assert!(
            administrators
                .permissions
                .contains(Permission::CredentialsIntrospect)
        );
        assert!(administrators.permissions.contains(Permission::AuditView));
    }
}

/// Registers the export tests that need one kind of store.
#[macro_export]
macro_rules! export_conformance_tests {
    ($make:expr) => {
        #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
        async fn import_refuses_a_non_empty_store() {
            let (store, _guard) = $make;
            conformance::export::import_refuses_a_non_empty_store(store).await;
        }

        #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
        async fn an_export_of_record_schema_4_imports() {
            let (source, _source_guard) = $make;
            let (target, _target_guard) = $make;
            conformance::export::an_export_of_record_schema_4_imports(source, target).await;
        }

        #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
        async fn import_refuses_bad_input() {
            let (source, _source_guard) = $make;
            let (target, _target_guard) = $make;
            conformance::export::import_refuses_bad_input(source, target).await;
        }
    };
}
