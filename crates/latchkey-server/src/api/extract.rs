//! Request extractors whose failures are [`ApiError`]s: JSON bodies (strict,
//! 400 naming the field, 413 over the limit), path ids (404 when malformed:
//! no such object can exist), and list queries (400 naming the parameter).

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Path, Query, Request};
use axum::http::StatusCode;
use axum::http::header::CONTENT_TYPE;
use axum::http::request::Parts;
use latchkey_core::id::{Id, IdKind};
use latchkey_core::list::{Order, PageRequest};
use latchkey_core::validation::{FieldError, ValidationErrors};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use utoipa::IntoParams;

use crate::error::{ApiError, ApiResult};

/// A JSON body.
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, ApiError> {
        let is_json = request
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.split(';').next())
            .map(|mime| {
                let mime = mime.trim().to_ascii_lowercase();
                mime == "application/json" || mime.ends_with("+json")
            })
            .unwrap_or(false);
        let bytes = Bytes::from_request(request, state)
            .await
            .map_err(|rejection| {
                if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                    ApiError::PayloadTooLarge
                } else {
                    ApiError::field("body", "could not be read")
                }
            })?;
        if !is_json {
            return Err(ApiError::field(
                "body",
                "must be JSON, sent with `Content-Type: application/json`",
            ));
        }
        super::strict_json::from_slice(&bytes)
            .map(ApiJson)
            .map_err(refused)
    }
}

/// A 400 naming the one field a body or query was refused for.
fn refused(field: FieldError) -> ApiError {
    ApiError::field(field.name, field.message)
}

/// Path parameters; a path that cannot be read names nothing that exists.
pub struct ApiPath<T>(pub T);

impl<T, S> FromRequestParts<S> for ApiPath<T>
where
    T: DeserializeOwned + Send,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        Path::<T>::from_request_parts(parts, state)
            .await
            .map(|Path(value)| ApiPath(value))
            .map_err(|_| ApiError::NotFound("not found".into()))
    }
}

/// Parses an id from a path: a malformed id is a 404 for its kind.
pub fn path_id<K: IdKind>(text: &str) -> ApiResult<Id<K>> {
    text.parse()
        .map_err(|_| ApiError::NotFound(format!("{} not found", K::NAME)))
}

/// A query string, into a type whose fields are strings (see
/// [`super::strict_json::from_pairs`]).
pub struct ApiQuery<T>(pub T);

impl<T, S> FromRequestParts<S> for ApiQuery<T>
where
    T: DeserializeOwned + Send,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let Query(pairs) = Query::<Vec<(String, String)>>::from_request_parts(parts, state)
            .await
            .map_err(|rejection| ApiError::field("query", rejection.body_text()))?;
        super::strict_json::from_pairs(pairs)
            .map(ApiQuery)
            .map_err(refused)
    }
}

/// Paging of a list: `limit`, `after`, `order`, `include`.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// Items per page, 1–1000 (default 50); outside that range is a 400.
    #[param(value_type = Option<i64>, minimum = 1, maximum = 1000)]
    pub limit: Option<String>,
    /// Start after the item with this id (the `after` of the previous page).
    pub after: Option<String>,
    /// `ASC` (creation order, default) or `DESC`.
    #[param(schema_with = super::schema::order)]
    pub order: Option<String>,
    /// `total_count` to count every matching item.
    #[param(value_type = Option<String>, example = "total_count")]
    pub include: Option<String>,
}

/// Paging and a status filter.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StatusPageQuery {
    /// Items per page, 1–1000 (default 50); outside that range is a 400.
    #[param(value_type = Option<i64>, minimum = 1, maximum = 1000)]
    pub limit: Option<String>,
    /// Start after the item with this id (the `after` of the previous page).
    pub after: Option<String>,
    /// `ASC` (creation order, default) or `DESC`.
    #[param(schema_with = super::schema::order)]
    pub order: Option<String>,
    /// `total_count` to count every matching item.
    #[param(value_type = Option<String>, example = "total_count")]
    pub include: Option<String>,
    /// Only items with this status (terminal statuses are hidden unless asked for).
    pub status: Option<String>,
}

/// Paging and the filters of the account-wide key list.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct KeyPageQuery {
    /// Items per page, 1–1000 (default 50); outside that range is a 400.
    #[param(value_type = Option<i64>, minimum = 1, maximum = 1000)]
    pub limit: Option<String>,
    /// Start after the item with this id (the `after` of the previous page).
    pub after: Option<String>,
    /// `ASC` (creation order, default) or `DESC`.
    #[param(schema_with = super::schema::order)]
    pub order: Option<String>,
    /// `total_count` to count every matching item.
    #[param(value_type = Option<String>, example = "total_count")]
    pub include: Option<String>,
    /// Only keys with this status: `active`, `inactive`, `revoked`, `expired`
    /// (revoked keys are hidden unless asked for).
    pub status: Option<String>,
    /// Only keys of this application.
    pub application_id: Option<String>,
}

impl StatusPageQuery {
    /// The paging part.
    pub fn paging(&self) -> PageQuery {
        PageQuery {
            limit: self.limit.clone(),
            after: self.after.clone(),
            order: self.order.clone(),
            include: self.include.clone(),
        }
    }
}

impl KeyPageQuery {
    /// The paging part.
    pub fn paging(&self) -> PageQuery {
        PageQuery {
            limit: self.limit.clone(),
            after: self.after.clone(),
            order: self.order.clone(),
            include: self.include.clone(),
        }
    }
}

impl PageQuery {
    /// The page request, naming every bad parameter.
    pub fn page<K: IdKind>(&self, errors: &mut ValidationErrors) -> Option<PageRequest<Id<K>>> {
        let limit = match &self.limit {
            None => None,
            Some(text) => match text.parse::<i64>() {
                Ok(limit) => Some(limit),
                Err(_) => {
                    errors.add("limit", "must be an integer between 1 and 1000");
                    return None;
                }
            },
        };
        let after = match self.after.as_deref() {
            None | Some("") => None,
            Some(text) => match text.parse::<Id<K>>() {
                Ok(id) => Some(id),
                Err(error) => {
                    errors.add("after", error.to_string());
                    None
                }
            },
        };
        let order = match self.order.as_deref() {
            None => Order::Ascending,
            Some(text) if text.eq_ignore_ascii_case("asc") => Order::Ascending,
            Some(text) if text.eq_ignore_ascii_case("desc") => Order::Descending,
            Some(_) => {
                errors.add("order", "must be `ASC` or `DESC`");
                Order::Ascending
            }
        };
        let mut include_total_count = false;
        for part in self.include.iter().flat_map(|include| include.split(',')) {
            match part.trim() {
                "total_count" => include_total_count = true,
                "" => {}
                _ => errors.add("include", "the only value is `total_count`"),
            }
        }
        match PageRequest::new(limit, after, order, include_total_count) {
            Ok(page) => Some(page),
            Err(found) => {
                errors.fields.extend(found.fields);
                None
            }
        }
    }
}

/// Parses an optional status filter with serde's names.
pub fn status_filter<T: DeserializeOwned>(
    status: Option<&str>,
    allowed: &str,
    errors: &mut ValidationErrors,
) -> Option<T> {
    let text = status?;
    match serde_json::from_value(serde_json::Value::String(text.to_owned())) {
        Ok(status) => Some(status),
        Err(_) => {
            errors.add("status", format!("must be one of {allowed}"));
            None
        }
    }
}
