//! Why a string is not a well-formed access key.

/// Why a string is not a well-formed access key: exactly one variant per
/// category of the shared test vectors, decided in declaration order (the
/// first rule that matches wins).
///
/// The messages name the rule only, never the input: the input may be a
/// real key with a typo, that is, a secret.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
pub enum AccessKeyFormatError {
    /// The string is empty.
    #[error("the access key is empty")]
    Empty,
    /// The string contains TAB, LF, CR or SPACE somewhere; nothing is trimmed.
    #[error("the access key contains whitespace (tab, line feed, carriage return or space)")]
    Whitespace,
    /// The string does not start with the three characters `ak_`.
    #[error("the access key does not start with `ak_`")]
    BadPrefix,
    /// A character after the prefix is not a base62 digit (`0-9A-Za-z`).
    #[error("the access key contains a character outside 0-9, A-Z and a-z after `ak_`")]
    BadCharacter,
    /// The part after the prefix is not 71 characters long (74 in all).
    #[error("the access key does not have 74 characters")]
    BadLength,
    /// The last 6 characters are not the checksum of the first 68: the key
    /// was mistyped or altered.
    #[error("the access key checksum does not match (mistyped or altered key)")]
    BadChecksum,
}

impl AccessKeyFormatError {
    /// Every category, in the order in which the parser decides them.
    pub const ALL: [Self; 6] = [
        Self::Empty,
        Self::Whitespace,
        Self::BadPrefix,
        Self::BadCharacter,
        Self::BadLength,
        Self::BadChecksum,
    ];

    /// The category name used by the shared test vectors and every binding:
    /// `empty`, `whitespace`, `bad_prefix`, `bad_character`, `bad_length` or
    /// `bad_checksum`.
    pub fn category(&self) -> &'static str {
        match self {
            Self::Empty => "empty",
            Self::Whitespace => "whitespace",
            Self::BadPrefix => "bad_prefix",
            Self::BadCharacter => "bad_character",
            Self::BadLength => "bad_length",
            Self::BadChecksum => "bad_checksum",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::AccessKeyFormatError;

    #[test]
    fn categories_are_the_vector_names_in_order() {
        let names: Vec<&str> = AccessKeyFormatError::ALL
            .iter()
            .map(AccessKeyFormatError::category)
            .collect();
        assert_eq!(
            names,
            [
                "empty",
                "whitespace",
                "bad_prefix",
                "bad_character",
                "bad_length",
                "bad_checksum"
            ]
        );
    }

    #[test]
    fn messages_are_distinct_and_short() {
        let messages: std::collections::HashSet<String> = AccessKeyFormatError::ALL
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(messages.len(), AccessKeyFormatError::ALL.len());
        assert!(messages.iter().all(|m| m.len() < 100), "{messages:?}");
    }
}
