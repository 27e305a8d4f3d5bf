//! `kaohe assess`: the year's scores of the orgs an org assesses, as a ranked table or JSON;
//! `--publish` freezes them as the next version and prints what changed since the last.

use crate::eval_cmd::display_width;
use anyhow::anyhow;
use kaohe_domain::scoring::{Assessment, OrgResult, show_points};
use kaohe_domain::{Actor, OrgKind};
use kaohe_store::Store;

/// Output formats.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum Format {
    Table,
    Json,
}

fn pad(s: &str, width: usize) -> String {
    format!("{s}{}", " ".repeat(width.saturating_sub(display_width(s))))
}

fn flags(r: &OrgResult) -> String {
    let mut f = Vec::new();
    if r.vetoed {
        f.push("一票否决");
    } else if r.no_award {
        f.push("不予评先");
    }
    f.join(" ")
}

/// The ranked table, departments and federations apart.
pub fn table(a: &Assessment, tie_rule: &str) -> String {
    let mut out = format!("{}年度目标考核结果(考核办法 {})\n", a.year, a.rulebook_version);
    let name_w = a.results.iter().map(|r| display_width(&r.org.name)).max().unwrap_or(4).max(4);
    for kind in [OrgKind::Department, OrgKind::Federation, OrgKind::Grassroots, OrgKind::Other] {
        let mut rows: Vec<&OrgResult> = a.results.iter().filter(|r| r.org.kind == kind).collect();
        if rows.is_empty() {
            continue;
        }
        rows.sort_by(|x, y| x.rank.cmp(&y.rank).then(x.org.code.cmp(&y.org.code)));
        out.push_str(&format!(
            "\n{}\n{}  {}  {:>8}  {:>6}  {:>6}  {:>8}  {}\n",
            kind.label_zh(),
            pad("名次", 6),
            pad("单位", name_w),
            "目标得分",
            "加分",
            "扣分",
            "总分",
            "等次"
        ));
        for r in rows {
            out.push_str(&format!(
                "{}  {}  {:>12}  {:>8}  {:>8}  {:>10}  {} {}\n",
                pad(&format!("{}/{}", r.rank, r.peers), 6),
                pad(&r.org.name, name_w),
                show_points(r.base),
                show_points(r.bonus),
                show_points(r.deduction),
                show_points(r.total),
                r.grade_zh,
                flags(r)
            ));
        }
    }
    out.push_str(&format!("\n名次规则:{tie_rule}\n"));
    for w in &a.warnings {
        out.push_str(&format!("注意:{w}\n"));
    }
    out
}

/// `kaohe assess`.
pub async fn run(store: &Store, year: i32, org: Option<&str>, publish: bool, format: Format) -> anyhow::Result<()> {
    let op = store.scoped(Actor::Operator);
    let org = match org {
        Some(code) => op.org_by_code(code).await.map_err(|_| anyhow!("没有组织 / no org {code:?}"))?,
        None => op.org_children(None, false).await?.into_iter().next().ok_or_else(|| anyhow!("没有组织 / no orgs"))?,
    };
    let tie_rule = op.rulebook(year)?.tie_break.describe(false);
    let assessment = if publish {
        let (p, changes) = op.publish_assessment(year, org.id).await?;
        let (_, a) = op.published_assessment(year, org.id, p.version).await?;
        eprintln!("已发布 {} {}年考核结果第{}版(摘要 {})", org.name, year, p.version, &p.digest[..12]);
        if p.version > 1 && changes.is_empty() {
            eprintln!("与第{}版相比没有变化 / no change since version {}", p.version - 1, p.version - 1);
        }
        for c in &changes {
            let t = |v: Option<i64>| v.map_or("—".to_owned(), show_points);
            eprintln!(
                "  变化:{} 总分 {} → {},等次 {} → {},名次 {} → {}",
                c.name,
                t(c.total.0),
                t(c.total.1),
                c.grade.0.as_deref().unwrap_or("—"),
                c.grade.1.as_deref().unwrap_or("—"),
                c.rank.0.map_or("—".into(), |r| r.to_string()),
                c.rank.1.map_or("—".into(), |r| r.to_string())
            );
            // Changes to the org itself, which its assessor relies on.
            if let Some(old) = &c.renamed_from {
                eprintln!("    原名“{old}”");
            }
            if let Some((was, is)) = c.kind {
                eprintln!("    类型 {} → {}", was.label_zh(), is.label_zh());
            }
            if c.moved {
                eprintln!("    上级组织已变更");
            }
        }
        a
    } else {
        op.assess(year, org.id).await?
    };
    match format {
        Format::Table => print!("{}", table(&assessment, tie_rule)),
        Format::Json => println!("{}", serde_json::to_string_pretty(&assessment)?),
    }
    Ok(())
}
