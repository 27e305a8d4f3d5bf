//! Web sessions in the database (tower-sessions' `SessionStore`), so several `kaohe serve`
//! processes against one PostgreSQL share them. Rows are keyed by a SHA-256 of the session id.

use crate::Store;
use crate::entity::session;
use async_trait::async_trait;
use sea_orm::sea_query::OnConflict;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, Set};
use sha2::{Digest, Sha256};
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{self, SessionStore};

/// The database-backed session store.
#[derive(Clone, Debug)]
pub struct DbSessionStore {
    store: Store,
    idle_seconds: i64,
}

impl DbSessionStore {
    /// A session store on `store`'s database; a session unused for `idle_minutes` expires. Expiry
    /// is reckoned with the store's injected clock (not the cookie's), so tests can move time.
    pub fn new(store: Store, idle_minutes: i64) -> Self {
        Self { store, idle_seconds: idle_minutes * 60 }
    }

    /// Deletes expired sessions; returns how many.
    pub async fn delete_expired(&self) -> Result<u64, sea_orm::DbErr> {
        let now = self.store.clock.now().timestamp();
        let res =
            session::Entity::delete_many().filter(session::Column::ExpiresAt.lte(now)).exec(&self.store.db).await?;
        Ok(res.rows_affected)
    }
}

fn key(id: &Id) -> String {
    hex::encode(Sha256::digest(id.to_string().as_bytes()))
}

fn backend(e: impl std::fmt::Display) -> session_store::Error {
    session_store::Error::Backend(e.to_string())
}

#[async_trait]
impl SessionStore for DbSessionStore {
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        // 128-bit random ids make a collision practically impossible; retry anyway.
        while session::Entity::find_by_id(key(&record.id)).one(&self.store.db).await.map_err(backend)?.is_some() {
            record.id = Id::default();
        }
        self.save(record).await
    }

    async fn save(&self, record: &Record) -> session_store::Result<()> {
        let am = session::ActiveModel {
            id_hash: Set(key(&record.id)),
            data: Set(serde_json::to_string(&record.data).map_err(backend)?),
            expires_at: Set(self.store.clock.now().timestamp() + self.idle_seconds),
        };
        session::Entity::insert(am)
            .on_conflict(
                OnConflict::column(session::Column::IdHash)
                    .update_columns([session::Column::Data, session::Column::ExpiresAt])
                    .to_owned(),
            )
            .exec(&self.store.db)
            .await
            .map_err(backend)?;
        Ok(())
    }

    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        let now = self.store.clock.now().timestamp();
        let Some(row) = session::Entity::find_by_id(key(id))
            .filter(session::Column::ExpiresAt.gt(now))
            .one(&self.store.db)
            .await
            .map_err(backend)?
        else {
            return Ok(None);
        };
        Ok(Some(Record {
            id: *id,
            data: serde_json::from_str(&row.data).map_err(backend)?,
            expiry_date: time::OffsetDateTime::from_unix_timestamp(row.expires_at).map_err(backend)?,
        }))
    }

    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        session::Entity::delete_by_id(key(id)).exec(&self.store.db).await.map_err(backend)?;
        Ok(())
    }
}
