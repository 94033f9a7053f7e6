//! Permissions as they appear in policy groups and key scopes
//! (`keys:create:own`, `users:manage` …), and sets of them.
//!
//! A set is a bit mask, so the union, intersection and subset questions that
//! every request asks cost a few instructions.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// What a scoped permission applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Subject {
    /// Applications of the account.
    Applications,
    /// Access keys and JWT keys alike.
    Keys,
}

/// The operation a scoped permission allows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Verb {
    /// Read.
    View,
    /// Create.
    Create,
    /// Change fields or status (other than revoking).
    Edit,
    /// Revoke (terminal).
    Revoke,
    /// Delete.
    Delete,
}

/// Which applications a scoped permission reaches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Reach {
    /// Applications the acting user created.
    Own,
    /// Every application of the account.
    Any,
}

/// One permission.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Permission {
    /// `applications:<verb>:<reach>` or `keys:<verb>:<reach>`.
    Scoped {
        /// What it applies to.
        subject: Subject,
        /// What it allows.
        verb: Verb,
        /// Own applications or any.
        reach: Reach,
    },
    /// `users:manage`: create, edit and delete users; set `created_by` on create.
    UsersManage,
    /// `groups:manage`: create, edit and delete policy groups and their membership.
    GroupsManage,
    /// `account:view`: read the account.
    AccountView,
    /// `account:edit`: rename the account (the plan is the operator's).
    AccountEdit,
    /// `audit:view`: read the account's audit log.
    AuditView,
    /// `credentials:introspect`: ask whether a credential presented to
    /// another service is active, and whose it is (`POST /v3/introspect`).
    CredentialsIntrospect,
    /// `accounts:manage`: operator only; create and change tenant accounts.
    AccountsManage,
}

const SUBJECTS: [Subject; 2] = [Subject::Applications, Subject::Keys];
const VERBS: [Verb; 5] = [
    Verb::View,
    Verb::Create,
    Verb::Edit,
    Verb::Revoke,
    Verb::Delete,
];
const REACHES: [Reach; 2] = [Reach::Own, Reach::Any];
const SCOPED_COUNT: u32 = 20;

impl Subject {
    /// The word used in permission strings.
    pub const fn as_str(self) -> &'static str {
        match self {
            Subject::Applications => "applications",
            Subject::Keys => "keys",
        }
    }
}

impl Verb {
    /// The word used in permission strings.
    pub const fn as_str(self) -> &'static str {
        match self {
            Verb::View => "view",
            Verb::Create => "create",
            Verb::Edit => "edit",
            Verb::Revoke => "revoke",
            Verb::Delete => "delete",
        }
    }
}

impl Reach {
    /// The word used in permission strings.
    pub const fn as_str(self) -> &'static str {
        match self {
            Reach::Own => "own",
            Reach::Any => "any",
        }
    }
}

impl Permission {
    /// Every permission, in canonical order.
    pub fn all() -> impl Iterator<Item = Permission> {
        (0..Self::COUNT).map(Self::from_bit)
    }

    /// How many permissions exist.
    pub const COUNT: u32 = SCOPED_COUNT + 7;

    /// A scoped permission.
    pub const fn scoped(subject: Subject, verb: Verb, reach: Reach) -> Self {
        Permission::Scoped {
            subject,
            verb,
            reach,
        }
    }

    const fn bit(self) -> u32 {
        match self {
            Permission::Scoped {
                subject,
                verb,
                reach,
            } => (subject as u32 * 5 + verb as u32) * 2 + reach as u32,
            Permission::UsersManage => SCOPED_COUNT,
            Permission::GroupsManage => SCOPED_COUNT + 1,
            Permission::AccountView => SCOPED_COUNT + 2,
            Permission::AccountEdit => SCOPED_COUNT + 3,
            Permission::AuditView => SCOPED_COUNT + 4,
            Permission::CredentialsIntrospect => SCOPED_COUNT + 5,
            Permission::AccountsManage => SCOPED_COUNT + 6,
        }
    }

    fn from_bit(bit: u32) -> Self {
        match bit {
            b if b < SCOPED_COUNT => Permission::Scoped {
                subject: SUBJECTS[(b / 10) as usize],
                verb: VERBS[((b / 2) % 5) as usize],
                reach: REACHES[(b % 2) as usize],
            },
            b if b == SCOPED_COUNT => Permission::UsersManage,
            b if b == SCOPED_COUNT + 1 => Permission::GroupsManage,
            b if b == SCOPED_COUNT + 2 => Permission::AccountView,
            b if b == SCOPED_COUNT + 3 => Permission::AccountEdit,
            b if b == SCOPED_COUNT + 4 => Permission::AuditView,
            b if b == SCOPED_COUNT + 5 => Permission::CredentialsIntrospect,
            _ => Permission::AccountsManage,
        }
    }
}

/// A string that names no permission.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown permission `{0}`")]
pub struct UnknownPermission(pub String);

impl FromStr for Permission {
    type Err = UnknownPermission;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let unknown = || UnknownPermission(text.to_owned());
        match text {
            "users:manage" => return Ok(Permission::UsersManage),
            "groups:manage" => return Ok(Permission::GroupsManage),
            "account:view" => return Ok(Permission::AccountView),
            "account:edit" => return Ok(Permission::AccountEdit),
            "audit:view" => return Ok(Permission::AuditView),
            "credentials:introspect" => return Ok(Permission::CredentialsIntrospect),
            "accounts:manage" => return Ok(Permission::AccountsManage),
            _ => {}
        }
        let mut parts = text.split(':');
        let (Some(subject), Some(verb), Some(reach), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(unknown());
        };
        let subject = *SUBJECTS
            .iter()
            .find(|s| s.as_str() == subject)
            .ok_or_else(unknown)?;
        let verb = *VERBS
            .iter()
            .find(|v| v.as_str() == verb)
            .ok_or_else(unknown)?;
        let reach = *REACHES
            .iter()
            .find(|r| r.as_str() == reach)
            .ok_or_else(unknown)?;
        Ok(Permission::scoped(subject, verb, reach))
    }
}

impl fmt::Display for Permission {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Permission::Scoped {
                subject,
                verb,
                reach,
            } => write!(
                f,
                "{}:{}:{}",
                subject.as_str(),
                verb.as_str(),
                reach.as_str()
            ),
            Permission::UsersManage => f.write_str("users:manage"),
            Permission::GroupsManage => f.write_str("groups:manage"),
            Permission::AccountView => f.write_str("account:view"),
            Permission::AccountEdit => f.write_str("account:edit"),
            Permission::AuditView => f.write_str("audit:view"),
            Permission::CredentialsIntrospect => f.write_str("credentials:introspect"),
            Permission::AccountsManage => f.write_str("accounts:manage"),
        }
    }
}

impl Serialize for Permission {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Permission {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// A set of permissions. Serialized as a sorted list of permission strings.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct PermissionSet(u32);

impl PermissionSet {
    /// No permission.
    pub const EMPTY: PermissionSet = PermissionSet(0);

    /// Every permission a tenant account can hold: all but `accounts:manage`.
    pub const fn tenant_all() -> Self {
        PermissionSet(Self::operator_all().0 & !(1 << Permission::AccountsManage.bit()))
    }

    /// Every permission, `accounts:manage` included (the operator's administrators).
    pub const fn operator_all() -> Self {
        PermissionSet((1 << Permission::COUNT) - 1)
    }

    /// Whether `permission` is in the set.
    pub const fn contains(self, permission: Permission) -> bool {
        self.0 & (1 << permission.bit()) != 0
    }

    /// The set with `permission` added.
    pub const fn with(self, permission: Permission) -> Self {
        PermissionSet(self.0 | (1 << permission.bit()))
    }

    /// Adds `permission`.
    pub fn insert(&mut self, permission: Permission) {
        *self = self.with(permission);
    }

    /// Permissions in either set.
    pub const fn union(self, other: Self) -> Self {
        PermissionSet(self.0 | other.0)
    }

    /// Permissions in both sets.
    pub const fn intersection(self, other: Self) -> Self {
        PermissionSet(self.0 & other.0)
    }

    /// Whether the set is empty.
    pub const fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The set with what each permission implies: every `:any` permission
    /// also grants its `:own` twin (reaching every application includes
    /// reaching one's own), and, as in Pelion's permission table,
    /// `applications:create`, `:edit` and `:revoke` each also grant
    /// `applications:view` with the same suffix.
    pub const fn implied(self) -> Self {
        let any_bits = self.0 & ANY_MASK;
        let reached = self.0 | (any_bits >> 1);
        let own_viewing = reached & APPLICATION_CHANGES_OWN != 0;
        let any_viewing = reached & (APPLICATION_CHANGES_OWN << 1) != 0;
        PermissionSet(
            reached
                | if own_viewing {
                    APPLICATIONS_VIEW_OWN
                } else {
                    0
                }
                | if any_viewing {
                    APPLICATIONS_VIEW_OWN << 1
                } else {
                    0
                },
        )
    }

    /// Whether everything this set grants is granted by `other`
    /// (`:own` being granted by the matching `:any`).
    pub const fn is_granted_by(self, other: Self) -> bool {
        self.0 & !other.implied().0 == 0
    }

    /// The permissions of this set that `other` does not grant.
    pub fn not_granted_by(self, other: Self) -> PermissionSet {
        PermissionSet(self.0 & !other.implied().0)
    }

    /// The set with every `:own` permission replaced by its `:any` twin:
    /// what it takes to pass these rights to credentials of another user,
    /// whose `:own` reaches that user's applications, not the grantor's.
    pub const fn lifted_to_any(self) -> Self {
        let own_bits = self.0 & OWN_MASK;
        PermissionSet((self.0 & !OWN_MASK) | (own_bits << 1))
    }

    /// The rights as they reach another user's applications: an `:own`
    /// permission only where its `:any` twin is held (that user's `:own`
    /// reaches that user's applications, not the holder's).
    pub const fn for_another_user(self) -> Self {
        let implied = self.implied().0;
        PermissionSet((implied & !OWN_MASK) | ((implied & ANY_MASK) >> 1))
    }

    /// The set without the `:own` permissions whose `:any` twin it holds:
    /// the shortest list that says the same (for messages).
    pub const fn without_implied(self) -> Self {
        let any_bits = self.0 & ANY_MASK;
        PermissionSet(self.0 & !(any_bits >> 1))
    }

    /// Permissions in this set and not in `other` (no implication applied).
    pub const fn difference(self, other: Self) -> Self {
        PermissionSet(self.0 & !other.0)
    }

    /// The permissions, in canonical order.
    pub fn iter(self) -> impl Iterator<Item = Permission> {
        Permission::all().filter(move |p| self.contains(*p))
    }
}

/// Parses permission strings given in `field`, naming each unknown or
/// repeated one (`scopes[2]`).
pub fn parse_permissions(
    field: &str,
    texts: &[String],
    errors: &mut crate::validation::ValidationErrors,
) -> PermissionSet {
    let mut set = PermissionSet::EMPTY;
    for (index, text) in texts.iter().enumerate() {
        match text.parse::<Permission>() {
            Ok(permission) if set.contains(permission) => {
                errors.add(format!("{field}[{index}]"), "appears more than once");
            }
            Ok(permission) => set.insert(permission),
            Err(unknown) => errors.add(format!("{field}[{index}]"), unknown.to_string()),
        }
    }
    set
}

/// Bits of every `:any` permission (odd bits among the scoped ones).
const ANY_MASK: u32 = {
    let mut mask = 0;
    let mut bit = 1;
    while bit < SCOPED_COUNT {
        mask |= 1 << bit;
        bit += 2;
    }
    mask
};

/// `applications:view:own` (`:any` is the next bit).
const APPLICATIONS_VIEW_OWN: u32 =
    1 << Permission::scoped(Subject::Applications, Verb::View, Reach::Own).bit();

/// `applications:create:own`, `:edit:own` and `:revoke:own`, each of which
/// implies `applications:view:own` (their `:any` twins are the next bits).
const APPLICATION_CHANGES_OWN: u32 = (1
    << Permission::scoped(Subject::Applications, Verb::Create, Reach::Own).bit())
    | (1 << Permission::scoped(Subject::Applications, Verb::Edit, Reach::Own).bit())
    | (1 << Permission::scoped(Subject::Applications, Verb::Revoke, Reach::Own).bit());

/// Bits of every `:own` permission (even bits among the scoped ones).
const OWN_MASK: u32 = ANY_MASK >> 1;

impl FromIterator<Permission> for PermissionSet {
    fn from_iter<I: IntoIterator<Item = Permission>>(iter: I) -> Self {
        iter.into_iter().fold(Self::EMPTY, Self::with)
    }
}

impl fmt::Debug for PermissionSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set()
            .entries(self.iter().map(|p| p.to_string()))
            .finish()
    }
}

impl Serialize for PermissionSet {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.iter())
    }
}

impl<'de> Deserialize<'de> for PermissionSet {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(Vec::<Permission>::deserialize(deserializer)?
            .into_iter()
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn every_permission_prints_and_parses_back() {
        let all: Vec<Permission> = Permission::all().collect();
        assert_eq!(all.len(), Permission::COUNT as usize);
        for permission in all {
            let text = permission.to_string();
            assert_eq!(text.parse::<Permission>(), Ok(permission), "{text}");
        }
        assert_eq!(
            "keys:create:own".parse(),
            Ok(Permission::scoped(Subject::Keys, Verb::Create, Reach::Own))
        );
    }

    #[test]
    fn unknown_permissions_are_typed_errors() {
        for bad in [
            "",
            "keys",
            "keys:create",
            "keys:create:all",
            "keys:create:own:extra",
            "users:view",
            "Keys:create:own",
            "accounts:view",
        ] {
            assert_eq!(
                bad.parse::<Permission>(),
                Err(UnknownPermission(bad.into())),
                "{bad}"
            );
        }
    }

    #[test]
    fn tenant_sets_never_hold_accounts_manage() {
        assert!(!PermissionSet::tenant_all().contains(Permission::AccountsManage));
        assert!(PermissionSet::operator_all().contains(Permission::AccountsManage));
        assert_eq!(
            PermissionSet::operator_all().iter().count(),
            Permission::COUNT as usize
        );
    }

    #[test]
    fn any_implies_own_but_not_the_reverse() {
        let any =
            PermissionSet::EMPTY.with(Permission::scoped(Subject::Keys, Verb::View, Reach::Any));
        let own =
            PermissionSet::EMPTY.with(Permission::scoped(Subject::Keys, Verb::View, Reach::Own));
        assert!(own.is_granted_by(any));
        assert!(!any.is_granted_by(own));
        assert!(
            !PermissionSet::EMPTY
                .with(Permission::scoped(Subject::Keys, Verb::Edit, Reach::Own))
                .is_granted_by(any)
        );
    }

    #[test]
    fn serde_is_a_sorted_list_of_strings() {
        let set: PermissionSet = ["users:manage", "applications:view:any"]
            .iter()
            .map(|p| p.parse::<Permission>().unwrap())
            .collect();
        let json = serde_json::to_string(&set).unwrap();
        assert_eq!(json, r#"["applications:view:any","users:manage"]"#);
        assert_eq!(serde_json::from_str::<PermissionSet>(&json).unwrap(), set);
        assert!(serde_json::from_str::<PermissionSet>(r#"["nope"]"#).is_err());
    }

    #[test]
    fn changing_applications_implies_viewing_them_with_the_same_suffix() {
        let parse = |texts: &[&str]| -> PermissionSet {
            texts
                .iter()
                .map(|p| p.parse::<Permission>().unwrap())
                .collect()
        };
        for verb in ["create", "edit", "revoke"] {
            let own = parse(&[&format!("applications:{verb}:own")]);
            assert!(
                own.implied()
                    .contains("applications:view:own".parse().unwrap())
            );
            assert!(
                !own.implied()
                    .contains("applications:view:any".parse().unwrap())
            );
            let any = parse(&[&format!("applications:{verb}:any")]);
            assert!(
                any.implied()
                    .contains("applications:view:any".parse().unwrap())
            );
        }
        let delete = parse(&["applications:delete:any", "keys:create:any"]);
        assert!(
            !delete
                .implied()
                .contains("applications:view:own".parse().unwrap())
        );
    }

    #[test]
    fn lifting_and_shortening() {
        let set: PermissionSet = ["keys:view:own", "keys:edit:any", "users:manage"]
            .iter()
            .map(|p| p.parse::<Permission>().unwrap())
            .collect();
        let lifted: PermissionSet = ["keys:view:any", "keys:edit:any", "users:manage"]
            .iter()
            .map(|p| p.parse::<Permission>().unwrap())
            .collect();
        assert_eq!(set.lifted_to_any(), lifted);
        assert_eq!(set.implied().without_implied(), set);
    }

    fn any_set() -> impl Strategy<Value = PermissionSet> {
        (0u32..(1 << Permission::COUNT)).prop_map(PermissionSet)
    }

    proptest! {
        #[test]
        fn a_granted_scope_never_exceeds_the_grantor(scopes in any_set(), holder in any_set()) {
            if scopes.is_granted_by(holder) {
                // Whatever the scopes allow, the holder allows too.
                for permission in scopes.implied().iter() {
                    prop_assert!(holder.implied().contains(permission));
                }
            } else {
                prop_assert!(!scopes.not_granted_by(holder).is_empty());
            }
        }

        #[test]
        fn lifted_rights_grant_the_original(a in any_set()) {
            prop_assert!(a.is_granted_by(a.lifted_to_any()));
            prop_assert_eq!(a.implied().without_implied().implied(), a.implied());
        }

        #[test]
        fn intersection_never_grants_more_than_either(a in any_set(), b in any_set()) {
            let both = a.intersection(b);
            prop_assert!(both.is_granted_by(a) && both.is_granted_by(b));
        }
    }
}
