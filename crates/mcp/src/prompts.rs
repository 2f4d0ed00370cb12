//! MCP prompts: ready-made requests that walk a model through the tools.

use rmcp::ErrorData;
use rmcp::model::{
    GetPromptRequestParams, GetPromptResponse, GetPromptResult, JsonObject, ListPromptsResult,
    Prompt, PromptArgument, PromptMessage, Role,
};

const WRITE_TICKETS: &str = "write_tickets";
const AUDIT_DESIGN_SYSTEM: &str = "audit_design_system";

pub(crate) fn list() -> ListPromptsResult {
    let argument = |name: &str, description: &str, required: bool| {
        PromptArgument::new(name)
            .with_description(description)
            .with_required(required)
    };
    ListPromptsResult::with_all_items(vec![
        Prompt::new(
            WRITE_TICKETS,
            Some("Write tickets for this frame"),
            Some(vec![
                argument("url", "figma.com link to the frame (with node-id)", true),
                argument(
                    "platform",
                    "jira (default), github, linear, confluence, …",
                    false,
                ),
            ]),
        ),
        Prompt::new(
            AUDIT_DESIGN_SYSTEM,
            Some("Audit this design system"),
            Some(vec![argument("url", "figma.com link to the file", true)]),
        ),
    ])
}

pub(crate) fn get(request: GetPromptRequestParams) -> Result<GetPromptResponse, ErrorData> {
    let arguments = request.arguments.unwrap_or_default();
    let text = match request.name.as_str() {
        WRITE_TICKETS => {
            let url = required(&arguments, "url")?;
            let platform = optional(&arguments, "platform").unwrap_or("jira");
            format!(
                "Write implementation tickets for the Figma frame {url} on {platform}.\n\
                 1. Call get_metadata with url={url} to see the frame's structure.\n\
                 2. Call generate_tickets with url={url}, platform={platform} (document_type epic \
                 if the frame holds several screens).\n\
                 3. Review the tickets against get_design_context for the same url and tighten \
                 acceptance criteria that the design does not support."
            )
        }
        AUDIT_DESIGN_SYSTEM => {
            let url = required(&arguments, "url")?;
            format!(
                "Audit the design system in {url}.\n\
                 1. analyze_design_health (url={url}) for the score and worst findings.\n\
                 2. check_compliance (url={url}) for values outside the system's styles and tokens.\n\
                 3. extract_design_tokens (url={url}) and map_relationships (url={url}) to see what \
                 the system defines and how components are reused.\n\
                 Summarise the five most important fixes, each with the node ids involved."
            )
        }
        other => {
            return Err(ErrorData::invalid_params(
                format!("unknown prompt {other}; use {WRITE_TICKETS} or {AUDIT_DESIGN_SYSTEM}"),
                None,
            ));
        }
    };
    Ok(GetPromptResult::new(vec![PromptMessage::new_text(Role::User, text)]).into())
}

fn optional<'a>(arguments: &'a JsonObject, name: &str) -> Option<&'a str> {
    arguments
        .get(name)
        .and_then(|v| v.as_str())
        .filter(|s| !s.trim().is_empty())
}

fn required<'a>(arguments: &'a JsonObject, name: &str) -> Result<&'a str, ErrorData> {
    optional(arguments, name)
        .ok_or_else(|| ErrorData::invalid_params(format!("argument `{name}` is required"), None))
}
