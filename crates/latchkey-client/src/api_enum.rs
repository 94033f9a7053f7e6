//! The values of each enum the API spells as a string (`inactive`), in one
//! place: the bindings parse their string arguments with it and name the
//! allowed values in their argument errors from it, and export the lists so
//! that each language's declared types (Python's `Literal`s, TypeScript's
//! unions) are tested against them instead of being a second source.

use latchkey_core::list::Order;
use latchkey_core::plan::Plan;
use latchkey_core::resource::ExposedKeyAction;
use latchkey_core::status::{ApplicationStatus, EffectiveKeyStatus, KeyStatus, UserStatus};
use serde::Serialize;
use serde::de::DeserializeOwned;

/// An enum of the API spelled as a string.
pub trait ApiEnum: Sized + Copy + Serialize + DeserializeOwned + 'static {
    /// Every value, in declaration order.
    const ALL: &'static [Self];

    /// The API's spelling of this value (its serde name, which is what goes
    /// over the wire).
    fn api_name(self) -> String {
        match serde_json::to_value(self) {
            Ok(serde_json::Value::String(name)) => name,
            // Every implementor is a unit-only enum serialized as a string.
            _ => unreachable!("an API enum serializes as a string"),
        }
    }

    /// Every value's API spelling.
    fn api_names() -> Vec<String> {
        Self::ALL.iter().map(|value| value.api_name()).collect()
    }

    /// The allowed values as an argument error names them:
    /// `"active", "inactive", "revoked"`.
    fn allowed() -> String {
        Self::api_names()
            .iter()
            .map(|name| format!("{name:?}"))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// The value spelled `text`, if any.
    fn from_api_name(text: &str) -> Option<Self> {
        Self::ALL
            .iter()
            .copied()
            .find(|value| value.api_name() == text)
    }
}

/// `ALL` from the variants, with a match that stops compiling when the
/// domain adds a variant the list lacks.
macro_rules! api_enums {
    ($($type:ident { $($variant:ident),* $(,)? })*) => {$(
        impl ApiEnum for $type {
            const ALL: &'static [Self] = &[$($type::$variant),*];
        }
        const _: fn($type) = |value| match value {
            $($type::$variant => {})*
        };
    )*};
}

api_enums! {
    KeyStatus { Active, Inactive, Revoked }
    EffectiveKeyStatus { Active, Inactive, Revoked, Expired }
    ApplicationStatus { Active, Revoked }
    UserStatus { Active, Deleted }
    Plan { Free, Commercial, Custom }
    ExposedKeyAction { Revoke, Deactivate, Notify }
    Order { Ascending, Descending }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_the_wire_names_and_parse_back() {
        assert_eq!(KeyStatus::allowed(), r#""active", "inactive", "revoked""#);
        assert_eq!(
            EffectiveKeyStatus::api_names(),
            ["active", "inactive", "revoked", "expired"]
        );
        assert_eq!(Order::api_names(), ["ASC", "DESC"]);
        assert_eq!(
            ExposedKeyAction::from_api_name("deactivate"),
            Some(ExposedKeyAction::Deactivate)
        );
        assert_eq!(Plan::from_api_name("Free"), None);
        for name in UserStatus::api_names() {
            let parsed: UserStatus = serde_json::from_value(name.clone().into()).unwrap();
            assert_eq!(parsed.api_name(), name);
        }
    }
}
