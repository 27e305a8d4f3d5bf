//! kaohe's domain: the organisation tree, scopes, roles and the access policy, password and lockout
//! policies, validation and the domain error. It knows nothing of HTTP, SQL or an async runtime;
//! storage and web are adapters around it.
#![forbid(unsafe_code)]

pub mod access;
pub mod audit;
pub mod calendar;
pub mod clock;
pub mod error;
pub mod ids;
pub mod indicator;
pub mod input;
pub mod located;
pub mod org;
pub mod pack;
pub mod password;
pub mod protect;
pub mod record;
pub mod registry;
pub mod report;
pub mod role;
pub mod scoring;
pub mod submission;
pub mod supervision;
pub mod values;

pub use access::{Action, Actor, authorize, may_create_with, may_grant};
pub use clock::{Clock, FixedClock, SystemClock};
pub use error::{DomainError, FieldError};
pub use ids::{OrgId, UserId};
pub use org::{Org, OrgCode, OrgKind, OrgPath, OrgTags};
pub use role::Role;
