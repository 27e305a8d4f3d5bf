//! Province scale, for benchmarks: 湖南省总工会 with 14 city federations, ~120 county
//! federations, ~2,400 towns, ~100,000 grassroots unions, ~300,000 units and ~10,000,000
//! members. Generated and written in chunks, so memory stays bounded whatever the size; codes
//! are unique by construction (no set of used codes is kept).

use crate::codes::{person_name, resident_id};
use crate::rng::{Rng, ymd};
use crate::writer::{CHUNK, Row, write};
use anyhow::bail;
use chrono::Days;
use kaohe_domain::record::Values;
use kaohe_domain::{OrgId, OrgKind, OrgPath};
use kaohe_store::{BulkOrg, Store};

/// The province's cities: (name, region code prefix).
/// The last day the province's records reach (the demo city's data ends with 2010 too).
const DATA_END: chrono::NaiveDate = match chrono::NaiveDate::from_ymd_opt(2010, 12, 31) {
    Some(d) => d,
    None => panic!("a valid date"),
};

const CITIES: [(&str, u32); 14] = [
    ("长沙市", 4301),
    ("株洲市", 4302),
    ("湘潭市", 4303),
    ("衡阳市", 4304),
    ("邵阳市", 4305),
    ("岳阳市", 4306),
    ("常德市", 4307),
    ("张家界市", 4308),
    ("益阳市", 4309),
    ("郴州市", 4310),
    ("永州市", 4311),
    ("怀化市", 4312),
    ("娄底市", 4313),
    ("湘西州", 4331),
];

/// How big the province is.
#[derive(Debug, Clone, Copy)]
pub struct Plan {
    pub counties_per_city: usize,
    pub towns_per_county: usize,
    pub grassroots: usize,
    pub units_per_union: usize,
    pub members: usize,
}

impl Default for Plan {
    fn default() -> Self {
        Self {
            counties_per_city: 9,
            towns_per_county: 20,
            grassroots: 100_000,
            units_per_union: 3,
            members: 10_000_000,
        }
    }
}

impl Plan {
    /// Orgs plus records written.
    pub fn rows(&self) -> u64 {
        (self.orgs() + self.grassroots * self.units_per_union + self.members) as u64
    }

    fn counties(&self) -> usize {
        CITIES.len() * self.counties_per_city
    }

    fn orgs(&self) -> usize {
        1 + CITIES.len() + self.counties() * (1 + self.towns_per_county) + self.grassroots
    }
}

/// A county's region code (synthetic below the city's real prefix).
fn region(county: usize, per_city: usize) -> u32 {
    CITIES[county / per_city].1 * 100 + 2 + (county % per_city) as u32
}

/// The GB 32100 code of the `n`-th unit (its organisation code is `n`, so codes never repeat).
fn credit_code(n: usize, region: u32) -> String {
    const CHARS: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
    const W: [u32; 17] = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
    const OW: [u32; 8] = [3, 7, 9, 10, 5, 8, 4, 2];
    let org = format!("{:08}", n % 100_000_000);
    let oc = match 11 - org.bytes().zip(OW).map(|(b, w)| u32::from(b - b'0') * w).sum::<u32>() % 11 {
        10 => 'X',
        11 => '0',
        c => char::from(b'0' + c as u8),
    };
    let body = format!("91{region:06}{org}{oc}");
    let sum: u32 = body.bytes().zip(W).map(|(b, w)| CHARS.iter().position(|c| *c == b).unwrap_or(0) as u32 * w).sum();
    format!("{body}{}", CHARS[((31 - sum % 31) % 31) as usize] as char)
}

/// Writes the province into an empty database, reporting (stage, orgs and records so far).
pub async fn load(store: &Store, plan: &Plan, progress: &(dyn Fn(&str, usize) + Sync)) -> anyhow::Result<()> {
    if !store.is_empty().await? {
        bail!("数据库不是空的,未载入省级规模数据 / the database is not empty; nothing was loaded");
    }
    let mut rng = Rng::stream("province");
    let opened = ymd(1990, 1, 1);
    let mut next = 1i64;
    let mut id = || {
        let i = OrgId(next);
        next += 1;
        i
    };
    // The upper tree: province, cities, counties, towns.
    let root_id = id();
    let root = OrgPath::root(root_id);
    let mut rows = vec![BulkOrg {
        id: root_id,
        parent: None,
        path: root.clone(),
        code: "HN".into(),
        name: "湖南省总工会".into(),
        kind: OrgKind::Federation,
        sort_key: 0,
    }];
    let mut towns: Vec<(OrgId, OrgPath, String, usize)> = Vec::new();
    for (c, (city, _)) in CITIES.iter().enumerate() {
        let cid = id();
        let cpath = root.child(cid);
        let ccode = format!("HN-{:02}", c + 1);
        rows.push(BulkOrg {
            id: cid,
            parent: Some(root_id),
            path: cpath.clone(),
            code: ccode.clone(),
            name: format!("{city}总工会"),
            kind: OrgKind::Federation,
            sort_key: c as i32,
        });
        for k in 0..plan.counties_per_city {
            let kid = id();
            let kpath = cpath.child(kid);
            let kcode = format!("{ccode}-{:02}", k + 1);
            let county = c * plan.counties_per_city + k;
            rows.push(BulkOrg {
                id: kid,
                parent: Some(cid),
                path: kpath.clone(),
                code: kcode.clone(),
                name: format!("{city}第{}县(市、区)总工会", k + 1),
                kind: OrgKind::Federation,
                sort_key: k as i32,
            });
            for t in 0..plan.towns_per_county {
                let tid = id();
                let tpath = kpath.child(tid);
                let tcode = format!("{kcode}-{:02}", t + 1);
                rows.push(BulkOrg {
                    id: tid,
                    parent: Some(kid),
                    path: tpath.clone(),
                    code: tcode.clone(),
                    name: format!("{city}第{}县第{}镇总工会", k + 1, t + 1),
                    kind: OrgKind::Other,
                    sort_key: t as i32,
                });
                towns.push((tid, tpath, tcode, county));
            }
        }
    }
    let done = std::sync::atomic::AtomicUsize::new(rows.len());
    store.bulk_insert_orgs(opened, &rows).await?;
    progress("组织 / orgs", rows.len());
    // Grassroots unions, spread evenly over the towns, in chunks.
    let mut unions: Vec<(String, usize)> = Vec::with_capacity(plan.grassroots);
    let mut chunk = Vec::with_capacity(10_000);
    for g in 0..plan.grassroots {
        let (tid, tpath, tcode, county) = &towns[g % towns.len()];
        let gid = id();
        let code = format!("{tcode}-{:04}", g / towns.len() + 1);
        chunk.push(BulkOrg {
            id: gid,
            parent: Some(*tid),
            path: tpath.child(gid),
            code: code.clone(),
            name: format!("第{}基层工会", g + 1),
            kind: OrgKind::Grassroots,
            sort_key: g as i32,
        });
        unions.push((code, *county));
        if chunk.len() == 10_000 || g + 1 == plan.grassroots {
            store.bulk_insert_orgs(opened, &chunk).await?;
            let n = done.fetch_add(chunk.len(), std::sync::atomic::Ordering::Relaxed) + chunk.len();
            progress("组织 / orgs", n);
            chunk.clear();
        }
    }
    // Units: a few per union, and their members, unit by unit.
    let n_units = plan.grassroots * plan.units_per_union;
    let per_unit = plan.members / n_units.max(1);
    let extra = plan.members % n_units.max(1);
    store.suspend_sort_indexes("members").await?;
    let mut units: Vec<(String, Values)> = Vec::with_capacity(CHUNK);
    let mut members: Vec<(String, Values)> = Vec::with_capacity(CHUNK + 100);
    let mut in_county = vec![0usize; plan.counties()];
    for u in 0..n_units {
        let (org, county) = &unions[u / plan.units_per_union];
        let reg = region(*county, plan.counties_per_city);
        let name = format!("{}第{}号企业有限公司", CITIES[county / plan.counties_per_city].0, u + 1);
        let credit = credit_code(u, reg);
        let union_on = rng.date(ymd(1990, 1, 1), ymd(2010, 6, 30));
        let row = Row::new()
            .t("name", name.clone())
            .t("credit_code", credit.clone())
            .t("ownership", if u % 7 == 0 { "国有" } else { "非公有制" })
            .t("sector", "企业")
            .b("has_union", true)
            .d("union_established_on", union_on)
            .t("union_name", format!("{name}工会"))
            .i("employees", (per_unit as i64 * 11 / 10).max(1));
        units.push((org.clone(), row.0));
        let count = per_unit + usize::from(u < extra);
        for _ in 0..count {
            // Unique by construction: the county's j-th person gets a birth day and sequence from j.
            let j = in_county[*county];
            in_county[*county] += 1;
            let female = j.is_multiple_of(2);
            let birth = ymd(1950, 1, 1) + Days::new(((j / 2) * 7919 % 15_000) as u64);
            let seq = ((j / 2) / 15_000 % 500) as u32 * 2 + u32::from(!female);
            // Joined once the union existed and the member was of working age, by the data's end.
            let start = union_on.max(birth + Days::new(18 * 365));
            let joined = (start + Days::new(rng.range(0, 3000) as u64)).min(DATA_END);
            let mut r = Row::new()
                .t("name", person_name(&mut rng, female))
                .t("id_number", resident_id(reg, birth, seq))
                .t("unit_name", name.clone())
                .t("unit_credit_code", credit.clone())
                .t("category", "职工")
                .d("joined_on", joined);
            if rng.chance(0.03) {
                let left = (joined + Days::new(rng.range(30, 2000) as u64)).min(DATA_END);
                r = r.d("left_on", left).t("left_reason", "转出");
            }
            members.push((org.clone(), r.0));
        }
        if units.len() >= CHUNK || u + 1 == n_units {
            write(store, "units", std::mem::take(&mut units), &done, progress).await?;
        }
        if members.len() >= CHUNK || u + 1 == n_units {
            write(store, "members", std::mem::take(&mut members), &done, progress).await?;
        }
    }
    store.restore_sort_indexes("members").await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_valid_and_distinct() {
        let a = credit_code(1, 430102);
        kaohe_domain::values::CreditCode::parse(&a).expect("valid");
        assert_ne!(a, credit_code(2, 430102));
        let plan = Plan::default();
        assert_eq!(plan.orgs(), 1 + 14 + 126 * 21 + 100_000);
    }
}
