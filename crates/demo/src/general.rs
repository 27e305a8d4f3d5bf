//! 一、综合工作: tracked tasks (decisions conveyed within 3 working days), violations,
//! investment brought in for 叉车厂, and the 建言献策 sessions.

use crate::manifest::Manifest;
use crate::orgs::{COUNTIES, code};
use crate::rng::{Rng, jitter_split, split, ymd};
use crate::units::Unit;
use crate::writer::{Row, Sink};
use chrono::Days;
use kaohe_domain::calendar::add_working_days;

/// Fills the general-work registries.
pub fn generate(m: &Manifest, _units: &[Unit], sink: &mut Sink) {
    let mut rng = Rng::stream("general");
    tasks(m, &mut rng, sink);
    violations(sink);
    investments(m, sink);
    advice(m, &mut rng, sink);
}

const SOURCES: &[(&str, &str)] = &[
    ("市委", "衡发"),
    ("市政府", "衡政发"),
    ("市纪委", "衡纪发"),
    ("省总工会", "湘工发"),
    ("全国总工会", "总工发"),
    ("省委省政府", "湘发"),
    ("中央", "中发"),
];

const TITLES: &[&str] = &[
    "关于贯彻落实全市经济工作会议精神的通知",
    "关于深入开展学习实践科学发展观活动的实施意见",
    "全市党风廉政建设工作会议精神",
    "关于做好元旦春节期间困难群众生活保障工作的通知",
    "关于应对国际金融危机促进就业稳定的意见",
    "全市信访工作会议精神",
    "全市招商引资工作会议精神",
    "关于进一步加强社会治安综合治理工作的意见",
    "全市安全生产工作会议精神",
    "关于开展“双联”和困难职工帮扶工作的通知",
    "市委常委会会议精神",
    "关于加强机关作风建设的决定",
    "关于做好农民工就业创业工作的通知",
    "全市计划生育工作会议精神",
    "关于推进厂务公开民主管理工作的意见",
    "全省工会工作会议精神",
    "关于做好防汛抗灾工作的紧急通知",
    "关于开展“12.4”全国法制宣传日活动的通知",
];

/// Tasks per year: received on a working day, conveyed within the due working days (late ones
/// only outside 2009), written reports by their due date.
fn tasks(m: &Manifest, rng: &mut Rng, sink: &mut Sink) {
    let pack = kaohe_packs::trade_union().expect("built-in pack");
    let cal = &pack.calendar;
    let depts = [("BGS", 20.0), ("ZZB", 6.0), ("QYB", 6.0), ("NZGB", 4.0), ("BFZX", 4.0), ("CWB", 3.0), ("XJB", 3.0)];
    let total09 = m.s("decisions_total");
    let late09 = total09 - m.n("decisions_conveyed_on_time");
    let unreported09 = total09 - m.s("reports_on_time");
    for (year, total, late, unreported) in
        [(2007, 35, 1, 1), (2008, 41, 2, 1), (2009, total09, late09, unreported09), (2010, 38, 1, 2)]
    {
        let per = split(total, &depts.iter().map(|d| d.1).collect::<Vec<_>>(), 1);
        let mut k = 0;
        let mut serial = std::collections::HashMap::new();
        for ((dept, _), n) in depts.iter().zip(per) {
            for _ in 0..n {
                let (source, prefix) = *rng.pick(SOURCES);
                let no = serial.entry(prefix).or_insert(rng.range(1, 9));
                *no += rng.range(1, 6);
                // Received on a working day of the holiday calendar, conveyed n working days later.
                let received = add_working_days(cal, rng.weekday(ymd(year, 1, 5), ymd(year, 12, 10)), -1)
                    .and_then(|d| add_working_days(cal, d, 1))
                    .expect("in range");
                let days = if k < late { 6 } else { rng.range(1, 3) };
                let conveyed = add_working_days(cal, received, days).expect("in range");
                let due = received + Days::new(20);
                let reported =
                    if k < unreported { due + Days::new(5) } else { received + Days::new(rng.range(7, 18) as u64) };
                let title = format!("{}({})", rng.pick(TITLES), received.format("%-m月%-d日"));
                sink.add(
                    "tasks",
                    code(dept),
                    Row::new()
                        .t("ref_no", format!("{prefix}〔{year}〕{no}号"))
                        .t("source", source)
                        .t("kind", *rng.pick(&["决策部署", "会议精神", "督办件", "领导批示"]))
                        .t("title", title)
                        .d("received_on", received)
                        .i("due_working_days", 3)
                        .d("conveyed_on", conveyed)
                        .d("report_due_on", due)
                        .d("reported_on", reported)
                        .t("status", "已办结")
                        .ot("remarks", (k < late).then_some("传达时恰逢外出学习,延期传达")),
                );
                k += 1;
            }
        }
    }
}

/// No 党风廉政 violation in 2009; one in 2007 and one in 2010, and a work-safety deduction in 2008.
fn violations(sink: &mut Sink) {
    let rows = [
        (5, "2007-HD-01", "党风廉政", ymd(2007, 6, 12), "某乡镇工会干部违规报销差旅费", true, 0),
        (0, "2008-LY-01", "安全生产", ymd(2008, 9, 3), "所属企业发生一般安全生产事故", false, 150),
        (9, "2010-ZH-01", "党风廉政", ymd(2010, 5, 20), "某基层工会违规发放津贴", true, 0),
    ];
    for (c, no, kind, on, subject, veto, points) in rows {
        sink.add(
            "violations",
            code(COUNTIES[c].0),
            Row::new()
                .t("ref_no", no)
                .t("kind", kind)
                .d("found_on", on)
                .t("subject", subject)
                .b("veto", veto)
                .fixed("deduction_points", points)
                .d("handled_on", on + Days::new(30))
                .t("result", if veto { "给予党内警告处分,退回违规款项" } else { "通报批评,限期整改" }),
        );
    }
}

/// The 叉车厂 project (2009), and one project each in 2008 and 2010.
fn investments(m: &Manifest, sink: &mut Sink) {
    let rows = [
        (
            "衡阳市职工技能培训基地建设项目",
            "湖南某职业教育投资公司",
            "衡阳市总工会",
            ymd(2008, 7, 16),
            3_000_000,
            3_000_000,
        ),
        (
            "衡阳叉车厂电动叉车生产线技术改造项目",
            "浙江某机械投资有限公司",
            "衡阳叉车厂",
            ymd(2009, 5, 18),
            m.n("investment_amount"),
            m.s("investment_arrived"),
        ),
        ("衡阳燕京啤酒公司扩建项目", "北京某投资有限公司", "衡阳燕京啤酒公司", ymd(2010, 4, 9), 12_000_000, 5_000_000),
    ];
    for (project, investor, beneficiary, signed, amount, arrived) in rows {
        sink.add(
            "investments",
            code("BGS"),
            Row::new()
                .t("project", project)
                .t("investor", investor)
                .t("beneficiary", beneficiary)
                .t("method", "上门招商")
                .d("signed_on", signed)
                .yuan("amount", amount)
                .yuan("arrived", arrived)
                .d("arrived_on", signed + Days::new(180)),
        );
    }
}

/// 建言献策 in the 学习实践科学发展观 campaign: three sessions adding up to the manifest's figures.
fn advice(m: &Manifest, rng: &mut Rng, sink: &mut Sink) {
    let orgs = ["BGS", "ZZB", "XJB"];
    let people = jitter_split(rng, m.n("advice_party_members"), 3, 0.3, 1);
    let out = split(m.n("advice_forms_out"), &people.iter().map(|p| *p as f64).collect::<Vec<_>>(), 0);
    let back = split(m.n("advice_forms_back"), &out.iter().map(|p| *p as f64).collect::<Vec<_>>(), 0);
    let ideas = jitter_split(rng, m.n("advice_suggestions"), 3, 0.3, 0);
    for (i, org) in orgs.iter().enumerate() {
        let held = ymd(2009, 4, 8) + Days::new(7 * i as u64);
        sink.add(
            "activities",
            code(org),
            Row::new()
                .t("ref_no", format!("2009-{org}-JY-{:02}", i + 1))
                .t("kind", "建言献策")
                .t("title", "学习实践科学发展观活动“建言献策”征求意见会")
                .d("held_on", held)
                .t("place", "市总工会机关会议室")
                .i("participants", people[i])
                .i("materials_out", out[i])
                .i("materials_back", back[i])
                .i("suggestions", ideas[i]),
        );
    }
}
