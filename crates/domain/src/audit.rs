//! What the audit log records. Rows are written by the store in the same transaction as the
//! change they describe.

use serde::Serialize;

/// The kind of event an audit row records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AuditAction {
    LoginSucceeded,
    LoginFailed,
    Logout,
    Create,
    Update,
    Move,
    Close,
    PasswordChange,
    Unlock,
    TokenIssue,
    /// An API token revoked before it expired.
    TokenRevoke,
    Delete,
    /// Personal data shown in clear.
    Unmask,
    /// Records exported to a file.
    Export,
    Import,
    /// An assessment published (frozen).
    Publish,
    /// Records looked up by a personal-data value (an ID number, an income, an illness…).
    Lookup,
}

impl AuditAction {
    /// The stable code stored in the log.
    pub fn code(self) -> &'static str {
        match self {
            Self::LoginSucceeded => "login_ok",
            Self::LoginFailed => "login_failed",
            Self::Logout => "logout",
            Self::Create => "create",
            Self::Update => "update",
            Self::Move => "move",
            Self::Close => "close",
            Self::PasswordChange => "password_change",
            Self::Unlock => "unlock",
            Self::TokenIssue => "token_issue",
            Self::TokenRevoke => "token_revoke",
            Self::Delete => "delete",
            Self::Unmask => "unmask",
            Self::Export => "export",
            Self::Import => "import",
            Self::Publish => "publish",
            Self::Lookup => "lookup",
        }
    }
}
