//! The backup file: gzip-compressed JSON lines. A header, then each table (a line naming its
//! columns and their kinds, then one JSON array per row), then the uploaded files, then a trailer
//! with every table's row count and an HMAC-SHA256 of every line before it, keyed from the master
//! key: a truncated file has no trailer, an altered one a wrong MAC.

use super::catalog::Kind;
use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use hmac::{Hmac, Mac};
use sea_orm::QueryResult;
use serde::{Deserialize, Serialize};
use serde_json::Value as Json;
use sha2::Sha256;
use std::collections::BTreeMap;
use std::io::{BufRead, Write};

/// The first line's `format`.
pub(crate) const FORMAT: &str = "kaohe-backup";
/// The format's version; a reader refuses others.
pub(crate) const VERSION: u32 = 1;

/// The first line.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Header {
    pub format: String,
    pub version: u32,
    pub created_at: String,
    /// The engine it was taken from (`sqlite` or `postgres`).
    pub source: String,
    /// The migrations the database had; a restore needs the same.
    pub migrations: Vec<String>,
}

/// A table's first line.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct TableHead {
    pub table: String,
    pub columns: Vec<String>,
    pub kinds: Vec<String>,
}

/// An uploaded file (evidence), named by its SHA-256.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct FileLine {
    pub file: String,
    pub data: String,
}

/// The last line's content.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(crate) struct End {
    pub tables: BTreeMap<String, u64>,
    pub files: u64,
    pub mac: String,
}

#[derive(Serialize, Deserialize)]
struct Trailer {
    end: End,
}

/// The MAC key, derived from the master key (see `AesProtector::backup_key`).
#[derive(Clone)]
pub struct BackupKey(pub(crate) [u8; 32]);

impl std::fmt::Debug for BackupKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("BackupKey(..)")
    }
}

fn mac(key: &BackupKey) -> Hmac<Sha256> {
    // HMAC takes a key of any length.
    <Hmac<Sha256> as Mac>::new_from_slice(&key.0).unwrap_or_else(|_| unreachable!())
}

/// Writes lines, feeding each to the MAC.
pub(crate) struct LineWriter<W: Write> {
    out: W,
    mac: Hmac<Sha256>,
    line: Vec<u8>,
}

impl<W: Write> LineWriter<W> {
    pub fn new(out: W, key: &BackupKey) -> Self {
        Self { out, mac: mac(key), line: Vec::with_capacity(4096) }
    }

    /// Writes one value as a line.
    pub fn line<T: Serialize>(&mut self, value: &T) -> std::io::Result<()> {
        self.line.clear();
        serde_json::to_writer(&mut self.line, value)?;
        self.line.push(b'\n');
        self.mac.update(&self.line);
        self.out.write_all(&self.line)
    }

    /// Writes the trailer and hands back the output.
    pub fn finish(mut self, mut end: End) -> std::io::Result<W> {
        end.mac = hex::encode(self.mac.finalize().into_bytes());
        serde_json::to_writer(&mut self.out, &Trailer { end })?;
        self.out.write_all(b"\n")?;
        Ok(self.out)
    }
}

/// One item read from a backup.
#[derive(Debug)]
pub(crate) enum Item {
    Table(TableHead),
    Row(Vec<Json>),
    File(FileLine),
    End(End),
}

/// Reads a backup's lines in order, checking the MAC when the trailer comes.
pub(crate) struct LineReader<R: BufRead> {
    input: R,
    mac: Hmac<Sha256>,
    buf: Vec<u8>,
    /// The line last read (1-based), for messages.
    pub line_no: u64,
    ended: bool,
}

impl<R: BufRead> LineReader<R> {
    pub fn new(input: R, key: &BackupKey) -> Self {
        Self { input, mac: mac(key), buf: Vec::new(), line_no: 0, ended: false }
    }

    /// Reads the next line, `None` at the end of the input.
    fn raw(&mut self) -> Result<Option<&[u8]>, String> {
        self.buf.clear();
        let n = self.input.read_until(b'\n', &mut self.buf).map_err(|e| {
            format!(
                "备份文件在第{}行之后无法读取(文件被截断或已损坏),未做任何更改 / the backup cannot be read after line {} ({e}: it is truncated or damaged); nothing was changed",
                self.line_no, self.line_no
            )
        })?;
        if n == 0 {
            return Ok(None);
        }
        self.line_no += 1;
        if self.buf.last() != Some(&b'\n') {
            return Err(truncated(self.line_no));
        }
        Ok(Some(&self.buf))
    }

    /// The header line.
    pub fn header(&mut self) -> Result<Header, String> {
        let line = self.raw()?.ok_or_else(|| "备份文件是空的 / the backup file is empty".to_owned())?.to_vec();
        let header: Header = serde_json::from_slice(&line)
            .ok()
            .filter(|h: &Header| h.format == FORMAT)
            .ok_or_else(|| "这不是 kaohe 备份文件 / this is not a kaohe backup file".to_owned())?;
        if header.version != VERSION {
            return Err(format!(
                "备份格式版本 {} 不受支持(本程序读版本 {VERSION}) / backup format version {} is not supported (this kaohe reads {VERSION})",
                header.version, header.version
            ));
        }
        self.mac.update(&line);
        Ok(header)
    }

    /// The next item; the trailer's MAC is checked before it is returned.
    pub fn next_item(&mut self) -> Result<Item, String> {
        if self.ended {
            return Err(format!("第{}行之后还有内容 / data after the end line {}", self.line_no, self.line_no));
        }
        let line_no = self.line_no + 1;
        let line = match self.raw()? {
            Some(l) => l.to_vec(),
            None => return Err(truncated(line_no)),
        };
        let bad = |what: &str| format!("备份文件第{line_no}行格式错误 / backup line {line_no} is malformed: {what}");
        if line.first() == Some(&b'[') {
            self.mac.update(&line);
            return serde_json::from_slice(&line).map(Item::Row).map_err(|e| bad(&e.to_string()));
        }
        let value: Json = serde_json::from_slice(&line).map_err(|e| bad(&e.to_string()))?;
        if let Some(end) = value.get("end") {
            let end: End = serde_json::from_value(end.clone()).map_err(|e| bad(&e.to_string()))?;
            let expected = hex::encode(self.mac.clone().finalize().into_bytes());
            if end.mac != expected {
                return Err("备份文件已被改动,或不是用本系统的主密钥制作的(校验码不符;恢复时须使用原系统的主密钥 \
                     master.key 或 KAOHE_MASTER_KEY),未做任何更改 / the backup has been altered or was not made with this \
                     master key (its MAC does not match; restoring needs the master key of the system it came from, \
                     master.key or KAOHE_MASTER_KEY); nothing was changed"
                    .to_owned());
            }
            self.ended = true;
            // Anything after the trailer is refused by the next call.
            if self.raw()?.is_some() {
                return Err(format!(
                    "备份文件第{}行:结束行之后还有内容 / backup line {}: data after the end line",
                    self.line_no, self.line_no
                ));
            }
            return Ok(Item::End(end));
        }
        self.mac.update(&line);
        if value.get("table").is_some() {
            return serde_json::from_value(value).map(Item::Table).map_err(|e| bad(&e.to_string()));
        }
        if value.get("file").is_some() {
            return serde_json::from_value(value).map(Item::File).map_err(|e| bad(&e.to_string()));
        }
        Err(bad("unknown line"))
    }
}

fn truncated(line: u64) -> String {
    format!(
        "备份文件在第{line}行处中断(文件被截断),未做任何更改 / the backup ends early at line {line} (it is truncated); nothing was changed"
    )
}

/// Reads column `i` of a row as the backup's JSON value.
pub(crate) fn read_value(row: &QueryResult, i: usize, kind: Kind) -> Result<Json, sea_orm::DbErr> {
    Ok(match kind {
        Kind::Int32 => row.try_get_by_index::<Option<i32>>(i)?.map(Json::from).unwrap_or(Json::Null),
        Kind::Int64 => row.try_get_by_index::<Option<i64>>(i)?.map(Json::from).unwrap_or(Json::Null),
        Kind::Bool => row.try_get_by_index::<Option<bool>>(i)?.map(Json::from).unwrap_or(Json::Null),
        Kind::Text => row.try_get_by_index::<Option<String>>(i)?.map(Json::from).unwrap_or(Json::Null),
        Kind::Date => {
            row.try_get_by_index::<Option<NaiveDate>>(i)?.map(|d| Json::from(d.to_string())).unwrap_or(Json::Null)
        }
        Kind::Timestamp => row
            .try_get_by_index::<Option<DateTime<Utc>>>(i)?
            .map(|t| Json::from(t.to_rfc3339_opts(SecondsFormat::Micros, true)))
            .unwrap_or(Json::Null),
        Kind::Real => row.try_get_by_index::<Option<f64>>(i)?.map(Json::from).unwrap_or(Json::Null),
        Kind::Bytes => {
            row.try_get_by_index::<Option<Vec<u8>>>(i)?.map(|b| Json::from(B64.encode(b))).unwrap_or(Json::Null)
        }
    })
}

/// Turns a backup's JSON value into a value to bind into a column of `kind`.
pub(crate) fn bind_value(v: &Json, kind: Kind) -> Result<sea_orm::Value, String> {
    use sea_orm::Value as V;
    let wrong = || format!("{v} is not a {} value", kind.name());
    Ok(match (kind, v) {
        (Kind::Int32, Json::Null) => V::Int(None),
        (Kind::Int64, Json::Null) => V::BigInt(None),
        (Kind::Bool, Json::Null) => V::Bool(None),
        (Kind::Text, Json::Null) => V::String(None),
        (Kind::Date, Json::Null) => Option::<NaiveDate>::None.into(),
        (Kind::Timestamp, Json::Null) => Option::<DateTime<Utc>>::None.into(),
        (Kind::Real, Json::Null) => V::Double(None),
        (Kind::Bytes, Json::Null) => V::Bytes(None),
        (Kind::Int32, Json::Number(n)) => {
            V::Int(Some(n.as_i64().and_then(|x| i32::try_from(x).ok()).ok_or_else(wrong)?))
        }
        (Kind::Int64, Json::Number(n)) => V::BigInt(Some(n.as_i64().ok_or_else(wrong)?)),
        (Kind::Bool, Json::Bool(b)) => V::Bool(Some(*b)),
        (Kind::Text, Json::String(s)) => V::String(Some(s.clone())),
        (Kind::Date, Json::String(s)) => Some(s.parse::<NaiveDate>().map_err(|_| wrong())?).into(),
        (Kind::Timestamp, Json::String(s)) => {
            Some(DateTime::parse_from_rfc3339(s).map_err(|_| wrong())?.with_timezone(&Utc)).into()
        }
        (Kind::Real, Json::Number(n)) => V::Double(Some(n.as_f64().ok_or_else(wrong)?)),
        (Kind::Bytes, Json::String(s)) => V::Bytes(Some(B64.decode(s).map_err(|_| wrong())?)),
        _ => return Err(wrong()),
    })
}
