//! The packs built into kaohe, embedded in the binary, and loading a pack from a folder
//! (`kaohe pack validate DIR`).
#![forbid(unsafe_code)]

use include_dir::{Dir, include_dir};
use kaohe_domain::pack::{Pack, PackError, parse_pack};
use std::path::Path;

static TRADE_UNION: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/../../packs/trade-union");

fn collect(dir: &Dir<'static>, out: &mut Vec<(String, String)>) {
    for f in dir.files() {
        if let Some(text) = f.contents_utf8() {
            out.push((f.path().to_string_lossy().replace('\\', "/"), text.to_owned()));
        }
    }
    for d in dir.dirs() {
        collect(d, out);
    }
}

/// The trade-union pack's files, as embedded.
pub fn trade_union_files() -> Vec<(String, String)> {
    let mut out = Vec::new();
    collect(&TRADE_UNION, &mut out);
    out.sort();
    out
}

/// The built-in trade-union pack.
pub fn trade_union() -> Result<Pack, Vec<PackError>> {
    parse_pack(&trade_union_files())
}

/// Reads every `.toml` file under `dir` (paths relative to it, `/`-separated).
pub fn read_dir(dir: &Path) -> std::io::Result<Vec<(String, String)>> {
    fn walk(base: &Path, dir: &Path, out: &mut Vec<(String, String)>) -> std::io::Result<()> {
        for entry in std::fs::read_dir(dir)? {
            let path = entry?.path();
            if path.is_dir() {
                walk(base, &path, out)?;
            } else if path.extension().is_some_and(|e| e == "toml") {
                let rel = path.strip_prefix(base).unwrap_or(&path).to_string_lossy().replace('\\', "/");
                out.push((rel, std::fs::read_to_string(&path)?));
            }
        }
        Ok(())
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out)?;
    out.sort();
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_trade_union_pack_is_valid() {
        match trade_union() {
            Ok(p) => assert!(!p.registries.is_empty()),
            Err(errs) => panic!("{}", errs.iter().map(|e| e.to_string()).collect::<Vec<_>>().join("\n")),
        }
    }
}

/// The registry-sourced figure ids of SEED-FIGURES.md, by section (the `manual` ones are left out;
/// `appraisal_coverage` is counted from `units`, see packs/trade-union/FIGURES.md).
pub const SEED_FIGURES: &[(&str, &[&str])] = &[
    (
        "综合工作",
        &[
            "decisions_conveyed_on_time",
            "advice_party_members",
            "advice_forms_out",
            "advice_forms_back",
            "advice_suggestions",
            "integrity_violations",
            "investment_amount",
            "stability_incidents",
        ],
    ),
    (
        "组织建设",
        &[
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
        ],
    ),
    (
        "维权",
        &[
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
        ],
    ),
    (
        "帮扶",
        &[
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
        ],
    ),
    ("财务", &["dues_deferred_units"]),
];

/// Every registry-sourced figure id of the seed report, in report order.
pub fn seed_figure_ids() -> impl Iterator<Item = &'static str> {
    SEED_FIGURES.iter().flat_map(|(_, ids)| ids.iter().copied())
}
