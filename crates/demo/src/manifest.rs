//! The demo manifest (`packs/trade-union/demo/manifest.toml`): the exact value every
//! registry-sourced figure of the seed report takes in the demo data, which the generators build
//! to and the tests recount.

use anyhow::{Context, bail};
use serde::Deserialize;
use std::collections::BTreeMap;

/// The manifest's text, as embedded.
pub const TEXT: &str = include_str!("../../../packs/trade-union/demo/manifest.toml");

/// A figure's value: a count or sum (money in yuan), or a ratio's numerator and denominator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(untagged)]
pub enum Figure {
    Value(i64),
    Ratio([i64; 2]),
}

/// The parsed manifest.
#[derive(Debug, Clone, Deserialize)]
pub struct Manifest {
    /// Figure id → value for 2009.
    pub figures: BTreeMap<String, Figure>,
    /// Parts of relations that are not figures of their own.
    pub supporting: BTreeMap<String, i64>,
    /// 2008 values of the figures compared with the year before.
    pub previous: BTreeMap<String, i64>,
}

/// Every figure the generators build to (a manifest missing one is refused): the seed report's
/// registry-sourced figures, as the trade-union pack lists them.
pub fn figure_ids() -> impl Iterator<Item = &'static str> {
    kaohe_packs::seed_figure_ids()
}

/// Supporting values the generators build to.
pub const SUPPORTING_IDS: &[&str] = &[
    "decisions_total",
    "reports_on_time",
    "investment_arrived",
    "congress_public_base",
    "restructured_via_congress",
    "pairing_city_state_enterprises",
    "pairing_city_enterprises",
    "pairing_rank_years",
];

/// 2008 values the generators build to.
pub const PREVIOUS_IDS: &[&str] = &["legal_certs_issued", "insurance_participants", "insurance_premium"];

impl Manifest {
    /// Parses and checks the embedded manifest.
    pub fn load() -> anyhow::Result<Self> {
        Self::parse(TEXT)
    }

    /// Parses and checks a manifest's text: every figure the generators need must be present.
    pub fn parse(text: &str) -> anyhow::Result<Self> {
        let m: Manifest = toml::from_str(text).context("the demo manifest is not valid TOML")?;
        let missing: Vec<&str> = figure_ids()
            .filter(|k| !m.figures.contains_key(*k))
            .chain(SUPPORTING_IDS.iter().copied().filter(|k| !m.supporting.contains_key(*k)))
            .chain(PREVIOUS_IDS.iter().copied().filter(|k| !m.previous.contains_key(*k)))
            .collect();
        if !missing.is_empty() {
            bail!("the demo manifest lacks {}", missing.join(", "));
        }
        Ok(m)
    }

    /// A count or sum figure (0 for a ratio; [`Manifest::load`] checked presence).
    pub fn n(&self, id: &str) -> i64 {
        match self.figures.get(id) {
            Some(Figure::Value(v)) => *v,
            _ => 0,
        }
    }

    /// A ratio figure's numerator and denominator.
    pub fn ratio(&self, id: &str) -> (i64, i64) {
        match self.figures.get(id) {
            Some(Figure::Ratio([a, b])) => (*a, *b),
            Some(Figure::Value(v)) => (*v, *v),
            None => (0, 0),
        }
    }

    /// A supporting value.
    pub fn s(&self, id: &str) -> i64 {
        self.supporting.get(id).copied().unwrap_or_default()
    }

    /// A 2008 value.
    pub fn prev(&self, id: &str) -> i64 {
        self.previous.get(id).copied().unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_manifest_is_complete() {
        let m = Manifest::load().expect("manifest");
        assert_eq!(m.n("new_unions"), 573);
        assert!(m.ratio("appraisal_coverage").1 > 0);
        assert!(Manifest::parse("[figures]\n[supporting]\n[previous]\n").is_err());
    }
}
