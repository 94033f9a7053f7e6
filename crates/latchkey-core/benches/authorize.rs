//! The per-request authorization decision and credential resolution.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use latchkey_core::authorize::{
    Action, Credential, Principal, Target, authorize, effective_permissions, visibility,
};
use latchkey_core::id::{AccessKeyId, AccountId, ApplicationId, UserId};
use latchkey_core::permission::{Permission, PermissionSet, Subject, Verb};

fn principal() -> Principal {
    let scopes: PermissionSet = ["keys:view:own", "keys:create:own", "applications:view:any"]
        .iter()
        .map(|p| p.parse::<Permission>().unwrap())
        .collect();
    Principal {
        account_id: AccountId::from_u128(1),
        operator: false,
        application_id: Some(ApplicationId::from_u128(2)),
        user_id: UserId::from_u128(3),
        credential: Credential::AccessKey(AccessKeyId::from_u128(4)),
        permissions: effective_permissions([PermissionSet::tenant_all()], scopes, false),
    }
}

fn bench(c: &mut Criterion) {
    let principal = principal();
    let own = Target::Application {
        account_id: AccountId::from_u128(1),
        created_by: UserId::from_u128(3),
    };
    let other = Target::Application {
        account_id: AccountId::from_u128(1),
        created_by: UserId::from_u128(9),
    };
    c.bench_function("authorize/keys_create_own_allowed", |b| {
        b.iter(|| {
            authorize(
                black_box(&principal),
                black_box(Action::Keys(Verb::Create)),
                black_box(own),
            )
        })
    });
    c.bench_function("authorize/keys_create_other_denied", |b| {
        b.iter(|| {
            authorize(
                black_box(&principal),
                black_box(Action::Keys(Verb::Create)),
                black_box(other),
            )
        })
    });
    c.bench_function("authorize/visibility", |b| {
        b.iter(|| {
            visibility(
                black_box(&principal),
                black_box(Subject::Keys),
                black_box(Verb::View),
            )
        })
    });
    let groups = [
        PermissionSet::tenant_all(),
        PermissionSet::EMPTY.with(Permission::AccountView),
    ];
    c.bench_function("authorize/effective_permissions", |b| {
        b.iter(|| effective_permissions(black_box(groups), black_box(principal.permissions), false))
    });
    c.bench_function("permission/parse", |b| {
        b.iter(|| black_box("keys:create:own").parse::<Permission>())
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
