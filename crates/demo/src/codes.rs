//! Valid-looking identifiers and names: resident ID numbers (GB 11643) with Hengyang region codes,
//! unified social credit codes (GB 32100), Chinese personal names and phone numbers. Every code
//! passes the domain's parsers; [`Unique`] keeps natural keys from repeating.

use crate::rng::Rng;
use chrono::{Datelike, NaiveDate};
use std::collections::HashSet;

/// Hengyang's administrative region codes by county, in the order of [`crate::orgs::COUNTIES`].
pub const REGIONS: [u32; 12] =
    [430481, 430482, 430421, 430422, 430423, 430424, 430426, 430412, 430406, 430405, 430407, 430408];

/// The city districts' codes, for people of city-level units.
pub const CITY_REGIONS: [u32; 4] = [430405, 430406, 430407, 430408];

const ID_WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK: &[u8; 11] = b"10X98765432";

/// Builds a resident ID number; `seq` is the 3-digit sequence whose last digit is odd for men.
pub fn resident_id(region: u32, birth: NaiveDate, seq: u32) -> String {
    let body = format!("{region:06}{:04}{:02}{:02}{:03}", birth.year(), birth.month(), birth.day(), seq % 1000);
    let sum: u32 = body.bytes().zip(ID_WEIGHTS).map(|(b, w)| u32::from(b - b'0') * w).sum();
    let mut s = body;
    s.push(ID_CHECK[(sum % 11) as usize] as char);
    s
}

/// Hands out resident ID numbers that never repeat.
#[derive(Default)]
pub struct IdNumbers {
    used: HashSet<u64>,
}

impl IdNumbers {
    /// A fresh number for a person of `region`, born on `birth`, of the given sex.
    pub fn next(&mut self, rng: &mut Rng, region: u32, birth: NaiveDate, female: bool) -> String {
        let day = birth.num_days_from_ce() as u64;
        let mut seq = rng.range(0, 499) as u32 * 2 + u32::from(!female);
        loop {
            let key = (u64::from(region) << 40) | (day << 10) | u64::from(seq);
            if self.used.insert(key) {
                return resident_id(region, birth, seq);
            }
            seq = (seq + 2) % 1000;
        }
    }
}

const CC_CHARS: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
const CC_WEIGHTS: [u32; 17] = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/// The GB 32100 check character of 17 leading characters.
fn credit_check(body: &str) -> char {
    let sum: u32 =
        body.bytes().zip(CC_WEIGHTS).map(|(b, w)| CC_CHARS.iter().position(|c| *c == b).unwrap_or(0) as u32 * w).sum();
    CC_CHARS[((31 - sum % 31) % 31) as usize] as char
}

/// The GB 11714 check character of an 8-digit organisation code.
fn org_code_check(digits: &str) -> char {
    const W: [u32; 8] = [3, 7, 9, 10, 5, 8, 4, 2];
    let sum: u32 = digits.bytes().zip(W).map(|(b, w)| u32::from(b - b'0') * w).sum();
    match 11 - sum % 11 {
        10 => 'X',
        11 => '0',
        c => char::from(b'0' + c as u8),
    }
}

/// Hands out unified social credit codes that never repeat.
#[derive(Default)]
pub struct CreditCodes {
    used: HashSet<String>,
}

impl CreditCodes {
    /// A fresh code: `kind` is the 2-character registration authority and type ("91" enterprise,
    /// "11" government body, "12" public institution, "54" village or community, "81" union).
    pub fn next(&mut self, rng: &mut Rng, kind: &str, region: u32) -> String {
        loop {
            let org: String = (0..8).map(|_| char::from(b'0' + rng.below(10) as u8)).collect();
            let body = format!("{kind}{region:06}{org}{}", org_code_check(&org));
            let code = format!("{body}{}", credit_check(&body));
            if self.used.insert(code.clone()) {
                return code;
            }
        }
    }
}

const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭", "何", "高", "林",
    "罗", "郑", "梁", "谢", "宋", "唐", "许", "邓", "冯", "曹", "彭", "曾", "肖", "田", "袁", "潘", "蒋", "蔡", "余",
    "谭", "廖", "贺", "欧阳", "刘", "李", "陈", "王", "颜", "邹", "雷", "龙", "阳", "文", "段", "旷", "陆", "胡",
];
const MALE: &[&str] = &[
    "伟", "强", "军", "勇", "杰", "涛", "明", "超", "刚", "平", "辉", "鹏", "华", "飞", "斌", "波", "建国", "志刚",
    "国庆", "海军", "建华", "振华", "新民", "卫东", "永红", "春生", "德胜", "立新", "文斌", "晓东", "小龙", "长青",
    "湘平", "衡生", "雁飞", "正阳", "俊", "磊", "浩", "宇", "锋", "亮", "成", "林", "松", "群",
];
const FEMALE: &[&str] = &[
    "芳", "娟", "敏", "静", "丽", "艳", "霞", "燕", "玲", "红", "琴", "英", "梅", "萍", "慧", "婷", "秀兰", "桂英",
    "春梅", "小红", "丽华", "晓燕", "海燕", "美玲", "翠华", "湘玲", "雪梅", "丽娟", "淑芬", "玉兰", "凤", "莉", "洁",
    "颖", "倩", "雯", "蓉", "萍", "兰", "菊",
];

/// A Chinese personal name of the given sex.
pub fn person_name(rng: &mut Rng, female: bool) -> String {
    let given = if female { FEMALE } else { MALE };
    format!("{}{}", rng.pick(SURNAMES), rng.pick(given))
}

/// A personal name, a woman's with probability `p_female`.
pub fn name_of(rng: &mut Rng, p_female: f64) -> String {
    let female = rng.chance(p_female);
    person_name(rng, female)
}

/// A mobile number (Hunan prefixes of the time).
pub fn mobile(rng: &mut Rng) -> String {
    const PREFIXES: [&str; 8] = ["135", "136", "137", "138", "139", "150", "151", "158"];
    format!("{}{:08}", rng.pick(&PREFIXES), rng.range(0, 99_999_999))
}

/// A Hengyang landline (area code 0734).
pub fn landline(rng: &mut Rng) -> String {
    format!("0734-{}", rng.range(8_100_000, 8_899_999))
}

#[cfg(test)]
mod tests {
    use super::*;
    use kaohe_domain::values::{CreditCode, ResidentId};

    #[test]
    fn generated_codes_parse() {
        let mut rng = Rng::stream("codes");
        let mut ids = IdNumbers::default();
        let mut ccs = CreditCodes::default();
        for i in 0..2000 {
            let birth =
                rng.date(NaiveDate::from_ymd_opt(1950, 1, 1).unwrap(), NaiveDate::from_ymd_opt(1991, 12, 31).unwrap());
            let female = i % 2 == 0;
            let id = ids.next(&mut rng, REGIONS[i % 12], birth, female);
            let parsed = ResidentId::parse(&id).expect("valid resident id");
            assert_eq!(parsed.gender().label_zh(), if female { "女" } else { "男" });
            assert_eq!(parsed.birth_date(), birth);
            CreditCode::parse(&ccs.next(&mut rng, "91", 430400)).expect("valid credit code");
        }
        assert_eq!(credit_check("91350100M000100Y4"), '3');
    }
}
