//! Tech-stack detection from a team's free-form `tech_stack` setting (a string or a list).
//!
//! The detector reports what it matched and how sure it is, so a caller can show why a variant
//! was chosen. AEM wins on any of `aem|htl|sling|osgi|jcr`, as the old system did.

use std::fmt;

use heck::{ToKebabCase, ToPascalCase};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum TechStack {
    #[serde(rename = "react")]
    React,
    #[serde(rename = "vue")]
    Vue,
    #[serde(rename = "angular")]
    Angular,
    #[serde(rename = "aem")]
    Aem,
    #[serde(rename = "ios-swiftui")]
    IosSwiftui,
    #[serde(rename = "android-compose")]
    AndroidCompose,
    #[serde(rename = "flutter")]
    Flutter,
    #[serde(rename = "web-components")]
    WebComponents,
}

/// Keywords per stack: strong ones decide, weak ones only support.
struct Rule {
    stack: TechStack,
    strong: &'static [&'static str],
    weak: &'static [&'static str],
}

const RULES: &[Rule] = &[
    Rule {
        stack: TechStack::Aem,
        strong: &[
            "aem",
            "htl",
            "sling",
            "osgi",
            "jcr",
            "sightly",
            "adobe experience manager",
        ],
        weak: &["java", "granite", "coral"],
    },
    Rule {
        stack: TechStack::React,
        strong: &[
            "react", "reactjs", "next", "nextjs", "next js", "remix", "gatsby", "jsx", "tsx",
        ],
        weak: &["redux", "jest rtl", "vite", "storybook"],
    },
    Rule {
        stack: TechStack::Vue,
        strong: &["vue", "vuejs", "vue js", "nuxt", "nuxtjs"],
        weak: &["pinia", "vuex", "vite"],
    },
    Rule {
        stack: TechStack::Angular,
        strong: &["angular", "angularjs"],
        weak: &["rxjs", "ngrx", "nx", "karma", "jasmine"],
    },
    Rule {
        stack: TechStack::IosSwiftui,
        strong: &["swiftui", "ios swiftui", "ios"],
        weak: &["swift", "uikit", "xcode"],
    },
    Rule {
        stack: TechStack::AndroidCompose,
        strong: &["jetpack compose", "compose", "android compose", "android"],
        weak: &["kotlin", "material3"],
    },
    Rule {
        stack: TechStack::Flutter,
        strong: &["flutter"],
        weak: &["dart"],
    },
    Rule {
        stack: TechStack::WebComponents,
        strong: &[
            "web components",
            "web component",
            "webcomponents",
            "lit",
            "stencil",
            "custom elements",
            "polymer",
        ],
        weak: &["shadow dom"],
    },
];

impl TechStack {
    pub const ALL: &'static [TechStack] = &[
        TechStack::React,
        TechStack::Vue,
        TechStack::Angular,
        TechStack::Aem,
        TechStack::IosSwiftui,
        TechStack::AndroidCompose,
        TechStack::Flutter,
        TechStack::WebComponents,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            TechStack::React => "react",
            TechStack::Vue => "vue",
            TechStack::Angular => "angular",
            TechStack::Aem => "aem",
            TechStack::IosSwiftui => "ios-swiftui",
            TechStack::AndroidCompose => "android-compose",
            TechStack::Flutter => "flutter",
            TechStack::WebComponents => "web-components",
        }
    }

    /// Exact canonical name, or whatever the detector recognises with a strong keyword.
    pub fn parse(input: &str) -> Option<Self> {
        let key = input.trim().to_ascii_lowercase();
        Self::ALL
            .iter()
            .copied()
            .find(|s| s.as_str() == key)
            .or_else(|| detect(&[input]).stack)
    }

    /// Conventions templates use: language, file names, test and story tooling.
    pub fn profile(self, component_name: &str) -> TechProfile {
        let pascal = component_name.to_pascal_case();
        let kebab = component_name.to_kebab_case();
        let (label, language, component_file, test_file, story_file, test_framework, styling) =
            match self {
                TechStack::React => (
                    "React",
                    "TypeScript",
                    format!("{pascal}.tsx"),
                    format!("{pascal}.test.tsx"),
                    format!("{pascal}.stories.tsx"),
                    "Jest + React Testing Library",
                    "CSS Modules",
                ),
                TechStack::Vue => (
                    "Vue",
                    "TypeScript",
                    format!("{pascal}.vue"),
                    format!("{pascal}.spec.ts"),
                    format!("{pascal}.stories.ts"),
                    "Vitest + Vue Test Utils",
                    "scoped CSS",
                ),
                TechStack::Angular => (
                    "Angular",
                    "TypeScript",
                    format!("{kebab}.component.ts"),
                    format!("{kebab}.component.spec.ts"),
                    format!("{kebab}.stories.ts"),
                    "Jasmine + Karma / TestBed",
                    "component SCSS",
                ),
                TechStack::Aem => (
                    "AEM",
                    "Java + HTL",
                    format!("{kebab}/{kebab}.html"),
                    format!("{pascal}ModelTest.java"),
                    format!("{kebab}/_cq_dialog/.content.xml"),
                    "JUnit 5 + AEM Mocks",
                    "clientlibs (SCSS)",
                ),
                TechStack::IosSwiftui => (
                    "SwiftUI",
                    "Swift",
                    format!("{pascal}View.swift"),
                    format!("{pascal}ViewTests.swift"),
                    format!("{pascal}View_Previews.swift"),
                    "XCTest + snapshot tests",
                    "SwiftUI modifiers",
                ),
                TechStack::AndroidCompose => (
                    "Jetpack Compose",
                    "Kotlin",
                    format!("{pascal}.kt"),
                    format!("{pascal}Test.kt"),
                    format!("{pascal}Preview.kt"),
                    "Compose UI tests (JUnit)",
                    "MaterialTheme",
                ),
                TechStack::Flutter => (
                    "Flutter",
                    "Dart",
                    format!("{}.dart", component_name.to_kebab_case().replace('-', "_")),
                    format!(
                        "{}_test.dart",
                        component_name.to_kebab_case().replace('-', "_")
                    ),
                    format!(
                        "{}_widgetbook.dart",
                        component_name.to_kebab_case().replace('-', "_")
                    ),
                    "flutter_test (widget tests)",
                    "ThemeData",
                ),
                TechStack::WebComponents => (
                    "Web Components",
                    "TypeScript",
                    format!("{kebab}.ts"),
                    format!("{kebab}.test.ts"),
                    format!("{kebab}.stories.ts"),
                    "Web Test Runner",
                    "Shadow DOM CSS",
                ),
            };
        TechProfile {
            stack: self,
            label,
            language,
            component_file,
            test_file,
            story_file,
            test_framework,
            styling,
        }
    }
}

impl fmt::Display for TechStack {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for TechStack {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        TechStack::parse(&text).ok_or_else(|| {
            let names: Vec<&str> = TechStack::ALL.iter().map(|s| s.as_str()).collect();
            serde::de::Error::custom(format!(
                "unknown tech stack {text:?} (expected one of: {})",
                names.join(", ")
            ))
        })
    }
}

/// Conventions for one stack, with file names for one component.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TechProfile {
    pub stack: TechStack,
    pub label: &'static str,
    pub language: &'static str,
    pub component_file: String,
    pub test_file: String,
    pub story_file: String,
    pub test_framework: &'static str,
    pub styling: &'static str,
}

/// What the detector decided and why.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TechStackMatch {
    /// `None` when nothing recognisable was given.
    pub stack: Option<TechStack>,
    /// The keywords that matched for the chosen stack.
    pub matched: Vec<String>,
    /// 0–1: one strong keyword 0.75, more raise it; weak-only matches stay below 0.5; a tie lowers it.
    pub confidence: f64,
    /// Other stacks that also matched, best first.
    pub alternatives: Vec<TechStack>,
}

/// Lower-case, every non-alphanumeric run becomes one space, padded so ` word ` matching works.
fn normalise(parts: &[&str]) -> String {
    let mut out = String::from(" ");
    for part in parts {
        for c in part.chars() {
            if c.is_alphanumeric() {
                out.extend(c.to_lowercase());
            } else if !out.ends_with(' ') {
                out.push(' ');
            }
        }
        if !out.ends_with(' ') {
            out.push(' ');
        }
    }
    out
}

/// Detects the stack from the team's `tech_stack` entries.
pub fn detect<S: AsRef<str>>(entries: &[S]) -> TechStackMatch {
    let parts: Vec<&str> = entries.iter().map(AsRef::as_ref).collect();
    let text = normalise(&parts);
    let mut scored: Vec<(f64, usize, TechStack, Vec<String>)> = Vec::new();
    // One buffer for the " word " patterns: this runs on every ticket, mostly with no entries.
    let mut pattern = String::new();
    let mut contains_word = |word: &str| {
        pattern.clear();
        pattern.push(' ');
        pattern.push_str(word);
        pattern.push(' ');
        text.contains(pattern.as_str())
    };
    // No entries, nothing to find (skips every rule's words).
    let rules = if text.trim().is_empty() {
        &[][..]
    } else {
        RULES
    };
    for rule in rules {
        let mut found = |words: &[&str]| -> Vec<String> {
            words
                .iter()
                .filter(|w| contains_word(w))
                .map(|w| (*w).to_owned())
                .collect()
        };
        let strong = found(rule.strong);
        let weak = found(rule.weak);
        if strong.is_empty() && weak.is_empty() {
            continue;
        }
        let score = strong.len() as f64 + 0.3 * weak.len() as f64;
        let mut matched = strong.clone();
        matched.extend(weak);
        scored.push((score, strong.len(), rule.stack, matched));
    }
    // AEM projects usually list Java/React too; the AEM keywords are decisive (legacy rule).
    scored.sort_by(|a, b| {
        let aem = |s: &(f64, usize, TechStack, Vec<String>)| s.2 == TechStack::Aem && s.1 > 0;
        aem(b).cmp(&aem(a)).then(b.0.total_cmp(&a.0))
    });
    let Some((best_score, strong_count, stack, matched)) = scored.first().cloned() else {
        return TechStackMatch {
            stack: None,
            matched: Vec::new(),
            confidence: 0.0,
            alternatives: Vec::new(),
        };
    };
    let weak_count = matched.len() - strong_count;
    let mut confidence = if strong_count > 0 {
        (0.75 + 0.1 * (strong_count as f64 - 1.0) + 0.05 * weak_count as f64).min(0.95)
    } else {
        (0.25 + 0.1 * weak_count as f64).min(0.45)
    };
    let tied = scored
        .iter()
        .skip(1)
        .any(|s| s.0 >= best_score && !(stack == TechStack::Aem && strong_count > 0));
    if tied {
        confidence *= 0.6;
    }
    TechStackMatch {
        stack: Some(stack),
        matched,
        confidence: (confidence * 100.0).round() / 100.0,
        alternatives: scored.iter().skip(1).map(|s| s.2).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aem_keywords_win_over_everything() {
        for input in [
            "AEM",
            "htl",
            "Sling models",
            "OSGi",
            "JCR",
            "React, TypeScript, HTL",
        ] {
            let found = detect(&[input]);
            assert_eq!(found.stack, Some(TechStack::Aem), "{input}");
            assert!(found.confidence >= 0.75, "{input}: {found:?}");
        }
    }

    #[test]
    fn string_and_list_forms_agree() {
        let from_list = detect(&["React", "TypeScript", "Vite"]);
        let from_string = detect(&["React TypeScript Vite"]);
        assert_eq!(from_list.stack, Some(TechStack::React));
        assert_eq!(from_list, from_string);
        assert!(from_list.matched.contains(&"react".to_owned()));
    }

    #[test]
    fn each_stack_is_detected() {
        let cases = [
            ("Vue 3 + Nuxt", TechStack::Vue),
            ("Angular 17", TechStack::Angular),
            ("iOS SwiftUI", TechStack::IosSwiftui),
            ("Jetpack Compose", TechStack::AndroidCompose),
            ("Flutter/Dart", TechStack::Flutter),
            ("Lit web components", TechStack::WebComponents),
            ("Next.js", TechStack::React),
        ];
        for (input, expected) in cases {
            assert_eq!(detect(&[input]).stack, Some(expected), "{input}");
        }
    }

    #[test]
    fn nothing_recognisable_is_reported_as_unknown() {
        let found = detect(&["COBOL", ""]);
        assert_eq!(found.stack, None);
        assert_eq!(found.confidence, 0.0);
        assert!(detect::<&str>(&[]).stack.is_none());
    }

    #[test]
    fn substrings_do_not_match() {
        // "reaction" must not count as react, "compose" inside "docker-compose" still counts as a word
        // only after splitting, so check the word boundary on a clean case.
        assert_eq!(detect(&["reactionary"]).stack, None);
    }

    #[test]
    fn ties_lower_confidence() {
        let found = detect(&["react", "vue"]);
        assert!(found.confidence < 0.75, "{found:?}");
        assert_eq!(found.alternatives.len(), 1);
    }
}
