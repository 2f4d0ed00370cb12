//! Acceptance criteria derived from the design: one per variant, per property, per interaction,
//! per text field and per accessibility finding. No boilerplate: a node with nothing to say
//! gets only the layout criterion from its real size.

use std::collections::BTreeSet;

use super::settings::Finding;
use super::subject::Subject;
use crate::filters::md_escape;
use crate::ticket::{AcceptanceCriterion, CriterionSource};

const MAX_PER_SOURCE: usize = 12;

fn criterion(text: String, source: CriterionSource, node_id: Option<&str>) -> AcceptanceCriterion {
    AcceptanceCriterion {
        text,
        source,
        node_id: node_id.map(str::to_owned),
    }
}

fn px(value: f64) -> String {
    if value.fract() == 0.0 {
        format!("{value:.0}")
    } else {
        format!("{value:.1}")
    }
}

pub(crate) fn derive(subject: &Subject, findings: &[Finding]) -> Vec<AcceptanceCriterion> {
    let name = md_escape(&subject.name);
    let mut out = Vec::new();

    if let (Some(w), Some(h)) = (subject.width, subject.height) {
        out.push(criterion(
            format!("**{name}** matches the design at {}×{} px, using the design's colours, type and spacing", px(w), px(h)),
            CriterionSource::Layout,
            Some(&subject.node_id),
        ));
    }

    for variant in subject.variants.iter().take(MAX_PER_SOURCE) {
        let label = if variant.properties.is_empty() {
            md_escape(&variant.name)
        } else {
            variant
                .properties
                .iter()
                .map(|(k, v)| format!("{} = {}", md_escape(k), md_escape(v)))
                .collect::<Vec<_>>()
                .join(", ")
        };
        out.push(criterion(
            format!("The **{label}** variant renders as designed"),
            CriterionSource::Variant,
            Some(&variant.node_id),
        ));
    }

    for property in subject.properties.iter().take(MAX_PER_SOURCE) {
        let prop = md_escape(&property.name);
        let text = match property.kind.as_str() {
            "variant" if !property.options.is_empty() => {
                let options: Vec<String> = property.options.iter().map(|o| md_escape(o)).collect();
                format!("`{prop}` supports {}", options.join(", "))
            }
            "boolean" => format!(
                "`{prop}` can be turned on and off (default: {})",
                md_escape(&property.default)
            ),
            "text" => format!(
                "`{prop}` text is configurable (default: “{}”)",
                md_escape(&property.default)
            ),
            "instance_swap" => format!("`{prop}` accepts a swapped-in component"),
            _ => continue,
        };
        out.push(criterion(
            text,
            CriterionSource::Property,
            Some(&subject.node_id),
        ));
    }

    let mut seen = BTreeSet::new();
    for interaction in subject.interactions.iter() {
        let text = format!(
            "{} **{}**, it {}",
            interaction.trigger_label,
            md_escape(&interaction.node_name),
            interaction.action_label
        );
        if seen.insert(text.clone()) {
            out.push(criterion(
                text,
                CriterionSource::Interaction,
                Some(&interaction.node_id),
            ));
        }
        if seen.len() >= MAX_PER_SOURCE {
            break;
        }
    }

    for field in subject.texts.iter().take(MAX_PER_SOURCE) {
        let style = if field.style.is_empty() {
            String::new()
        } else {
            format!(" in {}", md_escape(&field.style))
        };
        out.push(criterion(
            format!("Shows “{}”{style}", md_escape(&field.content)),
            CriterionSource::Text,
            Some(&field.node_id),
        ));
    }

    if !subject.interactions.is_empty() {
        out.push(criterion(
            format!("Every interactive element of **{name}** is reachable and operable by keyboard, with a visible focus state"),
            CriterionSource::Accessibility,
            Some(&subject.node_id),
        ));
    }
    for finding in findings
        .iter()
        .filter(|f| f.is_accessibility())
        .take(MAX_PER_SOURCE)
    {
        out.push(criterion(
            format!("Fix: {}", md_escape(&finding.message)),
            CriterionSource::Accessibility,
            finding.node_id.as_deref(),
        ));
    }
    for finding in findings
        .iter()
        .filter(|f| !f.is_accessibility() && f.severity != "info")
        .take(MAX_PER_SOURCE)
    {
        out.push(criterion(
            format!(
                "Resolve {}: {}",
                md_escape(&finding.category),
                md_escape(&finding.message)
            ),
            CriterionSource::Compliance,
            finding.node_id.as_deref(),
        ));
    }
    out
}
