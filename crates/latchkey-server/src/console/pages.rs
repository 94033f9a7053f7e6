//! The signed-in pages: applications, keys, users, policy groups and the
//! account. Every handler reads its form, calls the API's shared operation
//! as the person (`crate::api::*`), and renders the outcome; errors that
//! name fields are shown next to them.

use std::collections::HashMap;

use axum::Form;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use jiff::Timestamp;
use jiff::civil::DateTime;
use jiff::tz::TimeZone;
use latchkey_core::authorize::{Action, Principal, Target, authorize, authorize_read};
use latchkey_core::delegation::every_permission;
use latchkey_core::id::{
    AccessKeyKind, ApplicationId, ApplicationKind, JwtKeyKind, PolicyGroupId, PolicyGroupKind,
    UserKind,
};
use latchkey_core::permission::{Permission, PermissionSet, Subject, Verb};
use latchkey_core::resource::{
    Application, ApplicationUpdate, KeyUpdate, NewAccessKey, NewApplication, NewJwtKey,
    NewPolicyGroup, NewUser, PolicyGroupUpdate, UserUpdate,
};
use latchkey_core::status::{ApplicationStatus, KeyStatus};
use latchkey_store::{BulkDeleteStatus, Members};
use serde::Deserialize;

use super::session::Person;
use super::views::*;
use super::web::{Fields, Problems, render, render_with, see};
use crate::api::extract::{KeyPageQuery, PageQuery, StatusPageQuery, path_id};
use crate::api::{access_keys, accounts, applications, audit_log, groups, jwt_keys, users};
use crate::error::ApiError;
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/console/applications",
            get(applications_page).post(create_application),
        )
        .route("/console/applications/new", get(new_application))
        .route(
            "/console/applications/{id}",
            get(application_page).post(edit_application),
        )
        .route(
            "/console/applications/{id}/revoke",
            post(revoke_application),
        )
        .route(
            "/console/applications/{id}/delete",
            post(delete_application),
        )
        .route(
            "/console/applications/{id}/access-keys",
            post(create_access_key),
        )
        .route(
            "/console/applications/{id}/access-keys/new",
            get(new_access_key),
        )
        .route(
            "/console/applications/{id}/access-keys/{key}",
            get(access_key_page).post(edit_access_key),
        )
        .route(
            "/console/applications/{id}/access-keys/{key}/revoke",
            post(revoke_access_key),
        )
        .route(
            "/console/applications/{id}/access-keys/{key}/delete",
            post(delete_access_key),
        )
        .route("/console/applications/{id}/jwt-keys", post(create_jwt_key))
        .route("/console/applications/{id}/jwt-keys/new", get(new_jwt_key))
        .route(
            "/console/applications/{id}/jwt-keys/{key}",
            get(jwt_key_page).post(edit_jwt_key),
        )
        .route(
            "/console/applications/{id}/jwt-keys/{key}/revoke",
            post(revoke_jwt_key),
        )
        .route(
            "/console/applications/{id}/jwt-keys/{key}/delete",
            post(delete_jwt_key),
        )
        .route("/console/access-keys", get(access_keys_page))
        .route("/console/access-keys/bulk-delete", post(bulk_delete))
        .route("/console/users", get(users_page).post(invite_user))
        .route("/console/users/new", get(new_user))
        .route("/console/users/{id}", get(user_page).post(edit_user_groups))
        .route(
            "/console/users/{id}/password-link",
            post(user_password_link),
        )
        .route("/console/users/{id}/delete", post(delete_user))
        .route("/console/groups", get(groups_page).post(create_group))
        .route("/console/groups/new", get(new_group))
        .route("/console/groups/{id}", get(group_page).post(edit_group))
        .route("/console/groups/{id}/delete", post(delete_group))
        .route(
            "/console/groups/{id}/{members}/{change}",
            post(change_members),
        )
        .route("/console/account", get(account_page).post(rename_account))
        .route("/console/audit", get(audit_page))
        .route(
            "/console/password/change",
            get(password_change_page).post(change_password),
        )
        .route("/console/{*rest}", get(not_found).post(not_found))
}

/// Most items a console table shows on one page.
const PAGE: &str = "100";

// --- shared pieces ----------------------------------------------------------

/// A page for an error that is no form's business.
pub fn error_page(error: &ApiError) -> Response {
    let (status, message, _) = error.describe();
    let title = match status {
        StatusCode::NOT_FOUND => "Not found",
        StatusCode::FORBIDDEN => "Not allowed",
        StatusCode::TOO_MANY_REQUESTS => "Too many attempts",
        StatusCode::CONFLICT => "Not possible",
        StatusCode::BAD_REQUEST => "Not understood",
        StatusCode::SERVICE_UNAVAILABLE => "Unavailable",
        _ => "Something went wrong",
    };
    let mut response = render_with(
        status,
        &ErrorPage {
            title: title.into(),
            message: capitalized(&message),
        },
    );
    if let ApiError::TooManyRequests { retry_after } = error
        && let Ok(value) = retry_after.to_string().parse()
    {
        response
            .headers_mut()
            .insert(axum::http::header::RETRY_AFTER, value);
    }
    response
}

fn capitalized(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => format!(
            "{}{}.",
            first.to_uppercase(),
            chars.as_str().trim_end_matches('.')
        ),
        None => String::new(),
    }
}

async fn not_found() -> Response {
    error_page(&ApiError::NotFound("no such page in the console".into()))
}

/// `?done=…`: what the last change did (fixed messages, nothing echoed).
#[derive(Debug, Default, Deserialize)]
struct Done {
    done: Option<String>,
}

fn flash(done: &Done) -> Option<String> {
    let message = match done.done.as_deref()? {
        "created" => "Created.",
        "saved" => "Saved.",
        "unchanged" => "Nothing to change.",
        "revoked" => "Revoked.",
        "deleted" => "Deleted.",
        "members" => "Members changed.",
        "password" => "Your password is changed; your other sessions have ended.",
        _ => return None,
    };
    Some(message.to_owned())
}

fn can(principal: &Principal, action: Action, target: Target) -> bool {
    authorize(principal, action, target).is_ok()
}

fn nav(person: &Person, section: &'static str, done: &Done) -> Nav {
    let p = &person.principal;
    Nav {
        section,
        email: person.user.email.clone(),
        account_name: person.account.name.clone(),
        csrf: person.csrf.0.clone(),
        users: authorize_read(p, Action::ManageUsers).is_ok(),
        groups: authorize_read(p, Action::ManageGroups).is_ok(),
        account: can(p, Action::ViewAccount, Target::Account(p.account_id)),
        audit: can(p, Action::ViewAudit, Target::Account(p.account_id)),
        flash: flash(done),
    }
}

/// Whether the person may do `verb` on keys (`Subject::Keys`) or on the
/// application itself, for this application.
fn on_app(principal: &Principal, subject: Subject, verb: Verb, app: &Application) -> bool {
    let action = match subject {
        Subject::Applications => Action::Applications(verb),
        Subject::Keys => Action::Keys(verb),
    };
    can(
        principal,
        action,
        Target::Application {
            account_id: app.account_id,
            created_by: app.created_by,
        },
    )
}

/// The answer to a form without this session's CSRF token.
fn csrf_refused() -> Response {
    error_page(&ApiError::forbidden(
        "this form did not come from your console session (its CSRF token is missing or wrong): reload the page and try again",
    ))
}

/// Reads a posted form, refusing one without this session's CSRF token.
macro_rules! form {
    ($person:expr, $pairs:expr) => {{
        let fields = Fields::new($pairs);
        if !$person.csrf_matches(&fields) {
            return csrf_refused();
        }
        fields
    }};
}

macro_rules! or_page {
    ($result:expr) => {
        match $result {
            Ok(value) => value,
            Err(error) => return error_page(&error),
        }
    };
}

/// `datetime-local` text (UTC) as an instant; empty is none.
fn parse_time(text: &str, problems: &mut Problems, field: &str) -> Option<Timestamp> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    match text
        .parse::<DateTime>()
        .ok()
        .and_then(|civil| TimeZone::UTC.to_timestamp(civil).ok())
    {
        Some(at) => Some(at),
        None => {
            problems.add(field, "Enter a date and time such as 2027-01-31T18:00.");
            None
        }
    }
}

/// The next page's link of a table, when there is one.
fn next_link<T>(
    base: &str,
    page: &latchkey_core::list::Page<T>,
    last: Option<String>,
    extra: &str,
) -> Option<String> {
    if !page.has_more {
        return None;
    }
    last.map(|after| format!("{base}?after={after}{extra}"))
}

fn query(limit: &str, after: Option<String>) -> PageQuery {
    PageQuery {
        limit: Some(limit.to_owned()),
        after,
        order: None,
        include: None,
    }
}

/// Every application the person may view, by id (names for tables).
async fn application_names(
    state: &AppState,
    principal: &Principal,
) -> HashMap<ApplicationId, Application> {
    let mut found = HashMap::new();
    for status in [None, Some("revoked".to_owned())] {
        let q = StatusPageQuery {
            limit: Some("1000".into()),
            after: None,
            order: None,
            include: None,
            status,
        };
        if let Ok((page, _)) = applications::list(state, principal, &q).await {
            for app in page.data {
                found.insert(app.id, app);
            }
        }
    }
    found
}

/// Every group of the account, when the person may read them.
async fn all_groups(
    state: &AppState,
    principal: &Principal,
) -> Vec<latchkey_core::resource::PolicyGroup> {
    groups::list(state, principal, &query("1000", None))
        .await
        .map(|(page, _)| page.data)
        .unwrap_or_default()
}

fn group_choices(all: &[latchkey_core::resource::PolicyGroup], checked: &[String]) -> Vec<Choice> {
    all.iter()
        .map(|group| Choice {
            value: group.id.to_string(),
            label: group.name.clone(),
            checked: checked.contains(&group.id.to_string()),
        })
        .collect()
}

/// The permissions the person holds, as check boxes of scopes.
fn scope_choices(principal: &Principal, checked: &[String]) -> Vec<Choice> {
    principal
        .permissions
        .iter()
        .map(|permission| Choice {
            value: permission.to_string(),
            label: permission.to_string(),
            checked: checked.contains(&permission.to_string()),
        })
        .collect()
}

fn permission_choices(operator: bool, checked: PermissionSet) -> Vec<Choice> {
    every_permission(operator)
        .iter()
        .map(|permission: Permission| Choice {
            value: permission.to_string(),
            label: permission.to_string(),
            checked: checked.contains(permission),
        })
        .collect()
}

fn parse_ids<K: latchkey_core::id::IdKind>(
    texts: &[String],
    field: &str,
    problems: &mut Problems,
) -> Vec<latchkey_core::id::Id<K>> {
    texts
        .iter()
        .enumerate()
        .filter_map(|(i, text)| match text.parse() {
            Ok(id) => Some(id),
            Err(error) => {
                problems.add(&format!("{field}[{i}]"), format!("{error}"));
                None
            }
        })
        .collect()
}

fn same(name: &str) -> String {
    name.to_owned()
}

// --- applications -----------------------------------------------------------

async fn applications_page(
    State(state): State<AppState>,
    person: Person,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let revoked = q.get("status").is_some_and(|s| s == "revoked");
    let done = Done {
        done: q.get("done").cloned(),
    };
    let list = StatusPageQuery {
        limit: Some(PAGE.into()),
        after: q.get("after").cloned(),
        order: None,
        include: None,
        status: revoked.then(|| "revoked".to_owned()),
    };
    let (page, _) = or_page!(applications::list(&state, &person.principal, &list).await);
    let p = &person.principal;
    let next_page = next_link(
        "/console/applications",
        &page,
        page.data.last().map(|a| a.id.to_string()),
        if revoked { "&status=revoked" } else { "" },
    );
    render(&ApplicationsPage {
        nav: nav(&person, "applications", &done),
        revoked,
        rows: page.data.iter().map(AppRow::new).collect(),
        can_create: can(
            p,
            Action::Applications(Verb::Create),
            Target::Application {
                account_id: p.account_id,
                created_by: p.user_id,
            },
        ),
        next_page,
    })
}

async fn new_application(State(state): State<AppState>, person: Person) -> Response {
    let groups = all_groups(&state, &person.principal).await;
    render(&NewApplicationPage {
        nav: nav(&person, "applications", &Done::default()),
        name: String::new(),
        description: String::new(),
        groups: group_choices(&groups, &[]),
        problems: Problems::none(),
    })
}

async fn create_application(
    State(state): State<AppState>,
    person: Person,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let fields = form!(person, pairs);
    let mut problems = Problems::none();
    let group_texts = fields.all("group_ids");
    let group_ids = parse_ids::<PolicyGroupKind>(&group_texts, "group_ids", &mut problems);
    let input = NewApplication {
        name: fields.text("name"),
        description: fields.text("description"),
        group_ids,
        created_by: None,
    };
    let outcome = if problems.any() {
        Err(ApiError::Validation(Default::default()))
    } else {
        applications::create(&state, &person.principal, input).await
    };
    match outcome {
        Ok(app) => see(&format!("/console/applications/{}?done=created", app.id)),
        Err(error) => {
            if let Some(more) = Problems::from_error(&error, same) {
                for (_, name, message) in more.listed() {
                    problems.add(&name, message);
                }
                problems.summary = more.summary;
            } else if !problems.any() {
                return error_page(&error);
            }
            let groups = all_groups(&state, &person.principal).await;
            render_with(
                StatusCode::BAD_REQUEST,
                &NewApplicationPage {
                    nav: nav(&person, "applications", &Done::default()),
                    name: fields.text("name"),
                    description: fields.text("description"),
                    groups: group_choices(&groups, &group_texts),
                    problems,
                },
            )
        }
    }
}

async fn application_view(
    state: &AppState,
    person: &Person,
    id: ApplicationId,
    done: &Done,
    problems: Problems,
) -> Result<ApplicationPage, ApiError> {
    let p = &person.principal;
    let app = applications::get(state, p, id).await?;
    let owner = match users::get(state, p, app.created_by).await {
        Ok(user) => user.email,
        Err(_) if app.created_by == p.user_id => person.user.email.clone(),
        Err(_) => app.created_by.to_string(),
    };
    let names: HashMap<PolicyGroupId, String> = all_groups(state, p)
        .await
        .into_iter()
        .map(|g| (g.id, g.name))
        .collect();
    let groups = app
        .group_ids
        .iter()
        .map(|g| names.get(g).cloned().unwrap_or_else(|| g.to_string()))
        .collect();
    let keys_visible = on_app(p, Subject::Keys, Verb::View, &app);
    let status_all = StatusPageQuery {
        limit: Some(PAGE.into()),
        ..Default::default()
    };
    let (access, jwt) = if keys_visible {
        let (found, _, now) = access_keys::list(
            state,
            crate::api::reach(p, Subject::Keys, &[Verb::View])?,
            Some(id),
            None,
            query(PAGE, None),
        )
        .await?;
        let access = found
            .data
            .iter()
            .map(|k| KeyRow::access_key(k, app.name.clone(), now))
            .collect();
        let (found, _, now) = jwt_keys::list(state, p, id, &status_all).await?;
        let jwt = found
            .data
            .iter()
            .map(|k| KeyRow::jwt_key(k, app.name.clone(), now))
            .collect();
        (access, jwt)
    } else {
        (Vec::new(), Vec::new())
    };
    Ok(ApplicationPage {
        nav: nav(person, "applications", done),
        can_create_keys: on_app(p, Subject::Keys, Verb::Create, &app),
        can_edit: on_app(p, Subject::Applications, Verb::Edit, &app),
        can_revoke: on_app(p, Subject::Applications, Verb::Revoke, &app),
        can_delete: on_app(p, Subject::Applications, Verb::Delete, &app),
        owner,
        groups,
        updated_at: when(app.updated_at),
        app: AppRow::new(&app),
        access_keys: access,
        jwt_keys: jwt,
        problems,
    })
}

async fn application_page(
    State(state): State<AppState>,
    person: Person,
    Path(id): Path<String>,
    Query(done): Query<Done>,
) -> Response {
    let id = or_page!(path_id::<ApplicationKind>(&id));
    render(&or_page!(
        application_view(&state, &person, id, &done, Problems::none()).await
    ))
}

async fn edit_application(
    State(state): State<AppState>,
    person: Person,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let fields = form!(person, pairs);
    let id = or_page!(path_id::<ApplicationKind>(&id));
    let update = ApplicationUpdate {
        name: Some(fields.text("name")),
        description: Some(fields.text("description")),
        status: None,
    };
    app_change(&state, &person, id, update, "saved").await
}

async fn app_change(
    state: &AppState,
    person: &Person,
    id: ApplicationId,
    update: ApplicationUpdate,
    done: &str,
) -> Response {
    match applications::update_application_as(state, &person.principal, id, update).await {
        Ok(_) => see(&format!("/console/applications/{id}?done={done}")),
        Err(error) => match Problems::from_error(&error, same) {
            Some(problems) => {
                let page =
                    or_page!(application_view(state, person, id, &Done::default(), problems).await);
                render_with(error.describe().0, &page)
            }
            None => error_page(&error),
        },
    }
}

async fn revoke_application(
    State(state): State<AppState>,
    person: Person,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let _fields = form!(person, pairs);
    let id = or_page!(path_id::<ApplicationKind>(&id));
    let update = ApplicationUpdate {
        name: None,
        description: None,
        status: Some(ApplicationStatus::Revoked),
    };
    app_change(&state, &person, id, update, "revoked").await
}

async fn delete_application(
    State(state): State<AppState>,
    person: Person,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let _fields = form!(person, pairs);
    let id = or_page!(path_id::<ApplicationKind>(&id));
    or_page!(applications::delete(&state, &person.principal, id).await);
    see("/console/applications?done=deleted")
}

// --- access keys ------------------------------------------------------------

async fn new_access_key(
    State(state): State<AppState>,
    person: Person,
    Path(id): Path<String>,
) -> Response {
    let id = or_page!(path_id::<ApplicationKind>(&id));
    let app = or_page!(applications::get(&state, &person.principal, id).await);
    if !on_app(&person.principal, Subject::Keys, Verb::Create, &app) {
        return error_page(&ApiError::forbidden(
            "you may not create keys for this application (keys:create)",
        ));
    }
    render(&NewAccessKeyPage {
        nav: nav(&person, "applications", &Done::default()),
        app: AppRow::new(&app),
        name: String::new(),
        description: String::new(),
        expiration: String::new(),
        scopes: scope_choices(&person.principal, &[]),
        problems: Problems::none(),
    })
}

async fn create_access_key(
    State(state): State<AppState>,
    person: Person,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let fields = form!(person, pairs);
    let id = or_page!(path_id::<ApplicationKind>(&id));
    let mut problems = Problems::none();
    let expiration = parse_time(&fields.text("expiration"), &mut problems, "expiration");
    let scopes = fields.all("scopes");
    let input = NewAccessKey {
        name: fields.text("name"),
        description: fields.text("description"),
        scopes: scopes.clone(),
        expiration,
        created_by: None,
    };
    let outcome = if problems.any() {
        Err(ApiError::Validation(Default::default()))
    } else {
        access_keys::create(&state, &person.principal, id, input).await
    };
    match outcome {
        Ok((key, secret, _)) => {
            let app = or_page!(applications::get(&state, &person.principal, id).await);
            render_with(
                StatusCode::CREATED,
                &CreatedAccessKeyPage {
                    nav: nav(&person, "applications", &Done::default()),
                    app: AppRow::new(&app),
                    key_id: key.id.to_string(),
                    name: key.name.clone(),
                    secret,
                    scopes: key
                        .scopes
                        .without_implied()
                        .iter()
                        .map(|p| p.to_string())
                        .collect(),
                },
            )
        }
        Err(error) => {
            if let Some(more) = Problems::from_error(&error, same) {
                for (_, name, message) in more.listed() {
                    problems.add(&name, message);
                }
                problems.summary = more.summary;
            } else if !problems.any() {
                return error_page(&error);
            }
            let app = or_page!(applications::get(&state, &person.principal, id).await);
            render_with(
                if problems.any() && error.describe().0 != StatusCode::OK {
                    error.describe().0
                } else {
                    StatusCode::BAD_REQUEST
                },
                &NewAccessKeyPage {
                    nav: nav(&person, "applications", &Done::default()),
                    app: AppRow::new(&app),
                    name: fields.text("name"),
                    description: fields.text("description"),
                    expiration: fields.text("expiration"),
                    scopes: scope_choices(&person.principal, &scopes),
                    problems,
                },
            )
        }
    }
}

/// Which kind of key a key page is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum KeyKind {
    Access,
    Jwt,
}

async fn key_view(
    state: &AppState,
    person: &Person,
    kind: KeyKind,
    app_id: ApplicationId,
    key: &str,
    done: &Done,
    problems: Problems,
) -> Result<KeyPage, ApiError> {
    let p = &person.principal;
    let app = applications::get(state, p, app_id).await?;
    let now = Timestamp::now();
    let owner_of = |id: latchkey_core::id::UserId| async move {
        match users::get(state, p, id).await {
            Ok(user) => user.email,
            Err(_) if id == p.user_id => person.user.email.clone(),
            Err(_) => id.to_string(),
        }
    };
    let page = match kind {
        KeyKind::Access => {
            let key = access_keys::get(state, p, app_id, path_id::<AccessKeyKind>(key)?).await?;
            KeyPage {
                nav: nav(person, "applications", done),
                app: AppRow::new(&app),
                kind: "access-keys",
                kind_name: "access key",
                row: KeyRow::access_key(&key, app.name.clone(), now),
                description: key.description.clone(),
                stored_status: key.status.as_str(),
                expiration_input: input_time(key.expiration),
                scopes: key
                    .scopes
                    .without_implied()
                    .iter()
                    .map(|s| s.to_string())
                    .collect(),
                created_by: owner_of(key.created_by).await,
                updated_at: when(key.updated_at),
                thumbprint: None,
                public_jwk: None,
                api_host: Some(key.api_host.clone()),
                can_edit: on_app(p, Subject::Keys, Verb::Edit, &app),
                can_revoke: on_app(p, Subject::Keys, Verb::Revoke, &app),
                can_delete: on_app(p, Subject::Keys, Verb::Delete, &app),
                problems,
            }
        }
        KeyKind::Jwt => {
            let key = jwt_keys::get(state, p, app_id, path_id::<JwtKeyKind>(key)?).await?;
            KeyPage {
                nav: nav(person, "applications", done),
                app: AppRow::new(&app),
                kind: "jwt-keys",
                kind_name: "JWT key",
                row: KeyRow::jwt_key(&key, app.name.clone(), now),
                description: key.description.clone(),
                stored_status: key.status.as_str(),
                expiration_input: input_time(key.expiration),
                scopes: key
                    .scopes
                    .without_implied()
                    .iter()
                    .map(|s| s.to_string())
                    .collect(),
                created_by: owner_of(key.created_by).await,
                updated_at: when(key.updated_at),
                thumbprint: Some(key.thumbprint.clone()),
                public_jwk: serde_json::to_string_pretty(&key.public_jwk).ok(),
                api_host: None,
                can_edit: on_app(p, Subject::Keys, Verb::Edit, &app),
                can_revoke: on_app(p, Subject::Keys, Verb::Revoke, &app),
                can_delete: on_app(p, Subject::Keys, Verb::Delete, &app),
                problems,
            }
        }
    };
    Ok(page)
}

async fn show_key(
    state: &AppState,
    person: &Person,
    kind: KeyKind,
    app: &str,
    key: &str,
    done: &Done,
) -> Response {
    let app = or_page!(path_id::<ApplicationKind>(app));
    render(&or_page!(
        key_view(state, person, kind, app, key, done, Problems::none()).await
    ))
}

async fn access_key_page(
    State(state): State<AppState>,
    person: Person,
    Path((app, key)): Path<(String, String)>,
    Query(done): Query<Done>,
) -> Response {
    show_key(&state, &person, KeyKind::Access, &app, &key, &done).await
}

async fn jwt_key_page(
    State(state): State<AppState>,
    person: Person,
    Path((app, key)): Path<(String, String)>,
    Query(done): Query<Done>,
) -> Response {
    show_key(&state, &person, KeyKind::Jwt, &app, &key, &done).await
}

/// The change a key's Edit form asks for: only what differs from the key
/// as it is, so that an unchanged status or expiration is no grant.
fn key_update(
    fields: &Fields,
    current: (KeyStatus, Option<Timestamp>, &str, &str),
    problems: &mut Problems,
) -> KeyUpdate {
    let (status, expiration, name, description) = current;
    let wanted_status = match fields.get("status") {
        Some("active") => Some(KeyStatus::Active),
        Some("inactive") => Some(KeyStatus::Inactive),
        Some(_) => {
            problems.add("status", "Choose active or inactive.");
            None
        }
        None => None,
    };
    let wanted_expiration = parse_time(&fields.text("expiration"), problems, "expiration");
    KeyUpdate {
        name: Some(fields.text("name")).filter(|n| n != name),
        description: Some(fields.text("description")).filter(|d| d != description),
        status: wanted_status.filter(|s| *s != status),
        expiration: (wanted_expiration != expiration).then_some(wanted_expiration),
    }
}

async fn change_key(
    state: &AppState,
    person: &Person,
    kind: KeyKind,
    app: &str,
    key: &str,
    fields: Option<Fields>,
    done: &str,
) -> Response {
    let app_id = or_page!(path_id::<ApplicationKind>(app));
    let p = &person.principal;
    let mut problems = Problems::none();
    let update = match &fields {
        None => KeyUpdate {
            status: Some(KeyStatus::Revoked),
            ..Default::default()
        },
        Some(fields) => match kind {
            KeyKind::Access => {
                let current = or_page!(
                    access_keys::get(state, p, app_id, or_page!(path_id::<AccessKeyKind>(key)))
                        .await
                );
                key_update(
                    fields,
                    (
                        current.status,
                        current.expiration,
                        &current.name,
                        &current.description,
                    ),
                    &mut problems,
                )
            }
            KeyKind::Jwt => {
                let current = or_page!(
                    jwt_keys::get(state, p, app_id, or_page!(path_id::<JwtKeyKind>(key))).await
                );
                key_update(
                    fields,
                    (
                        current.status,
                        current.expiration,
                        &current.name,
                        &current.description,
                    ),
                    &mut problems,
                )
            }
        },
    };
    let segment = match kind {
        KeyKind::Access => "access-keys",
        KeyKind::Jwt => "jwt-keys",
    };
    let unchanged = update == KeyUpdate::default();
    let outcome = if problems.any() {
        Err(ApiError::Validation(Default::default()))
    } else if unchanged {
        Ok(())
    } else {
        match kind {
            KeyKind::Access => access_keys::update_key(
                state,
                p,
                app_id,
                or_page!(path_id::<AccessKeyKind>(key)),
                update,
            )
            .await
            .map(|_| ()),
            KeyKind::Jwt => jwt_keys::update_key(
                state,
                p,
                app_id,
                or_page!(path_id::<JwtKeyKind>(key)),
                update,
            )
            .await
            .map(|_| ()),
        }
    };
    match outcome {
        Ok(()) => see(&format!(
            "/console/applications/{app_id}/{segment}/{key}?done={}",
            if unchanged { "unchanged" } else { done }
        )),
        Err(error) => {
            if let Some(more) = Problems::from_error(&error, same) {
                for (_, name, message) in more.listed() {
                    problems.add(&name, message);
                }
                problems.summary = more.summary;
            } else if !problems.any() {
                return error_page(&error);
            }
            let status = if problems.summary.is_some() {
                error.describe().0
            } else {
                StatusCode::BAD_REQUEST
            };
            let page = or_page!(
                key_view(state, person, kind, app_id, key, &Done::default(), problems).await
            );
            render_with(status, &page)
        }
    }
}

async fn edit_access_key(
    State(state): State<AppState>,
    person: Person,
    Path((app, key)): Path<(String, String)>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let fields = form!(person, pairs);
    change_key(
        &state,
        &person,
        KeyKind::Access,
        &app,
        &key,
        Some(fields),
        "saved",
    )
    .await
}

async fn revoke_access_key(
    State(state): State<AppState>,
    person: Person,
    Path((app, key)): Path<(String, String)>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let _fields = form!(person, pairs);
    change_key(
        &state,
        &person,
        KeyKind::Access,
        &app,
        &key,
        None,
        "revoked",
    )
    .await
}

async fn delete_access_key(
    State(state): State<AppState>,
    person: Person,
    Path((app, key)): Path<(String, String)>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let _fields = form!(person, pairs);
    let app_id = or_page!(path_id::<ApplicationKind>(&app));
    let key = or_page!(path_id::<AccessKeyKind>(&key));
    or_page!(access_keys::delete(&state, &person.principal, app_id, key).await);
    see(&format!("/console/applications/{app_id}?done=deleted"))
}

async fn edit_jwt_key(
    State(state): State<AppState>,
    person: Person,
    Path((app, key)): Path<(String, String)>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let fields = form!(person, pairs);
    change_key(
        &state,
        &person,
        KeyKind::Jwt,
        &app,
        &key,
        Some(fields),
        "saved",
    )
    .await
}

async fn revoke_jwt_key(
    State(state): State<AppState>,
    person: Person,
    Path((app, key)): Path<(String, String)>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let _fields = form!(person, pairs);
    change_key(&state, &person, KeyKind::Jwt, &app, &key, None, "revoked").await
}

async fn delete_jwt_key(
    State(state): State<AppState>,
    person: Person,
    Path((app, key)): Path<(String, String)>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let _fields = form!(person, pairs);
    let app_id = or_page!(path_id::<ApplicationKind>(&app));
    let key = or_page!(path_id::<JwtKeyKind>(&key));
    or_page!(jwt_keys::delete(&state, &person.principal, app_id, key).await);
    see(&format!("/console/applications/{app_id}?done=deleted"))
}

async fn access_keys_view(
    state: &AppState,
    person: &Person,
    q: &HashMap<String, String>,
    report: Vec<(String, String)>,
    problems: Problems,
) -> Result<AccessKeysPage, ApiError> {
    let p = &person.principal;
    let application = q.get("application_id").filter(|a| !a.is_empty()).cloned();
    let status = q.get("status").filter(|s| !s.is_empty()).cloned();
    let names = application_names(state, p).await;
    let keys = KeyPageQuery {
        limit: Some(PAGE.into()),
        after: q.get("after").cloned(),
        order: None,
        include: None,
        status: status.clone(),
        application_id: application.clone(),
    };
    let application_id = match application.as_deref() {
        Some(text) => Some(text.parse().map_err(|error: latchkey_core::id::IdError| {
            ApiError::field("application_id", error.to_string())
        })?),
        None => None,
    };
    let scope = crate::api::reach(p, Subject::Keys, &[Verb::View])?;
    let (page, _, now) = access_keys::list(
        state,
        scope,
        application_id,
        keys.status.as_deref(),
        keys.paging(),
    )
    .await?;
    let rows = page
        .data
        .iter()
        .map(|k| {
            let name = names
                .get(&k.application_id)
                .map_or_else(|| k.application_id.to_string(), |a| a.name.clone());
            KeyRow::access_key(k, name, now)
        })
        .collect();
    let mut apps: Vec<&Application> = names.values().collect();
    apps.sort_by(|a, b| a.name.cmp(&b.name));
    let extra = format!(
        "{}{}",
        application
            .as_ref()
            .map(|a| format!("&application_id={a}"))
            .unwrap_or_default(),
        status
            .as_ref()
            .map(|s| format!("&status={s}"))
            .unwrap_or_default()
    );
    Ok(AccessKeysPage {
        nav: nav(
            person,
            "access-keys",
            &Done {
                done: q.get("done").cloned(),
            },
        ),
        next_page: next_link(
            "/console/access-keys",
            &page,
            page.data.last().map(|k| k.id.to_string()),
            &extra,
        ),
        rows,
        applications: apps
            .iter()
            .map(|a| Choice {
                value: a.id.to_string(),
                label: a.name.clone(),
                checked: application.as_deref() == Some(&a.id.to_string()),
            })
            .collect(),
        statuses: [
            ("", "All but revoked"),
            ("active", "Active"),
            ("inactive", "Inactive"),
            ("expired", "Expired"),
            ("revoked", "Revoked"),
        ]
        .iter()
        .map(|(value, label)| Choice {
            value: (*value).into(),
            label: (*label).into(),
            checked: status.as_deref().unwrap_or("") == *value,
        })
        .collect(),
        can_delete: authorize(p, Action::Keys(Verb::Delete), Target::Account(p.account_id)).is_ok(),
        report,
        problems,
    })
}

async fn access_keys_page(
    State(state): State<AppState>,
    person: Person,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    render(&or_page!(
        access_keys_view(&state, &person, &q, Vec::new(), Problems::none()).await
    ))
}

async fn bulk_delete(
    State(state): State<AppState>,
    person: Person,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let fields = form!(person, pairs);
    let ids = fields.all("ids");
    if ids.is_empty() {
        let page = or_page!(
            access_keys_view(
                &state,
                &person,
                &HashMap::new(),
                Vec::new(),
                Problems::general("Select the keys to delete.")
            )
            .await
        );
        return render_with(StatusCode::BAD_REQUEST, &page);
    }
    match access_keys::bulk_delete(&state, &person.principal, &ids).await {
        Ok(report) => {
            let report = report
                .results
                .iter()
                .map(|item| {
                    (
                        item.id.to_string(),
                        access_keys::bulk_status(item.status).replace('_', " "),
                    )
                })
                .collect();
            let page = or_page!(
                access_keys_view(&state, &person, &HashMap::new(), report, Problems::none()).await
            );
            render(&page)
        }
        Err(error) => {
            let (status, message, failing) = error.describe();
            if status != StatusCode::CONFLICT {
                return error_page(&error);
            }
            let failing: HashMap<String, String> =
                failing.into_iter().map(|f| (f.name, f.message)).collect();
            let report = ids
                .iter()
                .enumerate()
                .map(|(i, id)| {
                    let outcome = failing.get(&format!("ids[{i}]")).map_or_else(
                        || "not deleted (another key could not be)".to_owned(),
                        |why| format!("cannot be deleted: {}", why.replace('_', " ")),
                    );
                    (id.clone(), outcome)
                })
                .collect();
            let page = or_page!(
                access_keys_view(
                    &state,
                    &person,
                    &HashMap::new(),
                    report,
                    Problems::general(capitalized(&message))
                )
                .await
            );
            let _ = BulkDeleteStatus::Skipped;
            render_with(StatusCode::CONFLICT, &page)
        }
    }
}

// --- JWT keys ---------------------------------------------------------------

const ALGORITHMS: [(&str, &str); 6] = [
    ("", "From the key (its JWK alg, or the key type's default)"),
    ("EdDSA", "EdDSA (Ed25519)"),
    ("ES256", "ES256 (P-256)"),
    ("ES384", "ES384 (P-384)"),
    ("RS256", "RS256 (RSA)"),
    ("PS256", "PS256 (RSA-PSS)"),
];

fn algorithm_choices(selected: &str) -> Vec<Choice> {
    ALGORITHMS
        .iter()
        .map(|(value, label)| Choice {
            value: (*value).into(),
            label: (*label).into(),
            checked: *value == selected,
        })
        .collect()
}

async fn new_jwt_key(
    State(state): State<AppState>,
    person: Person,
    Path(id): Path<String>,
) -> Response {
    let id = or_page!(path_id::<ApplicationKind>(&id));
    let app = or_page!(applications::get(&state, &person.principal, id).await);
    if !on_app(&person.principal, Subject::Keys, Verb::Create, &app) {
        return error_page(&ApiError::forbidden(
            "you may not create keys for this application (keys:create)",
        ));
    }
    render(&NewJwtKeyPage {
        nav: nav(&person, "applications", &Done::default()),
        app: AppRow::new(&app),
        name: String::new(),
        description: String::new(),
        public_key: String::new(),
        algorithms: algorithm_choices("EdDSA"),
        expiration: String::new(),
        scopes: scope_choices(&person.principal, &[]),
        problems: Problems::none(),
    })
}

async fn create_jwt_key(
    State(state): State<AppState>,
    person: Person,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let fields = form!(person, pairs);
    let id = or_page!(path_id::<ApplicationKind>(&id));
    let mut problems = Problems::none();
    let expiration = parse_time(&fields.text("expiration"), &mut problems, "expiration");
    let scopes = fields.all("scopes");
    let text = fields.text("public_key");
    let public_key = match serde_json::from_str::<serde_json::Value>(text.trim()) {
        Ok(value @ serde_json::Value::Object(_)) => value,
        _ => serde_json::Value::String(text.clone()),
    };
    let algorithm = fields.text("algorithm");
    let new = NewJwtKey {
        name: fields.text("name"),
        description: fields.text("description"),
        expiration,
        scopes: scopes.clone(),
        created_by: None,
    };
    let outcome = if problems.any() {
        Err(ApiError::Validation(Default::default()))
    } else {
        jwt_keys::create(
            &state,
            &person.principal,
            id,
            new,
            &public_key,
            Some(algorithm.as_str()).filter(|a| !a.is_empty()),
        )
        .await
    };
    match outcome {
        Ok((key, _)) => see(&format!(
            "/console/applications/{id}/jwt-keys/{}?done=created",
            key.id
        )),
        Err(error) => {
            if let Some(more) = Problems::from_error(&error, same) {
                for (_, name, message) in more.listed() {
                    problems.add(&name, message);
                }
                problems.summary = more.summary;
            } else if !problems.any() {
                return error_page(&error);
            }
            let app = or_page!(applications::get(&state, &person.principal, id).await);
            render_with(
                StatusCode::BAD_REQUEST,
                &NewJwtKeyPage {
                    nav: nav(&person, "applications", &Done::default()),
                    app: AppRow::new(&app),
                    name: fields.text("name"),
                    description: fields.text("description"),
                    public_key: text,
                    algorithms: algorithm_choices(&algorithm),
                    expiration: fields.text("expiration"),
                    scopes: scope_choices(&person.principal, &scopes),
                    problems,
                },
            )
        }
    }
}

// --- users ------------------------------------------------------------------

async fn users_page(
    State(state): State<AppState>,
    person: Person,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let list = StatusPageQuery {
        limit: Some(PAGE.into()),
        after: q.get("after").cloned(),
        ..Default::default()
    };
    let (page, _) = or_page!(users::list(&state, &person.principal, &list).await);
    let p = &person.principal;
    render(&UsersPage {
        nav: nav(
            &person,
            "users",
            &Done {
                done: q.get("done").cloned(),
            },
        ),
        next_page: next_link(
            "/console/users",
            &page,
            page.data.last().map(|u| u.id.to_string()),
            "",
        ),
        rows: page.data.iter().map(UserRow::new).collect(),
        can_manage: can(p, Action::ManageUsers, Target::Account(p.account_id)),
    })
}

async fn new_user(State(state): State<AppState>, person: Person) -> Response {
    let groups = all_groups(&state, &person.principal).await;
    render(&NewUserPage {
        nav: nav(&person, "users", &Done::default()),
        email: String::new(),
        name: String::new(),
        groups: group_choices(&groups, &[]),
        problems: Problems::none(),
    })
}

async fn user_view(
    state: &AppState,
    person: &Person,
    id: latchkey_core::id::UserId,
    link: Option<(String, String)>,
    problems: Problems,
    done: &Done,
) -> Result<UserPage, ApiError> {
    let p = &person.principal;
    let user = users::get(state, p, id).await?;
    let groups = all_groups(state, p).await;
    let checked: Vec<String> = user.group_ids.iter().map(|g| g.to_string()).collect();
    Ok(UserPage {
        nav: nav(person, "users", done),
        groups: group_choices(&groups, &checked),
        can_manage: can(p, Action::ManageUsers, Target::Account(p.account_id)),
        is_me: user.id == p.user_id,
        user: UserRow::new(&user),
        link,
        problems,
    })
}

async fn invite_user(
    State(state): State<AppState>,
    person: Person,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let fields = form!(person, pairs);
    let mut problems = Problems::none();
    let group_texts = fields.all("group_ids");
    let group_ids = parse_ids::<PolicyGroupKind>(&group_texts, "group_ids", &mut problems);
    let new = NewUser {
        email: fields.text("email").trim().to_owned(),
        name: fields.text("name"),
        group_ids,
    };
    let created = if problems.any() {
        Err(ApiError::Validation(Default::default()))
    } else {
        users::create(&state, &person.principal, new).await
    };
    let user = match created {
        Ok(user) => user,
        Err(error) => {
            if let Some(more) = Problems::from_error(&error, same) {
                for (_, name, message) in more.listed() {
                    problems.add(&name, message);
                }
                problems.summary = more.summary;
            } else if !problems.any() {
                return error_page(&error);
            }
            let groups = all_groups(&state, &person.principal).await;
            return render_with(
                StatusCode::BAD_REQUEST,
                &NewUserPage {
                    nav: nav(&person, "users", &Done::default()),
                    email: fields.text("email"),
                    name: fields.text("name"),
                    groups: group_choices(&groups, &group_texts),
                    problems,
                },
            );
        }
    };
    // The invitation is the user and their password link, shown once.
    match users::password_link(&state, &person.principal, user.id).await {
        Ok(link) => {
            let page = or_page!(
                user_view(
                    &state,
                    &person,
                    user.id,
                    Some((link.url, when(link.expires_at))),
                    Problems::none(),
                    &Done {
                        done: Some("created".into())
                    }
                )
                .await
            );
            render_with(StatusCode::CREATED, &page)
        }
        Err(error) => {
            let problems = Problems::from_error(&error, same)
                .unwrap_or_else(|| Problems::general(error.describe().1));
            let page = or_page!(
                user_view(&state, &person, user.id, None, problems, &Done::default()).await
            );
            render_with(error.describe().0, &page)
        }
    }
}

async fn user_page(
    State(state): State<AppState>,
    person: Person,
    Path(id): Path<String>,
    Query(done): Query<Done>,
) -> Response {
    let id = or_page!(path_id::<UserKind>(&id));
    render(&or_page!(
        user_view(&state, &person, id, None, Problems::none(), &done).await
    ))
}

async fn edit_user_groups(
    State(state): State<AppState>,
    person: Person,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let fields = form!(person, pairs);
    let id = or_page!(path_id::<UserKind>(&id));
    let mut problems = Problems::none();
    let group_ids =
        parse_ids::<PolicyGroupKind>(&fields.all("group_ids"), "group_ids", &mut problems);
    let outcome = if problems.any() {
        Err(ApiError::Validation(Default::default()))
    } else {
        users::update(
            &state,
            &person.principal,
            id,
            UserUpdate {
                group_ids: Some(group_ids),
                ..Default::default()
            },
        )
        .await
    };
    match outcome {
        Ok(_) => see(&format!("/console/users/{id}?done=saved")),
        Err(error) => {
            let problems = Problems::from_error(&error, same).unwrap_or(problems);
            if !problems.any() {
                return error_page(&error);
            }
            let page =
                or_page!(user_view(&state, &person, id, None, problems, &Done::default()).await);
            render_with(error.describe().0, &page)
        }
    }
}

async fn user_password_link(
    State(state): State<AppState>,
    person: Person,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let _fields = form!(person, pairs);
    let id = or_page!(path_id::<UserKind>(&id));
    match users::password_link(&state, &person.principal, id).await {
        Ok(link) => render(&or_page!(
            user_view(
                &state,
                &person,
                id,
                Some((link.url, when(link.expires_at))),
                Problems::none(),
                &Done::default()
            )
            .await
        )),
        Err(error) => match Problems::from_error(&error, same) {
            Some(problems) => {
                let page = or_page!(
                    user_view(&state, &person, id, None, problems, &Done::default()).await
                );
                render_with(error.describe().0, &page)
            }
            None => error_page(&error),
        },
    }
}

async fn delete_user(
    State(state): State<AppState>,
    person: Person,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let _fields = form!(person, pairs);
    let id = or_page!(path_id::<UserKind>(&id));
    or_page!(users::delete(&state, &person.principal, id).await);
    see("/console/users?done=deleted")
}

// --- policy groups ----------------------------------------------------------

/// The audit page's query: its filters and cursor.
#[derive(Debug, Default, Deserialize)]
struct AuditFilters {
    #[serde(default)]
    action: String,
    #[serde(default)]
    target_id: String,
    #[serde(default)]
    after: String,
}

async fn audit_page(
    State(state): State<AppState>,
    person: Person,
    Query(filters): Query<AuditFilters>,
) -> Response {
    let non_empty = |text: &str| (!text.is_empty()).then(|| text.to_owned());
    let query = crate::api::audit_log::AuditQuery {
        limit: Some(PAGE.to_owned()),
        after: non_empty(&filters.after),
        order: Some("DESC".to_owned()),
        action: non_empty(&filters.action),
        target_id: non_empty(filters.target_id.trim()),
        ..Default::default()
    };
    let (page, _) = or_page!(audit_log::list(&state, &person.principal, &query).await);
    let older = match (page.has_more, page.data.last()) {
        (true, Some(last)) => Some(format!(
            "action={}&target_id={}&after={}",
            super::session::form_urlencoded(&filters.action),
            super::session::form_urlencoded(filters.target_id.trim()),
            last.id
        )),
        _ => None,
    };
    render(&AuditPage {
        nav: nav(&person, "audit", &Done::default()),
        rows: page.data.into_iter().map(AuditRow::new).collect(),
        actions: latchkey_core::audit::AuditAction::ALL
            .iter()
            .map(|a| ActionChoice {
                name: a.as_str(),
                selected: a.as_str() == filters.action,
            })
            .collect(),
        action: filters.action,
        target_id: filters.target_id,
        older,
    })
}

async fn groups_page(
    State(state): State<AppState>,
    person: Person,
    Query(done): Query<Done>,
) -> Response {
    let (page, _) = or_page!(groups::list(&state, &person.principal, &query("1000", None)).await);
    let p = &person.principal;
    render(&GroupsPage {
        nav: nav(&person, "groups", &done),
        rows: page.data.iter().map(GroupRow::new).collect(),
        can_manage: can(p, Action::ManageGroups, Target::Account(p.account_id)),
    })
}

async fn new_group(person: Person) -> Response {
    render(&NewGroupPage {
        nav: nav(&person, "groups", &Done::default()),
        name: String::new(),
        description: String::new(),
        permissions: permission_choices(person.principal.operator, PermissionSet::EMPTY),
        problems: Problems::none(),
    })
}

fn chosen_permissions(fields: &Fields) -> (Vec<String>, PermissionSet) {
    let texts = fields.all("permissions");
    let set = texts
        .iter()
        .filter_map(|t| t.parse::<Permission>().ok())
        .collect();
    (texts, set)
}

async fn create_group(
    State(state): State<AppState>,
    person: Person,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let fields = form!(person, pairs);
    let (texts, set) = chosen_permissions(&fields);
    let new = NewPolicyGroup {
        name: fields.text("name"),
        description: fields.text("description"),
        permissions: texts,
    };
    match groups::create(&state, &person.principal, new).await {
        Ok(group) => see(&format!("/console/groups/{}?done=created", group.id)),
        Err(error) => match Problems::from_error(&error, same) {
            Some(problems) => render_with(
                error.describe().0,
                &NewGroupPage {
                    nav: nav(&person, "groups", &Done::default()),
                    name: fields.text("name"),
                    description: fields.text("description"),
                    permissions: permission_choices(person.principal.operator, set),
                    problems,
                },
            ),
            None => error_page(&error),
        },
    }
}

async fn group_view(
    state: &AppState,
    person: &Person,
    id: PolicyGroupId,
    problems: Problems,
    done: &Done,
) -> Result<GroupPage, ApiError> {
    let p = &person.principal;
    let group = groups::get(state, p, id).await?;
    let (members, _) = groups::list_users_of(state, p, id, &query("1000", None)).await?;
    let (apps, _) = groups::list_applications_of(state, p, id, &query("1000", None)).await?;
    let all_users = users::list(
        state,
        p,
        &StatusPageQuery {
            limit: Some("1000".into()),
            ..Default::default()
        },
    )
    .await
    .map(|(page, _)| page.data)
    .unwrap_or_default();
    let all_apps = application_names(state, p).await;
    let other_users = all_users
        .iter()
        .filter(|u| !u.group_ids.contains(&id))
        .map(|u| (u.id.to_string(), u.email.clone()))
        .collect();
    let mut other_applications: Vec<(String, String)> = all_apps
        .values()
        .filter(|a| a.is_active() && !a.group_ids.contains(&id))
        .map(|a| (a.id.to_string(), a.name.clone()))
        .collect();
    other_applications.sort_by(|a, b| a.1.cmp(&b.1));
    Ok(GroupPage {
        nav: nav(person, "groups", done),
        permissions: permission_choices(p.operator, group.permissions),
        group: GroupRow::new(&group),
        users: members.data.iter().map(UserRow::new).collect(),
        applications: apps.data.iter().map(AppRow::new).collect(),
        other_users,
        other_applications,
        can_manage: can(p, Action::ManageGroups, Target::Account(p.account_id)),
        problems,
    })
}

async fn group_page(
    State(state): State<AppState>,
    person: Person,
    Path(id): Path<String>,
    Query(done): Query<Done>,
) -> Response {
    let id = or_page!(path_id::<PolicyGroupKind>(&id));
    render(&or_page!(
        group_view(&state, &person, id, Problems::none(), &done).await
    ))
}

async fn group_failed(
    state: &AppState,
    person: &Person,
    id: PolicyGroupId,
    error: ApiError,
) -> Response {
    match Problems::from_error(&error, same) {
        Some(problems) => {
            let page = or_page!(group_view(state, person, id, problems, &Done::default()).await);
            render_with(error.describe().0, &page)
        }
        None => error_page(&error),
    }
}

async fn edit_group(
    State(state): State<AppState>,
    person: Person,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let fields = form!(person, pairs);
    let id = or_page!(path_id::<PolicyGroupKind>(&id));
    let (texts, _) = chosen_permissions(&fields);
    let change = PolicyGroupUpdate {
        name: None,
        description: None,
        permissions: Some(texts),
    };
    match groups::update(&state, &person.principal, id, change).await {
        Ok(_) => see(&format!("/console/groups/{id}?done=saved")),
        Err(error) => group_failed(&state, &person, id, error).await,
    }
}

async fn change_members(
    State(state): State<AppState>,
    person: Person,
    Path((id, members, change)): Path<(String, String, String)>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let fields = form!(person, pairs);
    let id = or_page!(path_id::<PolicyGroupKind>(&id));
    let join = match change.as_str() {
        "add" => true,
        "remove" => false,
        _ => return not_found().await,
    };
    let mut problems = Problems::none();
    let ids = fields.all("ids");
    let members = match members.as_str() {
        "users" => Members::Users(parse_ids::<UserKind>(&ids, "ids", &mut problems)),
        "applications" => {
            Members::Applications(parse_ids::<ApplicationKind>(&ids, "ids", &mut problems))
        }
        _ => return not_found().await,
    };
    if problems.any() {
        return group_failed(
            &state,
            &person,
            id,
            ApiError::Validation(Default::default()),
        )
        .await;
    }
    match groups::change_members_as(&state, &person.principal, id, members, join).await {
        Ok(()) => see(&format!("/console/groups/{id}?done=members")),
        Err(error) => group_failed(&state, &person, id, error).await,
    }
}

async fn delete_group(
    State(state): State<AppState>,
    person: Person,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let _fields = form!(person, pairs);
    let id = or_page!(path_id::<PolicyGroupKind>(&id));
    match groups::delete(&state, &person.principal, id).await {
        Ok(()) => see("/console/groups?done=deleted"),
        Err(error) => group_failed(&state, &person, id, error).await,
    }
}

// --- the account ------------------------------------------------------------

async fn account_view(
    state: &AppState,
    person: &Person,
    problems: Problems,
    done: &Done,
) -> Result<AccountPage, ApiError> {
    let p = &person.principal;
    let account = accounts::my_account(state, p).await?;
    let now = Timestamp::now();
    let visible = application_names(state, p).await;
    let mut active: Vec<&Application> = visible.values().filter(|a| a.is_active()).collect();
    active.sort_by(|a, b| a.name.cmp(&b.name));
    let mut usage = vec![Usage {
        what: "Active applications".into(),
        used: active.len() as u64,
        limit: account.limits.applications,
    }];
    if let Ok(scope) = crate::api::reach(p, Subject::Keys, &[Verb::View]) {
        for app in active {
            let (keys, _, _) =
                access_keys::list(state, scope, Some(app.id), None, query("1000", None)).await?;
            let used = keys
                .data
                .iter()
                .filter(|k| k.status.counts_toward_limit(k.expiration, now))
                .count() as u64;
            usage.push(Usage {
                what: format!("Access keys of {}", app.name),
                used,
                limit: account.limits.access_keys_per_application,
            });
            let (jwt, _, _) = jwt_keys::list(
                state,
                p,
                app.id,
                &StatusPageQuery {
                    limit: Some("1000".into()),
                    ..Default::default()
                },
            )
            .await?;
            let used = jwt
                .data
                .iter()
                .filter(|k| k.status.counts_toward_limit(k.expiration, now))
                .count() as u64;
            usage.push(Usage {
                what: format!("JWT keys of {}", app.name),
                used,
                limit: account.limits.jwt_keys_per_application,
            });
        }
    }
    Ok(AccountPage {
        nav: nav(person, "account", done),
        id: account.id.to_string(),
        name: account.name.clone(),
        plan: account.plan.as_str(),
        operator: account.operator,
        created_at: when(account.created_at),
        usage,
        can_edit: can(p, Action::EditAccount, Target::Account(p.account_id)),
        problems,
    })
}

async fn account_page(
    State(state): State<AppState>,
    person: Person,
    Query(done): Query<Done>,
) -> Response {
    render(&or_page!(
        account_view(&state, &person, Problems::none(), &done).await
    ))
}

async fn rename_account(
    State(state): State<AppState>,
    person: Person,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let fields = form!(person, pairs);
    match accounts::rename_my_account(&state, &person.principal, Some(fields.text("name"))).await {
        Ok(_) => see("/console/account?done=saved"),
        Err(error) => match Problems::from_error(&error, same) {
            Some(problems) => {
                let page =
                    or_page!(account_view(&state, &person, problems, &Done::default()).await);
                render_with(error.describe().0, &page)
            }
            None => error_page(&error),
        },
    }
}

// --- one's own password -----------------------------------------------------

async fn password_change_page(person: Person, Query(done): Query<Done>) -> Response {
    render(&PasswordChangePage {
        nav: nav(&person, "account", &done),
        problems: Problems::none(),
        min_chars: latchkey_core::password::MIN_CHARS,
    })
}

async fn change_password(
    State(state): State<AppState>,
    person: Person,
    super::session::ClientIp(address): super::session::ClientIp,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let fields = form!(person, pairs);
    let again = |status: StatusCode, problems: Problems| {
        render_with(
            status,
            &PasswordChangePage {
                nav: nav(&person, "account", &Done::default()),
                problems,
                min_chars: latchkey_core::password::MIN_CHARS,
            },
        )
    };
    let new = fields.text("password");
    let mut problems = match latchkey_core::password::check_new("password", &new) {
        Ok(()) => Problems::none(),
        Err(errors) => {
            let mut problems = Problems::none();
            for field in errors.fields {
                problems.add(&field.name, format!("The password {}.", field.message));
            }
            problems
        }
    };
    if fields.get("confirm") != Some(new.as_str()) {
        problems.add("confirm", "The two new passwords differ.");
    }
    if problems.any() {
        problems.summary = Some("Choose another password.".into());
        return again(StatusCode::BAD_REQUEST, problems);
    }
    let Some(stored) = person.user.password.clone() else {
        return error_page(&ApiError::conflict("you have no password to change"));
    };
    // The current password is a guess like a sign-in: paid for first.
    let budget = match state.auth.failure_limiter().reserve(address).await {
        Ok(budget) => budget,
        Err(retry_after) => return error_page(&ApiError::TooManyRequests { retry_after }),
    };
    let current = fields.text("current");
    let replacing = stored.set_at;
    let console = &state.console;
    let params = console.params;
    let now = Timestamp::now();
    let outcome = console
        .hash(move || {
            stored
                .verify(&current)
                .then(|| latchkey_core::password::Password::hash(&new, &params, now))
        })
        .await;
    let hashed = match outcome {
        Ok(Some(Ok(hashed))) => {
            budget.refund();
            hashed
        }
        Ok(None) => {
            budget.spend();
            let mut problems = Problems::general("Your password is not changed.");
            problems.add("current", "This is not your current password.");
            return again(StatusCode::UNAUTHORIZED, problems);
        }
        _ => return error_page(&ApiError::Internal),
    };
    let p = &person.principal;
    let user = match state
        .store
        .change_password(
            &crate::request_context::acting(p),
            p.account_id,
            p.user_id,
            replacing,
            hashed,
        )
        .await
    {
        Ok(user) => user,
        Err(error) => return error_page(&error.into()),
    };
    match super::session::open(&state, &user).await {
        Ok(cookie) => {
            let mut response = see("/console/password/change?done=password");
            response
                .headers_mut()
                .append(axum::http::header::SET_COOKIE, cookie);
            response
        }
        Err(error) => error_page(&error),
    }
}
