//! JWT keys.

use jiff::Timestamp;
use latchkey_core::id::{AccountId, ApplicationId, IdKind, JwtKeyId};
use latchkey_core::list::{Page, PageRequest};
use latchkey_core::plan::LimitKind;
use latchkey_core::resource::{ChangeError, JwtKey, KeyUpdate};
use latchkey_core::status::KeyStatus;

use super::RedbStore;
use super::keys::{self, KeyRecord};
use super::tables::{
    Index, JWT_KEY_NAMES, JWT_KEYS, JWT_KEYS_BY_ACCOUNT, JWT_KEYS_BY_APPLICATION, Names, Records,
};
use crate::{AppScope, KeyFilter, LimitPolicy, StoreResult};

impl KeyRecord for JwtKey {
    const RECORDS: Records = JWT_KEYS;
    const BY_APPLICATION: Index = JWT_KEYS_BY_APPLICATION;
    const BY_ACCOUNT: Index = JWT_KEYS_BY_ACCOUNT;
    const NAMES: Names = JWT_KEY_NAMES;
    const KIND: &'static str = latchkey_core::id::JwtKeyKind::NAME;
    const LIMIT: LimitKind = LimitKind::JwtKeysPerApplication;

    fn id(&self) -> u128 {
        self.id.into()
    }
    fn account_id(&self) -> AccountId {
        self.account_id
    }
    fn application_id(&self) -> ApplicationId {
        self.application_id
    }
    fn name(&self) -> &str {
        &self.name
    }
    fn status(&self) -> KeyStatus {
        self.status
    }
    fn expiration(&self) -> Option<Timestamp> {
        self.expiration
    }
    fn apply(&mut self, update: &KeyUpdate, now: Timestamp) -> Result<(), ChangeError> {
        JwtKey::apply(self, update, now)
    }
    fn last_used_at(&mut self) -> &mut Option<Timestamp> {
        &mut self.last_used_at
    }
}

impl RedbStore {
    pub(super) fn create_jwt_key_now(
        &self,
        scope: AppScope,
        key: &JwtKey,
        now: Timestamp,
    ) -> StoreResult<JwtKey> {
        self.write(|txn| keys::create(txn, scope, key, LimitPolicy::Enforce, now))?;
        Ok(key.clone())
    }

    pub(super) fn get_jwt_key_now(
        &self,
        scope: AppScope,
        application_id: ApplicationId,
        id: JwtKeyId,
    ) -> StoreResult<JwtKey> {
        self.read(|txn| keys::load(txn, scope, application_id, id.into()))
    }

    pub(super) fn list_jwt_keys_now(
        &self,
        scope: AppScope,
        filter: KeyFilter,
        page: &PageRequest<JwtKeyId>,
        now: Timestamp,
    ) -> StoreResult<Page<JwtKey>> {
        self.read(|txn| keys::list(txn, scope, filter, page, now))
    }

    pub(super) fn update_jwt_key_now(
        &self,
        scope: AppScope,
        application_id: ApplicationId,
        id: JwtKeyId,
        update: &KeyUpdate,
        now: Timestamp,
    ) -> StoreResult<JwtKey> {
        self.write(|txn| keys::update(txn, scope, application_id, id.into(), update, now))
    }

    pub(super) fn delete_jwt_key_now(
        &self,
        scope: AppScope,
        application_id: ApplicationId,
        id: JwtKeyId,
    ) -> StoreResult<()> {
        self.write(|txn| {
            let key: JwtKey = keys::load(txn, scope, application_id, id.into())?;
            keys::remove(txn, &key)
        })
    }

    pub(super) fn record_jwt_key_use_now(&self, uses: &[(JwtKeyId, Timestamp)]) -> StoreResult<()> {
        let uses: Vec<(u128, Timestamp)> =
            uses.iter().map(|(id, at)| ((*id).into(), *at)).collect();
        self.write(|txn| keys::record_use::<JwtKey>(txn, &uses))
    }
}
