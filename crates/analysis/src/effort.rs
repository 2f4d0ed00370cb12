//! Effort estimation: what a frame, section or component contains → hours of work, a Fibonacci
//! story-point band, an hours range and a confidence. Each count contributes a documented number
//! of hours, so the estimate grows with the work (23 screens cost more than one) and the reasoning
//! is listed with it. The table is documented in docs/analysis.md.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// What was counted in a frame, section or component.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Complexity {
    /// Layers in the subtree, the root included.
    pub nodes: u64,
    /// Screens: the item itself when it is a frame, and the frames a section (or a section
    /// inside it) holds directly.
    #[serde(default)]
    pub frames: u64,
    /// Distinct components instantiated inside.
    pub distinct_components: u64,
    /// Component properties declared (for a component or set) or set (on instances inside).
    pub properties: u64,
    /// Variants (components of a set) defined or used.
    pub variants: u64,
    /// Prototype interactions: reactions (each trigger counts once) and older transition links.
    pub interactions: u64,
    /// Text layers.
    #[serde(default)]
    pub text_layers: u64,
    /// Text fields users type into (layers named like input, field, textarea, search …).
    pub text_inputs: u64,
    /// Distinct interaction states shown (hover, pressed, focus, disabled, error, …).
    pub states: u64,
    /// Whether sizes were known (bounding boxes present).
    pub has_geometry: bool,
}

/// Coarse complexity class.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ComplexityClass {
    Simple,
    Medium,
    Complex,
}

/// How much one counted thing added to an estimate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Contribution {
    /// `base`, `frames`, `components`, `variants`, … (see [`FACTORS`]).
    pub factor: String,
    pub count: u64,
    pub hours_each: f64,
    pub hours: f64,
}

/// An estimate for one frame, section or component.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Estimate {
    /// The estimated hours (the sum of `contributions`), rounded: what the points and the class
    /// are read from.
    pub score: u32,
    pub complexity: ComplexityClass,
    /// Fibonacci: 1, 2, 3, 5, 8, 13, 21, 34, 55 or 89.
    pub story_points: u32,
    pub hours_min: u32,
    pub hours_max: u32,
    /// 0.5–0.95: how much of the context that drives the estimate was really present.
    pub confidence: f64,
    /// What each count added, largest first (`23 frames × 2 h = 46 h`), for the reader.
    pub drivers: Vec<String>,
    /// The same, as data.
    #[serde(default)]
    pub contributions: Vec<Contribution>,
}

/// Hours every item costs whatever it holds: reading the design, setting up, review.
pub const BASE_HOURS: f64 = 1.0;

/// Hours per counted thing: `(factor, hours each, unit name, plural)`.
pub const FACTORS: [(&str, f64, &str, &str); 9] = [
    // A screen to lay out, make responsive and review.
    ("frames", 2.0, "frame", "frames"),
    // A component to wire in (props, data, events).
    ("components", 0.5, "component", "components"),
    // A variant to build, or to show and test.
    ("variants", 0.5, "variant", "variants"),
    // A property in a component's API, or set on an instance.
    ("properties", 0.25, "property", "properties"),
    // A prototype link or transition to implement.
    ("interactions", 0.5, "interaction", "interactions"),
    // A text input: validation, errors, focus.
    ("text_inputs", 1.5, "text input", "text inputs"),
    // A state (hover, disabled, error, …) to style and test.
    ("states", 1.0, "state", "states"),
    // Copy to place, translate and check for overflow.
    ("text_layers", 0.1, "text layer", "text layers"),
    // Layout detail beyond the above.
    ("nodes", 0.01, "layer", "layers"),
];

/// Story points by estimated hours: `(at most these hours, points)`. Each band's hours range is
/// from the previous band's limit to its own, so points and hours always agree.
pub const POINT_BANDS: [(u32, u32); 10] = [
    (2, 1),
    (4, 2),
    (8, 3),
    (13, 5),
    (21, 8),
    (34, 13),
    (55, 21),
    (89, 34),
    (144, 55),
    (233, 89),
];

fn factor_values(c: &Complexity) -> [u64; 9] {
    [
        c.frames,
        c.distinct_components,
        c.variants,
        c.properties,
        c.interactions,
        c.text_inputs,
        c.states,
        c.text_layers,
        c.nodes,
    ]
}

/// `1 story point`, `5 story points`.
pub fn story_points_text(points: u64) -> String {
    if points == 1 {
        "1 story point".to_owned()
    } else {
        format!("{points} story points")
    }
}

/// What each count contributes, in [`FACTORS`] order after the base; counts of 0 are left out.
pub fn contributions(c: &Complexity) -> Vec<Contribution> {
    let mut out = vec![Contribution {
        factor: "base".to_owned(),
        count: 1,
        hours_each: BASE_HOURS,
        hours: BASE_HOURS,
    }];
    for ((factor, each, ..), count) in FACTORS.iter().zip(factor_values(c)) {
        if count > 0 {
            out.push(Contribution {
                factor: (*factor).to_owned(),
                count,
                hours_each: *each,
                hours: count as f64 * each,
            });
        }
    }
    out
}

/// Hours as a reader writes them: `92`, `2.5`, `0.05`.
fn hours_text(hours: f64) -> String {
    let rounded = (hours * 100.0).round() / 100.0;
    format!("{rounded}")
}

fn driver_text(contribution: &Contribution) -> String {
    let Some((_, _, one, many)) = FACTORS
        .iter()
        .find(|(factor, ..)| *factor == contribution.factor)
    else {
        return format!("base {} h", hours_text(contribution.hours));
    };
    let unit = if contribution.count == 1 { one } else { many };
    format!(
        "{} {unit} × {} h = {} h",
        contribution.count,
        hours_text(contribution.hours_each),
        hours_text(contribution.hours)
    )
}

/// Estimates effort from measured complexity.
pub fn estimate(c: &Complexity) -> Estimate {
    let mut contributions = contributions(c);
    let hours: f64 = contributions.iter().map(|c| c.hours).sum();
    let (story_points, hours_min, hours_max) = band(hours);
    let complexity = match story_points {
        p if p >= 8 => ComplexityClass::Complex,
        p if p >= 3 => ComplexityClass::Medium,
        _ => ComplexityClass::Simple,
    };
    // Largest first: the reader sees what drives the estimate.
    contributions.sort_by(|a, b| b.hours.total_cmp(&a.hours));
    let drivers = contributions.iter().map(driver_text).collect();
    Estimate {
        score: hours.round().min(f64::from(u32::MAX)) as u32,
        complexity,
        story_points,
        hours_min,
        hours_max,
        confidence: confidence(c),
        drivers,
        contributions,
    }
}

/// Points and hours range for `hours` of work. Beyond the last band the points stay at its
/// value and the range is the hours −20 % … +25 %: a sign to split the work.
fn band(hours: f64) -> (u32, u32, u32) {
    let mut lower = 1;
    for (limit, points) in POINT_BANDS {
        if hours <= f64::from(limit) {
            return (points, lower, limit);
        }
        lower = limit;
    }
    let (_, top) = POINT_BANDS[POINT_BANDS.len() - 1];
    let clamp = |h: f64| h.round().clamp(0.0, f64::from(u32::MAX)) as u32;
    (top, clamp(hours * 0.8).max(lower), clamp(hours * 1.25))
}

/// Confidence grows with the context that was present: 0.5 base, +0.15 with geometry, +0.1 with
/// components, +0.1 with declared or set properties, +0.05 with variants, +0.05 with prototype
/// interactions; capped at 0.95. Very large subtrees (> 500 nodes) lose 0.1, since one estimate
/// for that much UI is a guess at scope.
pub fn confidence(c: &Complexity) -> f64 {
    let mut value: f64 = 0.5;
    for (present, bonus) in [
        (c.has_geometry, 0.15),
        (c.distinct_components > 0, 0.1),
        (c.properties > 0, 0.1),
        (c.variants > 0, 0.05),
        (c.interactions > 0, 0.05),
    ] {
        if present {
            value += bonus;
        }
    }
    if c.nodes > 500 {
        value -= 0.1;
    }
    crate::score::round2(value.clamp(0.5, 0.95))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_frame_is_one_point() {
        let e = estimate(&Complexity {
            nodes: 1,
            ..Complexity::default()
        });
        assert_eq!(
            (e.score, e.story_points, e.hours_min, e.hours_max),
            (1, 1, 1, 2)
        );
        assert_eq!(e.complexity, ComplexityClass::Simple);
        assert_eq!(e.confidence, 0.5);
        assert_eq!(e.drivers[0], "base 1 h");
    }

    #[test]
    fn hours_are_the_sum_of_the_contributions_and_the_drivers_say_so() {
        let c = Complexity {
            frames: 2,
            distinct_components: 4,
            text_layers: 10,
            ..Complexity::default()
        };
        let e = estimate(&c);
        let sum: f64 = e.contributions.iter().map(|c| c.hours).sum();
        assert_eq!(f64::from(e.score), sum.round());
        // 1 + 2×2 + 4×0.5 + 10×0.1 = 8 h → 3 points, 4–8 h.
        assert_eq!((e.story_points, e.hours_min, e.hours_max), (3, 4, 8));
        assert_eq!(e.drivers[0], "2 frames × 2 h = 4 h");
        assert!(
            e.drivers
                .contains(&"10 text layers × 0.1 h = 1 h".to_owned())
        );
        assert!(e.hours_min as f64 <= sum && sum <= e.hours_max as f64);
    }

    #[test]
    fn points_are_always_fibonacci_and_grow_with_every_count() {
        let fib = [1, 2, 3, 5, 8, 13, 21, 34, 55, 89];
        let mut previous = (0, 0.0);
        for n in 0..40u64 {
            let c = Complexity {
                nodes: n * 30,
                frames: n,
                distinct_components: n,
                properties: n,
                variants: n,
                interactions: n,
                text_layers: n * 5,
                text_inputs: n,
                states: n,
                has_geometry: true,
            };
            let e = estimate(&c);
            let hours: f64 = e.contributions.iter().map(|c| c.hours).sum();
            assert!(fib.contains(&e.story_points), "{e:?}");
            assert!(e.story_points >= previous.0);
            assert!(hours > previous.1);
            assert!(e.hours_min < e.hours_max);
            assert!((0.5..=0.95).contains(&e.confidence));
            previous = (e.story_points, hours);
        }
        assert_eq!(previous.0, 89);
    }

    #[test]
    fn one_point_reads_singular() {
        assert_eq!(story_points_text(1), "1 story point");
        assert_eq!(story_points_text(0), "0 story points");
        assert_eq!(story_points_text(21), "21 story points");
    }

    #[test]
    fn confidence_reflects_present_context_and_size() {
        let rich = Complexity {
            nodes: 40,
            distinct_components: 2,
            properties: 3,
            variants: 2,
            interactions: 1,
            has_geometry: true,
            ..Complexity::default()
        };
        assert_eq!(confidence(&rich), 0.95);
        assert_eq!(
            confidence(&Complexity {
                nodes: 600,
                has_geometry: true,
                ..Complexity::default()
            }),
            0.55
        );
    }
}
