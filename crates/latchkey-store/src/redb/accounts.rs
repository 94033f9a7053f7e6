//! Accounts and the bundle a new account starts with.

use jiff::Timestamp;
use latchkey_core::audit::Acting;
use latchkey_core::id::AccountId;
use latchkey_core::list::{Page, PageRequest};
use latchkey_core::resource::{Account, AccountUpdate};
use redb::{ReadTransaction, ReadableTable, WriteTransaction};

use super::tables::{ACCOUNT_LIST, ACCOUNTS, OPERATOR};
use super::tx::{Read, Write};
use super::{RedbStore, access_keys, applications, audit, groups, keys, users};
use crate::audit::bundle_records;
use crate::rules;
use crate::{AccountBundle, DeactivatedKey, StoreError, StoreResult, StoredAccessKey};
use latchkey_core::resource::JwtKey;

const OPERATOR_KEY: &str = "operator";

/// An account, or `NotFound`.
pub(super) fn load(txn: &impl Read, id: AccountId) -> StoreResult<Account> {
    txn.get(ACCOUNTS, id.into())?
        .ok_or_else(StoreError::not_found::<latchkey_core::id::AccountKind>)
}

fn operator(txn: &ReadTransaction) -> StoreResult<Option<Account>> {
    let id = match txn.open_table(OPERATOR) {
        Ok(table) => table.get(OPERATOR_KEY)?.map(|id| id.value()),
        Err(redb::TableError::TableDoesNotExist(_)) => None,
        Err(error) => return Err(error.into()),
    };
    id.map(|id| txn.get_existing(ACCOUNTS, id)).transpose()
}

/// Writes an account, marking it as the operator account when it is one
/// (there can be only one).
pub(super) fn insert(txn: &WriteTransaction, account: &Account) -> StoreResult<()> {
    if account.operator {
        let mut table = txn.open_table(OPERATOR)?;
        if table.get(OPERATOR_KEY)?.is_some() {
            return Err(StoreError::Conflict(
                "an operator account already exists".into(),
            ));
        }
        table.insert(OPERATOR_KEY, account.id.as_u128())?;
    }
    txn.put(ACCOUNTS, account.id.into(), account)?;
    txn.link(ACCOUNT_LIST, 0, account.id.into())
}

fn insert_bundle(txn: &WriteTransaction, bundle: &AccountBundle) -> StoreResult<()> {
    insert(txn, &bundle.account)?;
    groups::insert(txn, &bundle.administrators)?;
    users::insert(txn, &bundle.admin_user)?;
    applications::insert(txn, &bundle.admin_application)?;
    access_keys::insert(txn, &bundle.admin_key)?;
    Ok(())
}

impl RedbStore {
    pub(super) fn create_account_now(
        &self,
        acting: &Acting,
        bundle: &AccountBundle,
    ) -> StoreResult<()> {
        self.write(|txn| {
            insert_bundle(txn, bundle)?;
            audit::append_all(txn, bundle_records(acting, bundle))
        })
    }

    pub(super) fn operator_account_now(&self) -> StoreResult<Option<Account>> {
        self.read(operator)
    }

    pub(super) fn get_account_now(&self, id: AccountId) -> StoreResult<Account> {
        self.read(|txn| load(txn, id))
    }

    pub(super) fn list_accounts_now(
        &self,
        page: &PageRequest<AccountId>,
    ) -> StoreResult<Page<Account>> {
        self.read(|txn| txn.page(ACCOUNT_LIST, 0, ACCOUNTS, page, |_: &Account| true))
    }

    pub(super) fn update_account_now(
        &self,
        acting: &Acting,
        id: AccountId,
        update: &AccountUpdate,
        now: Timestamp,
    ) -> StoreResult<Account> {
        self.write(|txn| {
            let mut account = load(txn, id)?;
            let before = account.clone();
            account.apply(update, now)?;
            txn.put(ACCOUNTS, id.into(), &account)?;
            let records = crate::audit::account_update(acting, &before, &account, update, now);
            audit::append_all(txn, records)?;
            Ok(account)
        })
    }

    pub(super) fn deactivate_unused_keys_now(
        &self,
        acting: &Acting,
        now: Timestamp,
    ) -> StoreResult<Vec<DeactivatedKey>> {
        // Most sweeps find nothing: they need no write transaction (which
        // waits for the one writer and syncs the file).
        let any = self.read(|txn| {
            for id in txn.children(ACCOUNT_LIST, 0)? {
                let account: Account = txn.get_existing(ACCOUNTS, id)?;
                if account.key_policy.deactivate_unused_after_days.is_some()
                    && (!keys::unused::<StoredAccessKey>(txn, &account, now)?.is_empty()
                        || !keys::unused::<JwtKey>(txn, &account, now)?.is_empty())
                {
                    return Ok(true);
                }
            }
            Ok(false)
        })?;
        if !any {
            return Ok(Vec::new());
        }
        // The write reports the accounts whose keys it deactivated.
        self.write_reporting(|txn| {
            let mut deactivated = Vec::new();
            for id in txn.children(ACCOUNT_LIST, 0)? {
                let account: Account = txn.get_existing(ACCOUNTS, id)?;
                if account.key_policy.deactivate_unused_after_days.is_none() {
                    continue;
                }
                deactivated.extend(keys::deactivate_unused::<StoredAccessKey>(
                    txn, acting, &account, now,
                )?);
                deactivated.extend(keys::deactivate_unused::<JwtKey>(
                    txn, acting, &account, now,
                )?);
            }
            let changed = rules::changed_accounts(deactivated.iter().map(|key| key.account_id));
            Ok((deactivated, changed))
        })
    }
}
