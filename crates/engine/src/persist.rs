//! A table written to and read back from bytes, so a large snapshot can start from a file
//! instead of the database (the store checks the file against the database before using it).
//! Format: a magic line, then little-endian lengths and arrays; any mismatch is an error.

use crate::column::{Codes, Column, Table};
use std::collections::BTreeMap;
use std::io::{self, Read, Write};

const MAGIC: &[u8; 8] = b"KHTABLE1";

fn put_u64(w: &mut impl Write, v: u64) -> io::Result<()> {
    w.write_all(&v.to_le_bytes())
}

fn get_u64(r: &mut impl Read) -> io::Result<u64> {
    let mut b = [0u8; 8];
    r.read_exact(&mut b)?;
    Ok(u64::from_le_bytes(b))
}

fn put_bytes(w: &mut impl Write, b: &[u8]) -> io::Result<()> {
    put_u64(w, b.len() as u64)?;
    w.write_all(b)
}

/// Reads a length written by [`put_u64`], refusing one larger than `max` (a damaged file).
fn get_len(r: &mut impl Read, max: u64) -> io::Result<usize> {
    let n = get_u64(r)?;
    if n > max {
        return Err(io::Error::new(io::ErrorKind::InvalidData, "length out of range"));
    }
    Ok(n as usize)
}

fn get_bytes(r: &mut impl Read) -> io::Result<Vec<u8>> {
    let n = get_len(r, 1 << 36)?;
    let mut b = vec![0u8; n];
    r.read_exact(&mut b)?;
    Ok(b)
}

macro_rules! numbers {
    ($put:ident, $get:ident, $t:ty, $n:expr) => {
        fn $put(w: &mut impl Write, v: &[$t]) -> io::Result<()> {
            put_u64(w, v.len() as u64)?;
            for x in v {
                w.write_all(&x.to_le_bytes())?;
            }
            Ok(())
        }

        fn $get(r: &mut impl Read) -> io::Result<Vec<$t>> {
            let n = get_len(r, 1 << 34)?;
            let mut raw = vec![0u8; n * $n];
            r.read_exact(&mut raw)?;
            Ok(raw.chunks_exact($n).map(|c| <$t>::from_le_bytes(c.try_into().unwrap_or([0; $n]))).collect())
        }
    };
}

numbers!(put_i64s, get_i64s, i64, 8);
numbers!(put_i32s, get_i32s, i32, 4);
numbers!(put_u32s, get_u32s, u32, 4);

fn text(b: Vec<u8>) -> io::Result<String> {
    String::from_utf8(b).map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))
}

impl Table {
    /// Writes the table.
    pub fn write_to(&self, w: &mut impl Write) -> io::Result<()> {
        w.write_all(MAGIC)?;
        put_i64s(w, &self.ids)?;
        put_u32s(w, &self.orgs)?;
        put_u32s(w, &self.starts)?;
        put_u64(w, self.dropped as u64)?;
        put_u64(w, self.columns.len() as u64)?;
        for (k, c) in &self.columns {
            put_bytes(w, k.as_bytes())?;
            match c {
                Column::Int(v) => {
                    w.write_all(b"i")?;
                    put_i64s(w, v)?;
                }
                Column::Date(v) => {
                    w.write_all(b"d")?;
                    put_i32s(w, v)?;
                }
                Column::Bool(v) => {
                    w.write_all(b"b")?;
                    put_bytes(w, v)?;
                }
                Column::Text { codes, dict } => {
                    match codes {
                        Codes::Small(v) => {
                            w.write_all(b"s")?;
                            put_bytes(w, v)?;
                        }
                        Codes::Wide(v) => {
                            w.write_all(b"t")?;
                            put_u32s(w, v)?;
                        }
                    }
                    put_u64(w, dict.len() as u64)?;
                    for s in dict {
                        put_bytes(w, s.as_bytes())?;
                    }
                }
            }
        }
        Ok(())
    }

    /// Reads a table written by [`Table::write_to`], checking its shape.
    pub fn read_from(r: &mut impl Read) -> io::Result<Table> {
        let bad = |m: &str| io::Error::new(io::ErrorKind::InvalidData, m.to_owned());
        let mut magic = [0u8; 8];
        r.read_exact(&mut magic)?;
        if &magic != MAGIC {
            return Err(bad("not a kaohe table"));
        }
        let ids = get_i64s(r)?;
        let orgs = get_u32s(r)?;
        let starts = get_u32s(r)?;
        let dropped = get_len(r, u64::MAX)?;
        let n = get_len(r, 4096)?;
        let mut columns = BTreeMap::new();
        for _ in 0..n {
            let key = text(get_bytes(r)?)?;
            let mut kind = [0u8; 1];
            r.read_exact(&mut kind)?;
            let col = match &kind {
                b"i" => Column::Int(get_i64s(r)?),
                b"d" => Column::Date(get_i32s(r)?),
                b"b" => Column::Bool(get_bytes(r)?),
                b"t" | b"s" => {
                    let codes = if &kind == b"s" { Codes::Small(get_bytes(r)?) } else { Codes::Wide(get_u32s(r)?) };
                    let words = get_len(r, 1 << 32)?;
                    let dict = (0..words).map(|_| text(get_bytes(r)?)).collect::<io::Result<Vec<_>>>()?;
                    Column::Text { codes, dict }
                }
                _ => return Err(bad("unknown column kind")),
            };
            let len = match &col {
                Column::Int(v) => v.len(),
                Column::Date(v) => v.len(),
                Column::Bool(v) => v.len(),
                Column::Text { codes, .. } => codes.len(),
            };
            if len != ids.len() {
                return Err(bad("column length differs from the row count"));
            }
            columns.insert(key, col);
        }
        let sorted = orgs.windows(2).all(|w| w[0] <= w[1]);
        if orgs.len() != ids.len() || !sorted || starts.last().map(|s| *s as usize) != Some(ids.len()) {
            return Err(bad("rows and org ranges do not agree"));
        }
        Ok(Table { ids, orgs, starts, columns, dropped })
    }
}

#[cfg(test)]
mod tests {
    use crate::{ColumnKind, OrgTree, TableBuilder};
    use kaohe_domain::ids::OrgId;
    use kaohe_domain::record::Value;

    #[test]
    fn a_table_reads_back_as_written_and_damage_is_refused() {
        let tree = OrgTree::new(&[(OrgId(1), None), (OrgId(2), Some(OrgId(1)))]);
        let kinds = [("n", ColumnKind::Int), ("d", ColumnKind::Date), ("b", ColumnKind::Bool), ("t", ColumnKind::Text)];
        let mut b = TableBuilder::new(&kinds.map(|(k, c)| (k.to_owned(), c)));
        for i in 0..5i64 {
            b.row(i + 1, OrgId(2 - i % 2));
            b.push(0, &if i == 2 { Value::Null } else { Value::Int(i * 10) });
            b.push(1, &Value::Date(chrono::NaiveDate::from_ymd_opt(2009, 1, 1 + i as u32).unwrap()));
            b.push(2, &Value::Bool(i % 2 == 0));
            b.push(3, &Value::Text(["女", "男"][i as usize % 2].to_owned()));
        }
        let t = b.finish(&tree);
        let mut bytes = Vec::new();
        t.write_to(&mut bytes).unwrap();
        let back = crate::Table::read_from(&mut bytes.as_slice()).unwrap();
        let mut again = Vec::new();
        back.write_to(&mut again).unwrap();
        assert_eq!(bytes, again);
        assert_eq!(back.ids(), t.ids());
        for cut in [3, bytes.len() / 2, bytes.len() - 1] {
            assert!(crate::Table::read_from(&mut &bytes[..cut]).is_err(), "truncated at {cut}");
        }
        let mut flipped = bytes.clone();
        flipped[0] ^= 1;
        assert!(crate::Table::read_from(&mut flipped.as_slice()).is_err());
    }
}
