//! `examples/rust/quickstart.rs` runs against a real server: once in this
//! process, and once as a user runs it (`cargo run --example quickstart`
//! with `LATCHKEY_URL` and `LATCHKEY_ACCESS_KEY`).

mod common;

#[path = "../../../examples/rust/quickstart.rs"]
mod quickstart;

use std::process::Command;

use common::Server;

#[tokio::test]
async fn the_quickstart_creates_uses_rotates_and_revokes() {
    let server = Server::start();
    let admin = server.admin();
    let outcome = quickstart::run(&admin).await.unwrap();
    assert!(outcome.old_key_refused);
    assert!(outcome.new_key_refused);
    let app = admin
        .applications()
        .get(outcome.application_id)
        .await
        .unwrap();
    assert_eq!(
        app.status,
        latchkey_client::types::ApplicationStatus::Revoked
    );
}

#[test]
fn the_quickstart_runs_as_an_example_configured_by_the_environment() {
    let server = Server::start();
    // target/<profile>/deps/<this test>
    let exe = std::env::current_exe().unwrap();
    let profile_dir = exe.parent().unwrap().parent().unwrap();
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut command = Command::new(cargo);
    command
        .args([
            "run",
            "--quiet",
            "-p",
            "latchkey-client",
            "--example",
            "quickstart",
        ])
        .env("CARGO_TARGET_DIR", profile_dir.parent().unwrap())
        .env("LATCHKEY_URL", &server.url)
        .env("LATCHKEY_ACCESS_KEY", &server.admin_key)
        .current_dir(env!("CARGO_MANIFEST_DIR"));
    match profile_dir.file_name().unwrap().to_str().unwrap() {
        "debug" => {}
        "release" => {
            command.arg("--release");
        }
        other => {
            command.args(["--profile", other]);
        }
    }
    let output = command.output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(stdout.contains("the old key is refused: true"), "{stdout}");
    assert!(stdout.contains("its key is refused: true"), "{stdout}");
    assert!(!stdout.contains(&server.admin_key), "no key is printed");
}
