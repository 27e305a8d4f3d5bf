//! The snapshot's tables kept in files in the data folder, so a restart reads a province's ten
//! million members in seconds instead of querying them again. A file is used only when its stamp
//! — the org tree's version, the registry's change counter and its highest record id — matches
//! the database, and it holds every field asked for; otherwise the table is read from the
//! database and the file rewritten.

use kaohe_engine::Table;
use std::collections::BTreeSet;
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};

/// What a file must match to stand in for the database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Stamp {
    pub org_version: i64,
    pub version: i64,
    pub max_id: i64,
}

fn path(dir: &Path, registry: &str) -> PathBuf {
    dir.join(format!("snapshot-{registry}.bin"))
}

/// The table in the file, if its stamp matches and it holds `needed`.
pub(crate) fn read(dir: &Path, registry: &str, stamp: &Stamp, needed: &BTreeSet<String>) -> Option<Table> {
    let file = std::fs::File::open(path(dir, registry)).ok()?;
    let mut r = BufReader::with_capacity(1 << 20, file);
    let mut head = String::new();
    r.read_line(&mut head).ok()?;
    let mut words = head.trim_end().split(' ');
    if words.next() != Some("KAOHESNAP") {
        return None;
    }
    let mut num = || words.next().and_then(|w| w.parse::<i64>().ok());
    let found = Stamp { org_version: num()?, version: num()?, max_id: num()? };
    if found != *stamp {
        return None;
    }
    let table = Table::read_from(&mut r).ok()?;
    needed.iter().all(|f| table.column(f).is_some()).then_some(table)
}

/// Writes the table's file (through a temporary file, so a crash never leaves half a file; named
/// by the process, so several servers sharing the data folder never write into the same one).
pub(crate) fn write(dir: &Path, registry: &str, stamp: &Stamp, table: &Table) -> std::io::Result<()> {
    let target = path(dir, registry);
    let tmp = target.with_extension(format!("{}.tmp", std::process::id()));
    {
        let mut w = BufWriter::with_capacity(1 << 20, crate::private_files::create(&tmp)?);
        writeln!(w, "KAOHESNAP {} {} {}", stamp.org_version, stamp.version, stamp.max_id)?;
        table.write_to(&mut w)?;
        w.flush()?;
    }
    std::fs::rename(tmp, target)
}
