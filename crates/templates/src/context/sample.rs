//! A small but complete context used to check user templates before they are saved.

use handoff_figma::parse_design;

use super::{Settings, TemplateContext, build_context, default_subject};
use crate::key::TemplateKey;

/// A component set with two variants, a label, a property and an interaction.
const SAMPLE_DESIGN: &str = r##"{
  "name": "Sample Shop",
  "lastModified": "2026-01-01T00:00:00Z",
  "version": "1",
  "document": {"id": "0:0", "name": "Document", "type": "DOCUMENT", "children": [
    {"id": "0:1", "name": "Components", "type": "CANVAS", "children": [
      {"id": "1:1", "name": "Button", "type": "COMPONENT_SET",
       "absoluteBoundingBox": {"x": 0, "y": 0, "width": 160, "height": 48},
       "componentPropertyDefinitions": {
         "State": {"type": "VARIANT", "defaultValue": "Default", "variantOptions": ["Default", "Hover"]},
         "Label#1:0": {"type": "TEXT", "defaultValue": "Buy now"}},
       "children": [
        {"id": "1:2", "name": "State=Default", "type": "COMPONENT",
         "absoluteBoundingBox": {"x": 0, "y": 0, "width": 160, "height": 48},
         "fills": [{"type": "SOLID", "color": {"r": 0.1, "g": 0.45, "b": 0.91, "a": 1}}],
         "interactions": [{"trigger": {"type": "ON_HOVER"}, "actions": [{"type": "NODE", "destinationId": "1:3", "navigation": "CHANGE_TO"}]}],
         "children": [
          {"id": "1:4", "name": "Label", "type": "TEXT", "characters": "Buy now",
           "style": {"fontFamily": "Inter", "fontSize": 16, "fontWeight": 600}}]},
        {"id": "1:3", "name": "State=Hover", "type": "COMPONENT",
         "absoluteBoundingBox": {"x": 200, "y": 0, "width": 160, "height": 48}, "children": []}]}]}]},
  "components": {"1:2": {"key": "k2", "name": "State=Default", "componentSetId": "1:1"},
                 "1:3": {"key": "k3", "name": "State=Hover", "componentSetId": "1:1"}},
  "componentSets": {"1:1": {"key": "k1", "name": "Button", "description": "Primary call to action"}},
  "styles": {}
}"##;

/// The sample context for `key` (fixed date and file key, so validation is reproducible).
pub fn sample_context(key: TemplateKey) -> TemplateContext {
    let settings = Settings {
        file_key: "SampleFileKey123".into(),
        today: Some("2026-01-01".into()),
        ..Settings::default()
    };
    let design = parse_design(SAMPLE_DESIGN.as_bytes()).unwrap_or_default();
    let index = default_subject(&design).unwrap_or(0);
    build_context(&design, index, key, &settings, None).unwrap_or_else(|_| fallback(key, &settings))
}

/// Only reached if the embedded sample stopped parsing (a bug caught by the tests below).
fn fallback(key: TemplateKey, settings: &Settings) -> TemplateContext {
    let design = handoff_figma::Design::default();
    let subject = super::subject::Subject {
        node_id: "1:1".into(),
        name: "Button".into(),
        node_type: "COMPONENT_SET".into(),
        component_type: "component set".into(),
        page_name: String::new(),
        description: String::new(),
        width: None,
        height: None,
        properties: Vec::new(),
        variants: Vec::new(),
        texts: Vec::new(),
        interactions: Vec::new(),
        tokens: Default::default(),
        dependencies: Vec::new(),
        children: Vec::new(),
        annotations: Vec::new(),
        documentation_links: Vec::new(),
        node_count: 1,
        instance_count: 0,
        text_inputs: 0,
        states: Vec::new(),
        dev_status: String::new(),
        complexity: handoff_analysis::effort::Complexity {
            nodes: 1,
            ..Default::default()
        },
    };
    super::build_from_subject(&design, subject, key, settings, None)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::key::{DocumentType, Platform};

    #[test]
    fn sample_design_parses_and_is_rich() {
        let design = parse_design(SAMPLE_DESIGN.as_bytes());
        assert!(design.is_ok(), "{design:?}");
        let context = sample_context(TemplateKey::new(Platform::Jira, DocumentType::Component));
        assert_eq!(context.figma.component_name, "Button");
        assert_eq!(context.figma.variants.len(), 2);
        assert!(!context.figma.interactions.is_empty());
        assert!(!context.figma.texts.is_empty());
        assert!(context.acceptance_criteria.len() >= 4);
    }
}
