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

/// Every figure the generators build to (a manifest missing one is refused).
pub const FIGURE_IDS: &[&str] = &[
    "decisions_conveyed_on_time",
    "advice_party_members",
    "advice_forms_out",
    "advice_forms_back",
    "advice_suggestions",
    "integrity_violations",
    "investment_amount",
    "stability_incidents",
    "new_unions",
    "new_members",
    "women_orgs",
    "women_members",
    "women_demo_units",
    "elections_done",
    "elections_preparing",
    "cadre_classes",
    "cadres_trained",
    "cadres_sent_up",
    "openness_key_units",
    "pledge_organisers",
    "pledge_enterprises",
    "pledge_workers",
    "pledges",
    "tripartite_meetings",
    "manuals_handed_out",
    "women_contracts",
    "women_contracts_independent",
    "women_contracts_regional",
    "women_contracts_regional_units",
    "women_contracts_industry",
    "women_contracts_industry_units",
    "women_contracts_women",
    "congress_public_units",
    "above_scale_units",
    "congress_private_units",
    "appraisal_coverage",
    "restructured",
    "restructured_state",
    "restructured_collective",
    "legal_certs_issued",
    "publicity_booklets",
    "petitions_visits",
    "petitions_letters",
    "petitions_calls",
    "aid_centres",
    "hardship_files_standard",
    "cooling_goods",
    "cooling_workers",
    "central_funds",
    "festival_funds",
    "festival_enterprises",
    "festival_households",
    "festival_models",
    "festival_migrants",
    "donation_amount",
    "study_aid_students",
    "study_aid_amount",
    "study_aid_sent",
    "study_aid_relief",
    "laid_off_trained",
    "base_trainees",
    "base_fee_relief",
    "aid_visits",
    "legal_consults",
    "health_lectures",
    "health_attendees",
    "insurance_participants",
    "insurance_premium",
    "insurance_claims",
    "insurance_paid",
    "migrant_training_bases",
    "migrant_training_funds",
    "migrants_trained",
    "fair_enterprises",
    "fair_vacancies",
    "fair_job_kinds",
    "fair_seekers",
    "fair_intentions",
    "pairing_city_leaders",
    "pairing_county_leaders",
    "pairing_county_enterprises",
    "pairing_city_units",
    "pairing_county_units",
    "pairing_city_staff",
    "pairing_city_teams",
    "pairing_county_staff",
    "pairing_county_teams",
    "pairing_staff",
    "pairing_senior",
    "pairing_section",
    "pairing_funds",
    "pairing_projects",
    "pairing_talents",
    "pairing_deeds",
    "pairing_files",
    "pairing_dibao",
    "pairing_visited",
    "pairing_money",
    "pairing_rank",
    "dues_deferred_units",
];

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
        let missing: Vec<&str> = FIGURE_IDS
            .iter()
            .filter(|k| !m.figures.contains_key(**k))
            .chain(SUPPORTING_IDS.iter().filter(|k| !m.supporting.contains_key(**k)))
            .chain(PREVIOUS_IDS.iter().filter(|k| !m.previous.contains_key(**k)).map(|k| k as &&str))
            .copied()
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
