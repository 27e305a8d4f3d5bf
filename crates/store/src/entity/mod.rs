//! sea-orm entities: the persisted shape of kaohe's tables, kept apart from logic.

pub mod api_token;
pub mod audit_head;
pub mod audit_log;
pub mod login_failure;
pub mod org;
pub mod password_history;
pub mod session;
pub mod sign_in_failure;
pub mod user;
