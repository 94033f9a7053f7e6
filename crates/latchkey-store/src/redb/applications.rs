//! Applications.

use jiff::Timestamp;
use latchkey_core::id::{AccountId, ApplicationId, ApplicationKind, IdKind};
use latchkey_core::list::{Page, PageRequest};
use latchkey_core::resource::{Application, ApplicationUpdate};
use latchkey_core::status::ApplicationStatus;
use redb::WriteTransaction;

use super::keys;
use super::tables::{APPLICATION_NAMES, APPLICATIONS, APPLICATIONS_BY_ACCOUNT, GROUP_APPLICATIONS};
use super::tx::{Read, Write};
use super::{RedbStore, accounts, audit, groups, users};
use crate::rules;
use crate::{AppScope, StoreError, StoreResult, StoredAccessKey};
use latchkey_core::audit::{Acting, AuditAction, AuditRecord};

/// An application of the account, or `NotFound`.
pub(super) fn load_in_account(
    txn: &impl Read,
    account_id: AccountId,
    id: ApplicationId,
) -> StoreResult<Application> {
    txn.get::<Application>(APPLICATIONS, id.into())?
        .filter(|app| app.account_id == account_id)
        .ok_or_else(StoreError::not_found::<ApplicationKind>)
}

/// An application in reach of `scope`: `NotFound` outside the account,
/// `OutsideScope` when it belongs to another user and the scope is `:own`.
pub(super) fn load(
    txn: &impl Read,
    scope: AppScope,
    id: ApplicationId,
) -> StoreResult<Application> {
    let app = load_in_account(txn, scope.account_id, id)?;
    rules::check_reach(scope, &app, ApplicationKind::NAME)?;
    Ok(app)
}

/// Writes a new (or imported) application with its memberships, and its
/// name claim while it is active (no limit check).
pub(super) fn insert(txn: &WriteTransaction, app: &Application) -> StoreResult<()> {
    if app.is_active() {
        txn.claim_name(
            APPLICATION_NAMES,
            app.account_id.into(),
            &app.name,
            app.id.into(),
            "name",
        )?;
    }
    txn.put(APPLICATIONS, app.id.into(), app)?;
    txn.link(
        APPLICATIONS_BY_ACCOUNT,
        app.account_id.into(),
        app.id.into(),
    )?;
    for group in &app.group_ids {
        txn.link(GROUP_APPLICATIONS, (*group).into(), app.id.into())?;
    }
    Ok(())
}

fn count_active(txn: &impl Read, account_id: AccountId) -> StoreResult<u64> {
    let mut count = 0;
    for id in txn.children(APPLICATIONS_BY_ACCOUNT, account_id.into())? {
        let app: Application = txn.get_existing(APPLICATIONS, id)?;
        count += u64::from(app.status == ApplicationStatus::Active);
    }
    Ok(count)
}

impl RedbStore {
    pub(super) fn create_application_now(
        &self,
        acting: &Acting,
        app: &Application,
    ) -> StoreResult<Application> {
        self.write(|txn| {
            let account = accounts::load(txn, app.account_id)?;
            let owner = users::load(txn, app.account_id, app.created_by).ok();
            let groups = groups::load_named(txn, app.account_id, &app.group_ids)?;
            let counted = count_active(txn, app.account_id)?;
            rules::admit_new_application(
                acting.actor(),
                app,
                &groups,
                owner.as_ref(),
                &account,
                counted,
            )?;
            insert(txn, app)?;
            let action = AuditAction::ApplicationCreate;
            audit::append(
                txn,
                &AuditRecord::of(acting, action, None, Some(app), app.created_at),
            )?;
            Ok(app.clone())
        })
    }

    pub(super) fn get_application_now(
        &self,
        scope: AppScope,
        id: ApplicationId,
    ) -> StoreResult<Application> {
        self.read(|txn| load(txn, scope, id))
    }

    pub(super) fn list_applications_now(
        &self,
        scope: AppScope,
        status: Option<ApplicationStatus>,
        page: &PageRequest<ApplicationId>,
    ) -> StoreResult<Page<Application>> {
        let wanted = status.unwrap_or(ApplicationStatus::Active);
        self.read(|txn| {
            txn.page(
                APPLICATIONS_BY_ACCOUNT,
                scope.account_id.into(),
                APPLICATIONS,
                page,
                |app: &Application| {
                    app.status == wanted && scope.owned_by.is_none_or(|user| user == app.created_by)
                },
            )
        })
    }

    pub(super) fn update_application_now(
        &self,
        acting: &Acting,
        scope: AppScope,
        id: ApplicationId,
        update: &ApplicationUpdate,
        now: Timestamp,
    ) -> StoreResult<Application> {
        self.write(|txn| {
            let mut app = load(txn, scope, id)?;
            let before = app.clone();
            app.apply(update, now)?;
            let account = scope.account_id.into();
            if before.status == ApplicationStatus::Active {
                if app.status == ApplicationStatus::Revoked {
                    txn.release_name(APPLICATION_NAMES, account, &before.name, id.into())?;
                } else if app.name != before.name {
                    txn.release_name(APPLICATION_NAMES, account, &before.name, id.into())?;
                    txn.claim_name(APPLICATION_NAMES, account, &app.name, id.into(), "name")?;
                }
            }
            txn.put(APPLICATIONS, id.into(), &app)?;
            let action = crate::audit::application_update(before.status, app.status);
            audit::append(
                txn,
                &AuditRecord::of(acting, action, Some(&before), Some(&app), now),
            )?;
            Ok(app)
        })
    }

    pub(super) fn delete_application_now(
        &self,
        acting: &Acting,
        scope: AppScope,
        id: ApplicationId,
    ) -> StoreResult<()> {
        self.write(|txn| {
            let app = load(txn, scope, id)?;
            let action = AuditAction::ApplicationDelete;
            let now = Timestamp::now();
            audit::append(txn, &AuditRecord::of(acting, action, Some(&app), None, now))?;
            keys::delete_all_of::<StoredAccessKey>(txn, &app)?;
            keys::delete_all_of::<latchkey_core::resource::JwtKey>(txn, &app)?;
            for group in &app.group_ids {
                txn.unlink(GROUP_APPLICATIONS, (*group).into(), id.into())?;
            }
            txn.release_name(
                APPLICATION_NAMES,
                scope.account_id.into(),
                &app.name,
                id.into(),
            )?;
            txn.remove(APPLICATIONS, id.into())?;
            txn.unlink(APPLICATIONS_BY_ACCOUNT, scope.account_id.into(), id.into())
        })
    }
}
