//! The demo city's org tree: 衡阳市总工会 with its departments, its 12 county-level federations,
//! their towns and streets, and the grassroots unions of the larger units; and one user per role.

use crate::units::Unit;
use anyhow::{Context, bail};
use kaohe_domain::{Actor, OrgId, OrgKind, OrgPath, Role};
use kaohe_store::{BulkOrg, NewOrg, NewUser, Store, generate_password};

/// The city federation's code.
pub const CITY: &str = "HY";

/// Departments of the city federation: (code suffix, name).
pub const DEPARTMENTS: &[(&str, &str)] = &[
    ("BGS", "办公室"),
    ("ZZB", "组织部"),
    ("QYB", "权益保障部"),
    ("NZGB", "女职工部"),
    ("BFZX", "帮扶中心"),
    ("CWB", "财务部"),
    ("JSB", "经审办"),
    ("XJB", "宣教部"),
];

/// The 12 county-level federations: (code suffix, name, short name).
pub const COUNTIES: &[(&str, &str, &str)] = &[
    ("LY", "耒阳市总工会", "耒阳市"),
    ("CN", "常宁市总工会", "常宁市"),
    ("HYX", "衡阳县总工会", "衡阳县"),
    ("HN", "衡南县总工会", "衡南县"),
    ("HS", "衡山县总工会", "衡山县"),
    ("HD", "衡东县总工会", "衡东县"),
    ("QD", "祁东县总工会", "祁东县"),
    ("NY", "南岳区总工会", "南岳区"),
    ("YF", "雁峰区总工会", "雁峰区"),
    ("ZH", "珠晖区总工会", "珠晖区"),
    ("SG", "石鼓区总工会", "石鼓区"),
    ("ZX", "蒸湘区总工会", "蒸湘区"),
];

/// Relative size of each county (people, enterprises), in the order of [`COUNTIES`].
pub const COUNTY_WEIGHTS: [f64; 12] = [14.0, 9.0, 12.0, 11.0, 5.0, 7.0, 10.0, 2.0, 6.0, 6.0, 6.0, 6.0];

/// Towns and streets of each county, in the order of [`COUNTIES`].
pub const TOWNS: [&[&str]; 12] = [
    &[
        "蔡子池街道",
        "水东江街道",
        "五里牌街道",
        "灶市街街道",
        "哲桥镇",
        "新市镇",
        "小水镇",
        "公平圩镇",
        "夏塘镇",
        "南京镇",
        "肥田镇",
        "遥田镇",
    ],
    &["宜阳街道", "培元街道", "泉峰街道", "水口山镇", "松柏镇", "柏坊镇", "烟洲镇", "荫田镇", "洋泉镇", "西岭镇"],
    &["西渡镇", "台源镇", "演陂镇", "洪市镇", "金兰镇", "集兵镇", "井头镇", "三湖镇", "渣江镇", "界牌镇", "库宗镇"],
    &["云集镇", "向阳镇", "廖田镇", "车江镇", "茶市镇", "松江镇", "泉溪镇", "冠市镇", "咸塘镇", "栗江镇"],
    &["开云镇", "白果镇", "店门镇", "新桥镇", "萱洲镇", "长江镇", "东湖镇"],
    &["城关镇", "吴集镇", "甘溪镇", "杨林镇", "草市镇", "杨桥镇", "霞流镇", "荣桓镇", "新塘镇"],
    &["洪桥镇", "白地市镇", "金桥镇", "归阳镇", "过水坪镇", "黄土铺镇", "砖塘镇", "步云桥镇", "风石堰镇"],
    &["南岳镇", "寿岳乡", "拜殿乡"],
    &["先锋街道", "天马山街道", "白沙洲街道", "雁峰街道", "金龙坪街道", "黄茶岭街道"],
    &["东风街道", "广东路街道", "冶金街道", "苗圃街道", "粤汉街道", "茶山坳镇", "东阳渡镇"],
    &["人民路街道", "青山街道", "潇湘街道", "五一街道", "合江街道", "黄沙湾街道"],
    &["红湘街道", "蒸湘街道", "联合街道", "呆鹰岭镇", "雨母山乡"],
];

/// Demo users: (user name, display name, role, org code suffix or "" for the city).
pub const USERS: &[(&str, &str, Role, &str)] = &[
    ("sysadmin", "系统管理员", Role::SystemAdmin, ""),
    ("secadmin", "安全管理员", Role::SecurityAdmin, ""),
    ("auditor", "审计管理员", Role::AuditAdmin, ""),
    ("kaoheban", "考核办", Role::Assessor, ""),
    ("reviewer", "审核员", Role::Reviewer, ""),
    ("editor", "组织部填报员", Role::Editor, "ZZB"),
    ("leader", "市总领导", Role::Viewer, ""),
    ("ly_admin", "耒阳市系统管理员", Role::SystemAdmin, "LY"),
    ("ly_editor", "耒阳市填报员", Role::Editor, "LY"),
    ("cn_admin", "常宁市系统管理员", Role::SystemAdmin, "CN"),
];

/// A demo login to print.
pub struct DemoLogin {
    pub username: &'static str,
    pub role: Role,
    pub org: String,
    pub password: String,
}

/// The org code for a suffix below the city ("" is the city itself).
pub fn code(suffix: &str) -> String {
    if suffix.is_empty() { CITY.to_owned() } else { format!("{CITY}-{suffix}") }
}

/// A county federation's code.
pub fn county_code(county: usize) -> String {
    code(COUNTIES[county].0)
}

/// A town's org code.
pub fn town_code(county: usize, town: usize) -> String {
    format!("{}-{:02}", county_code(county), town + 1)
}

/// A town's org name (its federation).
pub fn town_org_name(town: &str) -> String {
    if town.ends_with("街道") { format!("{town}工会工作委员会") } else { format!("{town}总工会") }
}

/// Creates the city, its departments and counties one by one (as an administrator would) and
/// returns the largest id used.
async fn create_top(store: &Store) -> anyhow::Result<i64> {
    let op = store.scoped(Actor::Operator);
    let org = |c: &str, name: &str, short: Option<&str>, kind: OrgKind, parent: Option<OrgId>, sort: i32| NewOrg {
        code: code(c),
        name: name.into(),
        short_name: short.map(str::to_owned),
        kind,
        parent_id: parent,
        sort_key: Some(sort),
        opened_on: chrono::NaiveDate::from_ymd_opt(1950, 1, 1),
        // The rulebook names the departments answerable for an item by group: each of the demo
        // city's departments is the group of its own function (组织部, 经审办 …); the counties
        // are 县市区.
        groups: match (kind, parent) {
            (OrgKind::Department, _) => vec![name.to_owned()],
            (_, Some(_)) => vec!["县市区".to_owned()],
            (_, None) => vec![],
        },
    };
    let city = op.create_org(org("", "衡阳市总工会", Some("市总"), OrgKind::Federation, None, 0)).await?;
    let mut max = city.id.0;
    for (i, (c, name)) in DEPARTMENTS.iter().enumerate() {
        let o = op.create_org(org(c, name, None, OrgKind::Department, Some(city.id), 10 + i as i32)).await?;
        max = max.max(o.id.0);
    }
    for (i, (c, name, short)) in COUNTIES.iter().enumerate() {
        let o = op.create_org(org(c, name, Some(short), OrgKind::Federation, Some(city.id), 100 + i as i32)).await?;
        max = max.max(o.id.0);
    }
    Ok(max)
}

/// Builds the whole org tree: the top by hand, then towns and grassroots unions in bulk. The
/// grassroots unions are the units with `own_org` set; their codes are already in `unit.org`.
pub async fn build_tree(store: &Store, units: &[Unit]) -> anyhow::Result<usize> {
    if !store.is_empty().await? {
        bail!("数据库不是空的,未载入演示数据 / the database is not empty; the demo was not loaded");
    }
    let mut next = create_top(store).await? + 1;
    let op = store.scoped(Actor::Operator);
    let city = op.org_by_code(CITY).await?;
    let mut rows: Vec<BulkOrg> = Vec::new();
    let mut paths: std::collections::HashMap<String, (OrgId, OrgPath)> = std::collections::HashMap::new();
    paths.insert(CITY.to_owned(), (city.id, city.path.clone()));
    for (c, towns) in TOWNS.iter().enumerate() {
        let o = op.org_by_code(&county_code(c)).await?;
        paths.insert(county_code(c), (o.id, o.path.clone()));
        for (t, name) in towns.iter().enumerate() {
            let id = OrgId(next);
            next += 1;
            let path = o.path.child(id);
            let tc = town_code(c, t);
            rows.push(BulkOrg {
                id,
                parent: Some(o.id),
                path: path.clone(),
                code: tc.clone(),
                name: town_org_name(name),
                kind: OrgKind::Other,
                sort_key: 10 * (t as i32 + 1),
            });
            paths.insert(tc, (id, path));
        }
    }
    let mut own: Vec<&Unit> = units.iter().filter(|u| u.own_org).collect();
    own.sort_by(|a, b| a.org.cmp(&b.org));
    for (i, u) in own.into_iter().enumerate() {
        let (pid, ppath) = paths.get(&u.parent_org).cloned().context("a grassroots union's parent org")?;
        let id = OrgId(next);
        next += 1;
        rows.push(BulkOrg {
            id,
            parent: Some(pid),
            path: ppath.child(id),
            code: u.org.clone(),
            name: u.union_name.clone(),
            kind: OrgKind::Grassroots,
            sort_key: 1000 + i as i32,
        });
    }
    store.bulk_insert_orgs(crate::rng::ymd(1990, 1, 1), &rows).await?;
    Ok(rows.len() + 1 + DEPARTMENTS.len() + COUNTIES.len())
}

/// Creates the demo users and returns their logins.
pub async fn create_users(store: &Store, password: Option<&str>) -> anyhow::Result<Vec<DemoLogin>> {
    let op = store.scoped(Actor::Operator);
    let mut logins = Vec::new();
    for (username, display, role, suffix) in USERS {
        let pw = password.map(str::to_owned).unwrap_or_else(generate_password);
        let o = op.org_by_code(&code(suffix)).await.context("demo org")?;
        op.create_user(NewUser {
            username: (*username).into(),
            display_name: (*display).into(),
            org_id: o.id,
            role: *role,
            password: pw.clone(),
        })
        .await?;
        logins.push(DemoLogin { username, role: *role, org: o.name, password: pw });
    }
    Ok(logins)
}

/// Prints the demo logins as a table.
pub fn print_logins(logins: &[DemoLogin]) {
    println!("演示账户 / demo logins:");
    for l in logins {
        println!("  {:<10} {:<18} {:<8} {}", l.username, l.password, l.role.label_zh(), l.org);
    }
}

/// Splits `total` over the 12 counties by their size, with some randomness; each gets `min`
/// when the total allows.
pub fn county_split(rng: &mut crate::rng::Rng, total: i64, min: i64) -> Vec<i64> {
    let w: Vec<f64> = COUNTY_WEIGHTS.iter().map(|w| w * (0.7 + 0.6 * rng.unit())).collect();
    crate::rng::split(total, &w, min)
}
