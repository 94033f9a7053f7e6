//! Applications.

use jiff::Timestamp;
use latchkey_core::id::{AccountId, ApplicationId, ApplicationKind, IdKind};
use latchkey_core::list::{Page, PageRequest};
use latchkey_core::resource::{Application, ApplicationUpdate, JwtKey};
use latchkey_core::status::ApplicationStatus;

use super::rows::{Selection, doc, json, missing, uid};
use super::tx::{Tx, TxError};
use super::{accounts, groups, keys, users};
use crate::rules;
use crate::{AppScope, StoreError, StoredAccessKey};
use latchkey_core::audit::{Acting, AuditAction, AuditRecord};

/// An application of the account, or `NotFound`.
pub(super) async fn load_in_account(
    tx: &Tx<'_>,
    account_id: AccountId,
    id: ApplicationId,
) -> Result<Application, TxError> {
    let row = tx
        .query_opt(
            "SELECT doc FROM applications WHERE id = $1 AND account_id = $2",
            &[&uid(id), &uid(account_id)],
        )
        .await?;
    match row {
        Some(row) => doc(&row),
        None => Err(StoreError::not_found::<ApplicationKind>().into()),
    }
}

/// An application that another record names.
pub(super) async fn load_existing(tx: &Tx<'_>, id: ApplicationId) -> Result<Application, TxError> {
    let row = tx
        .query_opt("SELECT doc FROM applications WHERE id = $1", &[&uid(id)])
        .await?;
    doc(&row.ok_or_else(|| missing("application"))?)
}

/// An application in reach of `scope`: `NotFound` outside the account,
/// `OutsideScope` when it belongs to another user and the scope is `:own`.
pub(super) async fn load(
    tx: &Tx<'_>,
    scope: AppScope,
    id: ApplicationId,
) -> Result<Application, TxError> {
    let app = load_in_account(tx, scope.account_id, id).await?;
    rules::check_reach(scope, &app, ApplicationKind::NAME)?;
    Ok(app)
}

/// Refuses a name another active application of the account holds.
async fn check_name_free(tx: &Tx<'_>, app: &Application) -> Result<(), TxError> {
    let taken = tx
        .query_opt(
            "SELECT 1 FROM applications WHERE account_id = $1 AND name = $2 AND status = 'active' AND id <> $3",
            &[&uid(app.account_id), &app.name, &uid(app.id)],
        )
        .await?;
    match taken {
        Some(_) => Err(StoreError::Duplicate {
            field: "name",
            value: app.name.clone(),
        }
        .into()),
        None => Ok(()),
    }
}

/// Writes a new (or imported) application with its memberships; an active
/// one's name must be free (no limit check).
pub(super) async fn insert(tx: &Tx<'_>, app: &Application) -> Result<(), TxError> {
    if app.is_active() {
        check_name_free(tx, app).await?;
    }
    tx.execute(
        "INSERT INTO applications (id, account_id, name, status, created_by, doc) VALUES ($1, $2, $3, $4, $5, $6)",
        &[
            &uid(app.id),
            &uid(app.account_id),
            &app.name,
            &app.status.as_str(),
            &uid(app.created_by),
            &json(app)?,
        ],
    )
    .await?;
    for group in &app.group_ids {
        groups::link_application(tx, *group, app.id, true).await?;
    }
    Ok(())
}

/// Rewrites an application's row.
pub(super) async fn write_doc(tx: &Tx<'_>, app: &Application) -> Result<(), TxError> {
    tx.execute(
        "UPDATE applications SET name = $2, status = $3, doc = $4 WHERE id = $1",
        &[&uid(app.id), &app.name, &app.status.as_str(), &json(app)?],
    )
    .await?;
    Ok(())
}

/// Creates an application within the plan limit (in a [`Mode::Create`]
/// transaction).
///
/// [`Mode::Create`]: super::tx::Mode::Create
pub(super) async fn create(
    tx: &Tx<'_>,
    acting: &Acting,
    app: &Application,
) -> Result<Application, TxError> {
    let account = accounts::load(tx, app.account_id).await?;
    let owner = users::load(tx, app.account_id, app.created_by).await.ok();
    let groups = groups::load_named(tx, app.account_id, &app.group_ids).await?;
    let active = Selection::from("applications")
        .and_param("account_id = {}", uid(app.account_id))
        .and_param("status = {}", ApplicationStatus::Active.as_str())
        .count(tx)
        .await?;
    rules::admit_new_application(
        acting.actor(),
        app,
        &groups,
        owner.as_ref(),
        &account,
        active,
    )?;
    insert(tx, app).await?;
    let action = AuditAction::ApplicationCreate;
    let record = AuditRecord::of(acting, action, None, Some(app), app.created_at);
    super::audit::append(tx, &record).await?;
    Ok(app.clone())
}

/// Applications in reach with a status (active unless asked).
pub(super) async fn list(
    tx: &Tx<'_>,
    scope: AppScope,
    status: Option<ApplicationStatus>,
    page: &PageRequest<ApplicationId>,
) -> Result<Page<Application>, TxError> {
    let wanted = status.unwrap_or(ApplicationStatus::Active);
    let mut selection = Selection::from("applications")
        .and_param("account_id = {}", uid(scope.account_id))
        .and_param("status = {}", wanted.as_str());
    if let Some(user) = scope.owned_by {
        selection = selection.and_param("created_by = {}", uid(user));
    }
    selection.page(tx, page).await
}

/// Changes an application (a revoked one gives its name back).
pub(super) async fn update(
    tx: &Tx<'_>,
    acting: &Acting,
    scope: AppScope,
    id: ApplicationId,
    update: &ApplicationUpdate,
    now: Timestamp,
) -> Result<Application, TxError> {
    let mut app = load(tx, scope, id).await?;
    let before = app.clone();
    app.apply(update, now)?;
    if before.status == ApplicationStatus::Active
        && app.status == ApplicationStatus::Active
        && app.name != before.name
    {
        check_name_free(tx, &app).await?;
    }
    write_doc(tx, &app).await?;
    let action = crate::audit::application_update(before.status, app.status);
    let record = AuditRecord::of(acting, action, Some(&before), Some(&app), now);
    super::audit::append(tx, &record).await?;
    Ok(app)
}

/// Deletes an application with its keys and memberships.
pub(super) async fn delete(
    tx: &Tx<'_>,
    acting: &Acting,
    scope: AppScope,
    id: ApplicationId,
) -> Result<(), TxError> {
    let app = load(tx, scope, id).await?;
    let action = AuditAction::ApplicationDelete;
    let record = AuditRecord::of(acting, action, Some(&app), None, Timestamp::now());
    super::audit::append(tx, &record).await?;
    keys::delete_all_of::<StoredAccessKey>(tx, id).await?;
    keys::delete_all_of::<JwtKey>(tx, id).await?;
    tx.execute(
        "DELETE FROM group_applications WHERE application_id = $1",
        &[&uid(id)],
    )
    .await?;
    tx.execute("DELETE FROM applications WHERE id = $1", &[&uid(id)])
        .await?;
    Ok(())
}
