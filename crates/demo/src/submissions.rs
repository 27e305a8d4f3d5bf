//! The demo's 2009 submissions, made, submitted and approved in January 2010 as the seed's
//! departments would have: 组织部's cadre figures (the seed's 46.3 → 38.9 岁, 50% → 69%, 4 staff
//! openly selected) and 权益保障部's congress survey (80%以上 → 83%), each with its narrative,
//! and every county's annual summary.

use chrono::{TimeZone, Utc};
use kaohe_domain::indicator::Number;
use kaohe_domain::submission::Step;
use kaohe_domain::{Actor, FixedClock, OrgKind};
use kaohe_store::Store;
use std::collections::BTreeMap;
use std::sync::Arc;

fn frac(num: i128, den: i128) -> Number {
    Number::new(num, den).unwrap_or(Number::ZERO)
}

/// Writes and approves the submissions (needs the pack's rulebooks).
pub async fn write(store: &Store) -> anyhow::Result<()> {
    let submitted = store.with_clock(Arc::new(FixedClock::new(Utc.with_ymd_and_hms(2010, 1, 8, 9, 30, 0).unwrap())));
    let reviewed = store.with_clock(Arc::new(FixedClock::new(Utc.with_ymd_and_hms(2010, 1, 12, 15, 0, 0).unwrap())));
    let (op, rv) = (submitted.scoped(Actor::Operator), reviewed.scoped(Actor::Operator));
    let city = op.org_by_code(crate::orgs::CITY).await?;
    let mut plan: Vec<(kaohe_domain::OrgId, &str, BTreeMap<String, Number>, String)> = Vec::new();
    for o in op.assessees(2009, city.id).await? {
        let mut add = |request: &'static str, values: &[(&str, Number)], narrative: String| {
            plan.push((o.id, request, values.iter().map(|(k, v)| ((*k).to_owned(), *v)).collect(), narrative));
        };
        match o.name.as_str() {
            "组织部" => add(
                "cadre_stats",
                &[
                    ("cadre_avg_age_before", frac(463, 10)),
                    ("cadre_avg_age_after", frac(389, 10)),
                    ("cadre_degree_before", frac(50, 100)),
                    ("cadre_degree_after", frac(69, 100)),
                    ("staff_selected", Number::int(4)),
                ],
                "今年3月份对机关各部室进行了调整,采取中层干部竞争上岗和一般干部双向选择的方式,中层干部平均年龄明显下降,学历结构得到优化;公开选调机关工作人员4名已全部到位。".into(),
            ),
            "权益保障部" => add(
                "congress_survey",
                &[("congress_satisfaction", frac(83, 100))],
                "组织职工代表对厂务公开、职代会工作进行民主测评,满意和基本满意率达80%以上。".into(),
            ),
            _ => {}
        }
        if o.kind == OrgKind::Federation || o.kind == OrgKind::Department {
            add("annual_summary", &[], format!("{}2009年度目标管理工作总结:各项目标任务全面完成。", o.name));
        }
    }
    for (org, request, values, narrative) in plan {
        op.save_submission(2009, org, request, values, &narrative).await?;
        op.submit(2009, org, request).await?;
        rv.review(2009, org, request, Step::Approve).await?;
    }
    Ok(())
}
