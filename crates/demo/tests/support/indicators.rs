//! The pack's indicators over the demo city, through the store: every indicator at 衡阳市总工会
//! for 2009 in one pass (and in the all-orgs pass), compared with the plain-SQL recounts, the
//! manifest and the seed's relations; each figure rebuilt from its drill-down's records with
//! plain SQL; and a few figures of one county compared with recounts restricted to it.

use super::{Recount, in_2008, in_2009};
use kaohe_demo::Manifest;
use kaohe_domain::indicator::ast::AggFunc;
use kaohe_domain::indicator::plan::{Agg, Kind, Plan};
use kaohe_domain::indicator::{IndicatorSet, Number, Period};
use kaohe_domain::{Actor, OrgId};
use kaohe_store::{DrillPart, DrillRole};
use kaohe_store::{Scoped, Store};
use std::collections::BTreeMap;
use std::time::Instant;

/// Ids per `IN (…)` list.
const CHUNK: usize = 5000;

fn frac(num: i64, den: i64) -> Number {
    ratio(num, den).expect("a denominator")
}

fn ratio(num: i64, den: i64) -> Option<Number> {
    Number::new(i128::from(num), i128::from(den))
}

/// The figures of one org, by indicator key.
struct Figures<'a> {
    set: &'a IndicatorSet,
    by_key: BTreeMap<&'a str, Option<Number>>,
}

impl Figures<'_> {
    fn v(&self, key: &str) -> Number {
        self.by_key
            .get(key)
            .unwrap_or_else(|| panic!("no indicator {key}"))
            .unwrap_or_else(|| panic!("{key}: no figure"))
    }

    fn shown(&self, key: &str) -> String {
        self.set.get(key).expect("indicator").display(Some(self.v(key)))
    }
}

/// Runs every check; `got` is the plain-SQL recount at HY (money in whole yuan).
pub async fn check(store: &Store, set: &IndicatorSet, m: &Manifest, got: &[(&str, i64)], label: &str) {
    let started = Instant::now();
    let s = store.scoped(Actor::Operator);
    let period = Period::year(2009);
    let hy = s.org_by_code("HY").await.expect("HY").id;
    let all = set.all();
    let plans: Vec<&Plan> = all.iter().map(|i| &i.plan).collect();

    // 1. Every indicator at HY in one call, and in the all-orgs pass.
    let t = Instant::now();
    let at = s.figures(&plans, &period, &[hy]).await.expect("figures at HY");
    let first = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let again = s.figures(&plans, &period, &[hy]).await.expect("figures at HY");
    let warm = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let (orgs, every) = s.figures_everywhere(&plans, &period).await.expect("figures everywhere");
    let everywhere = t.elapsed().as_secs_f64();
    assert_eq!(at, again);
    let pos = orgs.iter().position(|o| *o == hy).expect("HY among every org");
    let mut missing = Vec::new();
    for (i, ind) in all.iter().enumerate() {
        assert_eq!(every[i].len(), orgs.len());
        assert_eq!(every[i][pos], at[i][0], "{}: the all-orgs pass differs at HY", ind.def.key);
        if at[i][0].is_none() {
            missing.push(ind.def.key.as_str());
        }
    }
    assert!(missing.is_empty(), "no figure at HY for {missing:?}");
    let f = Figures { set, by_key: all.iter().zip(&at).map(|(i, v)| (i.def.key.as_str(), v[0])).collect() };

    // 2. Every recounted figure, exactly.
    let mut wrong = Vec::new();
    for (id, value) in got {
        if f.v(id) != Number::int(*value) {
            wrong.push(format!("{id}: indicator {} ≠ recount {value}", f.v(id)));
        }
    }
    assert!(wrong.is_empty(), "indicators differ from the recount:\n{}", wrong.join("\n"));
    assert_eq!(f.v("decisions_conveyed_on_time"), Number::int(m.n("decisions_conveyed_on_time")));
    let (num, den) = m.ratio("appraisal_coverage");
    assert_eq!(f.v("appraisal_coverage"), frac(num, den));
    assert_eq!(f.shown("appraisal_coverage"), "96%");

    // 3. The seed's relations, through the indicators.
    relations(&f, m);
    // The seed's manual figures, as 组织部 and 权益保障部 submitted them.
    for (key, shown) in [
        ("cadre_avg_age_before", "46.3"),
        ("cadre_avg_age_after", "38.9"),
        ("cadre_degree_before", "50%"),
        ("cadre_degree_after", "69%"),
        ("staff_selected", "4"),
        ("congress_satisfaction", "83%"),
    ] {
        assert_eq!(f.shown(key), shown, "{key}");
    }

    // 4. Drill-down: each figure rebuilt from its records.
    let r = Recount::new(store, "HY").await;
    let hy_scope = scope_of(&s, "HY").await;
    let t = Instant::now();
    let mut counts = 0;
    for (i, ind) in all.iter().enumerate() {
        let key = ind.def.key.as_str();
        if ind.plan.manual_key().is_some() {
            // No records behind a manual figure: it is the approved submission's value.
            assert_eq!(at[i][0], Some(super::approved_value(store, key).await), "{key}: as approved");
            continue;
        }
        let parts = drilled(&s, &r, &ind.plan, &period, (hy, &hy_scope), key).await;
        let values: Vec<Option<Number>> = parts.iter().map(|p| p.1).collect();
        assert_eq!(rebuild(&ind.plan, &mut values.into_iter()), at[i][0], "{key}: rebuilt from its drill-down");
        if single_agg(&ind.plan).is_some_and(|a| a.func == AggFunc::Count) {
            assert_eq!(Some(Number::int(parts[0].0.record_ids.len() as i64)), at[i][0], "{key}: drilled records");
            counts += 1;
        }
        // A rate's or growth's parts are the figures it refers to (the year before's: the manifest's).
        let referred = |p: &Plan| match p {
            Plan::Ref(k, inner) if single_agg(inner).is_some() => Some(k.clone()),
            _ => None,
        };
        match &ind.plan {
            Plan::Ratio(a, b) => {
                for (side, which) in [(a, DrillRole::Numerator), (b, DrillRole::Denominator)] {
                    if let Some(k) = referred(side) {
                        assert_eq!(role(&parts, &[which]).1, Some(f.v(&k)), "{key}: {which:?} is {k}");
                    }
                }
            }
            Plan::Growth(x) => {
                let k = referred(x).expect("growth of an indicator");
                assert_eq!(role(&parts, &[]).1, Some(f.v(&k)), "{key}: this year's {k}");
                let before = role(&parts, &[DrillRole::PreviousPeriod]).1;
                assert_eq!(before, Some(Number::int(m.prev(&k))), "{key}: 2008's {k} as the manifest says");
            }
            _ => {}
        }
        match key {
            "congress_private_rate" => {
                let n = role(&parts, &[DrillRole::Numerator]).0.record_ids.len() as i64;
                let d = role(&parts, &[DrillRole::Denominator]).0.record_ids.len() as i64;
                assert_eq!((Number::int(n), Number::int(d)), (f.v("congress_private_units"), f.v("above_scale_units")));
                assert_eq!((n, d), (520, 716));
            }
            "legal_certs_growth" => {
                let before = &role(&parts, &[DrillRole::PreviousPeriod]).0;
                assert_eq!((before.record_ids.len(), before.period), (243, Period::year(2008)));
                assert_eq!(role(&parts, &[]).0.record_ids.len() as i64, m.n("legal_certs_issued"));
            }
            "women_contracts" => {
                let ids = &parts[0].0.record_ids;
                let mut sum = 0;
                for list in in_lists(ids) {
                    sum += r
                        .one(&format!("SELECT CAST(SUM(f_covered_units) AS BIGINT) FROM r_contracts t WHERE {list}"))
                        .await;
                }
                assert_eq!(Number::int(sum), f.v("women_contracts"));
                assert!((ids.len() as i64) < sum, "regional and industry contracts cover several units");
            }
            _ => {}
        }
    }
    assert!(counts >= 30, "{counts} single-count indicators");
    let drill_time = t.elapsed().as_secs_f64();

    // 5. One county: its figures are its own records only.
    county(store, &s, set, &period, &orgs, &every, &f).await;

    eprintln!(
        "{label}: {} indicators at HY: snapshot load + evaluation {first:.2} s, warm {:.0} ms, all {} orgs {:.0} ms; \
         {} drill-downs rebuilt in {drill_time:.1} s ({counts} single counts); whole check {:.1} s",
        all.len(),
        warm * 1000.0,
        orgs.len(),
        everywhere * 1000.0,
        all.len(),
        started.elapsed().as_secs_f64(),
    );
}

fn relations(f: &Figures, m: &Manifest) {
    let v = |k: &str| f.v(k);
    let sum = |ks: &[&str]| ks.iter().fold(Number::ZERO, |a, k| a.checked_add(v(k)).expect("no overflow"));
    assert_eq!(
        v("women_contracts"),
        sum(&["women_contracts_independent", "women_contracts_regional_units", "women_contracts_industry_units"])
    );
    assert_eq!(v("restructured"), sum(&["restructured_state", "restructured_collective"]));
    assert_eq!(v("pairing_staff"), sum(&["pairing_city_staff", "pairing_county_staff"]));
    assert_eq!(v("pairing_county_teams"), v("pairing_county_enterprises"));

    // Growth over 2008.
    let issued = m.n("legal_certs_issued");
    assert_eq!((issued, m.prev("legal_certs_issued")), (348, 243));
    assert_eq!(v("legal_certs_growth"), frac(348 - 243, 243));
    assert_eq!(f.shown("legal_certs_growth"), "43%");
    for (growth, of) in
        [("insurance_participants_growth", "insurance_participants"), ("insurance_premium_growth", "insurance_premium")]
    {
        assert_eq!(v(growth), frac(m.n(of) - m.prev(of), m.prev(of)), "{growth}");
        assert_eq!(f.shown(growth), "10%", "{growth}");
    }
    assert_eq!(v("insurance_participants_growth"), frac(1, 10), "exactly 10%");

    // Rates.
    let rate = v("congress_private_units").checked_div(v("above_scale_units"));
    assert_eq!(Some(v("congress_private_rate")), rate);
    assert_eq!(v("congress_private_rate"), frac(m.n("congress_private_units"), m.n("above_scale_units")));
    assert_eq!(f.shown("congress_private_rate"), "72.6%");
    assert_eq!(v("fair_intention_rate"), frac(m.n("fair_intentions"), m.n("fair_seekers")));
    assert_eq!(f.shown("fair_intention_rate"), "21%");
    assert_eq!(v("congress_public_base"), Number::int(m.s("congress_public_base")));
    assert_eq!(v("decisions_received"), Number::int(m.s("decisions_total")));
    assert_eq!(v("reports_on_time"), Number::int(m.s("reports_on_time")));
    assert_eq!(v("investment_arrived"), Number::int(m.s("investment_arrived")));
    assert_eq!(v("restructured_via_congress"), Number::int(m.s("restructured_via_congress")));
    for k in [
        "decisions_on_time_rate",
        "reports_on_time_rate",
        "congress_public_rate",
        "investment_arrival_rate",
        "restructured_via_congress_rate",
        "advice_forms_return_rate",
    ] {
        assert_eq!(v(k), Number::int(1), "{k} is 100%");
        assert_eq!(f.shown(k), "100%", "{k}");
    }

    // Pairing.
    assert_eq!(v("pairing_city_enterprises"), Number::int(m.s("pairing_city_enterprises")));
    assert_eq!(v("pairing_city_state_enterprises"), Number::int(m.s("pairing_city_state_enterprises")));
    assert_eq!(v("pairing_city_private_enterprises"), Number::int(24));
    assert_eq!(v("pairing_years_running"), Number::int(m.s("pairing_rank_years")));
}

/// The subtree of the org with `code`, as a condition on its org `o`.
async fn scope_of(s: &Scoped<'_>, code: &str) -> String {
    let path = s.org_by_code(code).await.expect("org").path;
    format!("o.path >= '{}' AND o.path < '{}'", path.as_str(), path.successor())
}

/// The aggregate a plan is, through references.
fn single_agg(p: &Plan) -> Option<&Agg> {
    match p {
        Plan::Agg(a) => Some(a),
        Plan::Ref(_, p) => single_agg(p),
        _ => None,
    }
}

/// The part with these roles, and its value.
fn role<'a>(parts: &'a [(DrillPart, Option<Number>)], roles: &[DrillRole]) -> &'a (DrillPart, Option<Number>) {
    let mut it = parts.iter().filter(|p| p.0.roles == roles);
    let part = it.next().unwrap_or_else(|| panic!("no part {roles:?}"));
    assert!(it.next().is_none(), "one part {roles:?}");
    part
}

fn in_lists(ids: &[i64]) -> impl Iterator<Item = String> + '_ {
    ids.chunks(CHUNK).map(|c| format!("t.id IN ({})", c.iter().map(i64::to_string).collect::<Vec<_>>().join(",")))
}

/// The drill-down of a figure, each part with its value recounted in plain SQL over its records
/// (which must be live, in the scope, and each once).
async fn drilled(
    s: &Scoped<'_>,
    r: &Recount<'_>,
    plan: &Plan,
    period: &Period,
    at: (OrgId, &str),
    key: &str,
) -> Vec<(DrillPart, Option<Number>)> {
    let (org, scope) = at;
    let d = s.drill(plan, period, org).await.expect("drill");
    let mut aggs = Vec::new();
    plan.visit_aggs(&mut |a, back| aggs.push((a, back)));
    assert_eq!(aggs.len(), d.parts.len(), "{key}: one part per aggregate");
    let mut out = Vec::new();
    for ((a, back), part) in aggs.into_iter().zip(d.parts) {
        assert_eq!(part.registry, a.registry, "{key}");
        assert_eq!(part.func, a.func, "{key}");
        assert_eq!(part.field.as_deref(), a.field.as_ref().map(|f| f.key.as_str()), "{key}");
        let expected = (0..back).fold(*period, |p, _| p.previous());
        assert_eq!(part.period, expected, "{key}");
        let ids = &part.record_ids;
        let mut distinct = ids.clone();
        distinct.sort_unstable();
        distinct.dedup();
        assert_eq!(distinct.len(), ids.len(), "{key}: a record counted twice");
        let (mut live, mut total, mut ext) = (0, 0, None::<i64>);
        let field = a.field.as_ref().map(|f| f.key.as_str());
        // The scope is tested in the select list, so that both engines look the records up by id.
        let over = |what: String, list: String| {
            let sql = format!(
                "SELECT CAST({what} AS BIGINT) FROM r_{} t JOIN orgs o ON o.id = t.org_id \
                 WHERE t.deleted_at IS NULL AND {list}",
                a.registry
            );
            async move { r.one(&sql).await }
        };
        for list in in_lists(ids) {
            live += over(format!("COALESCE(SUM(CASE WHEN {scope} THEN 1 ELSE 0 END), 0)"), list.clone()).await;
            let Some(fk) = field else { continue };
            total += over(format!("COALESCE(SUM(t.f_{fk}), 0)"), list.clone()).await;
            if matches!(a.func, AggFunc::Min | AggFunc::Max) {
                let agg = if a.func == AggFunc::Min { "MIN" } else { "MAX" };
                let x = over(format!("{agg}(t.f_{fk})"), list).await;
                ext = Some(ext.map_or(x, |e| if a.func == AggFunc::Min { e.min(x) } else { e.max(x) }));
            }
        }
        assert_eq!(live, ids.len() as i64, "{key}: drilled {} records are live and in the scope", a.registry);
        let scale = match a.field.as_ref().map(|f| f.kind) {
            Some(Kind::Num(s)) => s,
            _ => 0,
        };
        let n = ids.len() as i64;
        let value = match a.func {
            AggFunc::Count => Some(Number::int(n)),
            AggFunc::Sum => Some(Number::fixed(total.into(), scale)),
            AggFunc::Avg => Number::fixed(total.into(), scale).checked_div(Number::int(n)),
            AggFunc::Min | AggFunc::Max => ext.map(|x| Number::fixed(x.into(), scale)),
        };
        out.push((part, value));
    }
    out
}

/// A figure from its aggregates' values, in the drill-down's order.
fn rebuild(p: &Plan, values: &mut impl Iterator<Item = Option<Number>>) -> Option<Number> {
    use kaohe_domain::indicator::ast::ArithOp;
    match p {
        Plan::Agg(_) => values.next().expect("a part per aggregate"),
        Plan::Const(n) => Some(*n),
        Plan::Manual(_) => None,
        Plan::Ref(_, p) => rebuild(p, values),
        Plan::Neg(a) => {
            let a = rebuild(a, values);
            Number::ZERO.checked_sub(a?)
        }
        Plan::Ratio(a, b) => {
            let (a, b) = (rebuild(a, values), rebuild(b, values));
            a?.checked_div(b?)
        }
        Plan::Growth(x) => {
            let (now, before) = (rebuild(x, values), rebuild(x, values));
            now?.checked_sub(before?)?.checked_div(before?)
        }
        Plan::Arith(op, a, b) => {
            let (a, b) = (rebuild(a, values)?, rebuild(b, values)?);
            match op {
                ArithOp::Add => a.checked_add(b),
                ArithOp::Sub => a.checked_sub(b),
                ArithOp::Mul => a.checked_mul(b),
                ArithOp::Div => a.checked_div(b),
            }
        }
    }
}

/// A few figures of the first county against recounts restricted to it.
async fn county(
    store: &Store,
    s: &Scoped<'_>,
    set: &IndicatorSet,
    period: &Period,
    orgs: &[OrgId],
    every: &[Vec<Option<Number>>],
    city: &Figures<'_>,
) {
    let code = format!("HY-{}", kaohe_demo::COUNTIES[0].0);
    let org = s.org_by_code(&code).await.expect("county").id;
    let r = Recount::new(store, &code).await;
    let scope = scope_of(s, &code).await;
    let wc = format!("f_kind = '女职工专项' AND {}", in_2009("signed_on"));
    let open = "(f_closed_on IS NULL OR f_closed_on > '2009-12-31')";
    let above = format!("{open} AND f_sector = '企业' AND f_above_scale IS TRUE AND f_ownership = '非公有制'");
    let congress = "f_has_congress IS TRUE AND (f_congress_since IS NULL OR f_congress_since <= '2009-12-31')";
    let certs = r.count("legal_certs", &in_2009("issued_on")).await;
    let certs_2008 = r.count("legal_certs", &in_2008("issued_on")).await;
    let private = r.count("units", &format!("{above} AND {congress}")).await;
    let above_scale = r.count("units", &above).await;
    let int = |n: i64| Some(Number::int(n));
    let recounts: Vec<(&str, Option<Number>)> = vec![
        ("new_members", int(r.count("members", &in_2009("joined_on")).await)),
        ("legal_certs_issued", int(certs)),
        ("legal_certs_growth", ratio(certs - certs_2008, certs_2008)),
        ("women_contracts", int(r.sum("contracts", "covered_units", &wc).await)),
        ("women_contracts_independent", int(r.count("contracts", &format!("{wc} AND f_scope = '独立'")).await)),
        ("above_scale_units", int(above_scale)),
        ("congress_private_units", int(private)),
        ("congress_private_rate", ratio(private, above_scale)),
        ("pairing_staff", int(r.sum("pairings", "staff", "f_year = 2009").await)),
        (
            "insurance_premium",
            Some(Number::fixed(r.sum("illness_insurance", "premium", "f_policy_year = 2009").await.into(), 2)),
        ),
        (
            "petitions_calls",
            int(r
                .count(
                    "petitions",
                    &format!("f_desk = '信访接待' AND f_channel = '来电' AND {}", in_2009("received_on")),
                )
                .await),
        ),
    ];
    let plans: Vec<&Plan> = recounts.iter().map(|(k, _)| &set.get(k).expect("indicator").plan).collect();
    let figs = s.figures(&plans, period, &[org]).await.expect("county figures");
    let pos = orgs.iter().position(|o| *o == org).expect("the county among every org");
    for ((key, recount), fig) in recounts.iter().zip(&figs) {
        assert_eq!(fig[0], *recount, "{code} {key}: indicator vs recount");
        let i = set.all().iter().position(|x| x.def.key == *key).expect("indicator");
        assert_eq!(every[i][pos], fig[0], "{code} {key}: the all-orgs pass");
        let ind = set.get(key).expect("indicator");
        if ind.additive {
            assert!(fig[0] < Some(city.v(key)), "{code} {key}: less than the city's");
        }
        // Its drill-down holds the county's records only, and adds up to its figure.
        let parts = drilled(s, &r, &ind.plan, period, (org, &scope), key).await;
        let values: Vec<Option<Number>> = parts.iter().map(|p| p.1).collect();
        assert_eq!(rebuild(&ind.plan, &mut values.into_iter()), fig[0], "{code} {key}: rebuilt from its drill-down");
    }
}
