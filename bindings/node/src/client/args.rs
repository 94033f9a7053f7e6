//! Arguments from JavaScript, checked before any request: ids, statuses,
//! timestamps and list options. The wrapper has already checked their
//! JavaScript types; a bad value here is a `TypeError` with Node's
//! `ERR_INVALID_ARG_VALUE`, naming the argument.

use std::str::FromStr;

use jiff::Timestamp;
use latchkey_client::types::Order;
use latchkey_client::{ApiEnum, ListParams, StatusFilter};
use napi::Env;
use napi_derive::napi;

use crate::errors;

/// Each enum's values as the API spells them, by the Rust client's type
/// name: the one list the unions of `lib/index.d.ts` are tested against.
#[napi]
pub fn api_enums() -> std::collections::HashMap<String, Vec<String>> {
    use latchkey_client::models::ExposedKeyAction;
    use latchkey_client::types::{
        ApplicationStatus, EffectiveKeyStatus, KeyStatus, Plan, UserStatus,
    };
    [
        ("KeyStatus", KeyStatus::api_names()),
        ("EffectiveKeyStatus", EffectiveKeyStatus::api_names()),
        ("ApplicationStatus", ApplicationStatus::api_names()),
        ("UserStatus", UserStatus::api_names()),
        ("Plan", Plan::api_names()),
        ("ExposedKeyAction", ExposedKeyAction::api_names()),
        ("Order", Order::api_names()),
    ]
    .into_iter()
    .map(|(name, values)| (name.to_owned(), values))
    .collect()
}

/// A bad argument value, named.
pub fn invalid(env: &Env, name: &str, problem: impl std::fmt::Display) -> napi::Error {
    errors::coded(
        env,
        errors::INVALID_ARG_VALUE,
        &format!("{name}: {problem}"),
        &[],
    )
}

/// A value with a `FromStr` (an id: `app_…`, `key_…`; an algorithm).
pub fn parse<T>(env: &Env, name: &str, text: &str) -> napi::Result<T>
where
    T: FromStr,
    T::Err: std::fmt::Display,
{
    text.parse().map_err(|error| invalid(env, name, error))
}

/// An optional id.
pub fn parse_optional<T>(env: &Env, name: &str, text: Option<&str>) -> napi::Result<Option<T>>
where
    T: FromStr,
    T::Err: std::fmt::Display,
{
    text.map(|text| parse(env, name, text)).transpose()
}

/// Every id of a list, each named by its index (`ids[2]`).
pub fn parse_all<T>(env: &Env, name: &str, texts: &[String]) -> napi::Result<Vec<T>>
where
    T: FromStr,
    T::Err: std::fmt::Display,
{
    texts
        .iter()
        .enumerate()
        .map(|(index, text)| parse(env, &format!("{name}[{index}]"), text))
        .collect()
}

/// A status or plan, spelled as the API spells it (`inactive`); an error
/// names the allowed values, from the client's one list of them.
pub fn api_enum<T: ApiEnum>(env: &Env, name: &str, text: &str) -> napi::Result<T> {
    T::from_api_name(text).ok_or_else(|| {
        let allowed = T::allowed();
        invalid(env, name, format!("must be one of {allowed}, not {text:?}"))
    })
}

/// An optional status or plan.
pub fn optional_enum<T: ApiEnum>(
    env: &Env,
    name: &str,
    text: Option<&str>,
) -> napi::Result<Option<T>> {
    text.map(|text| api_enum(env, name, text)).transpose()
}

/// A timestamp from a `Date`'s milliseconds since the epoch (the wrapper
/// turns the `Date` into its number).
pub fn timestamp(env: &Env, name: &str, millis: f64) -> napi::Result<Timestamp> {
    if !millis.is_finite() || millis.fract() != 0.0 {
        return Err(invalid(env, name, "must be a valid Date"));
    }
    Timestamp::from_millisecond(millis as i64).map_err(|error| invalid(env, name, error))
}

/// An optional timestamp.
pub fn optional_timestamp(
    env: &Env,
    name: &str,
    millis: Option<f64>,
) -> napi::Result<Option<Timestamp>> {
    millis
        .map(|millis| timestamp(env, name, millis))
        .transpose()
}

/// A change of an optional instant: `Some(Some(at))` sets it, `Some(None)`
/// (`remove`: the caller passed `null`) removes it, `None` keeps it.
pub fn clearable_timestamp(
    env: &Env,
    name: &str,
    millis: Option<f64>,
    remove: bool,
) -> napi::Result<Option<Option<Timestamp>>> {
    let change = latchkey_client::optional_change(name, millis, remove)
        .map_err(|conflict| invalid(env, name, conflict.to_string()))?;
    change
        .map(|new| new.map(|at| timestamp(env, name, at)).transpose())
        .transpose()
}

/// The options of a list (`list`, `listPage`), as the wrapper passes them.
#[napi(object)]
pub struct ListOptions {
    /// Only items with this status.
    pub status: Option<String>,
    /// Items per page (the server accepts 1–1000).
    pub limit: Option<u32>,
    /// `ASC` (creation order) or `DESC`.
    pub order: Option<String>,
    /// Start after the item with this id.
    pub after: Option<String>,
    /// Ask for `totalCount` (one-page form only).
    pub include_total_count: Option<bool>,
}

/// The query of a list, without its status filter.
pub fn list_params(env: &Env, options: &ListOptions) -> napi::Result<ListParams> {
    let mut params = ListParams::new();
    if let Some(limit) = options.limit {
        params = params.limit(limit);
    }
    if let Some(after) = &options.after {
        params = params.after(after.clone());
    }
    if let Some(order) = &options.order {
        params = params.order(match order.to_ascii_uppercase().as_str() {
            "ASC" => Order::Ascending,
            "DESC" => Order::Descending,
            _ => return Err(invalid(env, "order", "must be \"ASC\" or \"DESC\"")),
        });
    }
    if options.include_total_count == Some(true) {
        params = params.include_total_count();
    }
    Ok(params)
}

/// The query of a list filtered by the resource's own statuses.
pub fn list_params_with_status<S: StatusFilter + ApiEnum>(
    env: &Env,
    options: &ListOptions,
) -> napi::Result<ListParams> {
    let params = list_params(env, options)?;
    match &options.status {
        Some(status) => Ok(params.status(api_enum::<S>(env, "status", status)?)),
        None => Ok(params),
    }
}
