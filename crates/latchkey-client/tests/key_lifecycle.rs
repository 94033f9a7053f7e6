//! The client's rotation, key policy and introspection calls against the
//! real `latchkey` server binary.

mod common;

use common::Server;
use latchkey_client::models::{ExposedKeyAction, KeyPolicy, NewAccessKey, NewApplication};
use latchkey_client::{ApiErrorKind, Error};

fn new_key(name: &str) -> NewAccessKey {
    NewAccessKey {
        name: name.into(),
        description: "rotated".into(),
        scopes: vec![],
        expiration: None,
        created_by: None,
    }
}

#[tokio::test]
async fn roll_policy_and_introspection() {
    let server = Server::start();
    let admin = server.admin();
    let app = admin
        .applications()
        .create(&NewApplication {
            name: "rotated".into(),
            description: String::new(),
            group_ids: vec![],
            created_by: None,
        })
        .await
        .unwrap();
    let old = admin
        .access_keys()
        .create(app.id, &new_key("ci"))
        .await
        .unwrap();

    // Roll with a grace: both keys authenticate.
    let rolled = admin
        .access_keys()
        .roll(app.id, old.id, 600, None)
        .await
        .unwrap();
    assert_eq!(rolled.name, "ci-rolled-1");
    assert_eq!(rolled.description, "rotated");
    assert_eq!(rolled.rolled.id, old.id);
    assert!(rolled.rolled.expiration.is_some());
    assert!(format!("{rolled:?}").contains("[REDACTED]"));
    assert!(!format!("{rolled:?}").contains(rolled.key()));
    for key in [old.key(), rolled.key()] {
        let seen = admin.introspect(key).await.unwrap();
        assert!(seen.active);
        assert_eq!(seen.token_type.as_deref(), Some("access_key"));
        assert_eq!(seen.application_id, Some(app.id));
    }
    let inactive = admin.introspect("not a credential").await.unwrap();
    assert!(!inactive.active);
    assert_eq!(inactive.credential_id, None);
    // Without a grace the old key stops.
    let again = admin
        .access_keys()
        .roll(app.id, rolled.id, 0, Some("ci-next"))
        .await
        .unwrap();
    assert_eq!(again.name, "ci-next");
    assert!(!admin.introspect(rolled.key()).await.unwrap().active);

    // The key policy, read and replaced.
    assert_eq!(
        admin.accounts().key_policy().await.unwrap(),
        KeyPolicy::default()
    );
    let policy = KeyPolicy {
        require_expiration: true,
        exposed_key_action: ExposedKeyAction::Deactivate,
        ..KeyPolicy::default()
    };
    assert_eq!(
        admin.accounts().update_key_policy(&policy).await.unwrap(),
        policy
    );
    assert_eq!(admin.accounts().key_policy().await.unwrap(), policy);
    let refused = admin
        .access_keys()
        .create(app.id, &new_key("forever"))
        .await
        .unwrap_err();
    let Error::Api(refused) = refused else {
        panic!("expected an API error, got {refused:?}");
    };
    assert_eq!(refused.kind, ApiErrorKind::Validation);
    assert_eq!(refused.fields[0].name, "expiration");
}
