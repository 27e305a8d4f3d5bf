//! Evidence files of submissions: type and size checked (by extension and by the file's first
//! bytes), stored once in the data folder under their SHA-256, recorded and audited; read back
//! only inside the reader's scope.

use super::Scoped;
use crate::StoreError;
use crate::audit::{self, Event};
use crate::submissions::{self, EvidenceFile};
use kaohe_domain::audit::AuditAction;
use kaohe_domain::{Action, DomainError, OrgId};
use sha2::{Digest, Sha256};

/// The largest evidence file accepted.
pub const MAX_EVIDENCE_BYTES: usize = 20 * 1024 * 1024;

/// Accepted kinds: extension, media type, and the bytes such a file starts with.
const KINDS: [(&str, &str, &[u8]); 7] = [
    ("pdf", "application/pdf", b"%PDF-"),
    ("jpg", "image/jpeg", b"\xFF\xD8\xFF"),
    ("jpeg", "image/jpeg", b"\xFF\xD8\xFF"),
    ("png", "image/png", b"\x89PNG\r\n\x1a\n"),
    ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", b"PK\x03\x04"),
    ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", b"PK\x03\x04"),
    ("doc", "application/msword", b"\xD0\xCF\x11\xE0"),
];

/// The media type of an acceptable file, or why it is refused.
pub fn evidence_kind(name: &str, bytes: &[u8]) -> Result<&'static str, DomainError> {
    let ext = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
    let Some((_, mime, magic)) = KINDS.iter().find(|(e, _, _)| *e == ext) else {
        return Err(DomainError::invalid(
            "file",
            format!("不接受“.{ext}”文件,请上传 PDF、JPG、PNG、DOCX、XLSX 或 DOC"),
            format!("“.{ext}” files are not accepted: upload PDF, JPG, PNG, DOCX, XLSX or DOC"),
        ));
    };
    if bytes.len() > MAX_EVIDENCE_BYTES {
        return Err(DomainError::invalid("file", "文件超过20MB", "the file is larger than 20 MB"));
    }
    if !bytes.starts_with(magic) {
        return Err(DomainError::invalid(
            "file",
            format!("文件内容不是 .{ext} 格式(扩展名与内容不符)"),
            format!("the file's content is not .{ext} (its name and content disagree)"),
        ));
    }
    Ok(mime)
}

impl Scoped<'_> {
    /// Adds an evidence file to a submission the actor may still edit.
    pub async fn add_evidence(
        &self,
        year: i32,
        org: OrgId,
        request: &str,
        file_name: &str,
        bytes: &[u8],
    ) -> Result<EvidenceFile, StoreError> {
        self.check(Action::SubmissionWrite, None)?;
        let o = self.org_in_scope(Action::SubmissionWrite, org).await?;
        let s = submissions::get(&self.store.db, year, org, request).await?.ok_or_else(|| {
            DomainError::invalid("file", "请先保存填报,再上传佐证材料", "save the submission before adding evidence")
        })?;
        if !s.state.editable() {
            return Err(DomainError::Conflict(format!("{} / it cannot change now", s.state.label_zh())).into());
        }
        let mime = evidence_kind(file_name, bytes)?;
        let dir = self.store.files_dir.as_deref().ok_or_else(|| StoreError::Corrupt("no folder for files".into()))?;
        let sha = hex::encode(Sha256::digest(bytes));
        let path = dir.join(&sha);
        if !path.exists() {
            crate::private_files::create_dir(dir.as_path())?;
            let tmp = dir.join(format!("{sha}.part"));
            crate::private_files::write(&tmp, bytes)?;
            std::fs::rename(&tmp, &path)?;
        }
        let now = self.store.clock.now();
        let name: String = file_name.rsplit(['/', '\\']).next().unwrap_or(file_name).chars().take(200).collect();
        let e = EvidenceFile {
            id: 0,
            submission_id: s.id,
            file_name: name,
            mime: mime.to_owned(),
            size: bytes.len() as i64,
            sha256: sha,
            uploaded_by: self.actor.audit_name().to_owned(),
            uploaded_at: now,
        };
        let txn = crate::db::begin_write(&self.store.db).await?;
        submissions::add_evidence(&txn, &e).await?;
        submissions::log(&txn, s.id, now, self.actor.audit_name(), "evidence", Some(&e.file_name)).await?;
        let event = Event {
            action: AuditAction::Create,
            entity: "evidence",
            entity_id: Some(format!("{}:{}", s.id, &e.sha256[..16])),
            scope: Some(&o.path),
            summary: format!("{} 上传佐证材料“{}”", o.name, e.file_name),
        };
        audit::record(&txn, now, &self.actor, event, None, None).await?;
        txn.commit().await?;
        Ok(e)
    }

    /// An evidence file and its bytes, for someone who may read the submitting org.
    pub async fn evidence_file(&self, id: i64) -> Result<(EvidenceFile, Vec<u8>), StoreError> {
        self.check(Action::RecordRead, None)?;
        let (e, org) = submissions::evidence_by_id(&self.store.db, id).await?.ok_or(DomainError::NotFound)?;
        self.org_in_scope(Action::RecordRead, org).await?;
        let dir = self.store.files_dir.as_deref().ok_or(DomainError::NotFound)?;
        let bytes = std::fs::read(dir.join(&e.sha256))?;
        Ok((e, bytes))
    }
}
