//! Roles. The three administrators are separated as MLPS 2.0 (GB/T 22239-2019) requires: none of
//! them can do another's job, and none of them sees business data.

use serde::{Deserialize, Serialize};

/// What a user may do inside their scope.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// 系统管理员: users, orgs, settings; no business data.
    SystemAdmin,
    /// 安全管理员: roles, password policy, unlocking accounts.
    SecurityAdmin,
    /// 审计管理员: reads the audit log, nothing else.
    AuditAdmin,
    /// 考核办: the assessment office.
    Assessor,
    /// 审核员: reviews submissions.
    Reviewer,
    /// 填报员: keeps registries and submits.
    Editor,
    /// 领导: reads dashboards and reports.
    Viewer,
    /// 待授权: an account the 系统管理员 created, with no rights until the 安全管理员 grants a
    /// role (the 系统管理员 grants none).
    Pending,
}

impl Role {
    /// Every role, in display order.
    pub const ALL: [Role; 8] = [
        Self::SystemAdmin,
        Self::SecurityAdmin,
        Self::AuditAdmin,
        Self::Assessor,
        Self::Reviewer,
        Self::Editor,
        Self::Viewer,
        Self::Pending,
    ];

    /// One of the three administrators (系统管理员, 安全管理员, 审计管理员): no business data.
    pub fn is_admin(self) -> bool {
        matches!(self, Self::SystemAdmin | Self::SecurityAdmin | Self::AuditAdmin)
    }

    /// A business role (考核办, 审核员, 填报员, 领导): never held by an administrator's account.
    pub fn is_business(self) -> bool {
        matches!(self, Self::Assessor | Self::Reviewer | Self::Editor | Self::Viewer)
    }

    /// The stable code used in storage and the API.
    pub fn code(self) -> &'static str {
        match self {
            Self::SystemAdmin => "system_admin",
            Self::SecurityAdmin => "security_admin",
            Self::AuditAdmin => "audit_admin",
            Self::Assessor => "assessor",
            Self::Reviewer => "reviewer",
            Self::Editor => "editor",
            Self::Viewer => "viewer",
            Self::Pending => "pending",
        }
    }

    /// Parses a stable code or a Chinese or English label (`assessor`, `考核办`, `Reviewer`).
    pub fn parse(s: &str) -> Option<Self> {
        let s = s.trim();
        Self::ALL.into_iter().find(|r| r.code() == s || r.label_zh() == s || r.label_en().eq_ignore_ascii_case(s))
    }

    /// The Chinese label.
    pub fn label_zh(self) -> &'static str {
        match self {
            Self::SystemAdmin => "系统管理员",
            Self::SecurityAdmin => "安全管理员",
            Self::AuditAdmin => "审计管理员",
            Self::Assessor => "考核办",
            Self::Reviewer => "审核员",
            Self::Editor => "填报员",
            Self::Viewer => "领导",
            Self::Pending => "待授权",
        }
    }

    /// The English label.
    pub fn label_en(self) -> &'static str {
        match self {
            Self::SystemAdmin => "System administrator",
            Self::SecurityAdmin => "Security administrator",
            Self::AuditAdmin => "Audit administrator",
            Self::Assessor => "Assessment office",
            Self::Reviewer => "Reviewer",
            Self::Editor => "Editor",
            Self::Viewer => "Leader (viewer)",
            Self::Pending => "No role yet",
        }
    }
}
