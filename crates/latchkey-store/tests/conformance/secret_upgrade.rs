//! `upgrade_access_key_secret`, on every store: a key stored as earlier
//! versions stored it (an argon2id hash of its secret) gets its digest in
//! place of that hash, only while the hash is still the one read, and
//! nothing else about the key changes.

use latchkey_core::audit::Acting;
use std::sync::Arc;

use latchkey_core::access_key;
use latchkey_core::argon2id::{HashParams, hash_argon2id};
use latchkey_core::id::{AccessKeyId, ApplicationId};
use latchkey_core::list::PageRequest;
use latchkey_core::plan::Plan;
use latchkey_core::resource::{AccessKey, KeyUpdate};
use latchkey_core::secret_hash::{SecretHash, verify_secret};
use latchkey_core::status::KeyStatus;
use latchkey_store::{KeyFilter, LimitPolicy, Store};

use super::{Tenant, app, cheap_key, now, stored_hash, tenant};

/// A key with a real secret, stored with the argon2id hash earlier versions
/// wrote (`hash_secret(secret, &HashParams::default())`, the same function
/// and parameters), and that secret.
async fn legacy_key(store: &dyn Store, t: &Tenant, app: ApplicationId) -> (AccessKey, String) {
    let mut stored = cheap_key(t, app, "legacy", None);
    let generated = access_key::generate(&stored.key.id.body()).unwrap();
    let phc = hash_argon2id(generated.secret(), &HashParams::default()).unwrap();
    assert!(phc.as_str().starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
    stored.secret_hash = SecretHash::Argon2id(phc);
    let key = store
        .create_access_key(
            &Acting::system(),
            t.scope(),
            stored,
            LimitPolicy::Enforce,
            now(),
        )
        .await
        .unwrap();
    (key, generated.secret().to_owned())
}

async fn setup(store: &dyn Store) -> (Tenant, ApplicationId, AccessKey, String) {
    let t = tenant(store, Plan::Free, None, true).await;
    let app = app(store, &t, "workers").await.unwrap().id;
    let (key, secret) = legacy_key(store, &t, app).await;
    (t, app, key, secret)
}

pub async fn a_legacy_hash_is_replaced_by_the_digest_once(store: Arc<dyn Store>) {
    let (t, app, key, secret) = setup(&*store).await;
    let legacy = stored_hash(&*store, key.id).await;
    assert!(legacy.is_legacy(), "{legacy:?}");
    assert!(verify_secret(&secret, &legacy));
    let digest = SecretHash::digest(&secret);

    let replaced = store
        .upgrade_access_key_secret(key.id, legacy.clone(), digest.clone())
        .await
        .unwrap();
    assert!(replaced);
    let now_stored = stored_hash(&*store, key.id).await;
    assert_eq!(now_stored, digest);
    assert!(!now_stored.is_legacy());
    assert!(verify_secret(&secret, &now_stored));
    assert!(!verify_secret("not the secret", &now_stored));

    // The same upgrade again finds the digest, not the hash it expects.
    let again = store
        .upgrade_access_key_secret(key.id, legacy, SecretHash::digest("other"))
        .await
        .unwrap();
    assert!(!again);
    assert_eq!(stored_hash(&*store, key.id).await, digest);

    // Nothing else about the key changed, and it is still listed.
    assert_eq!(
        store.get_access_key(t.scope(), app, key.id).await.unwrap(),
        key
    );
    let listed = store
        .list_access_keys(
            t.scope(),
            KeyFilter {
                application_id: Some(app),
                status: None,
            },
            PageRequest::first(10),
            now(),
        )
        .await
        .unwrap();
    assert_eq!(listed.data, vec![key]);
}

pub async fn an_upgrade_needs_the_hash_it_expects(store: Arc<dyn Store>) {
    let (t, app, key, secret) = setup(&*store).await;
    let legacy = stored_hash(&*store, key.id).await;
    // Another argon2id hash of the same secret (another salt) is not the
    // stored one.
    let other = SecretHash::Argon2id(hash_argon2id(&secret, &HashParams::default()).unwrap());
    assert_ne!(other, legacy);
    assert!(
        !store
            .upgrade_access_key_secret(key.id, other, SecretHash::digest(&secret))
            .await
            .unwrap()
    );
    assert_eq!(stored_hash(&*store, key.id).await, legacy);
    // A digest of the right secret is not the stored hash either.
    assert!(
        !store
            .upgrade_access_key_secret(key.id, SecretHash::digest(&secret), SecretHash::digest("x"))
            .await
            .unwrap()
    );
    assert_eq!(stored_hash(&*store, key.id).await, legacy);
    // No such key: nothing to replace.
    assert!(
        !store
            .upgrade_access_key_secret(
                AccessKeyId::generate(),
                legacy.clone(),
                SecretHash::digest(&secret)
            )
            .await
            .unwrap()
    );
    // A deleted key stays deleted.
    store
        .delete_access_key(&Acting::system(), t.scope(), app, key.id)
        .await
        .unwrap();
    assert!(
        !store
            .upgrade_access_key_secret(key.id, legacy, SecretHash::digest(&secret))
            .await
            .unwrap()
    );
    assert!(store.access_key_credential(key.id).await.unwrap().is_none());
}

pub async fn an_upgrade_keeps_a_change_made_after_the_hash_was_read(store: Arc<dyn Store>) {
    let (t, app, key, secret) = setup(&*store).await;
    let legacy = stored_hash(&*store, key.id).await;
    // The key is deactivated and used between the read and the upgrade.
    let deactivate = KeyUpdate {
        status: Some(KeyStatus::Inactive),
        ..Default::default()
    };
    let changed = store
        .update_access_key(&Acting::system(), t.scope(), app, key.id, deactivate, now())
        .await
        .unwrap();
    let used_at = now();
    store
        .record_access_key_use(vec![(key.id, used_at)])
        .await
        .unwrap();
    assert!(
        store
            .upgrade_access_key_secret(key.id, legacy, SecretHash::digest(&secret))
            .await
            .unwrap()
    );
    let after = store.get_access_key(t.scope(), app, key.id).await.unwrap();
    assert_eq!(after.status, KeyStatus::Inactive, "the change is kept");
    assert_eq!(after.updated_at, changed.updated_at);
    assert_eq!(after.last_used_at, Some(used_at));
    let (context, hash) = store.access_key_credential(key.id).await.unwrap().unwrap();
    assert_eq!(hash, SecretHash::digest(&secret));
    assert!(context.authenticate(now()).is_err(), "still inactive");
}

pub async fn racing_upgrades_replace_the_hash_once(store: Arc<dyn Store>) {
    let (_t, _app, key, secret) = setup(&*store).await;
    let legacy = stored_hash(&*store, key.id).await;
    let racers: Vec<_> = (0..8)
        .map(|_| {
            let store = store.clone();
            let legacy = legacy.clone();
            let digest = SecretHash::digest(&secret);
            tokio::spawn(async move {
                store
                    .upgrade_access_key_secret(key.id, legacy, digest)
                    .await
                    .unwrap()
            })
        })
        .collect();
    let mut replaced = 0;
    for racer in racers {
        replaced += usize::from(racer.await.unwrap());
    }
    assert_eq!(replaced, 1);
    assert_eq!(
        stored_hash(&*store, key.id).await,
        SecretHash::digest(&secret)
    );
}

/// Registers the secret-upgrade tests for a store constructor.
#[macro_export]
macro_rules! secret_upgrade_conformance_tests {
    ($make:expr) => {
        secret_upgrade_conformance_tests!(@each $make;
            a_legacy_hash_is_replaced_by_the_digest_once,
            an_upgrade_needs_the_hash_it_expects,
            an_upgrade_keeps_a_change_made_after_the_hash_was_read,
            racing_upgrades_replace_the_hash_once,
        );
    };
    (@each $make:expr; $($test:ident,)*) => {$(
        #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
        async fn $test() {
            let (store, _guard) = $make;
            conformance::secret_upgrade::$test(store).await;
        }
    )*};
}
