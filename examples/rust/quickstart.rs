//! Quickstart: create an application, give it an access key, use the key,
//! rotate it (create a new one, revoke the old one), and revoke everything.
//!
//! ```sh
//! export LATCHKEY_URL=http://127.0.0.1:8080
//! export LATCHKEY_ACCESS_KEY=ak_...   # an admin key
//! cargo run -p latchkey-client --example quickstart
//! ```

use latchkey_client::models::{NewAccessKey, NewApplication};
use latchkey_client::{ApiErrorKind, Client, Error, ErrorKind};

/// What the quickstart did, for the test that runs it.
#[derive(Debug)]
pub struct Outcome {
    /// The application it created (revoked at the end).
    pub application_id: latchkey_client::id::ApplicationId,
    /// Whether the first key was refused after its rotation.
    pub old_key_refused: bool,
    /// Whether the second key was refused after the application's revocation.
    pub new_key_refused: bool,
}

/// Runs the quickstart with `admin`, a client holding an admin credential.
pub async fn run(admin: &Client) -> latchkey_client::Result<Outcome> {
    let suffix = jiff::Timestamp::now().as_millisecond();

    // 1. An application: the holder of credentials.
    let app = admin
        .applications()
        .create(&NewApplication {
            name: format!("quickstart-{suffix}"),
            description: "made by examples/rust/quickstart.rs".into(),
            group_ids: vec![],
            created_by: None,
        })
        .await?;
    println!("created application {} ({})", app.name, app.id);

    // 2. Its first access key. The full key is in the answer this once only.
    let first = admin
        .access_keys()
        .create(app.id, &new_key("primary"))
        .await?;
    println!("created access key {} ({})", first.id, first.key_prefix);

    // 3. Use it: the key is parsed offline, then authenticates as the app.
    let as_app = Client::new(admin.base_url(), first.key())?;
    let me = as_app.me().await?;
    assert_eq!(me.application.id, app.id);
    println!("the key authenticates as {}", me.application.name);

    // 4. Rotate: a second key, switch to it, then revoke the first one.
    let second = admin
        .access_keys()
        .create(app.id, &new_key("primary-rotated"))
        .await?;
    let as_app = Client::new(admin.base_url(), second.key())?;
    as_app.me().await?;
    admin.access_keys().revoke(app.id, first.id).await?;
    let old_key_refused =
        is_unauthorized(Client::new(admin.base_url(), first.key())?.me().await.err());
    println!(
        "rotated to {}; the old key is refused: {old_key_refused}",
        second.id
    );

    // 5. Revoke: the application's revocation stops every key it holds.
    admin.applications().revoke(app.id).await?;
    let new_key_refused = is_unauthorized(as_app.me().await.err());
    println!("revoked the application; its key is refused: {new_key_refused}");

    Ok(Outcome {
        application_id: app.id,
        old_key_refused,
        new_key_refused,
    })
}

fn new_key(name: &str) -> NewAccessKey {
    NewAccessKey {
        name: name.into(),
        description: String::new(),
        scopes: vec![],
        expiration: None,
        created_by: None,
    }
}

fn is_unauthorized(error: Option<Error>) -> bool {
    error.is_some_and(|error| error.kind() == ErrorKind::Api(ApiErrorKind::Unauthorized))
}

#[allow(dead_code)] // the tests call `run` directly
#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let admin = Client::from_env()?;
    run(&admin).await?;
    Ok(())
}
