//! The demo city's units (the `units` registry): enterprises, public institutions, government
//! bodies, villages and associations in every county and town, with the seed's named units at
//! city level. [`build`] lays the population out; [`crate::roles`] then decides who founded a
//! union when, who has a congress or a women's organisation, who restructured or closed, so that
//! the 2009 figures come out exactly as the manifest says.

use crate::codes::{CITY_REGIONS, CreditCodes, REGIONS, landline, name_of};
use crate::members::MemberPlan;
use crate::names::{Names, address};
use crate::orgs::{COUNTIES, COUNTY_WEIGHTS, TOWNS};
use crate::rng::{Rng, split};
use chrono::NaiveDate;

/// What kind of unit, as the generators distinguish them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Cat {
    /// State or collective enterprise (or controlled by the state or a collective).
    PublicEnt,
    /// 教科文卫 public institution.
    Institution,
    /// Non-public enterprise above designated size (output ≥ 500万元).
    AboveScale,
    /// Small non-public enterprise.
    Small,
    /// Government body.
    Government,
    /// Village or community (村级工会).
    Village,
    /// Association or private non-enterprise unit.
    Other,
}

impl Cat {
    /// The registry's sector code.
    pub fn sector(self) -> &'static str {
        match self {
            Cat::PublicEnt | Cat::AboveScale | Cat::Small => "企业",
            Cat::Institution => "教科文卫",
            Cat::Government => "机关",
            Cat::Village => "村(社区)",
            Cat::Other => "其他",
        }
    }

    /// Whether units of this kind are enterprises.
    pub fn enterprise(self) -> bool {
        self.sector() == "企业"
    }

    /// Share of employees who join the union.
    pub fn membership_rate(self) -> f64 {
        match self {
            Cat::PublicEnt => 0.96,
            Cat::Institution => 0.95,
            Cat::AboveScale => 0.88,
            Cat::Small => 0.82,
            Cat::Government => 0.97,
            Cat::Village => 0.85,
            Cat::Other => 0.8,
        }
    }
}

/// One unit and everything the generators decided about it.
#[derive(Debug, Clone)]
pub struct Unit {
    /// County index into [`COUNTIES`]; `None` for city-level units.
    pub county: Option<usize>,
    /// Town index into the county's [`TOWNS`]; `None` for county- or city-level units.
    pub town: Option<usize>,
    pub cat: Cat,
    pub name: String,
    pub credit: String,
    pub ownership: &'static str,
    pub industry: &'static str,
    pub above_scale: bool,
    /// Last year's output in yuan (enterprises).
    pub output: Option<i64>,
    pub employees: i64,
    pub women_share: f64,
    pub migrant_share: f64,
    pub union_on: Option<NaiveDate>,
    pub union_name: String,
    pub women_org_on: Option<NaiveDate>,
    pub congress: bool,
    pub congress_since: Option<NaiveDate>,
    pub openness: bool,
    pub appraisal: bool,
    /// Restructuring date and the ownership before it.
    pub restructured: Option<(NaiveDate, &'static str)>,
    pub via_congress: bool,
    pub closed_on: Option<NaiveDate>,
    /// Resident ID region code of its people.
    pub region: u32,
    /// Whether the unit's union is an org of its own (a grassroots union in the tree).
    pub own_org: bool,
    /// The org owning the unit's records (its own union, or its town or county federation).
    pub org: String,
    /// The org above the unit's own union (or the owning org when it has none).
    pub parent_org: String,
    /// The seed names this unit: keep its union, congress and women's organisation.
    pub named: bool,
    pub address: String,
    pub contact: String,
    pub phone: String,
    pub plan: MemberPlan,
}

impl Unit {
    /// Whether the unit still exists at the end of `day`.
    pub fn open_on(&self, day: NaiveDate) -> bool {
        self.closed_on.is_none_or(|c| c > day)
    }

    /// Whether it is a state or collective enterprise or an 教科文卫 institution (the congress rate's base).
    pub fn public(&self) -> bool {
        self.cat == Cat::Institution
            || (self.cat.enterprise() && matches!(self.ownership, "国有" | "集体" | "国有控股" | "集体控股"))
    }

    /// The place name used in its name and address.
    pub fn place(&self) -> String {
        place(self.county, self.town)
    }
}

/// "衡阳市", "衡阳县" or "衡阳县西渡镇".
pub fn place(county: Option<usize>, town: Option<usize>) -> String {
    match (county, town) {
        (None, _) => "衡阳市".into(),
        (Some(c), None) => COUNTIES[c].2.into(),
        (Some(c), Some(t)) => format!("{}{}", COUNTIES[c].2, TOWNS[c][t]),
    }
}

/// The seed's named units and the other city-level units: (name, category, ownership, industry,
/// employees, women's share).
const CITY_UNITS: &[(&str, Cat, &str, &str, i64, f64)] = &[
    ("衡阳钢管集团有限公司", Cat::PublicEnt, "国有控股", "冶金", 9200, 0.22),
    ("衡阳市自来水公司", Cat::PublicEnt, "国有", "水务", 1150, 0.38),
    ("衡阳燕京啤酒公司", Cat::PublicEnt, "国有控股", "食品饮料", 860, 0.35),
    ("衡阳妇幼保健医院", Cat::Institution, "事业单位", "卫生", 720, 0.82),
    ("衡阳叉车厂", Cat::PublicEnt, "国有", "机械", 760, 0.2),
    ("衡阳市中心医院", Cat::Institution, "事业单位", "卫生", 1900, 0.7),
    ("衡阳市第一人民医院", Cat::Institution, "事业单位", "卫生", 1500, 0.7),
    ("衡阳市第八中学", Cat::Institution, "事业单位", "教育", 320, 0.55),
    ("衡阳市第一中学", Cat::Institution, "事业单位", "教育", 300, 0.52),
    ("衡阳市电业局", Cat::PublicEnt, "国有", "电力", 2600, 0.3),
    ("衡阳市公共交通总公司", Cat::PublicEnt, "国有", "运输", 1800, 0.3),
    ("衡阳市烟草公司", Cat::PublicEnt, "国有", "烟草", 900, 0.4),
    ("衡阳日报社", Cat::Institution, "事业单位", "文化", 380, 0.45),
    ("衡阳市财政局", Cat::Government, "机关", "机关", 180, 0.45),
    ("衡阳市教育局", Cat::Government, "机关", "机关", 150, 0.5),
    ("中核二七二铀业有限责任公司", Cat::PublicEnt, "国有", "核工业", 2400, 0.25),
    ("特变电工衡阳变压器有限公司", Cat::AboveScale, "非公有制", "电气设备", 2100, 0.2),
    ("衡阳市建筑工程总公司", Cat::PublicEnt, "国有", "建筑", 1400, 0.15),
    ("衡阳市商业银行", Cat::PublicEnt, "国有控股", "金融", 700, 0.55),
];

/// 亚新科公司 sits in 雁峰区 白沙洲街道 (county 8, town 2).
pub const YAXINKE: (&str, usize, usize) = ("衡阳亚新科公司", 8, 2);

/// Non-public enterprises, villages and the like weigh more in some places than in others.
fn weights(cat: Cat) -> [f64; 12] {
    let urban = [12.0, 8.0, 8.0, 8.0, 4.0, 6.0, 7.0, 2.0, 10.0, 10.0, 9.0, 11.0];
    let rural = [16.0, 10.0, 16.0, 14.0, 6.0, 9.0, 13.0, 2.0, 2.0, 3.0, 2.0, 3.0];
    match cat {
        Cat::AboveScale | Cat::Small | Cat::Other => urban,
        Cat::Village => rural,
        _ => COUNTY_WEIGHTS,
    }
}

/// How many units of each category the counties hold (the seed's named units come on top),
/// before the extra units that closed by the end of 2009.
fn county_counts(public_open: i64, above_scale_open: i64) -> [(Cat, i64, i64); 7] {
    let city = |c: Cat| CITY_UNITS.iter().filter(|u| u.1 == c).count() as i64;
    let institutions = (public_open as f64 * 0.406).round() as i64;
    let enterprises = public_open - institutions;
    // (category, open units in the counties, extra units closed by the end of 2009)
    [
        (Cat::PublicEnt, enterprises - city(Cat::PublicEnt), 12),
        (Cat::Institution, institutions - city(Cat::Institution), 2),
        (Cat::AboveScale, above_scale_open - city(Cat::AboveScale) - 1, 11),
        (Cat::Small, 1600, 40),
        (Cat::Government, 320 - city(Cat::Government), 0),
        (Cat::Village, 520, 0),
        (Cat::Other, 80, 3),
    ]
}

/// Chance that a unit of this kind sits at county level rather than in a town.
fn county_level_share(cat: Cat) -> f64 {
    match cat {
        Cat::Government => 0.6,
        Cat::Institution => 0.45,
        Cat::PublicEnt => 0.5,
        Cat::AboveScale => 0.3,
        Cat::Small => 0.15,
        Cat::Village => 0.0,
        Cat::Other => 0.4,
    }
}

/// Raw workforce size of a unit (before scaling the city to the manifest's membership).
fn raw_size(rng: &mut Rng, cat: Cat, in_town: bool) -> i64 {
    match (cat, in_town) {
        (Cat::PublicEnt, _) => rng.size(260.0, 0.8, 30, 6000),
        (Cat::Institution, false) => rng.size(180.0, 0.7, 20, 2500),
        (Cat::Institution, true) => rng.size(40.0, 0.5, 8, 200),
        (Cat::AboveScale, _) => rng.size(240.0, 0.7, 40, 5000),
        (Cat::Small, _) => rng.size(35.0, 0.6, 5, 180),
        (Cat::Government, _) => rng.size(60.0, 0.6, 10, 600),
        (Cat::Village, _) => rng.size(110.0, 0.6, 15, 600),
        (Cat::Other, _) => rng.size(18.0, 0.6, 3, 120),
    }
}

fn public_ownership(rng: &mut Rng) -> &'static str {
    let x = rng.unit();
    if x < 0.45 {
        "国有"
    } else if x < 0.7 {
        "集体"
    } else if x < 0.9 {
        "国有控股"
    } else {
        "集体控股"
    }
}

/// A unit with its fixed attributes; the roles come later.
#[allow(clippy::too_many_arguments)]
fn unit(
    rng: &mut Rng,
    codes: &mut CreditCodes,
    cat: Cat,
    county: Option<usize>,
    town: Option<usize>,
    name: String,
    ownership: &'static str,
    industry: &'static str,
    employees: i64,
    women_share: f64,
    migrant_share: f64,
) -> Unit {
    let region = match county {
        Some(c) => REGIONS[c],
        None => *rng.pick(&CITY_REGIONS),
    };
    let kind = match cat {
        Cat::Institution => "12",
        Cat::Government => "11",
        Cat::Village => "54",
        Cat::Other => *rng.pick(&["51", "52"]),
        _ => "91",
    };
    let credit = codes.next(rng, kind, region);
    let p = place(county, town);
    Unit {
        county,
        town,
        cat,
        union_name: format!("{name}工会"),
        name,
        credit,
        ownership,
        industry,
        above_scale: false,
        output: None,
        employees,
        women_share,
        migrant_share,
        union_on: None,
        women_org_on: None,
        congress: false,
        congress_since: None,
        openness: false,
        appraisal: false,
        restructured: None,
        via_congress: false,
        closed_on: None,
        region,
        own_org: false,
        org: String::new(),
        parent_org: String::new(),
        named: false,
        address: address(rng, &p),
        contact: name_of(rng, 0.5),
        phone: landline(rng),
        plan: MemberPlan::default(),
    }
}

/// One category's units in the counties: the open ones and the extra ones closed by the end of 2009.
pub struct Group {
    pub cat: Cat,
    pub open: Vec<usize>,
    pub closed: Vec<usize>,
}

/// Lays out every unit of the city: the named city-level units first, then each county's units
/// category by category. Returns the units and, per category, the index ranges of the open units
/// and of the extra units closed by the end of 2009.
pub fn layout(public_open: i64, above_scale_open: i64) -> (Vec<Unit>, Vec<Group>) {
    let mut rng = Rng::stream("units");
    let mut codes = CreditCodes::default();
    let mut names = Names::default();
    let mut units = Vec::new();
    for (name, cat, own, ind, size, women) in CITY_UNITS {
        names.reserve(name);
        let mut u = unit(&mut rng, &mut codes, *cat, None, None, (*name).into(), own, ind, *size, *women, 0.05);
        u.named = true;
        units.push(u);
    }
    let (yname, yc, yt) = YAXINKE;
    names.reserve(yname);
    let mut y = unit(
        &mut rng,
        &mut codes,
        Cat::AboveScale,
        Some(yc),
        Some(yt),
        yname.into(),
        "非公有制",
        "汽车零部件",
        1250,
        0.3,
        0.2,
    );
    y.named = true;
    units.push(y);
    let mut groups = Vec::new();
    for (cat, open, closed) in county_counts(public_open, above_scale_open) {
        let per_county = split(open + closed, &weights(cat), 1);
        let mut idx = Vec::new();
        for (c, n) in per_county.iter().enumerate() {
            for _ in 0..*n {
                let town = if cat == Cat::Village || !rng.chance(county_level_share(cat)) {
                    Some(rng.below(TOWNS[c].len()))
                } else {
                    None
                };
                let p = place(Some(c), town);
                let in_town = town.is_some();
                let (name, own, ind, women, migr) = match cat {
                    Cat::PublicEnt => {
                        let (n, ind, w) = names.public(&mut rng, &p);
                        (n, public_ownership(&mut rng), ind, w, 0.05)
                    }
                    Cat::Institution => {
                        let (n, ind, w) = names.institution(&mut rng, &p, in_town);
                        (n, "事业单位", ind, w, 0.0)
                    }
                    Cat::AboveScale | Cat::Small => {
                        let (n, ind, w, m) = names.private(&mut rng, COUNTIES[c].2);
                        (n, "非公有制", ind, w, m)
                    }
                    Cat::Government => {
                        let t = town.map(|t| TOWNS[c][t]);
                        (names.government(&mut rng, COUNTIES[c].2, t), "机关", "机关", 0.45, 0.0)
                    }
                    Cat::Village => {
                        let t = TOWNS[c][town.unwrap_or(0)];
                        (names.village(&mut rng, COUNTIES[c].2, t), "其他", "农业", 0.36, 1.0)
                    }
                    Cat::Other => (names.other(&mut rng, COUNTIES[c].2), "其他", "社会服务", 0.5, 0.1),
                };
                let size = raw_size(&mut rng, cat, in_town);
                let women = (women * (0.85 + 0.3 * rng.unit())).min(0.95);
                idx.push(units.len());
                units.push(unit(&mut rng, &mut codes, cat, Some(c), town, name, own, ind, size, women, migr));
            }
        }
        // Shuffle so the units closed early come from every county, then split off the closed ones.
        for i in (1..idx.len()).rev() {
            idx.swap(i, rng.below(i + 1));
        }
        let closed_idx = idx.split_off(idx.len() - closed as usize);
        groups.push(Group { cat, open: idx, closed: closed_idx });
    }
    (units, groups)
}

/// Enterprise output and the above-scale flag, from the workforce.
pub fn set_output(rng: &mut Rng, u: &mut Unit) {
    if !u.cat.enterprise() {
        return;
    }
    let per_head = rng.range(60_000, 420_000);
    let mut out = u.employees * per_head;
    match u.cat {
        Cat::AboveScale => out = out.max(rng.range(5_200_000, 9_000_000)),
        Cat::Small => out = out.min(rng.range(600_000, 4_900_000)),
        _ => {}
    }
    u.output = Some(out / 1000 * 1000);
    u.above_scale = out >= 5_000_000;
}

/// The unit's record in the `units` registry.
pub fn record(u: &Unit) -> crate::writer::Row {
    let employees = u.employees;
    let mut r = crate::writer::Row::new()
        .t("name", u.name.clone())
        .t("credit_code", u.credit.clone())
        .t("ownership", u.ownership)
        .t("sector", u.cat.sector())
        .t("industry", u.industry)
        .i("employees", employees)
        .i("women_employees", (employees as f64 * u.women_share).round() as i64)
        .i("migrant_employees", (employees as f64 * u.migrant_share).round() as i64)
        .b("has_union", u.union_on.is_some())
        .b("has_congress", u.congress)
        .od("congress_since", u.congress_since.filter(|_| u.congress))
        .od("women_org_established_on", u.women_org_on)
        .od("closed_on", u.closed_on)
        .t("address", u.address.clone())
        .t("contact", u.contact.clone())
        .t("phone", u.phone.clone());
    if u.cat.enterprise() {
        r = r.b("above_scale", u.above_scale).b("openness", u.openness).b("democratic_appraisal", u.appraisal);
        if let Some(out) = u.output {
            r = r.yuan("annual_output", out);
        }
    } else if u.cat == Cat::Institution {
        r = r.b("openness", u.openness).b("democratic_appraisal", u.appraisal);
    }
    if let Some(on) = u.union_on {
        r = r.d("union_established_on", on).t("union_name", u.union_name.clone());
    }
    if let Some((on, pre)) = u.restructured {
        r = r
            .d("restructured_on", on)
            .t("pre_restructure_ownership", pre)
            .b("restructure_via_congress", u.via_congress);
    }
    r
}
