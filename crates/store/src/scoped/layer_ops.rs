//! The federation's own layer through the actor's scope: anyone who may see assessments reads
//! it; the 考核办 of the top org writes rulebooks, indicators and report templates, the 系统管理员
//! of the top org holiday notices. Every write is checked with the rest of the layer by the pack
//! checker, stored as a new version, audited, and in force at once in every process.

use super::Scoped;
use crate::audit::{self, Event};
use crate::layer::{self, LayerDraft, LayerItem};
use crate::{StoreError, db};
use kaohe_domain::audit::AuditAction;
use kaohe_domain::pack::{LayerKind, Layered, PackError};
use kaohe_domain::scoring::Assessment;
use kaohe_domain::{Action, Actor, DomainError, OrgId};
use std::collections::BTreeMap;

/// Largest layer file accepted (a whole rulebook is about 30 KB).
pub const MAX_LAYER_FILE_BYTES: usize = 512 * 1024;

impl Scoped<'_> {
    /// The kind of the file at `path`, if the actor may change it.
    fn check_layer_write(&self, path: &str) -> Result<LayerKind, StoreError> {
        let kind = layer_kind(path)?;
        let action = if matches!(kind, LayerKind::Calendar(_)) { Action::OrgWrite } else { Action::AssessmentWrite };
        self.check(action, None)?;
        match &self.actor {
            Actor::User { scope, .. } if scope.depth() > 0 => Err(DomainError::Forbidden(
                "只有最上级工会可以修改本会的考核办法、指标、报告模板和节假日安排 / only the top federation changes its rules, indicators, templates and holidays",
            )
            .into()),
            _ => Ok(kind),
        }
    }

    /// Whether the actor may change the federation's file at `path` (refused: why).
    pub fn may_change_layer_file(&self, path: &str) -> Result<(), StoreError> {
        self.check_layer_write(path).map(|_| ())
    }

    fn check_layer_read(&self) -> Result<(), StoreError> {
        if self.can(Action::AssessmentRead) || self.can(Action::OrgWrite) {
            Ok(())
        } else {
            self.check(Action::AssessmentRead, None)
        }
    }

    /// The federation's files in force (path → version, text), as of this request.
    pub fn layer_files(&self) -> Result<BTreeMap<String, (i32, String)>, StoreError> {
        self.check_layer_read()?;
        Ok(self.layer.files.clone())
    }

    /// What is in force: the built-in pack's parts with the federation's files laid over them.
    pub fn layer_parts(&self) -> &Layered {
        &self.layer.parts
    }

    /// Every version of one file, oldest first.
    pub async fn layer_history(&self, path: &str) -> Result<Vec<LayerItem>, StoreError> {
        self.check_layer_read()?;
        layer_kind(path)?;
        layer::history(&self.store.db, path).await
    }

    /// One version's text (`None`: that version withdrew the file).
    pub async fn layer_version_text(&self, path: &str, version: i32) -> Result<Option<String>, StoreError> {
        self.check_layer_read()?;
        layer::body(&self.store.db, path, version).await?.ok_or_else(|| DomainError::NotFound.into())
    }

    /// The draft of a file, if one is being edited (drafts are seen by whoever may change it).
    pub async fn layer_draft(&self, path: &str) -> Result<Option<LayerDraft>, StoreError> {
        self.check_layer_write(path)?;
        layer::draft(&self.store.db, path).await
    }

    /// The files with a draft being edited, of the kinds the actor may change.
    pub async fn layer_drafts(&self) -> Result<Vec<String>, StoreError> {
        let paths = layer::draft_paths(&self.store.db).await?;
        Ok(paths.into_iter().filter(|p| self.check_layer_write(p).is_ok()).collect())
    }

    /// Checks `text` as the file at `path` with the rest of the layer in force (nothing written).
    pub fn check_layer_file(&self, path: &str, text: &str) -> Result<Layered, StoreError> {
        self.check_layer_read()?;
        layer_kind(path)?;
        too_long(text)?;
        let mut files = self.layer.files.clone();
        files.insert(path.to_owned(), (0, text.to_owned()));
        self.compose_checked(&files)
    }

    /// What the checker finds in `text` as the file at `path` (nothing: it can be published).
    pub fn layer_file_problems(&self, path: &str, text: &str) -> Result<Vec<PackError>, StoreError> {
        match self.check_layer_file(path, text) {
            Err(StoreError::Pack(p)) => Ok(p),
            other => other.map(|_| Vec::new()),
        }
    }

    /// Saves a draft (kept even when it does not check yet); returns its problems.
    pub async fn save_layer_draft(&self, path: &str, text: &str) -> Result<Vec<PackError>, StoreError> {
        self.check_layer_write(path)?;
        too_long(text)?;
        layer::save_draft(&self.store.db, path, text, self.actor.audit_name(), self.store.clock.now()).await?;
        self.layer_file_problems(path, text)
    }

    /// Drops a draft.
    pub async fn discard_layer_draft(&self, path: &str) -> Result<(), StoreError> {
        self.check_layer_write(path)?;
        layer::delete_draft(&self.store.db, path).await
    }

    /// Publishes `text` as the next version of the file at `path` (its draft goes): checked
    /// with the whole layer — a change that breaks a rulebook or indicator using it is refused
    /// with that file's location — audited, and in force at once.
    /// Publishing the text in force again writes nothing and returns its version.
    pub async fn publish_layer_file(&self, path: &str, text: &str) -> Result<LayerItem, StoreError> {
        match self.publish_layer(&[(path.to_owned(), Some(text.to_owned()))]).await?.pop() {
            Some(written) => Ok(written),
            None => layer::history(&self.store.db, path).await?.pop().ok_or_else(|| DomainError::NotFound.into()),
        }
    }

    /// Withdraws the federation's file at `path` (the built-in one, if any, applies again);
    /// refused when something in force depends on it.
    pub async fn withdraw_layer_file(&self, path: &str) -> Result<LayerItem, StoreError> {
        if !self.layer.files.contains_key(path) {
            return Err(DomainError::NotFound.into());
        }
        self.publish_layer(&[(path.to_owned(), None)]).await?.pop().ok_or_else(|| DomainError::NotFound.into())
    }

    /// Publishes several files at once (`None`: withdraw), all or nothing; files whose text is
    /// already in force are left as they are. Returns the versions written.
    pub async fn publish_layer(&self, changes: &[(String, Option<String>)]) -> Result<Vec<LayerItem>, StoreError> {
        let mut files = self.layer.files.clone();
        let mut todo = Vec::new();
        // Published as it stands: nothing to write, but its draft is done with too.
        let mut unchanged = Vec::new();
        for (path, text) in changes {
            self.check_layer_write(path)?;
            match text {
                Some(t) => {
                    too_long(t)?;
                    if files.get(path).is_some_and(|(_, now)| now == t) {
                        unchanged.push(path.as_str());
                        continue;
                    }
                    files.insert(path.clone(), (0, t.clone()));
                }
                None => {
                    files.remove(path);
                }
            }
            todo.push((path.as_str(), text.as_deref()));
        }
        self.compose_checked(&files)?;
        let now = self.store.clock.now();
        let txn = db::begin_write(&self.store.db).await?;
        for path in unchanged {
            layer::delete_draft(&txn, path).await?;
        }
        let mut out = Vec::new();
        for (path, text) in todo {
            let version = layer::insert(&txn, path, text, self.actor.audit_name(), now).await?;
            let (zh, en) = if text.is_some() { ("发布", "published") } else { ("撤回", "withdrew") };
            let event = Event {
                action: if text.is_some() { AuditAction::Publish } else { AuditAction::Delete },
                entity: "pack_file",
                entity_id: Some(format!("{path}:{version}")),
                scope: None,
                summary: format!("{zh}本会文件 {path} 第{version}版 / {en} {path}, version {version}"),
            };
            audit::record(&txn, now, &self.actor, event, None, None).await?;
            out.push(LayerItem {
                path: path.to_owned(),
                version,
                present: text.is_some(),
                author: self.actor.audit_name().to_owned(),
                created_at: now,
            });
        }
        txn.commit().await?;
        self.store.refresh_layer().await?;
        Ok(out)
    }

    /// 试算: scores the orgs `org` assesses for the draft rulebook `text` of its year, on the
    /// current data, without publishing anything.
    pub async fn trial_assessment(&self, path: &str, text: &str, org: OrgId) -> Result<Assessment, StoreError> {
        self.check(Action::AssessmentRead, None)?;
        let Some(LayerKind::Rulebook(year)) = LayerKind::of(path) else {
            return Err(DomainError::invalid("path", "只有考核办法可以试算", "only a rulebook can be tried").into());
        };
        let parts = self.check_layer_file(path, text)?;
        self.assess_in(&parts, year, org).await
    }

    fn compose_checked(&self, files: &BTreeMap<String, (i32, String)>) -> Result<Layered, StoreError> {
        self.store.compose(files).map_err(StoreError::Pack)
    }
}

fn layer_kind(path: &str) -> Result<LayerKind, StoreError> {
    LayerKind::of(path).ok_or_else(|| {
        DomainError::invalid(
            "path",
            format!("“{path}”不是本会可维护的文件"),
            format!("{path:?} is not a file a federation keeps"),
        )
        .into()
    })
}

fn too_long(text: &str) -> Result<(), StoreError> {
    if text.len() > MAX_LAYER_FILE_BYTES {
        return Err(DomainError::invalid(
            "text",
            format!("文件过大(上限{}KB)", MAX_LAYER_FILE_BYTES / 1024),
            format!("the file is larger than {} KB", MAX_LAYER_FILE_BYTES / 1024),
        )
        .into());
    }
    Ok(())
}
