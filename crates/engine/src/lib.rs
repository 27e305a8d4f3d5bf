//! The roll-up engine. A [`Snapshot`] holds the registries' live records as columns, rows sorted
//! by org in the tree's pre-order, so an org's whole scope (the org and every descendant) is one
//! contiguous run of rows. Evaluating indicators for every org is one pass per registry: filters
//! become masks over blocks of rows, each org's own aggregates are gathered, and a prefix sum over
//! the pre-order gives every subtree's total at once. Plans come from
//! [`kaohe_domain::indicator`]; the engine is tested against its reference evaluator.

#![forbid(unsafe_code)]

mod aggregate;
mod budget;
mod column;
mod evaluate;
mod mask;
mod persist;
mod program;
mod tree;

pub use budget::{Budget, Stopped};
pub use column::{Codes, Column, ColumnKind, Table, TableBuilder};
pub use evaluate::{DrillPart, DrillRole, Drilled, Figured, Snapshot};
pub use tree::OrgTree;
