//! What a console request costs the store: reading a session with its
//! account, its user and the user's groups (one read transaction on a real
//! redb file), with 1,000 sessions in the file. The console reads this on
//! every request instead of caching sessions (see
//! `latchkey_server::console::session`).

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use jiff::Timestamp;
use latchkey_core::argon2id::HashParams;
use latchkey_core::audit::Acting;
use latchkey_core::password::Password;
use latchkey_core::password_link::PasswordLink;
use latchkey_core::plan::Plan;
use latchkey_core::resource::NewAccount;
use latchkey_core::session::Session;
use latchkey_core::token::{Token, TokenUse};
use latchkey_store::redb::RedbStore;
use latchkey_store::{AccountBundle, Store};

fn session_context(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let store = RedbStore::open(dir.path().join("latchkey.redb")).unwrap();
    let now = Timestamp::now();
    let account = NewAccount {
        name: "Bench".into(),
        plan: Plan::Free,
        limits: None,
    }
    .build(true, now)
    .unwrap();
    let (bundle, _) =
        AccountBundle::build(account, "admin@example.com", "http://127.0.0.1:8080", now).unwrap();
    let admin = bundle.admin_user.clone();
    let tokens: Vec<Token> = runtime.block_on(async {
        store
            .create_account(&Acting::system(), bundle)
            .await
            .unwrap();
        let (link, token) = PasswordLink::issue(&admin, now).unwrap();
        store
            .create_password_link(&Acting::system(), link)
            .await
            .unwrap();
        let password = Password::hash("bench password", &HashParams::default(), now).unwrap();
        let admin = store
            .redeem_password_link(
                &Acting::system(),
                token.digest(TokenUse::PasswordLink),
                password,
                now,
            )
            .await
            .unwrap();
        let mut tokens = Vec::new();
        for _ in 0..1_000 {
            let token = Token::generate().unwrap();
            store
                .create_session(&Acting::system(), Session::begin(&admin, &token, now), now)
                .await
                .unwrap();
            tokens.push(token);
        }
        tokens
    });
    let digests: Vec<_> = tokens.iter().map(|t| t.digest(TokenUse::Session)).collect();
    let mut next = 0;
    c.bench_function("session_context (redb, 1k sessions)", |b| {
        b.iter(|| {
            next = (next + 1) % digests.len();
            let context = runtime
                .block_on(store.session_context(digests[next]))
                .unwrap()
                .unwrap();
            black_box(context.authenticate(now).unwrap());
        })
    });
}

criterion_group!(benches, session_context);
criterion_main!(benches);
