//! The API's JSON shapes (the domain types stay free of web concerns).

use kaohe_domain::{Org, Role};
use kaohe_store::{AuditRow, User};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// An org.
#[derive(Debug, Serialize, ToSchema)]
pub struct OrgDto {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub short_name: Option<String>,
    /// `federation`, `department`, `grassroots` or `other`.
    pub kind: String,
    pub kind_label: String,
    pub parent_id: Option<i64>,
    pub sort_key: i32,
    pub depth: usize,
    pub opened_on: chrono::NaiveDate,
    pub closed_on: Option<chrono::NaiveDate>,
    /// Its groups for assessment (考核分组), which rulebooks name instead of the org's name.
    pub groups: Vec<String>,
}

impl From<Org> for OrgDto {
    fn from(o: Org) -> Self {
        OrgDto {
            id: o.id.0,
            code: o.code.as_str().to_owned(),
            depth: o.path.depth(),
            name: o.name,
            short_name: o.short_name,
            kind: o.kind.code().to_owned(),
            kind_label: o.kind.label_zh().to_owned(),
            parent_id: o.parent_id.map(|p| p.0),
            sort_key: o.sort_key,
            opened_on: o.opened_on,
            closed_on: o.closed_on,
            groups: o.groups,
        }
    }
}

/// A new org.
#[derive(Debug, Deserialize, ToSchema)]
pub struct NewOrgBody {
    pub code: String,
    pub name: String,
    pub short_name: Option<String>,
    /// `federation`, `department`, `grassroots` or `other` (or the Chinese label).
    pub kind: String,
    pub parent_id: i64,
    pub sort_key: Option<i32>,
    pub opened_on: Option<chrono::NaiveDate>,
    /// Groups for assessment (组织部, 县市区 …).
    #[serde(default)]
    pub groups: Vec<String>,
}

/// Changes to an org; absent fields stay as they are.
#[derive(Debug, Deserialize, ToSchema)]
pub struct OrgPatchBody {
    pub name: Option<String>,
    pub short_name: Option<String>,
    pub kind: Option<String>,
    pub sort_key: Option<i32>,
    /// Replaces the groups for assessment.
    pub groups: Option<Vec<String>>,
}

/// Where to move an org.
#[derive(Debug, Deserialize, ToSchema)]
pub struct MoveBody {
    pub parent_id: i64,
}

/// When to close an org.
#[derive(Debug, Deserialize, ToSchema)]
pub struct CloseBody {
    pub closed_on: chrono::NaiveDate,
}

/// How many orgs were closed.
#[derive(Debug, Serialize, ToSchema)]
pub struct ClosedDto {
    pub closed: u64,
}

/// A user account.
#[derive(Debug, Serialize, ToSchema)]
pub struct UserDto {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub org_id: i64,
    /// One of `system_admin`, `security_admin`, `audit_admin`, `assessor`, `reviewer`, `editor`,
    /// `viewer`, `pending` (no role yet).
    pub role: String,
    pub role_label: String,
    pub language: String,
    /// Switched off: cannot sign in; its sessions and tokens no longer work.
    pub disabled: bool,
    /// A reset password the user must change at the next sign-in.
    pub must_change_password: bool,
    /// Signs in with a second factor (TOTP).
    pub second_factor: bool,
    /// Removed (soft): kept for the audit trail, its name never reused.
    pub removed: bool,
}

/// An API token as its owner sees it (the secret itself is shown once, when issued).
#[derive(Debug, Serialize, ToSchema)]
pub struct TokenDto {
    pub id: i64,
    pub name: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub last_used_at: Option<chrono::DateTime<chrono::Utc>>,
    /// After this the token no longer works (`null`: issued before tokens expired).
    pub expires_at: Option<chrono::DateTime<chrono::Utc>>,
    pub revoked_at: Option<chrono::DateTime<chrono::Utc>>,
}

impl From<kaohe_store::TokenInfo> for TokenDto {
    fn from(t: kaohe_store::TokenInfo) -> Self {
        TokenDto {
            id: t.id,
            name: t.name,
            created_at: t.created_at,
            last_used_at: t.last_used_at,
            expires_at: t.expires_at,
            revoked_at: t.revoked_at,
        }
    }
}

/// Whether an account is switched off.
#[derive(Debug, Deserialize, ToSchema)]
pub struct DisabledBody {
    pub disabled: bool,
}

impl From<User> for UserDto {
    fn from(u: User) -> Self {
        UserDto {
            id: u.id.0,
            username: u.username,
            display_name: u.display_name,
            org_id: u.org_id.0,
            role: u.role.code().to_owned(),
            role_label: u.role.label_zh().to_owned(),
            language: u.language,
            disabled: u.disabled,
            must_change_password: u.must_change_password,
            second_factor: u.second_factor,
            removed: u.removed_at.is_some(),
        }
    }
}

/// A new user.
#[derive(Debug, Deserialize, ToSchema)]
pub struct NewUserBody {
    pub username: String,
    pub display_name: String,
    pub org_id: i64,
    /// Left out by the system administrator: accounts are created without a role (`pending`)
    /// and the security administrator grants one. Only the operator names one here.
    #[serde(default)]
    pub role: Option<String>,
    pub password: String,
}

/// A role to set.
#[derive(Debug, Deserialize, ToSchema)]
pub struct RoleBody {
    pub role: String,
}

pub fn parse_role(s: &str) -> Result<Role, kaohe_domain::DomainError> {
    Role::parse(s).ok_or_else(|| {
        let zh: Vec<&str> = Role::ALL.iter().map(|r| r.label_zh()).collect();
        let en: Vec<String> = Role::ALL.iter().map(|r| format!("{} ({})", r.code(), r.label_en())).collect();
        kaohe_domain::DomainError::invalid(
            "role",
            format!("未知角色“{s}”,可用:{}", zh.join("、")),
            format!("unknown role {s:?}; one of: {}", en.join(", ")),
        )
    })
}

/// The role asked for, or none yet ([`Role::Pending`]) when left out.
pub fn parse_optional_role(s: Option<&str>) -> Result<Role, kaohe_domain::DomainError> {
    match s.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(Role::Pending),
        Some(s) => parse_role(s),
    }
}

/// An audit row.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditDto {
    pub id: i64,
    pub at: chrono::DateTime<chrono::Utc>,
    pub actor: String,
    pub action: String,
    pub entity: String,
    pub entity_id: Option<String>,
    pub summary: String,
    pub before_digest: Option<String>,
    pub after_digest: Option<String>,
    /// The client's address, when the event came from a request.
    pub client: Option<String>,
}

impl From<AuditRow> for AuditDto {
    fn from(r: AuditRow) -> Self {
        AuditDto {
            id: r.id,
            at: r.at,
            actor: r.actor,
            action: r.action,
            entity: r.entity,
            entity_id: r.entity_id,
            summary: r.summary,
            before_digest: r.before_digest,
            after_digest: r.after_digest,
            client: r.client,
        }
    }
}

/// The signed-in user and their scope.
#[derive(Debug, Serialize, ToSchema)]
pub struct MeDto {
    pub user: UserDto,
    pub org: OrgDto,
}
