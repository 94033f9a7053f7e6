//! What an import checks across records before anything is written: unique
//! ids, references that resolve within their account, one operator account,
//! and the name and email rules the stores enforce.

use std::collections::{HashMap, HashSet};

use latchkey_core::id::{AccountId, ApplicationId, PolicyGroupId, UserId};
use latchkey_core::status::{ApplicationStatus, KeyStatus, UserStatus};

use super::counts::RecordCounts;
use super::error::{ImportError, LineError};
use super::record::{ExportRecord, RecordKind};

/// A checked export, ready for [`Store::import_all`](crate::Store::import_all):
/// made only by [`read_export`](super::read_export), its records in export
/// order (kind, then id), so that every record follows those it names.
#[derive(Debug, Clone)]
pub struct ImportSet {
    records: Vec<ExportRecord>,
}

impl ImportSet {
    /// The records, in export order.
    pub fn records(&self) -> &[ExportRecord] {
        &self.records
    }

    /// How many records of each kind.
    pub fn counts(&self) -> RecordCounts {
        RecordCounts::of(&self.records)
    }

    /// Checks records read from numbered lines.
    pub(super) fn validate(numbered: Vec<(usize, ExportRecord)>) -> Result<Self, ImportError> {
        let mut check = Check::default();
        let mut duplicates = HashSet::new();
        for (line, record) in &numbered {
            if !check.register(*line, record) {
                duplicates.insert(*line);
            }
        }
        for (line, record) in &numbered {
            if !duplicates.contains(line) {
                check.references(*line, record);
            }
        }
        if !check.problems.is_empty() {
            check.problems.sort_by_key(|problem| problem.line);
            return Err(ImportError::Invalid(check.problems));
        }
        let mut records: Vec<ExportRecord> = numbered.into_iter().map(|(_, r)| r).collect();
        records.sort_by_key(ExportRecord::sort_key);
        grant_every_permission_to_built_in_groups(&mut records);
        Ok(ImportSet { records })
    }
}

/// `Administrators` holds every permission of its account (its permissions
/// cannot be edited): an export written before a permission existed
/// (`credentials:introspect`) gives it, as the stores' upgrades do.
fn grant_every_permission_to_built_in_groups(records: &mut [ExportRecord]) {
    let operator: HashMap<AccountId, bool> = records
        .iter()
        .filter_map(|record| match record {
            ExportRecord::Account(account) => Some((account.id, account.operator)),
            _ => None,
        })
        .collect();
    for record in records {
        if let ExportRecord::PolicyGroup(group) = record
            && group.built_in
        {
            let operator = operator.get(&group.account_id).copied().unwrap_or(false);
            group.permissions = latchkey_core::delegation::every_permission(operator);
        }
    }
}

/// Emails are compared as the stores compare them.
fn email_key(email: &str) -> String {
    email.to_lowercase()
}

#[derive(Default)]
struct Check {
    problems: Vec<LineError>,
    /// The line of each id, per kind.
    lines: HashMap<(RecordKind, u128), usize>,
    accounts: HashSet<AccountId>,
    groups: HashMap<PolicyGroupId, AccountId>,
    users: HashMap<UserId, AccountId>,
    applications: HashMap<ApplicationId, AccountId>,
    operator: Option<usize>,
    /// Names (and emails) in use: `(kind, account, field, value) → line`.
    names: HashMap<(RecordKind, AccountId, &'static str, String), usize>,
}

impl Check {
    fn problem(&mut self, line: usize, reason: String) {
        self.problems.push(LineError { line, reason });
    }

    /// Records the record's id; `false` when the id was seen before.
    fn register(&mut self, line: usize, record: &ExportRecord) -> bool {
        let kind = record.kind();
        if let Some(first) = self.lines.get(&(kind, record.id())) {
            let reason = format!(
                "duplicate {} id {} (first on line {first})",
                kind.describe(),
                record.id_string()
            );
            self.problem(line, reason);
            return false;
        }
        self.lines.insert((kind, record.id()), line);
        match record {
            ExportRecord::Account(account) => {
                self.accounts.insert(account.id);
                if account.operator {
                    match self.operator {
                        Some(first) => self.problem(
                            line,
                            format!("a second operator account (the first is on line {first})"),
                        ),
                        None => self.operator = Some(line),
                    }
                }
            }
            ExportRecord::PolicyGroup(group) => {
                self.groups.insert(group.id, group.account_id);
            }
            ExportRecord::User(user) => {
                self.users.insert(user.id, user.account_id);
            }
            ExportRecord::Application(app) => {
                self.applications.insert(app.id, app.account_id);
            }
            ExportRecord::AccessKey(_) | ExportRecord::JwtKey(_) | ExportRecord::AuditRecord(_) => {
            }
        }
        true
    }

    /// Checks what the record names and the names it holds.
    fn references(&mut self, line: usize, record: &ExportRecord) {
        let account = record.account_id();
        if !self.accounts.contains(&account) {
            self.problem(
                line,
                format!("account_id {account} names no account of the export"),
            );
            return;
        }
        let kind = record.kind();
        match record {
            // A record names its account only: what it is about may be
            // long gone (deleted keys, applications).
            ExportRecord::Account(_) | ExportRecord::AuditRecord(_) => {}
            ExportRecord::PolicyGroup(group) => {
                self.claim(line, kind, account, "name", &group.name);
            }
            ExportRecord::User(user) => {
                self.group_ids(line, account, &user.group_ids);
                if user.status == UserStatus::Active {
                    self.claim(line, kind, account, "email", &email_key(&user.email));
                }
            }
            ExportRecord::Application(app) => {
                self.created_by(line, account, app.created_by);
                self.group_ids(line, account, &app.group_ids);
                if app.status == ApplicationStatus::Active {
                    self.claim(line, kind, account, "name", &app.name);
                }
            }
            ExportRecord::AccessKey(stored) => {
                let key = &stored.key;
                self.key(line, kind, account, key.application_id, key.created_by);
                if key.status != KeyStatus::Revoked {
                    self.claim(line, kind, account, "name", &key.name);
                }
            }
            ExportRecord::JwtKey(key) => {
                self.key(line, kind, account, key.application_id, key.created_by);
                if key.status != KeyStatus::Revoked {
                    self.claim(line, kind, account, "name", &key.name);
                }
            }
        }
    }

    fn key(
        &mut self,
        line: usize,
        kind: RecordKind,
        account: AccountId,
        application: ApplicationId,
        created_by: UserId,
    ) {
        if self.applications.get(&application) != Some(&account) {
            self.problem(
                line,
                format!(
                    "the {}'s application_id {application} names no application of account {account}",
                    kind.describe()
                ),
            );
        }
        self.created_by(line, account, created_by);
    }

    fn created_by(&mut self, line: usize, account: AccountId, user: UserId) {
        if self.users.get(&user) != Some(&account) {
            self.problem(
                line,
                format!("created_by {user} names no user of account {account}"),
            );
        }
    }

    fn group_ids(&mut self, line: usize, account: AccountId, ids: &[PolicyGroupId]) {
        for (index, id) in ids.iter().enumerate() {
            if self.groups.get(id) != Some(&account) {
                self.problem(
                    line,
                    format!("group_ids[{index}] {id} names no policy group of account {account}"),
                );
            } else if ids[..index].contains(id) {
                self.problem(line, format!("group_ids[{index}] {id} is listed twice"));
            }
        }
    }

    /// Takes a unique value (a name among the objects that hold one, an
    /// active user's email) or reports who holds it.
    fn claim(
        &mut self,
        line: usize,
        kind: RecordKind,
        account: AccountId,
        field: &'static str,
        value: &str,
    ) {
        let holder = (kind, account, field, value.to_owned());
        if let Some(first) = self.names.get(&holder) {
            let reason = format!(
                "{field} `{value}` is already held in account {account} by the {} on line {first}",
                kind.describe()
            );
            self.problem(line, reason);
        } else {
            self.names.insert(holder, line);
        }
    }
}
