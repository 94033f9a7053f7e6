//! Leaked-key reports (`POST /v3/secret-scanning/reports`), in the shape
//! GitHub's secret-scanning partner program sends: unauthenticated, signed.
//!
//! The raw body's signature is checked first, against the keys given with
//! `latchkey serve --secret-scanning-keys`; an unsigned or wrongly signed
//! report is a `401` and changes nothing. Then each reported string is
//! sorted offline (checksum first), a well-formed key is looked up, and only
//! one whose secret matches the stored digest is ours: its account's
//! `exposed_key_action` is applied by the store, in one transaction that
//! re-checks the digest and writes the `access_key.exposed` audit record
//! (`Store::expose_access_key`). The store's commit reports the change, so
//! a revoked or deactivated key stops at once.

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use jiff::Timestamp;
use latchkey_core::secret_hash::{SecretHash, verify_secret};
use latchkey_core::secret_scanning::{
    Candidate, Label, MAX_REPORTED_TOKENS, ReportedToken, classify, token_hash,
};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::Errors;
use crate::error::{ApiError, ApiResult, AuthFailure};
use crate::request_context::acting_system;
use crate::state::AppState;

/// The longest reported `url` an audit record keeps, in characters.
const MAX_RECORDED_URL_CHARS: usize = 2048;

/// The header naming the key that signed the report.
const KEY_IDENTIFIER: &str = "github-public-key-identifier";
/// The header holding the signature (base64, ASN.1 DER ECDSA P-256 / SHA-256).
const SIGNATURE: &str = "github-public-key-signature";

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(report))
}

/// One leaked string, as the partner reports it.
#[derive(ToSchema)]
#[allow(dead_code)] // the schema of the body, which is read as raw bytes first
pub struct ReportedTokenSchema {
    /// The string found.
    token: String,
    /// The partner's name for the pattern that matched.
    #[schema(rename = "type")]
    token_type: String,
    /// Where it was found.
    url: String,
    /// What kind of place (`content`, `commit`, …).
    source: String,
}

/// The verdict on one reported string.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReportLabel {
    /// The SHA-256 of the reported string, in lowercase hex.
    pub token_hash: String,
    /// The reported `type`, as given.
    pub token_type: String,
    /// `true_positive`: one of our keys, with its very secret;
    /// `false_positive`: anything else.
    #[schema(value_type = String, example = "true_positive")]
    pub label: Label,
}

/// Takes a secret-scanning partner's report of leaked strings (no
/// credential: the body must be signed, `Github-Public-Key-Identifier` and
/// `Github-Public-Key-Signature`, by a key given to the server with
/// `--secret-scanning-keys`). Each `ak_` key whose secret matches is handled
/// by its account's `exposed_key_action` (`revoke` by default). The answer
/// labels every reported string, in order.
#[utoipa::path(post, path = "/v3/secret-scanning/reports", tag = "secret scanning",
    request_body = Vec<ReportedTokenSchema>, security(()),
    responses((status = 200, description = "Each reported string labelled, in order.", body = Vec<ReportLabel>), Errors))]
async fn report(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult<Json<Vec<ReportLabel>>> {
    let Some(keys) = state.config.secret_scanning_keys.as_deref() else {
        tracing::warn!("a secret-scanning report was refused: no --secret-scanning-keys given");
        return Err(ApiError::Unauthorized(AuthFailure::Invalid));
    };
    let header = |name| headers.get(name).and_then(|value| value.to_str().ok());
    if let Err(error) = keys.verify(header(KEY_IDENTIFIER), header(SIGNATURE), &body) {
        tracing::warn!(%error, "a secret-scanning report was refused");
        return Err(ApiError::Unauthorized(AuthFailure::Invalid));
    }
    let reported: Vec<ReportedToken> = serde_json::from_slice(&body).map_err(|error| {
        ApiError::field(
            "body",
            format!("expected an array of {{token, type, url, source}}: {error}"),
        )
    })?;
    if reported.len() > MAX_REPORTED_TOKENS {
        return Err(ApiError::field(
            "body",
            format!("at most {MAX_REPORTED_TOKENS} tokens in one report"),
        ));
    }
    let mut labels = Vec::with_capacity(reported.len());
    for item in &reported {
        let label = if handle(&state, item).await? {
            Label::TruePositive
        } else {
            Label::FalsePositive
        };
        labels.push(ReportLabel {
            token_hash: token_hash(&item.token),
            token_type: item.token_type.clone(),
            label,
        });
    }
    Ok(Json(labels))
}

/// Handles one reported string: whether it is one of our keys, with its
/// very secret (and then its account's action was applied).
async fn handle(state: &AppState, item: &ReportedToken) -> ApiResult<bool> {
    let Candidate::AccessKey { id, secret } = classify(&item.token) else {
        return Ok(false);
    };
    let Some((_, hash)) = state.store.access_key_credential(id).await? else {
        return Ok(false);
    };
    let matches = match &hash {
        SecretHash::Sha256(digest) => digest.matches(secret),
        // A key an earlier version stored: argon2id, off the reactor.
        SecretHash::Argon2id(_) => {
            let secret = zeroize::Zeroizing::new(secret.to_owned());
            let hash = hash.clone();
            tokio::task::spawn_blocking(move || verify_secret(&secret, &hash))
                .await
                .map_err(|_| ApiError::Internal)?
        }
    };
    if !matches {
        return Ok(false);
    }
    // The system acts (nothing is granted), in this request: the record
    // keeps the partner's request id and address, and where the key was
    // found (cut to a bounded length: the report is unauthenticated input).
    let url: String = item.url.chars().take(MAX_RECORDED_URL_CHARS).collect();
    let Some(exposed) = state
        .store
        .expose_access_key(&acting_system(), id, hash, url, Timestamp::now())
        .await?
    else {
        // Deleted, or its secret changed, meanwhile: no longer ours.
        return Ok(false);
    };
    tracing::warn!(
        account_id = %exposed.key.account_id,
        key_id = %exposed.key.id,
        action = exposed.action.as_str(),
        status_before = exposed.status_before.as_str(),
        status = exposed.key.status.as_str(),
        // Debug-escaped: a reported URL or source is the partner's text, and a
        // newline in it must not start a line of its own in the log.
        url = ?item.url,
        source = ?item.source,
        "an access key was reported leaked"
    );
    Ok(true)
}
