//! Scores, grades and weighted categories shared by the compliance and health reports.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::finding::{Finding, Tally};

/// A letter grade on the legacy scale (A+ ≥ 97, A ≥ 93, B+ ≥ 90, B ≥ 85, C+ ≥ 80, C ≥ 75, D ≥ 65, else F).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
pub enum Grade {
    #[serde(rename = "A+")]
    APlus,
    A,
    #[serde(rename = "B+")]
    BPlus,
    B,
    #[serde(rename = "C+")]
    CPlus,
    C,
    D,
    F,
}

impl Grade {
    /// The grade of a 0–100 score. NaN counts as 0.
    pub fn of(score: f64) -> Grade {
        const BANDS: [(f64, Grade); 7] = [
            (97.0, Grade::APlus),
            (93.0, Grade::A),
            (90.0, Grade::BPlus),
            (85.0, Grade::B),
            (80.0, Grade::CPlus),
            (75.0, Grade::C),
            (65.0, Grade::D),
        ];
        BANDS
            .iter()
            .find(|(min, _)| score >= *min)
            .map_or(Grade::F, |(_, grade)| *grade)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Grade::APlus => "A+",
            Grade::A => "A",
            Grade::BPlus => "B+",
            Grade::B => "B",
            Grade::CPlus => "C+",
            Grade::C => "C",
            Grade::D => "D",
            Grade::F => "F",
        }
    }
}

impl std::fmt::Display for Grade {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The legacy traffic light: 🟢 ≥ 90, 🟡 ≥ 75, 🟠 ≥ 60, else 🔴.
pub fn status_light(score: f64) -> &'static str {
    if score >= 90.0 {
        "🟢"
    } else if score >= 75.0 {
        "🟡"
    } else if score >= 60.0 {
        "🟠"
    } else {
        "🔴"
    }
}

/// Share of compliant items as a 0–100 score, rounded to one decimal. Nothing to check scores
/// 100: a file without text cannot fail a text rule.
pub fn ratio_score(compliant: u64, total: u64) -> f64 {
    if total == 0 {
        return 100.0;
    }
    round1(100.0 * compliant.min(total) as f64 / total as f64)
}

/// Weighted mean of `(score, weight)` pairs, normalised by the weights actually given, so
/// weights need not sum to 1. Negative or non-finite weights count as 0; with no positive
/// weight the result is 0.
pub fn weighted_mean(parts: impl IntoIterator<Item = (f64, f64)>) -> f64 {
    let (sum, weights) = parts
        .into_iter()
        .map(|(score, weight)| {
            (
                score,
                if weight.is_finite() && weight > 0.0 {
                    weight
                } else {
                    0.0
                },
            )
        })
        .fold((0.0, 0.0), |(sum, weights), (score, weight)| {
            (sum + score * weight, weights + weight)
        });
    if weights > 0.0 {
        round1(sum / weights)
    } else {
        0.0
    }
}

pub(crate) fn round1(value: f64) -> f64 {
    (value * 10.0).round() / 10.0
}

pub(crate) fn round2(value: f64) -> f64 {
    (value * 100.0).round() / 100.0
}

/// The score of one category: how many checked items complied.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct CategoryScore {
    /// Machine name (`naming`, `color`, …).
    pub category: String,
    /// Human title for reports.
    pub title: String,
    /// 0–100.
    pub score: f64,
    pub grade: Grade,
    /// The weight this category carries in the overall score.
    pub weight: f64,
    pub compliant: u64,
    pub total: u64,
    /// Findings raised in this category.
    pub issues: u64,
}

impl CategoryScore {
    pub fn from_counts(
        category: &str,
        title: &str,
        weight: f64,
        compliant: u64,
        total: u64,
        issues: u64,
    ) -> Self {
        let score = ratio_score(compliant, total);
        Self {
            category: category.to_owned(),
            title: title.to_owned(),
            score,
            grade: Grade::of(score),
            weight,
            compliant: compliant.min(total),
            total,
            issues,
        }
    }
}

/// The overall score of a set of categories: their weighted mean.
pub fn overall(categories: &[CategoryScore]) -> f64 {
    weighted_mean(categories.iter().map(|c| (c.score, c.weight)))
}

/// Which categories a scored report (compliance, health) keeps. The overall score is the weighted
/// mean of the kept ones, and only their findings are listed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CategoryFilter {
    /// Machine names; `None` keeps every category.
    only: Option<Vec<&'static str>>,
}

impl CategoryFilter {
    /// Every category.
    pub fn all() -> Self {
        Self::default()
    }

    /// The categories named, out of `known` (a report's machine names). Names are matched ignoring
    /// case and a plural `s` (`colors`, `component`), with `-` or a space read as `_`; `all` among
    /// them, or no names at all, keeps every category. An unknown name is an error that lists the
    /// known ones.
    pub fn parse<S: AsRef<str>>(names: &[S], known: &[&'static str]) -> Result<Self, String> {
        let mut only = Vec::new();
        for name in names {
            let name = name
                .as_ref()
                .trim()
                .to_ascii_lowercase()
                .replace(['-', ' '], "_");
            if name == "all" {
                return Ok(Self::all());
            }
            let same = |known: &&&str| {
                **known == name
                    || name.strip_suffix('s') == Some(**known)
                    || known.strip_suffix('s') == Some(name.as_str())
            };
            match known.iter().find(same) {
                Some(k) if !only.contains(k) => only.push(*k),
                Some(_) => {}
                None => {
                    return Err(format!(
                        "unknown category {name:?}: use all, {}",
                        known.join(", ")
                    ));
                }
            }
        }
        Ok(if only.is_empty() {
            Self::all()
        } else {
            Self { only: Some(only) }
        })
    }

    /// Whether the category with this machine name is kept.
    pub fn keeps(&self, category: &str) -> bool {
        self.only
            .as_ref()
            .is_none_or(|only| only.contains(&category))
    }
}

/// The kept categories of a report scored, with their listed findings and the count of those
/// counted but not listed.
pub(crate) struct Scored {
    pub categories: Vec<CategoryScore>,
    pub findings: Vec<Finding>,
    pub findings_not_listed: u64,
    pub overall_score: f64,
}

/// Scores each `(machine name, title, weight, tally)` the filter keeps.
pub(crate) fn score_tallies(
    tallies: impl IntoIterator<Item = (&'static str, &'static str, f64, Tally)>,
    filter: &CategoryFilter,
) -> Scored {
    let mut categories = Vec::new();
    let mut findings = Vec::new();
    let mut findings_not_listed = 0;
    for (key, title, weight, tally) in tallies {
        if !filter.keeps(key) {
            continue;
        }
        categories.push(CategoryScore::from_counts(
            key,
            title,
            weight,
            tally.compliant,
            tally.total,
            tally.sink.count,
        ));
        findings_not_listed += tally.sink.count - tally.sink.kept.len() as u64;
        findings.extend(tally.sink.kept);
    }
    Scored {
        overall_score: round1(overall(&categories)),
        categories,
        findings,
        findings_not_listed,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn category_names_are_matched_loosely_and_unknown_ones_are_refused() {
        let known = ["color", "token_usage", "components"];
        let only = |names: &[&str]| CategoryFilter::parse(names, &known).unwrap();
        assert_eq!(only(&[]), CategoryFilter::all());
        assert_eq!(only(&["all"]), CategoryFilter::all());
        assert_eq!(only(&["color", "ALL"]), CategoryFilter::all());
        let token = only(&[" Token-Usage ", "token usage"]);
        assert!(token.keeps("token_usage") && !token.keeps("color"));
        let plural = only(&["Colors", "component"]);
        assert!(plural.keeps("color") && plural.keeps("components"));
        assert!(!plural.keeps("token_usage"));
        for bad in ["colour", "", "token__usage", "<script>", "colorss"] {
            let err = CategoryFilter::parse(&[bad], &known).unwrap_err();
            assert!(
                err.starts_with("unknown category")
                    && err.ends_with("use all, color, token_usage, components"),
                "{err}"
            );
        }
        assert!(
            CategoryFilter::parse(&["color"], &[]).is_err(),
            "a report without categories"
        );
    }

    #[test]
    fn grades_follow_the_legacy_thresholds_at_their_edges() {
        let cases = [
            (100.0, Grade::APlus),
            (97.0, Grade::APlus),
            (96.9, Grade::A),
            (93.0, Grade::A),
            (92.9, Grade::BPlus),
            (90.0, Grade::BPlus),
            (89.9, Grade::B),
            (85.0, Grade::B),
            (84.9, Grade::CPlus),
            (80.0, Grade::CPlus),
            (79.9, Grade::C),
            (75.0, Grade::C),
            (74.9, Grade::D),
            (65.0, Grade::D),
            (64.9, Grade::F),
            (0.0, Grade::F),
            (f64::NAN, Grade::F),
        ];
        for (score, grade) in cases {
            assert_eq!(Grade::of(score), grade, "{score}");
        }
        assert_eq!(
            serde_json::to_string(&Grade::APlus).ok().as_deref(),
            Some("\"A+\"")
        );
    }

    #[test]
    fn ratio_score_treats_nothing_to_check_as_full_marks() {
        assert_eq!(ratio_score(0, 0), 100.0);
        assert_eq!(ratio_score(1, 3), 33.3);
        assert_eq!(ratio_score(5, 3), 100.0);
    }

    #[test]
    fn weighted_mean_normalises_weights_and_ignores_bad_ones() {
        assert_eq!(weighted_mean([(100.0, 0.2), (50.0, 0.2)]), 75.0);
        assert_eq!(weighted_mean([(100.0, 3.0), (0.0, 1.0)]), 75.0);
        assert_eq!(
            weighted_mean([(100.0, f64::NAN), (40.0, 1.0), (0.0, -5.0)]),
            40.0
        );
        assert_eq!(weighted_mean([(100.0, 0.0)]), 0.0);
    }

    #[test]
    fn status_lights_follow_the_legacy_bands() {
        assert_eq!(status_light(90.0), "🟢");
        assert_eq!(status_light(89.9), "🟡");
        assert_eq!(status_light(75.0), "🟡");
        assert_eq!(status_light(60.0), "🟠");
        assert_eq!(status_light(59.9), "🔴");
    }
}
