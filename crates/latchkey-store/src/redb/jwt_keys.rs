//! JWT keys.

use jiff::Timestamp;
use latchkey_core::id::{ApplicationId, JwtKeyId};
use latchkey_core::list::{Page, PageRequest};
use latchkey_core::resource::{JwtKey, KeyUpdate};

use super::RedbStore;
use super::keys::{self, KeyRecord};
use super::tables::{
    Expiring, Index, JWT_KEY_NAMES, JWT_KEYS, JWT_KEYS_BY_ACCOUNT, JWT_KEYS_BY_APPLICATION,
    JWT_KEYS_EXPIRING, JWT_KEYS_UNEXPIRING, Names, Records, Unexpiring,
};
use crate::{AppScope, KeyFilter, LimitPolicy, StoreResult};
use latchkey_core::audit::Acting;

impl KeyRecord for JwtKey {
    const RECORDS: Records = JWT_KEYS;
    const BY_APPLICATION: Index = JWT_KEYS_BY_APPLICATION;
    const BY_ACCOUNT: Index = JWT_KEYS_BY_ACCOUNT;
    const NAMES: Names = JWT_KEY_NAMES;
    const UNEXPIRING: Unexpiring = JWT_KEYS_UNEXPIRING;
    const EXPIRING: Expiring = JWT_KEYS_EXPIRING;
}

impl RedbStore {
    pub(super) fn create_jwt_key_now(
        &self,
        acting: &Acting,
        scope: AppScope,
        mut key: JwtKey,
        now: Timestamp,
    ) -> StoreResult<JwtKey> {
        self.write(|txn| keys::create(txn, acting, scope, &mut key, LimitPolicy::Enforce, now))?;
        Ok(key)
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
        acting: &Acting,
        scope: AppScope,
        application_id: ApplicationId,
        id: JwtKeyId,
        update: &KeyUpdate,
        now: Timestamp,
    ) -> StoreResult<JwtKey> {
        self.write(|txn| keys::update(txn, acting, scope, application_id, id.into(), update, now))
    }

    pub(super) fn delete_jwt_key_now(
        &self,
        acting: &Acting,
        scope: AppScope,
        application_id: ApplicationId,
        id: JwtKeyId,
    ) -> StoreResult<()> {
        self.write(|txn| {
            let key: JwtKey = keys::load(txn, scope, application_id, id.into())?;
            keys::delete(txn, acting, &key)
        })
    }

    pub(super) fn record_jwt_key_use_now(&self, uses: &[(JwtKeyId, Timestamp)]) -> StoreResult<()> {
        let uses: Vec<(u128, Timestamp)> =
            uses.iter().map(|(id, at)| ((*id).into(), *at)).collect();
        self.write(|txn| keys::record_use::<JwtKey>(txn, &uses))
    }
}
