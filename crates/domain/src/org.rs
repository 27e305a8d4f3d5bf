//! The organisation tree: orgs, their kinds and codes, and the materialised path that makes a
//! subtree one index range scan.

use crate::error::DomainError;
use crate::ids::OrgId;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// What kind of node an org is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrgKind {
    /// 总工会: a federation (city, county, province).
    Federation,
    /// 部室: a department of a federation.
    Department,
    /// 基层工会: a grassroots union.
    Grassroots,
    /// 其他: anything else (towns, industry unions, …).
    Other,
}

impl OrgKind {
    /// Every kind, in display order.
    pub const ALL: [OrgKind; 4] = [Self::Federation, Self::Department, Self::Grassroots, Self::Other];

    /// The stable code used in storage, the API and import files.
    pub fn code(self) -> &'static str {
        match self {
            Self::Federation => "federation",
            Self::Department => "department",
            Self::Grassroots => "grassroots",
            Self::Other => "other",
        }
    }

    /// Where the kind comes in assessment lists: departments, then federations, then the rest.
    pub fn listing_order(self) -> u8 {
        match self {
            Self::Department => 0,
            Self::Federation => 1,
            Self::Grassroots => 2,
            Self::Other => 3,
        }
    }

    /// The Chinese label.
    pub fn label_zh(self) -> &'static str {
        match self {
            Self::Federation => "总工会",
            Self::Department => "部室",
            Self::Grassroots => "基层工会",
            Self::Other => "其他",
        }
    }

    /// The English label.
    pub fn label_en(self) -> &'static str {
        match self {
            Self::Federation => "Federation",
            Self::Department => "Department",
            Self::Grassroots => "Grassroots union",
            Self::Other => "Other",
        }
    }

    /// Parses a code, or a Chinese or English label (as found in import files).
    pub fn parse(s: &str) -> Option<Self> {
        let s = s.trim();
        Self::ALL
            .into_iter()
            .find(|k| k.code().eq_ignore_ascii_case(s) || k.label_zh() == s || k.label_en().eq_ignore_ascii_case(s))
    }
}

/// An org's stable code: 1–32 characters of ASCII letters, digits, `-`, `_` or `.`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct OrgCode(String);

impl OrgCode {
    /// Checks and wraps a code.
    pub fn parse(s: &str) -> Result<Self, DomainError> {
        let s = s.trim();
        let ok = !s.is_empty()
            && s.len() <= 32
            && s.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
        if ok {
            Ok(Self(s.to_owned()))
        } else {
            Err(DomainError::invalid(
                "code",
                "代码须为1至32位字母、数字、“-”“_”或“.”",
                "code must be 1–32 ASCII letters, digits, '-', '_' or '.'",
            ))
        }
    }

    /// The code as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for OrgCode {
    type Error = DomainError;
    fn try_from(s: String) -> Result<Self, DomainError> {
        Self::parse(&s)
    }
}

impl From<OrgCode> for String {
    fn from(c: OrgCode) -> String {
        c.0
    }
}

/// Checks an org name (1–100 characters after trimming) and returns it trimmed.
pub fn parse_org_name(field: &str, s: &str) -> Result<String, DomainError> {
    let t = s.trim();
    let n = t.chars().count();
    if n == 0 || n > 100 {
        return Err(DomainError::invalid(field, "名称须为1至100个字符", "name must be 1–100 characters"));
    }
    // A name is one line: a line break or another control character would let it pose as layout
    // (a heading or a table row) in a report or a page.
    if let Some(at) = t.chars().position(char::is_control) {
        return Err(DomainError::invalid(
            field,
            format!("名称须为一行文字,第{}个字符是换行或其他控制字符", at + 1),
            format!("a name is one line of text; character {} is a line break or another control character", at + 1),
        ));
    }
    Ok(t.to_owned())
}

/// Width of one path segment: ids up to 9,999,999,999.
const SEGMENT: usize = 10;

/// An org's materialised path: the zero-padded ids from the root down to the org itself. Digits
/// only, so every collation sorts it byte-wise and a subtree is the range
/// `[path, path.successor())`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct OrgPath(String);

impl OrgPath {
    /// The path of a root org.
    pub fn root(id: OrgId) -> Self {
        Self(format!("{:0width$}", id.0, width = SEGMENT))
    }

    /// The path of `id` as a child of the org at `self`.
    pub fn child(&self, id: OrgId) -> Self {
        Self(format!("{}{:0width$}", self.0, id.0, width = SEGMENT))
    }

    /// Wraps a stored path.
    pub fn from_stored(s: String) -> Self {
        Self(s)
    }

    /// The path as stored.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Levels below the root (a root is 0).
    pub fn depth(&self) -> usize {
        self.0.len() / SEGMENT - 1
    }

    /// The ids from the root down to this org.
    pub fn ids(&self) -> Vec<OrgId> {
        self.0.as_bytes().chunks(SEGMENT).filter_map(|c| std::str::from_utf8(c).ok()?.parse().ok().map(OrgId)).collect()
    }

    /// True if `other` is this org or lies below it.
    pub fn contains(&self, other: &OrgPath) -> bool {
        other.0.starts_with(&self.0)
    }

    /// The smallest string greater than every path in this subtree: the exclusive upper bound of
    /// the subtree's range.
    pub fn successor(&self) -> String {
        let mut bytes = self.0.clone().into_bytes();
        // Paths are digits; a segment of all 9s cannot occur below 10^10 ids, so carrying ends.
        for b in bytes.iter_mut().rev() {
            if *b == b'9' {
                *b = b'0';
            } else {
                *b += 1;
                break;
            }
        }
        String::from_utf8(bytes).unwrap_or_default()
    }

    /// The path after moving the subtree rooted at `from` to lie under `to` (`from` must contain self).
    pub fn rebase(&self, from: &OrgPath, to: &OrgPath) -> OrgPath {
        OrgPath(format!("{}{}", to.0, &self.0[from.0.len() - SEGMENT..]))
    }
}

/// An org as the domain sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Org {
    pub id: OrgId,
    pub code: OrgCode,
    pub name: String,
    pub short_name: Option<String>,
    pub kind: OrgKind,
    pub parent_id: Option<OrgId>,
    /// Editable order among siblings.
    pub sort_key: i32,
    pub path: OrgPath,
    pub opened_on: NaiveDate,
    /// Set when closed; orgs are never hard-deleted so past years stay reproducible.
    pub closed_on: Option<NaiveDate>,
    /// The org's groups for assessment (考核分组: 县市区, 产业工会, 组织部 …), which rulebooks and
    /// submission requests name instead of the org's own name.
    pub groups: Vec<String>,
}

impl Org {
    /// True if the org is open on `day`.
    pub fn is_open_on(&self, day: NaiveDate) -> bool {
        self.opened_on <= day && self.closed_on.is_none_or(|c| day < c)
    }

    /// What a rulebook may select the org by: its kind, code and groups.
    pub fn tags(&self) -> OrgTags<'_> {
        OrgTags { kind: self.kind, code: self.code.as_str(), groups: &self.groups }
    }
}

/// What a rulebook or a submission request selects an org by — never its name, which a
/// federation spells its own way (清州市总工会组织部 is 组织部 by group).
#[derive(Debug, Clone, Copy)]
pub struct OrgTags<'a> {
    pub kind: OrgKind,
    pub code: &'a str,
    pub groups: &'a [String],
}

impl OrgTags<'_> {
    /// Whether a rulebook's entry (a group or an org code) names this org.
    pub fn has(&self, entry: &str) -> bool {
        self.code == entry || self.groups.iter().any(|g| g == entry)
    }
}

/// Most groups one org carries.
pub const MAX_GROUPS: usize = 8;

/// Checks an org's groups as typed (separated by 、 , ， ; ； or spaces): each 1–20 characters
/// of one line, at most [`MAX_GROUPS`], duplicates dropped, order kept.
pub fn parse_org_groups(field: &str, s: &str) -> Result<Vec<String>, DomainError> {
    let parts = s.split(|c: char| matches!(c, '、' | ',' | '，' | ';' | '；') || c.is_whitespace());
    let mut out: Vec<String> = Vec::new();
    for g in parts.filter(|g| !g.is_empty()) {
        let n = g.chars().count();
        if n > 20 || g.chars().any(char::is_control) {
            return Err(DomainError::invalid(
                field,
                format!("分组“{g}”须为1至20个字符的一行文字"),
                format!("group {g:?} must be one line of 1–20 characters"),
            ));
        }
        if !out.iter().any(|o| o == g) {
            out.push(g.to_owned());
        }
    }
    if out.len() > MAX_GROUPS {
        return Err(DomainError::invalid(
            field,
            format!("一个组织最多{MAX_GROUPS}个分组"),
            format!("an org has at most {MAX_GROUPS} groups"),
        ));
    }
    Ok(out)
}

/// Most spellings [`pinyin_initials_all`] gives for one name.
pub const MAX_INITIALS: usize = 8;

/// The pinyin initials of a name, lower case, for searching by typing them (衡阳市总工会 →
/// `hyszgh`): each Chinese character gives its usual reading's first letter, letters and digits
/// stay as they are (lower-cased), anything else is left out.
pub fn pinyin_initials(name: &str) -> String {
    pinyin_initials_all(name).swap_remove(0)
}

/// The pinyin initials of a name under each reading of characters that have several (长沙 is
/// `cs`, though 长's usual reading is zhǎng): the usual readings' spelling first, at most
/// [`MAX_INITIALS`] spellings.
pub fn pinyin_initials_all(name: &str) -> Vec<String> {
    use pinyin::ToPinyinMulti;
    let mut out = vec![String::new()];
    for c in name.chars() {
        let letters: Vec<char> = match c.to_pinyin_multi() {
            Some(readings) => {
                let mut v = Vec::new();
                for p in readings {
                    if let Some(l) = p.first_letter().chars().next()
                        && !v.contains(&l)
                    {
                        v.push(l);
                    }
                }
                v
            }
            None if c.is_ascii_alphanumeric() => vec![c.to_ascii_lowercase()],
            None => continue,
        };
        let mut next = Vec::with_capacity(out.len() * letters.len());
        for l in &letters {
            for s in out.iter().take(MAX_INITIALS - next.len().min(MAX_INITIALS)) {
                let mut t = s.clone();
                t.push(*l);
                next.push(t);
            }
        }
        next.truncate(MAX_INITIALS);
        if !next.is_empty() {
            out = next;
        }
    }
    out
}

/// Refuses to move the subtree at `moving` under `new_parent` when that would make a cycle.
pub fn check_move(moving: &OrgPath, new_parent: &OrgPath) -> Result<(), DomainError> {
    if moving.contains(new_parent) {
        return Err(DomainError::Conflict(
            "不能把组织移到它自己或它的下级之下 / an org cannot move under itself or its descendants".into(),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn initials_are_each_characters_first_letter() {
        assert_eq!(pinyin_initials("衡阳市总工会"), "hyszgh");
        assert_eq!(pinyin_initials("ABC 工会"), "abcgh");
        assert_eq!(pinyin_initials(""), "");
        // 长 reads zhǎng or cháng: both spellings are searchable, the usual reading first.
        let all = pinyin_initials_all("长沙市第1县(市、区)总工会");
        assert!(all.contains(&"cssd1xsqzgh".to_owned()), "{all:?}");
        assert_eq!(all[0], pinyin_initials("长沙市第1县(市、区)总工会"));
        assert!(all.len() <= MAX_INITIALS);
        let many = pinyin_initials_all(&"长".repeat(20));
        assert_eq!(many.len(), MAX_INITIALS, "capped");
    }

    #[test]
    fn paths_nest_and_bound_their_subtree() {
        let root = OrgPath::root(OrgId(1));
        let child = root.child(OrgId(25));
        let grandchild = child.child(OrgId(7));
        assert!(root.contains(&grandchild));
        assert!(!child.contains(&root));
        assert_eq!(grandchild.depth(), 2);
        assert_eq!(grandchild.ids(), vec![OrgId(1), OrgId(25), OrgId(7)]);
        let sibling = root.child(OrgId(26));
        assert!(grandchild.as_str() < child.successor().as_str());
        assert!(sibling.as_str() >= child.successor().as_str());
    }

    #[test]
    fn moving_under_own_descendant_is_refused() {
        let a = OrgPath::root(OrgId(1)).child(OrgId(2));
        let b = a.child(OrgId(3));
        assert!(check_move(&a, &b).is_err());
        assert!(check_move(&a, &a).is_err());
        assert!(check_move(&b, &OrgPath::root(OrgId(1))).is_ok());
    }

    #[test]
    fn rebase_keeps_the_tail() {
        let a = OrgPath::root(OrgId(1)).child(OrgId(2));
        let leaf = a.child(OrgId(3)).child(OrgId(4));
        let target = OrgPath::root(OrgId(9));
        assert_eq!(leaf.rebase(&a, &target).ids(), vec![OrgId(9), OrgId(2), OrgId(3), OrgId(4)]);
    }

    #[test]
    fn kinds_parse_from_labels() {
        assert_eq!(OrgKind::parse("部室"), Some(OrgKind::Department));
        assert_eq!(OrgKind::parse("Grassroots"), Some(OrgKind::Grassroots));
        assert_eq!(OrgKind::parse("x"), None);
    }

    proptest! {
        /// The successor bounds exactly the subtree: every path either lies in the range and below
        /// the org, or outside it and not below.
        #[test]
        fn successor_bounds_exactly_the_subtree(a in prop::collection::vec(1i64..50, 1..4),
                                               b in prop::collection::vec(1i64..50, 1..5)) {
            let mk = |ids: &[i64]| ids[1..].iter().fold(OrgPath::root(OrgId(ids[0])), |p, i| p.child(OrgId(*i)));
            let (pa, pb) = (mk(&a), mk(&b));
            let in_range = pb.as_str() >= pa.as_str() && pb.as_str() < pa.successor().as_str();
            prop_assert_eq!(in_range, pa.contains(&pb));
        }
    }
}
