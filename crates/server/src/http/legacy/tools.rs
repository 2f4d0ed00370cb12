//! `{"method":"tools/list"}`: the six tools of the old server's second version, with the input
//! schemas it declared (legacy-api §5), so scripts that built calls from them keep working.

use serde_json::{Value, json};

pub fn list() -> Value {
    let figma_url = json!({"type": "string", "description": "A figma.com file or design link"});
    let frames = json!({"type": "array", "items": {"type": "object"},
                        "description": "The plugin's frame data"});
    json!({"tools": [
        {
            "name": "project_analyzer",
            "description": "Analyse a Figma file: components, frames, styles, variables, compliance and top issues",
            "inputSchema": {"type": "object", "properties": {
                "figmaUrl": figma_url,
                "scope": {"type": "string", "enum": ["file", "page", "frame"], "default": "file"}},
                "required": ["figmaUrl"]},
        },
        {
            "name": "ticket_generator",
            "description": "Generate tickets from templates for the given frames",
            "inputSchema": {"type": "object", "properties": {
                "frameData": frames,
                "template": {"type": "string"},
                "platform": {"type": "string", "enum": ["jira", "github", "linear", "notion", "ui"]},
                "documentType": {"type": "string", "enum": ["component", "feature", "code"]},
                "useTemplates": {"type": "boolean", "default": true}}},
        },
        {
            "name": "compliance_checker",
            "description": "Check a Figma file against its design system: colours, typography, components, spacing",
            "inputSchema": {"type": "object", "properties": {
                "figmaUrl": figma_url,
                "standards": {"type": "array", "items": {"type": "string"}}},
                "required": ["figmaUrl"]},
        },
        {
            "name": "batch_processor",
            "description": "Run an operation (tickets, estimate, compliance, analyze, health, relationships, tokens) on each frame",
            "inputSchema": {"type": "object", "properties": {
                "frames": frames,
                "operation": {"type": "string"}},
                "required": ["frames", "operation"]},
        },
        {
            "name": "effort_estimator",
            "description": "Estimate implementation effort of the given frames; complexity overrides the computed one",
            "inputSchema": {"type": "object", "properties": {
                "frameData": frames,
                "complexity": {"type": "string", "enum": ["simple", "medium", "complex"]}},
                "required": ["frameData"]},
        },
        {
            "name": "relationship_mapper",
            "description": "Map instance-to-component and component-set relationships of a Figma file",
            "inputSchema": {"type": "object", "properties": {
                "figmaUrl": figma_url,
                "depth": {"type": "number", "default": 2}},
                "required": ["figmaUrl"]},
        },
    ]})
}
