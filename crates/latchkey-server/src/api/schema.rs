//! Schemas of core types that the server shows but does not own: string
//! enums (statuses, plans, order) and permission strings.

use latchkey_core::permission::Permission;
use utoipa::openapi::schema::{ArrayBuilder, Object, ObjectBuilder, Type};

fn string_enum<'a>(values: impl IntoIterator<Item = &'a str>, description: &str) -> Object {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(values.into_iter().map(str::to_owned)))
        .description(Some(description))
        .build()
}

/// A key's stored status, as set by a `PUT`.
pub fn key_status() -> Object {
    string_enum(
        ["active", "inactive", "revoked"],
        "`active` ⇄ `inactive`; `revoked` is terminal.",
    )
}

/// A key's status as shown: `expired` is derived from the expiration.
pub fn effective_key_status() -> Object {
    string_enum(
        ["active", "inactive", "revoked", "expired"],
        "The stored status, or `expired` when the expiration has passed (revoked wins).",
    )
}

/// An application's status.
pub fn application_status() -> Object {
    string_enum(["active", "revoked"], "`revoked` is terminal.")
}

/// A user's status.
pub fn user_status() -> Object {
    string_enum(["active", "deleted"], "`deleted` is terminal.")
}

/// An account's plan.
pub fn plan() -> Object {
    string_enum(
        ["free", "commercial", "custom"],
        "`free`: 4 applications; `commercial`: 25; `custom`: the limits given.",
    )
}

/// What happens to a key reported leaked.
pub fn exposed_key_action() -> Object {
    string_enum(
        ["revoke", "deactivate", "notify"],
        "`revoke` (terminal), `deactivate` (can be undone), or `notify` (the exposure is only recorded).",
    )
}

/// A list's order.
pub fn order() -> Object {
    string_enum(
        ["ASC", "DESC"],
        "`ASC`: creation order; `DESC`: newest first.",
    )
}

fn permission_names() -> Vec<String> {
    Permission::all().map(|p| p.to_string()).collect()
}

/// A list of permission strings, described: utoipa drops a field's doc
/// comment when `schema_with` gives its schema, and the SDKs' models take
/// their fields' documentation from these descriptions.
fn permission_list(description: &str) -> utoipa::openapi::schema::Array {
    ArrayBuilder::new()
        .items(
            ObjectBuilder::new()
                .schema_type(Type::String)
                .enum_values(Some(permission_names())),
        )
        .description(Some(description))
        .build()
}

/// A credential's scopes (an access key's, a JWT key's).
pub fn scopes() -> utoipa::openapi::schema::Array {
    permission_list(
        "Scopes (immutable): the credential's rights are its application's groups' \
         permissions intersected with these; empty: unscoped (the application's rights, \
         as they change).",
    )
}

/// What a policy group grants.
pub fn group_permissions() -> utoipa::openapi::schema::Array {
    permission_list("Permissions granted to members.")
}

/// What a credential may do now.
pub fn effective_permissions() -> utoipa::openapi::schema::Array {
    permission_list(
        "Effective permissions: the application's groups' permissions intersected with \
         the credential's scopes.",
    )
}

/// A list of permission strings in a request, described (see
/// [`permission_list`]): unknown ones are a 400 naming the index, so the
/// schema says "string" and the description lists them.
fn permission_input_list(description: &str) -> utoipa::openapi::schema::Array {
    ArrayBuilder::new()
        .items(ObjectBuilder::new().schema_type(Type::String))
        .description(Some(format!(
            "{description} Permission strings: {}.",
            permission_names().join(", ")
        )))
        .build()
}

/// The scopes of a new access key or JWT key.
pub fn scopes_input() -> utoipa::openapi::schema::Array {
    permission_input_list(
        "Scopes (immutable): the key's rights are its application's groups' permissions \
         intersected with these. Each must be held by the key's owner, and the key can do \
         nothing the calling credential cannot. Empty: unscoped when the calling credential \
         holds every permission; otherwise the application's current rights become the \
         key's scopes.",
    )
}

/// What a new policy group grants.
pub fn group_permissions_input() -> utoipa::openapi::schema::Array {
    permission_input_list("Permissions granted to members.")
}

/// What a policy group grants from now on.
pub fn new_group_permissions_input() -> utoipa::openapi::schema::Array {
    permission_input_list("New permissions (replace the old ones).")
}

/// A public key offered for registration: PEM text or a JWK object.
pub fn public_key_input() -> utoipa::openapi::schema::Schema {
    let one_of = utoipa::openapi::schema::OneOfBuilder::new()
        .item(
            ObjectBuilder::new()
                .schema_type(Type::String)
                .description(Some(
                    "PEM: `-----BEGIN PUBLIC KEY-----` (SPKI) or `-----BEGIN CERTIFICATE-----` (X.509).",
                )),
        )
        .item(
            ObjectBuilder::new()
                .schema_type(Type::Object)
                .description(Some("A public JWK (`kty` `OKP`, `EC` or `RSA`).")),
        )
        .description(Some(
            "The public key, as PEM text or a JWK object. Private keys are refused.",
        ))
        .build();
    utoipa::openapi::schema::Schema::OneOf(one_of)
}
