//! The storage layer's one error type.

use kaohe_domain::DomainError;

/// What can go wrong below the web layer.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The domain refused (validation, scope, role, conflict).
    #[error(transparent)]
    Domain(#[from] DomainError),
    /// The database failed.
    #[error("database error: {0}")]
    Db(#[from] sea_orm::DbErr),
    /// A stored value could not be read back (a corrupt row, an unknown enum code).
    #[error("corrupt data: {0}")]
    Corrupt(String),
    /// A file in the data folder could not be written or read.
    #[error("file error: {0}")]
    Io(#[from] std::io::Error),
    /// An import was refused; every row error is listed.
    #[error("import refused: {} error(s)", .0.len())]
    Import(Vec<crate::orgs::RowError>),
    /// A backup could not be made, or one offered for restoring was refused (the message says
    /// why and where; nothing was changed).
    #[error("{0}")]
    Backup(String),
    /// A file of the federation's own layer was refused by the pack checker; every problem is
    /// listed, located (nothing was written).
    #[error("pack file refused: {} error(s)", .0.len())]
    Pack(Vec<kaohe_domain::pack::PackError>),
    /// An evaluation stopped before its end: past its deadline, over its cost budget, or its
    /// request went away.
    #[error(transparent)]
    Stopped(#[from] kaohe_engine::Stopped),
}

impl StoreError {
    /// The domain error inside, if any.
    pub fn domain(&self) -> Option<&DomainError> {
        match self {
            StoreError::Domain(d) => Some(d),
            _ => None,
        }
    }
}
