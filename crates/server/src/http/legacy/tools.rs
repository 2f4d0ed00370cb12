//! `{"method":"tools/list"}`: the six tools of the old server's second version, with the input
//! schemas it declared (legacy-api §5, defined once in `handoff_app::ops::legacy`), so scripts that
//! built calls from them keep working.

use handoff_app::ops::legacy::l2_tool_input_schemas;
use serde_json::{Value, json};

/// How L2 described the `figmaUrl` argument.
const FIGMA_URL: &str = "A figma.com file or design link";

pub fn list() -> Value {
    let tools: Vec<Value> = l2_tool_input_schemas(FIGMA_URL)
        .into_iter()
        .map(|(name, input_schema)| {
            json!({"name": name, "description": description(name), "inputSchema": input_schema})
        })
        .collect();
    json!({ "tools": tools })
}

fn description(tool: &str) -> &'static str {
    match tool {
        "project_analyzer" => {
            "Analyse a Figma file: components, frames, styles, variables, compliance and top issues"
        }
        "ticket_generator" => "Generate tickets from templates for the given frames",
        "compliance_checker" => {
            "Check a Figma file against its design system: colours, typography, components, spacing"
        }
        "batch_processor" => {
            "Run an operation (tickets, estimate, compliance, analyze, health, relationships, tokens) on each frame"
        }
        "effort_estimator" => {
            "Estimate implementation effort of the given frames; complexity overrides the computed one"
        }
        "relationship_mapper" => {
            "Map instance-to-component and component-set relationships of a Figma file"
        }
        _ => "",
    }
}
