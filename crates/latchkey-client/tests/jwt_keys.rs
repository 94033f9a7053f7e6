//! JWT keys and the JWT signer against the real server.

mod common;

use common::Server;
use latchkey_client::jwt::{self, Algorithm, SigningKey, VerificationPolicy};
use latchkey_client::models::{KeyUpdate, NewAccessKey, NewApplication, NewJwtKey};
use latchkey_client::types::{EffectiveKeyStatus, KeyStatus, PermissionSet};
use latchkey_client::{ApiErrorKind, Client, JwtSigner, ListParams};

async fn application(admin: &Client, name: &str) -> latchkey_client::models::Application {
    admin
        .applications()
        .create(&NewApplication {
            name: name.into(),
            description: String::new(),
            group_ids: vec![],
            created_by: None,
        })
        .await
        .unwrap()
}

#[tokio::test]
async fn jwt_keys_register_list_update_revoke_delete_and_jwks() {
    let server = Server::start();
    let admin = server.admin();
    let app = application(&admin, "jwt-keys").await;
    let keys = admin.jwt_keys();
    let signing = SigningKey::generate(Algorithm::ES256).unwrap();
    let registered = keys
        .create(
            app.id,
            &NewJwtKey::new("signer", signing.verifying_key()).description("from PEM"),
        )
        .await
        .unwrap();
    assert_eq!(registered.algorithm, "ES256");
    assert_eq!(registered.thumbprint, signing.verifying_key().thumbprint());
    let by_jwk = keys
        .create(
            app.id,
            &NewJwtKey::new(
                "signer-jwk",
                latchkey_client::models::PublicKeyInput::Jwk(
                    SigningKey::generate(Algorithm::EdDSA)
                        .unwrap()
                        .verifying_key()
                        .to_jwk(),
                ),
            ),
        )
        .await
        .unwrap();
    assert_eq!(
        keys.get(app.id, registered.id).await.unwrap().id,
        registered.id
    );
    let listed = keys
        .list(app.id, &ListParams::new())
        .collect_all()
        .await
        .unwrap();
    assert_eq!(listed.len(), 2);
    let jwks = keys.jwks(app.id).await.unwrap();
    assert!(jwks.get(&registered.id.to_string()).is_some());
    let renamed = keys
        .update(
            app.id,
            registered.id,
            &KeyUpdate {
                name: Some("signer-main".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(renamed.name, "signer-main");
    let error = keys
        .create(app.id, &NewJwtKey::new("third", signing.verifying_key()))
        .await
        .unwrap_err();
    assert_eq!(error.api().unwrap().kind, ApiErrorKind::LimitExceeded);
    let inactive = keys
        .set_status(app.id, by_jwk.id, KeyStatus::Inactive)
        .await
        .unwrap();
    assert_eq!(inactive.status, EffectiveKeyStatus::Inactive);
    assert_eq!(
        keys.revoke(app.id, by_jwk.id).await.unwrap().status,
        EffectiveKeyStatus::Revoked
    );
    keys.delete(app.id, by_jwk.id).await.unwrap();
    assert_eq!(
        keys.get(app.id, by_jwk.id)
            .await
            .unwrap_err()
            .api()
            .unwrap()
            .kind,
        ApiErrorKind::NotFound
    );
}

#[tokio::test]
async fn a_jwt_signer_authenticates_as_its_application() {
    let server = Server::start();
    let admin = server.admin();
    let app = application(&admin, "jwt-signer").await;
    let signing = SigningKey::generate(Algorithm::EdDSA).unwrap();
    let registered = admin
        .jwt_keys()
        .create(app.id, &NewJwtKey::new("signer", signing.verifying_key()))
        .await
        .unwrap();
    // No audience given: the signer reads it from /.well-known/latchkey.
    let client = Client::builder()
        .base_url(&server.url)
        .jwt_signer(JwtSigner::new(app.id, registered.id, signing.clone()))
        .build()
        .unwrap();
    let me = client.me().await.unwrap();
    assert_eq!(me.application.id, app.id);
    assert_eq!(me.credential.id, registered.id.to_string());
    // The server's JWKS verifies what the signer minted.
    let token = jwt::mint_access_token(
        &app.id.to_string(),
        &registered.id.to_string(),
        &me.jwt_audience,
        std::time::Duration::from_secs(60),
        &signing,
    )
    .unwrap();
    let jwks = admin.jwt_keys().jwks(app.id).await.unwrap();
    let policy = VerificationPolicy::for_access_tokens(
        [Algorithm::EdDSA],
        &me.jwt_audience,
        app.id.to_string(),
    )
    .unwrap();
    jwt::verify(&token, &jwks, &policy, None).unwrap();
    // Revoking the key stops the signer.
    admin
        .jwt_keys()
        .revoke(app.id, registered.id)
        .await
        .unwrap();
    assert_eq!(
        client.me().await.unwrap_err().api().unwrap().kind,
        ApiErrorKind::Unauthorized
    );
}

fn permissions(texts: &[&str]) -> PermissionSet {
    texts.iter().map(|text| text.parse().unwrap()).collect()
}

#[tokio::test]
async fn a_scoped_jwt_key_narrows_its_tokens() {
    let server = Server::start();
    let admin = server.admin();
    // The admin's own application holds every Administrators permission.
    let app = admin.me().await.unwrap().application;
    let signing = SigningKey::generate(Algorithm::EdDSA).unwrap();
    let scopes = ["keys:view:own", "applications:view:own"];
    let registered = admin
        .jwt_keys()
        .create(
            app.id,
            &NewJwtKey::new("narrow", signing.verifying_key()).scopes(scopes),
        )
        .await
        .unwrap();
    assert_eq!(registered.scopes, permissions(&scopes));
    assert_eq!(
        admin
            .jwt_keys()
            .get(app.id, registered.id)
            .await
            .unwrap()
            .scopes,
        permissions(&scopes)
    );
    let client = Client::builder()
        .base_url(&server.url)
        .jwt_signer(JwtSigner::new(app.id, registered.id, signing))
        .build()
        .unwrap();
    let me = client.me().await.unwrap();
    assert_eq!(me.credential.id, registered.id.to_string());
    assert_eq!(me.credential.scopes, permissions(&scopes));
    assert_eq!(me.permissions, permissions(&scopes));
    // Outside its scopes, its tokens are refused.
    let refused = client
        .users()
        .list_page(&ListParams::new())
        .await
        .unwrap_err();
    assert_eq!(refused.api().unwrap().kind, ApiErrorKind::Forbidden);
}

#[tokio::test]
async fn a_jwt_key_beyond_the_acting_credential_is_forbidden_naming_what_it_lacks() {
    let server = Server::start();
    let admin = server.admin();
    let app = admin.me().await.unwrap().application;
    let limited_key = admin
        .access_keys()
        .create(
            app.id,
            &NewAccessKey {
                name: "limited".into(),
                description: String::new(),
                scopes: vec!["keys:create:own".into(), "keys:view:own".into()],
                expiration: None,
                created_by: None,
            },
        )
        .await
        .unwrap();
    let limited = server.client(limited_key.key());
    let signing = SigningKey::generate(Algorithm::ES256).unwrap();
    let error = limited
        .jwt_keys()
        .create(
            app.id,
            &NewJwtKey::new("wider", signing.verifying_key())
                .scopes(["keys:view:own", "keys:delete:any"]),
        )
        .await
        .unwrap_err();
    let error = error.api().unwrap();
    assert_eq!((error.status, error.kind), (403, ApiErrorKind::Forbidden));
    let fields: Vec<_> = error
        .fields
        .iter()
        .map(|field| (field.name.as_str(), field.message.as_str()))
        .collect();
    assert_eq!(
        fields,
        [("scopes", "the acting credential lacks `keys:delete:any`")]
    );
    // Nothing was registered.
    let listed = admin
        .jwt_keys()
        .list(app.id, &ListParams::new())
        .collect_all()
        .await
        .unwrap();
    assert!(listed.is_empty());
    // Within its own rights the same credential registers a key, and the
    // answer shows the scopes.
    let narrow = limited
        .jwt_keys()
        .create(
            app.id,
            &NewJwtKey::new("narrow", signing.verifying_key()).scopes(["keys:view:own"]),
        )
        .await
        .unwrap();
    assert_eq!(narrow.scopes, permissions(&["keys:view:own"]));
}
