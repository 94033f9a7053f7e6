//! Accounts and the bundle a new account starts with.

use jiff::Timestamp;
use latchkey_core::audit::Acting;
use latchkey_core::id::{AccountId, AccountKind};
use latchkey_core::list::{Page, PageRequest};
use latchkey_core::resource::{Account, AccountUpdate};

use super::rows::{Selection, doc, json, uid};
use super::tx::{Tx, TxError};
use super::{applications, groups, keys, users};
use crate::{AccountBundle, DeactivatedKey, StoreError, StoredAccessKey};
use latchkey_core::resource::JwtKey;

/// An account, or `NotFound`.
pub(super) async fn load(tx: &Tx<'_>, id: AccountId) -> Result<Account, TxError> {
    let row = tx
        .query_opt("SELECT doc FROM accounts WHERE id = $1", &[&uid(id)])
        .await?;
    match row {
        Some(row) => doc(&row),
        None => Err(StoreError::not_found::<AccountKind>().into()),
    }
}

/// Writes an account (there can be only one operator account).
pub(super) async fn insert(tx: &Tx<'_>, account: &Account) -> Result<(), TxError> {
    if account.operator && operator(tx).await?.is_some() {
        return Err(StoreError::Conflict("an operator account already exists".into()).into());
    }
    tx.execute(
        "INSERT INTO accounts (id, operator, doc) VALUES ($1, $2, $3)",
        &[&uid(account.id), &account.operator, &json(account)?],
    )
    .await?;
    Ok(())
}

/// Writes an account and everything it starts with.
pub(super) async fn insert_bundle(tx: &Tx<'_>, bundle: &AccountBundle) -> Result<(), TxError> {
    insert(tx, &bundle.account).await?;
    groups::insert(tx, &bundle.administrators).await?;
    users::insert(tx, &bundle.admin_user).await?;
    applications::insert(tx, &bundle.admin_application).await?;
    keys::insert::<StoredAccessKey>(tx, &bundle.admin_key).await
}

/// Creates an account with everything it starts with, recording it.
pub(super) async fn create(
    tx: &Tx<'_>,
    acting: &Acting,
    bundle: &AccountBundle,
) -> Result<(), TxError> {
    insert_bundle(tx, bundle).await?;
    super::audit::append_all(tx, crate::audit::bundle_records(acting, bundle)).await
}

/// The operator account, if any.
pub(super) async fn operator(tx: &Tx<'_>) -> Result<Option<Account>, TxError> {
    tx.query_opt("SELECT doc FROM accounts WHERE operator", &[])
        .await?
        .map(|row| doc(&row))
        .transpose()
}

/// A page of every account.
pub(super) async fn list(
    tx: &Tx<'_>,
    page: &PageRequest<AccountId>,
) -> Result<Page<Account>, TxError> {
    Selection::from("accounts").page(tx, page).await
}

/// Changes an account.
pub(super) async fn update(
    tx: &Tx<'_>,
    acting: &Acting,
    id: AccountId,
    update: &AccountUpdate,
    now: Timestamp,
) -> Result<Account, TxError> {
    let mut account = load(tx, id).await?;
    let before = account.clone();
    account.apply(update, now)?;
    tx.execute(
        "UPDATE accounts SET doc = $2 WHERE id = $1",
        &[&uid(id), &json(&account)?],
    )
    .await?;
    let records = crate::audit::account_update(acting, &before, &account, update, now);
    super::audit::append_all(tx, records).await?;
    Ok(account)
}

/// Whether the sweep of unused keys has anything to do (read first, so that
/// a sweep that finds nothing writes nothing and reports no change).
pub(super) async fn any_unused_keys(tx: &Tx<'_>, now: Timestamp) -> Result<bool, TxError> {
    let accounts: Vec<Account> = Selection::from("accounts")
        .and("(doc -> 'key_policy' ->> 'deactivate_unused_after_days') IS NOT NULL")
        .all(tx)
        .await?;
    for account in &accounts {
        if !keys::unused::<StoredAccessKey>(tx, account, now)
            .await?
            .is_empty()
            || !keys::unused::<JwtKey>(tx, account, now).await?.is_empty()
        {
            return Ok(true);
        }
    }
    Ok(false)
}

/// The sweep of unused keys (see [`crate::Store::deactivate_unused_keys`]).
pub(super) async fn deactivate_unused_keys(
    tx: &Tx<'_>,
    acting: &Acting,
    now: Timestamp,
) -> Result<Vec<DeactivatedKey>, TxError> {
    let accounts: Vec<Account> = Selection::from("accounts")
        .and("(doc -> 'key_policy' ->> 'deactivate_unused_after_days') IS NOT NULL")
        .all(tx)
        .await?;
    let mut deactivated = Vec::new();
    for account in &accounts {
        deactivated
            .extend(keys::deactivate_unused::<StoredAccessKey>(tx, acting, account, now).await?);
        deactivated.extend(keys::deactivate_unused::<JwtKey>(tx, acting, account, now).await?);
    }
    Ok(deactivated)
}
