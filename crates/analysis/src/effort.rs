//! Effort estimation: measurable complexity → complexity score → Fibonacci story points, an
//! hours range and a confidence. The formula is documented in docs/analysis.md; the thresholds
//! for components, properties and variants are the legacy L2 ones (legacy-api.md §9.2).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// What was counted in a frame or component.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Complexity {
    /// Nodes in the subtree, the root included.
    pub nodes: u64,
    /// Distinct components instantiated inside.
    pub distinct_components: u64,
    /// Component properties declared (for a component or set) or set (on instances inside).
    pub properties: u64,
    /// Variants (components of a set) defined or used.
    pub variants: u64,
    /// Prototype interactions (each trigger counts once).
    pub interactions: u64,
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

/// An estimate for one frame or component.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Estimate {
    /// Sum of the factor points (see [`complexity_score`]).
    pub score: u32,
    pub complexity: ComplexityClass,
    /// Fibonacci: 1, 2, 3, 5, 8, 13 or 21.
    pub story_points: u32,
    pub hours_min: u32,
    pub hours_max: u32,
    /// 0.5–0.95: how much of the context that drives the estimate was really present.
    pub confidence: f64,
    /// Which factors added points, for the reader.
    pub drivers: Vec<String>,
}

/// Points per factor: `(value above, points)`, highest first. The first three rows are the
/// legacy L2 thresholds.
const FACTORS: [(&str, [(u64, u32); 2]); 7] = [
    ("components", [(5, 2), (2, 1)]),
    ("properties", [(8, 2), (4, 1)]),
    ("variants", [(6, 2), (3, 1)]),
    ("nodes", [(200, 2), (50, 1)]),
    ("interactions", [(5, 2), (0, 1)]),
    ("text_inputs", [(2, 2), (0, 1)]),
    ("states", [(3, 2), (1, 1)]),
];

/// Story points and hours by score: `(max score, points, hours_min, hours_max)`.
const POINT_BANDS: [(u32, u32, u32, u32); 6] = [
    (0, 1, 1, 2),
    (1, 2, 2, 4),
    (2, 3, 4, 6),
    (4, 5, 6, 10),
    (6, 8, 10, 16),
    (9, 13, 16, 26),
];
const TOP_BAND: (u32, u32, u32) = (21, 26, 42);

fn factor_values(c: &Complexity) -> [u64; 7] {
    [
        c.distinct_components,
        c.properties,
        c.variants,
        c.nodes,
        c.interactions,
        c.text_inputs,
        c.states,
    ]
}

/// The complexity score and the factors that contributed to it.
pub fn complexity_score(c: &Complexity) -> (u32, Vec<String>) {
    let mut score = 0;
    let mut drivers = Vec::new();
    for ((name, bands), value) in FACTORS.iter().zip(factor_values(c)) {
        if let Some((_, points)) = bands.iter().find(|(above, _)| value > *above) {
            score += points;
            drivers.push(format!("{name}={value} (+{points})"));
        }
    }
    (score, drivers)
}

/// Estimates effort from measured complexity.
pub fn estimate(c: &Complexity) -> Estimate {
    let (score, drivers) = complexity_score(c);
    let complexity = match score {
        s if s >= 5 => ComplexityClass::Complex,
        s if s >= 3 => ComplexityClass::Medium,
        _ => ComplexityClass::Simple,
    };
    let (story_points, hours_min, hours_max) = POINT_BANDS
        .iter()
        .find(|(max, ..)| score <= *max)
        .map_or(TOP_BAND, |&(_, points, lo, hi)| (points, lo, hi));
    Estimate {
        score,
        complexity,
        story_points,
        hours_min,
        hours_max,
        confidence: confidence(c),
        drivers,
    }
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
            (0, 1, 1, 2)
        );
        assert_eq!(e.complexity, ComplexityClass::Simple);
        assert_eq!(e.confidence, 0.5);
        assert!(e.drivers.is_empty());
    }

    #[test]
    fn legacy_l2_thresholds_drive_the_score() {
        // c>5 (+2), p>8 (+2), v>6 (+2) → 6 → complex, 8 points.
        let c = Complexity {
            distinct_components: 6,
            properties: 9,
            variants: 7,
            ..Complexity::default()
        };
        let e = estimate(&c);
        assert_eq!(e.score, 6);
        assert_eq!(e.complexity, ComplexityClass::Complex);
        assert_eq!(e.story_points, 8);
        // c=3 (+1), p=5 (+1), v=4 (+1) → 3 → medium, 5 points.
        let c = Complexity {
            distinct_components: 3,
            properties: 5,
            variants: 4,
            ..Complexity::default()
        };
        assert_eq!((estimate(&c).score, estimate(&c).story_points), (3, 5));
        assert_eq!(estimate(&c).complexity, ComplexityClass::Medium);
    }

    #[test]
    fn points_are_always_fibonacci_and_grow_with_complexity() {
        let fib = [1, 2, 3, 5, 8, 13, 21];
        let mut previous = 0;
        for n in 0..15u64 {
            let c = Complexity {
                nodes: n * 30,
                distinct_components: n,
                properties: n,
                variants: n,
                interactions: n,
                text_inputs: n,
                states: n,
                has_geometry: true,
            };
            let e = estimate(&c);
            assert!(fib.contains(&e.story_points), "{e:?}");
            assert!(e.story_points >= previous);
            assert!(e.hours_min < e.hours_max);
            assert!((0.5..=0.95).contains(&e.confidence));
            previous = e.story_points;
        }
        assert_eq!(previous, 21);
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
