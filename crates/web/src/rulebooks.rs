//! What the 考核办法 editor page and `/api/v1/rulebooks` share: a year's rulebook text in force
//! (the federation's own, else the built-in pack's), a new year's draft started from another
//! year's or from the built-in model, and publishing with the differences from what was in force.

use kaohe_domain::DomainError;
use kaohe_domain::pack::carry_rulebook;
use kaohe_domain::scoring::{Revision, revisions};
use kaohe_store::{LayerItem, Scoped, StoreError};

/// Where a year's rulebook sits in a pack folder.
pub fn path(year: i32) -> String {
    format!("rulebooks/{year}.toml")
}

/// The built-in pack's rulebook files: (year, text), by year.
fn built_in() -> Vec<(i32, String)> {
    kaohe_packs::trade_union_files()
        .into_iter()
        .filter_map(|(p, t)| {
            let y = p.strip_prefix("rulebooks/")?.strip_suffix(".toml")?.parse().ok()?;
            Some((y, t))
        })
        .collect()
}

/// The text of the year's rulebook in force, and whether it is the federation's own.
pub fn text_in_force(s: &Scoped<'_>, year: i32) -> Result<Option<(String, bool)>, StoreError> {
    if let Some((_, t)) = s.layer_files()?.get(&path(year)) {
        return Ok(Some((t.clone(), true)));
    }
    Ok(built_in().into_iter().find(|(y, _)| *y == year).map(|(_, t)| (t, false)))
}

/// The text a 考核办 edits for `year`: the draft if there is one, else the rulebook in force.
pub async fn editing_text(s: &Scoped<'_>, year: i32) -> Result<Option<String>, StoreError> {
    if let Some(d) = s.layer_draft(&path(year)).await? {
        return Ok(Some(d.body));
    }
    Ok(text_in_force(s, year)?.map(|(t, _)| t))
}

/// The years with a rulebook in force, with whether it is the federation's own.
pub fn years(s: &Scoped<'_>) -> Result<Vec<(i32, bool)>, StoreError> {
    let own = s.layer_files()?;
    Ok(s.layer_parts().rulebooks.iter().map(|b| (b.year, own.contains_key(&path(b.year)))).collect())
}

/// A draft for `year` carried from the rulebook of `from` (default: the latest year before
/// `year` with one; with none, the built-in model — the newest built-in rulebook). Started from
/// the model, its title names `federation` (the model's is the demo city's).
pub fn start_text(s: &Scoped<'_>, year: i32, from: Option<i32>, federation: &str) -> Result<String, StoreError> {
    let from = match from {
        Some(y) => y,
        None => {
            let before = years(s)?.into_iter().map(|(y, _)| y).filter(|y| *y < year).max();
            match before.or_else(|| built_in().into_iter().map(|(y, _)| y).max()) {
                Some(y) => y,
                None => return Err(DomainError::NotFound.into()),
            }
        }
    };
    let (text, own) = text_in_force(s, from)?.ok_or_else(|| {
        DomainError::invalid("from", format!("没有{from}年的考核办法"), format!("no rulebook for {from}"))
    })?;
    let carried = carry_rulebook(&text, from, year);
    if own {
        return Ok(carried);
    }
    let title = toml_string(&format!("{federation}{year}年度目标管理考核办法"));
    Ok(carried
        .split_inclusive('\n')
        .map(|l| if l.starts_with("title =") { format!("title = {title}\n") } else { l.to_owned() })
        .collect())
}

/// A TOML basic string.
fn toml_string(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Publishes `text` as the year's rulebook; returns the version and how it differs from the
/// rulebook that was in force for the year (empty for a new year).
pub async fn publish(s: &Scoped<'_>, year: i32, text: &str) -> Result<(LayerItem, Vec<Revision>), StoreError> {
    let before = s.layer_parts().rulebook(year).cloned();
    let item = s.publish_layer_file(&path(year), text).await?;
    let after = s.check_layer_file(&path(year), text)?;
    let changes = match (before, after.rulebook(year)) {
        (Some(b), Some(a)) => revisions(&b, a),
        _ => Vec::new(),
    };
    Ok((item, changes))
}
