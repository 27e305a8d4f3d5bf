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
}

impl Role {
    /// Every role, in display order.
    pub const ALL: [Role; 7] = [
        Self::SystemAdmin,
        Self::SecurityAdmin,
        Self::AuditAdmin,
        Self::Assessor,
        Self::Reviewer,
        Self::Editor,
        Self::Viewer,
    ];

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
        }
    }

    /// Parses a stable code.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.code() == s.trim())
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
        }
    }
}
