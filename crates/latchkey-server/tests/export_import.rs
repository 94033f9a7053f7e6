//! `latchkey admin export` / `import` on the real binary: a server's data
//! moves to the other kind of store (redb to PostgreSQL, or back when this
//! run's servers are on PostgreSQL) and back again, and the servers started
//! on each copy accept the very same credentials (hashes carried over).
//! Bad input and a non-empty target are refused, leaving the target as it was.

mod common;

use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::sync::Arc;

use common::{BIN, Server, TestDatabase, id, ids, on_postgres};
use serde_json::json;

/// Runs `latchkey admin <args…>`, feeding `stdin` when given.
fn run_admin(args: &[String], stdin: Option<&[u8]>) -> Output {
    let mut command = Command::new(BIN);
    command
        .arg("admin")
        .args(args)
        .env_remove("LATCHKEY_DATABASE_URL")
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = command.spawn().unwrap();
    if let Some(bytes) = stdin {
        use std::io::Write;
        child.stdin.take().unwrap().write_all(bytes).unwrap();
    }
    child.wait_with_output().unwrap()
}

fn args(words: &[&str], store: &[String]) -> Vec<String> {
    words
        .iter()
        .map(|w| w.to_string())
        .chain(store.iter().cloned())
        .collect()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// A new, empty store of the kind this run's servers do not use (`other`)
/// or do use: its temp dir and, for PostgreSQL, its database.
fn empty_store(postgres: bool) -> (Arc<tempfile::TempDir>, Option<Arc<TestDatabase>>) {
    let dir = Arc::new(tempfile::tempdir().unwrap());
    let database = postgres.then(|| Arc::new(TestDatabase::create()));
    (dir, database)
}

fn store_args(dir: &tempfile::TempDir, database: Option<&TestDatabase>) -> Vec<String> {
    match database {
        Some(database) => vec!["--database".into(), database.url.clone()],
        None => vec![
            "--data".into(),
            dir.path().join("latchkey.redb").display().to_string(),
        ],
    }
}

/// The credentials made on the source, and what each must answer.
struct Credentials {
    admin: String,
    working: String,
    revoked: String,
    applications: Vec<String>,
}

async fn check_credentials(server: &Server, expected: &Credentials) {
    assert!(
        !server.startup.contains("ADMIN ACCESS KEY"),
        "an imported store is not bootstrapped again: {}",
        server.startup
    );
    assert_eq!(server.api(&expected.admin).me_status().await, 200);
    assert_eq!(server.api(&expected.working).me_status().await, 200);
    assert_eq!(server.api(&expected.revoked).me_status().await, 401);
    let listed = server
        .api(&expected.admin)
        .get("/v3/applications?status=revoked")
        .await;
    let mut all = ids(listed.expect(200));
    let active = server.api(&expected.admin).get("/v3/applications").await;
    all.extend(ids(active.expect(200)));
    all.sort();
    assert_eq!(all, expected.applications);
}

#[tokio::test]
async fn data_moves_to_the_other_store_and_back_with_every_credential() {
    let mut source = Server::start();
    let admin = source.admin();
    let billing = id(&admin.app("billing").await);
    let (_, working) = admin.key(&billing, "ci").await;
    let (revoked_key, revoked) = admin.key(&billing, "old").await;
    admin
        .put(
            &format!(
                "/v3/applications/{billing}/access-keys/{}",
                id(&revoked_key)
            ),
            json!({ "status": "revoked" }),
        )
        .await
        .expect(200);
    let gone = id(&admin.app("gone").await);
    admin
        .put(
            &format!("/v3/applications/{gone}"),
            json!({ "status": "revoked" }),
        )
        .await
        .expect(200);
    let mut applications = vec![billing, gone];
    let me = admin.get("/v3/me").await;
    applications.push(
        me.expect(200)["application"]["id"]
            .as_str()
            .unwrap()
            .to_owned(),
    );
    applications.sort();
    let expected = Credentials {
        admin: source.admin_key.clone(),
        working,
        revoked,
        applications,
    };
    source.stop();

    // Out of this run's kind of store into a file…
    let file = source.dir.path().join("export.jsonl");
    let out = run_admin(
        &args(
            &["export", "--out", &file.display().to_string()],
            &source.store_args(),
        ),
        None,
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("exported"), "{}", stderr(&out));
    assert!(
        !stderr(&out).contains("$argon2") && !stderr(&out).contains("sha256:"),
        "no hash on the terminal"
    );
    let exported = std::fs::read_to_string(&file).unwrap();
    assert!(exported.starts_with("{\"format\":\"latchkey-export\",\"version\":1,"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&file).unwrap().permissions().mode();
        assert_eq!(mode & 0o077, 0, "the export is private to its owner");
    }
    // …never over an existing file.
    let again = run_admin(
        &args(
            &["export", "--out", &file.display().to_string()],
            &source.store_args(),
        ),
        None,
    );
    assert!(!again.status.success());
    assert!(
        stderr(&again).contains("already exists"),
        "{}",
        stderr(&again)
    );

    // …into the other kind, served there.
    let (dir, database) = empty_store(!on_postgres());
    let into = run_admin(
        &args(
            &["import", "--in", &file.display().to_string()],
            &store_args(&dir, database.as_deref()),
        ),
        None,
    );
    assert!(into.status.success(), "{}", stderr(&into));
    assert!(stderr(&into).contains("imported"), "{}", stderr(&into));
    let other = store_args(&dir, database.as_deref());
    assert_eq!(
        body(&export_of(&other)),
        body(&exported),
        "the same records after the move"
    );
    let mut moved = Server::spawn(dir.clone(), database.clone(), Vec::new());
    check_credentials(&moved, &expected).await;
    moved.stop();

    // And back, through stdout and stdin, into a new store of the first
    // kind (from what the moved server has written since: key use times).
    let current = export_of(&other);
    let (back_dir, back_database) = empty_store(on_postgres());
    let back_args = store_args(&back_dir, back_database.as_deref());
    let into = run_admin(&args(&["import"], &back_args), Some(current.as_bytes()));
    assert!(into.status.success(), "{}", stderr(&into));
    assert_eq!(body(&export_of(&back_args)), body(&current));
    let mut back = Server::spawn(back_dir, back_database, Vec::new());
    check_credentials(&back, &expected).await;
    back.stop();
}

/// The lines after the header (whose `exported_at` differs between exports).
fn body(export: &str) -> Vec<String> {
    export.lines().skip(1).map(str::to_owned).collect()
}

/// The export of a store, through stdout.
fn export_of(store: &[String]) -> String {
    let out = run_admin(&args(&["export"], store), None);
    assert!(out.status.success(), "{}", stderr(&out));
    String::from_utf8(out.stdout).unwrap()
}

fn refused(output: &Output, fragments: &[&str]) {
    let shown = stderr(output);
    assert!(!output.status.success(), "{shown}");
    for fragment in fragments {
        assert!(
            shown.contains(fragment),
            "expected `{fragment}` in: {shown}"
        );
    }
    assert!(
        !shown.contains("$argon2") && !shown.contains("sha256:"),
        "no hash on the terminal: {shown}"
    );
}

fn exists(dir: &Path) -> bool {
    dir.join("latchkey.redb").exists()
}

#[tokio::test]
async fn bad_input_and_a_non_empty_target_are_refused_and_change_nothing() {
    let mut source = Server::start();
    let admin_key = source.admin_key.clone();
    source.admin().app("billing").await;
    source.stop();
    let out = run_admin(&args(&["export"], &source.store_args()), None);
    assert!(out.status.success(), "{}", stderr(&out));
    let good = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = good.lines().collect();
    let with_line = |index: usize, line: &str| {
        let mut changed = lines.clone();
        changed[index] = line;
        changed.join("\n") + "\n"
    };

    // Each bad input, into a redb file that does not exist yet: refused
    // with the line and the reason, and no file is left behind.
    let target = tempfile::tempdir().unwrap();
    let target_args = store_args(&target, None);
    let user = lines
        .iter()
        .position(|l| l.contains("\"kind\":\"user\""))
        .unwrap();
    let cases = [
        (
            with_line(user, &lines[user][..lines[user].len() / 2]),
            format!("line {}: the line is cut short", user + 1),
        ),
        (
            with_line(user, &lines[user].replacen("\"user\"", "\"robot\"", 1)),
            format!("line {}: unknown kind `robot`", user + 1),
        ),
        (
            {
                let mut twice = lines.clone();
                twice.insert(user, lines[user]);
                let count = twice.len() - 2;
                let closing = format!("{{\"kind\":\"end\",\"records\":{count}}}");
                *twice.last_mut().unwrap() = &closing;
                twice.join("\n") + "\n"
            },
            format!("line {}: duplicate user id", user + 2),
        ),
    ];
    for (input, expected) in &cases {
        let output = run_admin(&args(&["import"], &target_args), Some(input.as_bytes()));
        refused(&output, &[expected]);
        assert!(!exists(target.path()), "no data file is left behind");
    }

    // The good export into the (non-empty) store it came from: refused,
    // and that store is unchanged and still serves.
    let output = run_admin(
        &args(&["import"], &source.store_args()),
        Some(good.as_bytes()),
    );
    refused(&output, &["not empty"]);
    let after = run_admin(&args(&["export"], &source.store_args()), None);
    let after = String::from_utf8(after.stdout).unwrap();
    assert_eq!(
        after.lines().skip(1).collect::<Vec<_>>(),
        lines[1..].to_vec(),
        "the target is unchanged"
    );
    let mut restarted = source.restart();
    assert_eq!(restarted.api(&admin_key).me_status().await, 200);
    restarted.stop();

    // And the good export does import into the empty file.
    let output = run_admin(&args(&["import"], &target_args), Some(good.as_bytes()));
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(exists(target.path()));
}
