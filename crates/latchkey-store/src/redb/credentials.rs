//! What authentication reads: a key and everything above it, in one read
//! transaction so that the picture is consistent.

use latchkey_core::authorize::Credential;
use latchkey_core::credential::{CredentialContext, CredentialState};
use latchkey_core::id::{AccessKeyId, JwtKeyId};
use latchkey_core::resource::{Application, JwtKey, PolicyGroup, User};
use latchkey_core::secret_hash::SecretHash;
use redb::ReadTransaction;

use super::RedbStore;
use super::tables::{ACCESS_KEYS, APPLICATIONS, GROUPS, JWT_KEYS, USERS};
use super::tx::Read;
use crate::{StoreResult, StoredAccessKey};

fn context(
    txn: &ReadTransaction,
    state: CredentialState,
    application_id: u128,
    key_owner: u128,
) -> StoreResult<CredentialContext> {
    let application: Application = txn.get_existing(APPLICATIONS, application_id)?;
    let account = super::accounts::load(txn, application.account_id)?;
    let key_owner: User = txn.get_existing(USERS, key_owner)?;
    let application_owner: User = txn.get_existing(USERS, application.created_by.into())?;
    let mut group_permissions = Vec::with_capacity(application.group_ids.len());
    for group in &application.group_ids {
        let group: PolicyGroup = txn.get_existing(GROUPS, (*group).into())?;
        group_permissions.push(group.permissions);
    }
    Ok(CredentialContext {
        state,
        account,
        application,
        key_owner,
        application_owner,
        group_permissions,
    })
}

impl RedbStore {
    pub(super) fn access_key_credential_now(
        &self,
        id: AccessKeyId,
    ) -> StoreResult<Option<(CredentialContext, SecretHash)>> {
        self.read(|txn| {
            let Some(stored) = txn.get::<StoredAccessKey>(ACCESS_KEYS, id.into())? else {
                return Ok(None);
            };
            let key = &stored.key;
            let state = CredentialState {
                credential: Credential::AccessKey(id),
                status: key.status,
                expiration: key.expiration,
                scopes: key.scopes,
            };
            let context = context(txn, state, key.application_id.into(), key.created_by.into())?;
            Ok(Some((context, stored.secret_hash)))
        })
    }

    pub(super) fn jwt_key_credential_now(
        &self,
        id: JwtKeyId,
    ) -> StoreResult<Option<(CredentialContext, JwtKey)>> {
        self.read(|txn| {
            let Some(key) = txn.get::<JwtKey>(JWT_KEYS, id.into())? else {
                return Ok(None);
            };
            let state = CredentialState {
                credential: Credential::JwtKey(id),
                status: key.status,
                expiration: key.expiration,
                scopes: key.scopes,
            };
            let context = context(txn, state, key.application_id.into(), key.created_by.into())?;
            Ok(Some((context, key)))
        })
    }
}
