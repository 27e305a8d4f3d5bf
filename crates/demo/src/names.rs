//! Plausible names for the demo city's units: enterprises, institutions, government bodies,
//! villages and associations, by place. Names never repeat ([`Names::unique`]).

use crate::rng::Rng;
use std::collections::HashSet;

/// Private enterprises' industries: (industry, women's share of the workforce, migrant share).
pub const PRIVATE_INDUSTRIES: &[(&str, f64, f64)] = &[
    ("建材", 0.22, 0.45),
    ("机械制造", 0.2, 0.35),
    ("纺织服装", 0.68, 0.6),
    ("食品加工", 0.52, 0.5),
    ("化工", 0.25, 0.35),
    ("电子", 0.55, 0.55),
    ("采矿", 0.08, 0.6),
    ("陶瓷", 0.35, 0.5),
    ("建筑", 0.12, 0.75),
    ("运输", 0.15, 0.4),
    ("商贸", 0.55, 0.3),
    ("医药", 0.5, 0.25),
    ("农产品加工", 0.45, 0.6),
    ("电气设备", 0.25, 0.35),
    ("五金", 0.3, 0.45),
    ("印刷包装", 0.45, 0.4),
    ("物流", 0.2, 0.45),
    ("房地产开发", 0.3, 0.2),
    ("餐饮", 0.6, 0.55),
    ("酒店", 0.62, 0.45),
];

const BRANDS: &[&str] = &[
    "鑫源",
    "华兴",
    "宏达",
    "金利",
    "恒通",
    "永安",
    "富民",
    "兴旺",
    "天成",
    "湘南",
    "雁城",
    "金鹰",
    "力源",
    "振兴",
    "东方",
    "通达",
    "瑞丰",
    "盛世",
    "华宇",
    "鸿运",
    "长城",
    "新世纪",
    "金帆",
    "联创",
    "中南",
    "龙腾",
    "福星",
    "三湘",
    "蒸水",
    "耒水",
    "华晨",
    "宇航",
    "博远",
    "顺发",
    "嘉禾",
    "丰泽",
    "银河",
    "正大",
    "佳美",
    "德信",
    "恒昌",
    "利民",
    "万达",
    "金源",
    "宏图",
    "创新",
    "远大",
    "四海",
    "大成",
    "腾飞",
    "绿源",
    "星光",
    "湘江",
    "岳屏",
    "回雁",
    "石鼓",
    "衡岳",
];

const PRIVATE_SUFFIX: &[&str] = &["有限公司", "有限责任公司", "股份有限公司", "实业有限公司", "厂"];

const PUBLIC_ENTERPRISES: &[(&str, &str, f64)] = &[
    ("粮食购销公司", "粮食", 0.35),
    ("供销合作社联合社", "商贸", 0.45),
    ("自来水公司", "水务", 0.35),
    ("电力公司", "电力", 0.3),
    ("汽车运输公司", "运输", 0.2),
    ("水泥厂", "建材", 0.2),
    ("化肥厂", "化工", 0.25),
    ("建筑工程公司", "建筑", 0.15),
    ("农机公司", "机械", 0.25),
    ("印刷厂", "印刷", 0.45),
    ("酒厂", "食品", 0.4),
    ("食品公司", "食品", 0.45),
    ("医药公司", "医药", 0.55),
    ("物资公司", "商贸", 0.4),
    ("百货公司", "商贸", 0.6),
    ("国营林场", "林业", 0.25),
    ("煤矿", "采矿", 0.08),
    ("造纸厂", "造纸", 0.35),
    ("纺织厂", "纺织", 0.7),
    ("机械厂", "机械", 0.2),
    ("农村信用合作联社", "金融", 0.5),
    ("城市建设投资公司", "建设", 0.3),
    ("公共交通公司", "运输", 0.3),
    ("烟草公司", "烟草", 0.4),
    ("石油公司", "石油", 0.35),
    ("邮政局", "邮政", 0.5),
    ("电信分公司", "通信", 0.45),
    ("氮肥厂", "化工", 0.25),
];

const INSTITUTIONS: &[(&str, &str, f64)] = &[
    ("人民医院", "卫生", 0.7),
    ("中医医院", "卫生", 0.68),
    ("妇幼保健院", "卫生", 0.85),
    ("疾病预防控制中心", "卫生", 0.6),
    ("第一中学", "教育", 0.5),
    ("第二中学", "教育", 0.5),
    ("第三中学", "教育", 0.52),
    ("第五中学", "教育", 0.52),
    ("实验中学", "教育", 0.55),
    ("实验小学", "教育", 0.75),
    ("职业中专", "教育", 0.5),
    ("文化馆", "文化", 0.55),
    ("图书馆", "文化", 0.65),
    ("广播电视台", "文化", 0.45),
    ("农业技术推广中心", "科技", 0.35),
    ("第二人民医院", "卫生", 0.7),
    ("进修学校", "教育", 0.55),
];

const TOWN_INSTITUTIONS: &[(&str, &str, f64)] =
    &[("中心小学", "教育", 0.7), ("中学", "教育", 0.5), ("卫生院", "卫生", 0.65), ("中心幼儿园", "教育", 0.95)];

const GOVERNMENT: &[&str] = &[
    "财政局",
    "教育局",
    "人力资源和社会保障局",
    "公安局",
    "卫生局",
    "交通局",
    "国土资源局",
    "民政局",
    "农业局",
    "林业局",
    "水利局",
    "工商行政管理局",
    "地方税务局",
    "国家税务局",
    "统计局",
    "审计局",
    "司法局",
    "商务局",
    "发展和改革局",
    "文化局",
    "环境保护局",
    "住房和城乡建设局",
    "安全生产监督管理局",
    "质量技术监督局",
    "粮食局",
    "人民法院",
    "人民检察院",
    "档案局",
    "科学技术局",
    "食品药品监督管理局",
];

const TOWN_OFFICES: &[&str] = &[
    "人民政府",
    "财政所",
    "派出所",
    "国土资源所",
    "农业综合服务站",
    "计划生育服务站",
    "司法所",
    "林业站",
    "水利站",
    "文化站",
    "劳动保障所",
];

const STREET_OFFICES: &[&str] =
    &["办事处", "派出所", "财政所", "司法所", "劳动保障事务所", "计划生育服务站", "城管中队"];

const OTHERS: &[&str] = &[
    "个体劳动者协会",
    "私营企业协会",
    "建筑业协会",
    "民办幼儿园",
    "物业管理服务中心",
    "老年大学",
    "残疾人联合会",
    "红十字会",
    "职业技能培训学校",
    "律师事务所",
    "会计师事务所",
    "驾驶员培训学校",
];

const VILLAGE_A: &[&str] = &[
    "新", "石", "长", "大", "东", "西", "南", "北", "上", "下", "黄", "桃", "梅", "竹", "松", "杨", "龙", "凤", "金",
    "银", "清", "白", "高", "丰", "和", "平", "太", "双", "三", "马",
];
const VILLAGE_B: &[&str] = &[
    "塘", "湾", "桥", "冲", "坪", "山", "岭", "江", "源", "田", "园", "溪", "坳", "湖", "铺", "市", "林", "峰", "洲",
    "家",
];

/// Hands out unit names that never repeat.
#[derive(Default)]
pub struct Names {
    used: HashSet<String>,
}

impl Names {
    /// `name` if unused, else `name` with a distinguishing number.
    pub fn unique(&mut self, name: String) -> String {
        if self.used.insert(name.clone()) {
            return name;
        }
        for n in 2.. {
            let alt = match name.strip_suffix("有限公司") {
                Some(stem) => format!("{stem}{}有限公司", numeral(n)),
                None => format!("{name}({}分部)", numeral(n)),
            };
            if self.used.insert(alt.clone()) {
                return alt;
            }
        }
        name
    }

    /// Reserves a fixed name (the seed's named units).
    pub fn reserve(&mut self, name: &str) {
        self.used.insert(name.to_owned());
    }

    /// A name from `make` not taken yet (a few tries), else `make`'s last name made unique.
    fn fresh(&mut self, rng: &mut Rng, mut make: impl FnMut(&mut Rng) -> String) -> String {
        let mut name = make(rng);
        for _ in 0..12 {
            if !self.used.contains(&name) {
                break;
            }
            name = make(rng);
        }
        self.unique(name)
    }

    /// A private enterprise at `place`: (name, industry, women's share, migrant share).
    pub fn private(&mut self, rng: &mut Rng, place: &str) -> (String, &'static str, f64, f64) {
        let (ind, w, m) = *rng.pick(PRIVATE_INDUSTRIES);
        let name = self.fresh(rng, |rng| {
            let ind_word = match ind {
                "机械制造" => "机械",
                "纺织服装" => rng.one_of(&["纺织", "服装", "制衣"]),
                "农产品加工" => rng.one_of(&["农产品", "米业", "油脂", "茶业"]),
                "印刷包装" => rng.one_of(&["印务", "包装"]),
                "电气设备" => "电气",
                other => other,
            };
            format!("{place}{}{ind_word}{}", rng.pick(BRANDS), rng.pick(PRIVATE_SUFFIX))
        });
        (name, ind, w, m)
    }

    /// A state or collective enterprise at `place`.
    pub fn public(&mut self, rng: &mut Rng, place: &str) -> (String, &'static str, f64) {
        let mut kind = *rng.pick(PUBLIC_ENTERPRISES);
        let name = self.fresh(rng, |rng| {
            kind = *rng.pick(PUBLIC_ENTERPRISES);
            format!("{place}{}", kind.0)
        });
        (name, kind.1, kind.2)
    }

    /// A public institution (school, hospital, library…) at county level, or in a town.
    pub fn institution(&mut self, rng: &mut Rng, place: &str, in_town: bool) -> (String, &'static str, f64) {
        let mut kind = *rng.pick(INSTITUTIONS);
        let name = self.fresh(rng, |rng| {
            if in_town && rng.chance(0.4) {
                kind = ("小学", "教育", 0.7);
                format!("{place}{}{}小学", rng.pick(VILLAGE_A), rng.pick(VILLAGE_B))
            } else {
                kind = *rng.pick(if in_town { TOWN_INSTITUTIONS } else { INSTITUTIONS });
                format!("{place}{}", kind.0)
            }
        });
        (name, kind.1, kind.2)
    }

    /// A government body at county level, or in a town.
    pub fn government(&mut self, rng: &mut Rng, place: &str, town: Option<&str>) -> String {
        self.fresh(rng, |rng| match town {
            Some(t) if t.ends_with("街道") => format!("{place}{t}{}", rng.pick(STREET_OFFICES)),
            Some(t) => format!("{place}{t}{}", rng.pick(TOWN_OFFICES)),
            None => format!("{place}{}", rng.pick(GOVERNMENT)),
        })
    }

    /// A village or community in a town.
    pub fn village(&mut self, rng: &mut Rng, place: &str, town: &str) -> String {
        let kind = if town.ends_with("街道") { "社区" } else { "村" };
        self.fresh(rng, |rng| format!("{place}{town}{}{}{kind}", rng.pick(VILLAGE_A), rng.pick(VILLAGE_B)))
    }

    /// An association or private non-enterprise unit.
    pub fn other(&mut self, rng: &mut Rng, place: &str) -> String {
        self.fresh(rng, |rng| format!("{place}{}{}", rng.pick(BRANDS), rng.pick(OTHERS)))
    }
}

/// A Chinese numeral for small distinguishing numbers.
fn numeral(n: usize) -> String {
    const D: [&str; 10] = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    match n {
        0..=9 => format!("第{}", D[n]),
        _ => format!("第{n}"),
    }
}

/// A street address in a place.
pub fn address(rng: &mut Rng, place: &str) -> String {
    const ROADS: &[&str] = &[
        "解放路",
        "人民路",
        "建设路",
        "中山路",
        "蒸湘路",
        "先锋路",
        "船山大道",
        "红湘路",
        "光辉街",
        "雁城路",
        "工业路",
        "兴业路",
        "团结路",
        "胜利路",
        "和平路",
    ];
    format!("{place}{}{}号", rng.pick(ROADS), rng.range(1, 388))
}
