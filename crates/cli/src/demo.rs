//! The demo city: 衡阳市总工会 with its departments and its 12 county-level federations, and one
//! user per role. Deterministic: the same orgs and users every time (passwords are printed once;
//! `--password` fixes them, e.g. for browser tests). Later issues add the demo's records.

use anyhow::{Context, bail};
use kaohe_domain::{Actor, OrgId, OrgKind, Role};
use kaohe_store::{NewOrg, NewUser, Store, generate_password};

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

fn code(suffix: &str) -> String {
    if suffix.is_empty() { CITY.to_owned() } else { format!("{CITY}-{suffix}") }
}

/// Loads the demo city into an empty database and returns the logins.
pub async fn load(store: &Store, password: Option<&str>) -> anyhow::Result<Vec<DemoLogin>> {
    if !store.is_empty().await? {
        bail!("数据库不是空的,未载入演示数据 / the database is not empty; the demo was not loaded");
    }
    let op = store.scoped(Actor::Operator);
    let org = |c: &str, name: &str, short: Option<&str>, kind: OrgKind, parent: Option<OrgId>, sort: i32| NewOrg {
        code: code(c),
        name: name.into(),
        short_name: short.map(str::to_owned),
        kind,
        parent_id: parent,
        sort_key: Some(sort),
        opened_on: chrono::NaiveDate::from_ymd_opt(1950, 1, 1),
    };
    let city = op.create_org(org("", "衡阳市总工会", Some("市总"), OrgKind::Federation, None, 0)).await?;
    for (i, (c, name)) in DEPARTMENTS.iter().enumerate() {
        op.create_org(org(c, name, None, OrgKind::Department, Some(city.id), 10 + i as i32)).await?;
    }
    for (i, (c, name, short)) in COUNTIES.iter().enumerate() {
        op.create_org(org(c, name, Some(short), OrgKind::Federation, Some(city.id), 100 + i as i32)).await?;
    }
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
