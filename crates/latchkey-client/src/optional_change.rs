//! The change of an optional field (a key's `expiration`) from the two
//! arguments a binding takes for it: a new value, and whether to remove the
//! value (`null` on the wire). One rule for every SDK that takes them apart,
//! so that asking for both is refused alike, with the same words.

/// Both a new value and the removal of `field` were asked for.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("give a new {field} or remove it, not both")]
pub struct ConflictingChange {
    /// The field's name, as the caller's language spells it.
    pub field: String,
}

/// The change asked for `field`: `Some(Some(new))` sets it, `Some(None)`
/// removes it, `None` keeps it.
pub fn optional_change<T>(
    field: &str,
    new: Option<T>,
    remove: bool,
) -> Result<Option<Option<T>>, ConflictingChange> {
    match (new, remove) {
        (Some(_), true) => Err(ConflictingChange {
            field: field.to_owned(),
        }),
        (Some(new), false) => Ok(Some(Some(new))),
        (None, true) => Ok(Some(None)),
        (None, false) => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_value_sets_a_removal_removes_and_nothing_keeps() {
        assert_eq!(
            optional_change("expiration", Some(7), false),
            Ok(Some(Some(7)))
        );
        assert_eq!(
            optional_change::<i32>("expiration", None, true),
            Ok(Some(None))
        );
        assert_eq!(optional_change::<i32>("expiration", None, false), Ok(None));
    }

    #[test]
    fn both_are_refused_naming_the_field() {
        let conflict = optional_change("expiresAt", Some(7), true).unwrap_err();
        assert_eq!(
            conflict.to_string(),
            "give a new expiresAt or remove it, not both"
        );
    }
}
