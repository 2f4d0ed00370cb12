//! MCP resources. Templates are listed as concrete resources; stored component analyses, their
//! screenshots and a file's design context are resource templates (their URIs name the caller's
//! own records or a Figma file). Reads run as the caller and draw on the same budgets as the tools.

use base64::Engine as _;
use handoff_app::ops::design::NodeIds;
use handoff_app::ops::{DesignContextRequest, DesignSource};
use handoff_app::ratelimit::RateGroup;
use handoff_app::{AppError, ErrorKind};
use rmcp::model::{
    ListResourceTemplatesResult, ListResourcesResult, PaginatedRequestParams,
    ReadResourceRequestParams, ReadResourceResponse, ReadResourceResult, Resource,
    ResourceContents, ResourceTemplate,
};
use rmcp::service::RequestContext;
use rmcp::{ErrorData, RoleServer};
use serde_json::json;

use crate::tools::{ComponentKey, ComponentView, DESIGN_GROUPS, HandoffMcp, caller};

const SCHEME: &str = "handoff://";
const JSON: &str = "application/json";

/// What a resource URI names.
#[derive(Debug, PartialEq, Eq)]
enum Target {
    Template {
        platform: String,
        document_type: String,
    },
    Component {
        file_key: String,
        node_id: String,
    },
    Screenshot {
        file_key: String,
        node_id: String,
    },
    Design {
        file_key: String,
        node_id: Option<String>,
    },
}

fn parse(uri: &str) -> Option<Target> {
    let path = uri.strip_prefix(SCHEME)?;
    let parts: Vec<&str> = path.split('/').filter(|p| !p.is_empty()).collect();
    let owned = |s: &str| s.to_owned();
    Some(match parts.as_slice() {
        ["templates", platform, document_type] => Target::Template {
            platform: owned(platform),
            document_type: owned(document_type),
        },
        ["components", file_key, node_id] => Target::Component {
            file_key: owned(file_key),
            node_id: owned(node_id),
        },
        ["components", file_key, node_id, "screenshot"] => Target::Screenshot {
            file_key: owned(file_key),
            node_id: owned(node_id),
        },
        ["design", file_key] => Target::Design {
            file_key: owned(file_key),
            node_id: None,
        },
        ["design", file_key, node_id] => Target::Design {
            file_key: owned(file_key),
            node_id: Some(owned(node_id)),
        },
        _ => return None,
    })
}

pub(crate) fn templates() -> ListResourceTemplatesResult {
    let template = |uri: &str, name: &str, description: &str, mime: &str| {
        ResourceTemplate::new(uri, name)
            .with_description(description)
            .with_mime_type(mime)
    };
    ListResourceTemplatesResult::with_all_items(vec![
        template(
            "handoff://templates/{platform}/{type}",
            "template",
            "The template generation uses for a platform and document type (org → user → built-in).",
            JSON,
        ),
        template(
            "handoff://components/{fileKey}/{nodeId}",
            "component-analysis",
            "A component analysis you stored with store_component_analysis.",
            JSON,
        ),
        template(
            "handoff://components/{fileKey}/{nodeId}/screenshot",
            "component-screenshot",
            "The screenshot stored with a component analysis.",
            "image/png",
        ),
        template(
            "handoff://design/{fileKey}",
            "design-context",
            "Compact design context of a Figma file (tree format, budgeted).",
            "text/plain",
        ),
        template(
            "handoff://design/{fileKey}/{nodeId}",
            "node-design-context",
            "Compact design context of one node of a Figma file.",
            "text/plain",
        ),
    ])
}

pub(crate) async fn list(
    server: &HandoffMcp,
    _request: Option<PaginatedRequestParams>,
    _context: RequestContext<RoleServer>,
) -> Result<ListResourcesResult, ErrorData> {
    let resources = server
        .app
        .templates()
        .list()
        .into_iter()
        .map(|t| {
            Resource::new(
                format!("{SCHEME}templates/{}/{}", t.platform, t.document_type),
                format!("{} {}", t.platform, t.document_type),
            )
            .with_description(t.description)
            .with_mime_type(JSON)
        })
        .collect();
    Ok(ListResourcesResult::with_all_items(resources))
}

pub(crate) async fn read(
    server: &HandoffMcp,
    request: ReadResourceRequestParams,
    context: RequestContext<RoleServer>,
) -> Result<ReadResourceResponse, ErrorData> {
    let uri = request.uri;
    let target = parse(&uri).ok_or_else(|| {
        ErrorData::resource_not_found(
            format!("unknown resource {uri}; see resources/templates/list"),
            None,
        )
    })?;
    let contents = read_target(server, &uri, target, &context)
        .await
        .map_err(protocol_error)?;
    Ok(ReadResourceResult::new(vec![contents]).into())
}

async fn read_target(
    server: &HandoffMcp,
    uri: &str,
    target: Target,
    context: &RequestContext<RoleServer>,
) -> Result<ResourceContents, AppError> {
    let who = caller(context)?;
    let app = &server.app;
    let json_text = |value: serde_json::Value| {
        ResourceContents::text(value.to_string(), uri).with_mime_type(JSON)
    };
    match target {
        Target::Template {
            platform,
            document_type,
        } => {
            server.admit(&who, &[RateGroup::Reads]).await?;
            let view = app.get_template(&who, &platform, &document_type).await?;
            Ok(json_text(to_value(&view)?))
        }
        Target::Component { file_key, node_id } => {
            server.admit(&who, &[RateGroup::Reads]).await?;
            let component = app.get_component(&who, &file_key, &node_id).await?;
            Ok(json_text(to_value(&ComponentView::of(&component)?)?))
        }
        Target::Screenshot { file_key, node_id } => {
            server.admit(&who, &[RateGroup::Reads]).await?;
            let key = ComponentKey { file_key, node_id };
            let (info, bytes) = server.screenshot(&who, &key).await?;
            let blob = base64::engine::general_purpose::STANDARD.encode(bytes);
            Ok(ResourceContents::blob(blob, uri).with_mime_type(info.content_type))
        }
        Target::Design { file_key, node_id } => {
            let source = DesignSource::File {
                file_key,
                node_ids: node_id.map_or(NodeIds::None, NodeIds::One),
            };
            server.admit(&who, DESIGN_GROUPS).await?;
            let request = DesignContextRequest {
                source,
                format: None,
                depth: None,
                max_bytes: None,
                cursor: None,
            };
            let output = app.design_context(&who, &request).await?;
            let mut text = output.text;
            if let Some(cursor) = output.next_cursor {
                text.push_str(&format!(
                    "\n# truncated: call get_design_context with cursor \"{cursor}\" for the rest\n"
                ));
            }
            Ok(ResourceContents::text(text, uri).with_mime_type("text/plain"))
        }
    }
}

fn to_value<T: serde::Serialize>(value: &T) -> Result<serde_json::Value, AppError> {
    serde_json::to_value(value).map_err(|err| AppError::internal(err.to_string()))
}

/// Resource reads fail with JSON-RPC errors (there is no `isError` result for them).
fn protocol_error(err: AppError) -> ErrorData {
    let data = Some(json!({ "code": err.code(), "details": err.details }));
    match err.kind {
        ErrorKind::NotFound => ErrorData::resource_not_found(err.message, data),
        ErrorKind::BadRequest => ErrorData::invalid_params(err.message, data),
        ErrorKind::Internal => ErrorData::internal_error(err.message, data),
        _ => ErrorData::invalid_request(err.message, data),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_resource_uri_form() {
        assert_eq!(
            parse("handoff://templates/jira/component"),
            Some(Target::Template {
                platform: "jira".into(),
                document_type: "component".into()
            })
        );
        assert_eq!(
            parse("handoff://components/AbC/1:2/screenshot"),
            Some(Target::Screenshot {
                file_key: "AbC".into(),
                node_id: "1:2".into()
            })
        );
        assert_eq!(
            parse("handoff://design/AbC"),
            Some(Target::Design {
                file_key: "AbC".into(),
                node_id: None
            })
        );
        assert_eq!(parse("handoff://elsewhere/x"), None);
        assert_eq!(parse("https://templates/jira/component"), None);
    }
}
