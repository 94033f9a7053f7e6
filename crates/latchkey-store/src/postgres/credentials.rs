//! What authentication reads: a key and everything above it, in one read
//! transaction so that the picture is consistent.

use latchkey_core::authorize::Credential;
use latchkey_core::credential::{CredentialContext, CredentialState};
use latchkey_core::id::{AccessKeyId, ApplicationId, JwtKeyId, UserId};
use latchkey_core::resource::JwtKey;
use latchkey_core::secret_hash::SecretHash;

use super::tx::{Tx, TxError};
use super::{accounts, applications, keys, users};
use crate::StoredAccessKey;

async fn context(
    tx: &Tx<'_>,
    state: CredentialState,
    application_id: ApplicationId,
    key_owner: UserId,
) -> Result<CredentialContext, TxError> {
    let application = applications::load_existing(tx, application_id).await?;
    let account = accounts::load(tx, application.account_id).await?;
    let key_owner = users::load_existing(tx, key_owner).await?;
    let application_owner = users::load_existing(tx, application.created_by).await?;
    let group_permissions = users::group_docs(tx, &application.group_ids)
        .await?
        .into_iter()
        .map(|group| group.permissions)
        .collect();
    Ok(CredentialContext {
        state,
        account,
        application,
        key_owner,
        application_owner,
        group_permissions,
    })
}

/// An access key's credential context and secret hash.
pub(super) async fn access_key(
    tx: &Tx<'_>,
    id: AccessKeyId,
) -> Result<Option<(CredentialContext, SecretHash)>, TxError> {
    let Some(stored) = keys::find::<StoredAccessKey>(tx, id.into()).await? else {
        return Ok(None);
    };
    let key = &stored.key;
    let state = CredentialState {
        credential: Credential::AccessKey(id),
        status: key.status,
        expiration: key.expiration,
        scopes: key.scopes,
    };
    let context = context(tx, state, key.application_id, key.created_by).await?;
    Ok(Some((context, stored.secret_hash)))
}

/// A JWT key's credential context and the key.
pub(super) async fn jwt_key(
    tx: &Tx<'_>,
    id: JwtKeyId,
) -> Result<Option<(CredentialContext, JwtKey)>, TxError> {
    let Some(key) = keys::find::<JwtKey>(tx, id.into()).await? else {
        return Ok(None);
    };
    let state = CredentialState {
        credential: Credential::JwtKey(id),
        status: key.status,
        expiration: key.expiration,
        scopes: key.scopes,
    };
    let context = context(tx, state, key.application_id, key.created_by).await?;
    Ok(Some((context, key)))
}
