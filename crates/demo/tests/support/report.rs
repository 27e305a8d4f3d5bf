//! The seed report regenerated from the demo data by the trade-union pack's template: every
//! figure of SEED-FIGURES.md in the seed's phrasing, its sections, none of its slips; the same
//! bytes twice in every format; figures linked to their drill-down.

use super::Recount;
use kaohe_documents::{ReportFormat, write_report};
use kaohe_domain::Actor;
use kaohe_domain::report::tables;
use kaohe_store::Store;

/// Each figure of SEED-FIGURES.md as the seed writes it (its slips corrected: 21% and 10% with
/// their percent signs, 50% and 69% likewise).
const PHRASES: &[&str] = &[
    // 一、综合工作
    "3个工作日内进行传达",
    "按时传达率100%",
    "市总系统150名党员参加了“建言献策”",
    "共发放征求意见表150份,收回意见表150份,征集意见建议112条",
    "市总未发现违反党风廉政建设规定的现象",
    "为衡阳叉车厂引进项目投资800万元",
    "引入资金已全部到位",
    "未对社会稳定造成不良影响",
    // 一是 组织建设
    "今年新组建工会573家,新增会员55313人",
    "建立女职工组织2298家,女会员达26万多人",
    "选树耒阳市总工会、衡阳县西渡镇、钢管集团、亚新科公司为全市女职工组织建设示范单位",
    "衡阳县、南岳区总工会已完成换届工作,两个县、区总工会",
    "耒阳市、常宁市、祁东县三个县市总工会的换届工作正在积极筹备",
    "共举办培训班9期,培训工会干部1000余人,推荐近150名工会干部",
    "中层干部平均年龄由原来的46.3岁下降到现在的38.9岁",
    "本科以上学历由原来的50%上升到现在的69%",
    "目前4名拟调人员",
    // 二是 维权
    "对市自来水公司、衡阳燕京啤酒公司、衡阳妇幼保健医院等企事业单位进行了重点规范",
    "由6家主办单位、20家企业法人、工会主席、职工代表及200多名职工到位参加,当场收到约定书34份",
    "召开了两次协调劳动关系三方联席会议",
    "指导手册2000余册",
    "共签订女职工专项集体合同1879份,其中签订独立专项合同725个,区域性专项合同46个、覆盖单位669个,行业性专项合同23个、覆盖单位485个,共覆盖女职工9万多人",
    "全市556家国有、集体及其控股企业",
    "建制率达到100%",
    "716家,非公有制企业70%以上建立了职代会制度,有520家",
    "满意和基本满意的占80%以上",
    "覆盖面已达到95%以上",
    "通过改制12家(8家国有、4家集体)",
    "均按民主程序通过职代会",
    "全年办理法人资格证的共有348个,比去年同期增长43%",
    "发放宣传资料530本",
    "接待来访264人,来信53封,来电243次",
    // 三是 帮扶
    "建立困难职工帮扶中心(站点)18个",
    "符合标准的档案3.8万人",
    "购买降暑用品2万元,送到困难企业200多名职工手中,发放省总拨付我市中央财政资金199万元",
    "共筹资1492万,慰问困难企业374户,困难职工12280户,困难劳模225户,农民工1500人",
    "募集了38480元",
    "共资助学生32名,发放资金69万元,输送了17名寒门学子",
    "减免17万负担",
    "培训下岗失业职工、农民工12300人次",
    "共培训下岗失业人员588人,为学员减免学习培训费用达66万元",
    "接待来信来访职工286人次,为困难职工提供法律咨询服务83起",
    "免费讲座100多场,参加讲座女职工达8000多人",
    "共有4万多名女职工参加了特殊疾病保险,参保费为92万元",
    "比去年同期增长10%",
    "其中有33名患病女职工得到了赔付,赔付金额达66万元",
    "培训基地9个,投入培训资金74万元,免费为4000余农民工",
    "进场招聘企业129家,提供空岗信息11000个,涉及工种90多个,进场求职人员2万余人,达成就业意向4200人次,达成意向率21%",
    "24名市级领导挂点市直24家困难国有企业和24家上规模民营企业,378名县领导挂点区域内国有或民营企业535家",
    "市级参联单位共68家",
    "参联单位共570家,共联系535家企业",
    "共派出92名工作人员,组成24个工作组",
    "工作队员共854人,组成535个工作组",
    "全市946名工作队员中,副处级以上干部16人,科级干部612人",
    "引进资金17.93亿元,引进技术、新项目106项,引进各类技术人才1628名,为被联企业办实事1500多件,健全被联企业困难职工档案8150份",
    "为438名符合条件的困难职工办理了低保手续,共慰问困难职工8000多人,送去慰问金1250万元",
    "“双联”工作连续第九年全省摘冠",
    // 四是 财务
    "对54家困难企业采取了缓缴工会经费半年的措施",
];

/// The seed's slips: a word written twice, a percentage without its sign, a range run together.
const SLIPS: &[&str] = &["做到做到", "情况情况", "由原来的50上升", "增长了10;", "意向率21。", "400500", "进引进"];

const SECTIONS: &[&str] = &[
    "# 2009年工会目标考核汇报材料",
    "## 一、综合工作完成情况",
    "## 二、主要业务工作完成情况",
    "### 一是加强组织建设,激发了源动力",
    "### 二是扎实开展维权,提高了执行力",
    "### 三是推进帮扶工作,扩大了影响力",
    "### 四是完善财务工作,加大了保障力",
];

pub async fn check(store: &Store, label: &str) {
    let op = store.scoped(Actor::Operator);
    let r = Recount::new(store, "HY").await;
    let city = op.org_by_code("HY").await.unwrap();
    let report = op.report(2009, city.id, "annual").await.unwrap_or_else(|e| panic!("{label}: {e}"));
    let md = String::from_utf8(write_report(ReportFormat::Markdown, &report.doc, &report.facts, "").unwrap()).unwrap();
    // The report writes full-width punctuation; the seed (and the phrases above) half-width.
    let md: String = md
        .chars()
        .map(|c| match c {
            '，' => ',',
            '；' => ';',
            '：' => ':',
            '（' => '(',
            '）' => ')',
            c => c,
        })
        .collect();
    // Left for a reader to look at after a run.
    let _ = std::fs::write(std::env::temp_dir().join(format!("kaohe-seed-report-{label}.md")), &md);
    for p in PHRASES.iter().chain(SECTIONS) {
        assert!(md.contains(p), "{label}: the report lacks “{p}”:\n{md}");
    }
    for s in SLIPS {
        assert!(!md.contains(s), "{label}: the seed's slip “{s}” is in the report");
    }
    // Sections in the seed's order.
    let at: Vec<usize> = SECTIONS.iter().map(|s| md.find(s).unwrap()).collect();
    assert!(at.windows(2).all(|w| w[0] < w[1]), "{label}: sections out of order");
    let right = |t: &str| format!("<div align=\"right\">{t}</div>");
    assert!(md.contains(&right("衡阳市总工会")) && md.contains(&right("2010年1月15日")), "{label}: 落款 and date");

    // Every format twice: the same bytes.
    for f in ReportFormat::ALL {
        let again = op.report(2009, city.id, "annual").await.unwrap();
        let (a, b) = (
            write_report(f, &report.doc, &report.facts, "").unwrap(),
            write_report(f, &again.doc, &again.facts, "").unwrap(),
        );
        assert!(a == b, "{label}: two {f:?} reports differ");
    }

    // The HTML links each figure to its drill-down at the city for 2009.
    let html = String::from_utf8(write_report(ReportFormat::Html, &report.doc, &report.facts, "").unwrap()).unwrap();
    let link = format!("href=\"/indicators/drill?key=new_unions&amp;org={}&amp;period=2009\">573家</a>", city.id.0);
    assert!(html.contains(&link), "{label}: {link} missing");
    assert!(html.contains("@media print"), "{label}: a print style sheet");

    // The statistical tables hold the figures the report states, and last year's recounted.
    let t = tables::build(&report.facts);
    let row = |k: &str| t.iter().flat_map(|s| &s.rows).find(|r| r.key == k).unwrap_or_else(|| panic!("{k} row"));
    let new_2008 =
        r.count("units", "f_has_union IS TRUE AND f_union_established_on BETWEEN '2008-01-01' AND '2008-12-31'").await;
    assert_eq!(row("new_unions").last_year.map(|n| n.to_string()), Some(new_2008.to_string()), "{label}");
    assert_eq!(row("legal_certs_issued").last_year.map(|n| n.to_string()), Some("243".into()), "{label}");
    assert_eq!(row("new_members").this_year.map(|n| n.to_string()), Some("55313".into()), "{label}");
    let sections: Vec<&str> = t.iter().map(|s| s.section.as_str()).collect();
    assert!(sections.contains(&"组织建设") && sections.contains(&"帮扶"), "{label}: {sections:?}");
}
