//! Field validation: every bad field of a request is named with a message,
//! so that a 400 tells the caller everything to fix at once.

use std::fmt;

use serde::{Deserialize, Serialize};

/// One invalid field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    /// The field's name as the API spells it (`name`, `scopes[2]`).
    pub name: String,
    /// What is wrong with it.
    pub message: String,
}

/// The invalid fields of one request; empty means valid.
#[derive(Debug, Clone, PartialEq, Eq, Default, thiserror::Error)]
pub struct ValidationErrors {
    /// Each invalid field, in the order found.
    pub fields: Vec<FieldError>,
}

impl fmt::Display for ValidationErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("invalid request: ")?;
        for (index, field) in self.fields.iter().enumerate() {
            if index > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{}: {}", field.name, field.message)?;
        }
        Ok(())
    }
}

/// Longest name of any named resource, in characters.
pub const MAX_NAME_CHARS: usize = 100;
/// Longest description, in characters.
pub const MAX_DESCRIPTION_CHARS: usize = 1000;
/// Longest email address (RFC 5321's path limit).
pub const MAX_EMAIL_CHARS: usize = 254;

impl ValidationErrors {
    /// No errors yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Errors holding one field.
    pub fn single(name: impl Into<String>, message: impl Into<String>) -> Self {
        let mut errors = Self::new();
        errors.add(name, message);
        errors
    }

    /// Records a bad field.
    pub fn add(&mut self, name: impl Into<String>, message: impl Into<String>) {
        self.fields.push(FieldError {
            name: name.into(),
            message: message.into(),
        });
    }

    /// Whether nothing was recorded.
    pub fn is_empty(&self) -> bool {
        self.fields.is_empty()
    }

    /// `Ok(value)` when nothing was recorded, the errors otherwise.
    pub fn finish<T>(self, value: T) -> Result<T, ValidationErrors> {
        if self.is_empty() {
            Ok(value)
        } else {
            Err(self)
        }
    }

    /// Checks a resource name: 1 to 100 characters, no control characters,
    /// no surrounding whitespace (names are compared exactly, so invisible
    /// differences would make look-alike duplicates).
    pub fn check_name(&mut self, field: &str, name: &str) {
        let chars = name.chars().count();
        if name.trim().is_empty() {
            self.add(field, "must not be empty");
        } else if chars > MAX_NAME_CHARS {
            self.add(
                field,
                format!("must be at most {MAX_NAME_CHARS} characters"),
            );
        } else if name.chars().any(char::is_control) {
            self.add(field, "must not contain control characters");
        } else if name.trim() != name {
            self.add(field, "must not start or end with whitespace");
        }
    }

    /// Checks a description: at most 1000 characters, no control characters
    /// other than line breaks and tabs.
    pub fn check_description(&mut self, field: &str, description: &str) {
        if description.chars().count() > MAX_DESCRIPTION_CHARS {
            self.add(
                field,
                format!("must be at most {MAX_DESCRIPTION_CHARS} characters"),
            );
        } else if description
            .chars()
            .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
        {
            self.add(field, "must not contain control characters");
        }
    }

    /// Checks an email address: one `@` between a non-empty local part and a
    /// dotted domain, no whitespace or control characters, at most 254 characters.
    pub fn check_email(&mut self, field: &str, email: &str) {
        let well_formed = email.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty()
                && !domain.contains('@')
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
        }) && !email.chars().any(|c| c.is_whitespace() || c.is_control());
        if email.chars().count() > MAX_EMAIL_CHARS {
            self.add(
                field,
                format!("must be at most {MAX_EMAIL_CHARS} characters"),
            );
        } else if !well_formed {
            self.add(field, "must be an email address such as ada@example.com");
        }
    }

    /// Checks that a list of ids holds no id twice.
    pub fn check_unique<T: PartialEq>(&mut self, field: &str, items: &[T]) {
        for (index, item) in items.iter().enumerate() {
            if items[..index].contains(item) {
                self.add(format!("{field}[{index}]"), "appears more than once");
            }
        }
    }
}

/// Deserializes a field that distinguishes "absent" (`None`), "null"
/// (`Some(None)`: clear it) and a value (`Some(Some(v))`). Use with
/// `#[serde(default, deserialize_with = "double_option::deserialize")]`.
pub mod double_option {
    use serde::{Deserialize, Deserializer};

    /// See the module docs.
    pub fn deserialize<'de, T, D>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
    where
        T: Deserialize<'de>,
        D: Deserializer<'de>,
    {
        Option::<T>::deserialize(deserializer).map(Some)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        let mut errors = ValidationErrors::new();
        errors.check_name("name", "billing service");
        assert!(errors.is_empty());
        for bad in ["", "   ", " padded", "tab\tinside", &"x".repeat(101)] {
            let mut errors = ValidationErrors::new();
            errors.check_name("name", bad);
            assert_eq!(errors.fields.len(), 1, "{bad:?}");
            assert_eq!(errors.fields[0].name, "name");
        }
        let mut errors = ValidationErrors::new();
        errors.check_name("name", &"é".repeat(100));
        assert!(errors.is_empty(), "limits count characters, not bytes");
    }

    #[test]
    fn descriptions() {
        let mut errors = ValidationErrors::new();
        errors.check_description("description", "line one\nline two\t.");
        errors.check_description("description", "");
        assert!(errors.is_empty());
        errors.check_description("description", "bell\u{7}");
        errors.check_description("description", &"x".repeat(1001));
        assert_eq!(errors.fields.len(), 2);
    }

    #[test]
    fn emails() {
        let mut errors = ValidationErrors::new();
        errors.check_email("email", "ada@example.com");
        assert!(errors.is_empty());
        for bad in [
            "",
            "ada",
            "@example.com",
            "ada@",
            "ada@localhost",
            "a b@example.com",
            "a@b@c.com",
            "ada@.com",
        ] {
            let mut errors = ValidationErrors::new();
            errors.check_email("email", bad);
            assert_eq!(errors.fields.len(), 1, "{bad:?}");
        }
    }

    #[test]
    fn duplicates_are_named_by_index() {
        let mut errors = ValidationErrors::new();
        errors.check_unique("ids", &[1, 2, 1, 3, 2]);
        let names: Vec<_> = errors.fields.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["ids[2]", "ids[4]"]);
        assert_eq!(
            errors.to_string(),
            "invalid request: ids[2]: appears more than once; ids[4]: appears more than once"
        );
    }

    #[test]
    fn double_option_tells_absent_from_null() {
        #[derive(serde::Deserialize)]
        struct Patch {
            #[serde(default, deserialize_with = "double_option::deserialize")]
            expiration: Option<Option<u32>>,
        }
        let absent: Patch = serde_json::from_str("{}").unwrap();
        let null: Patch = serde_json::from_str(r#"{"expiration":null}"#).unwrap();
        let set: Patch = serde_json::from_str(r#"{"expiration":5}"#).unwrap();
        assert_eq!(absent.expiration, None);
        assert_eq!(null.expiration, Some(None));
        assert_eq!(set.expiration, Some(Some(5)));
    }
}
