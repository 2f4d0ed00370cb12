//! Templates: what exists, what the caller's generation resolves to, previews and overrides.

use std::fmt::Write as _;

use super::output_schema;
use handoff_app::ops::templates::{TemplateListing, TemplatePreview, TemplateView};
use handoff_app::ratelimit::RateGroup;
use handoff_store::OverrideScope;
use rmcp::handler::server::wrapper::Parameters;
use rmcp::model::CallToolResult;
use rmcp::service::RequestContext;
use rmcp::{RoleServer, tool, tool_router};
use serde::Deserialize;

use super::{HandoffMcp, Reply};

#[derive(Debug, Deserialize, schemars::JsonSchema)]
pub struct TemplateKeyArgs {
    /// jira, confluence, wiki, github, gitlab, linear, notion, azure-devops, figma, aem, …
    pub platform: String,
    /// component, feature, story, bug, epic, documentation, api-spec, code, …
    #[serde(alias = "documentType", alias = "type")]
    pub document_type: String,
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
pub struct RenderTemplateArgs {
    /// Template source (YAML with Jinja content), as save_template takes it.
    pub source: String,
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Scope {
    /// Everyone in the caller's org.
    Org,
    /// The caller only.
    User,
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
pub struct SaveTemplateArgs {
    #[serde(flatten)]
    pub key: TemplateKeyArgs,
    /// Template source (YAML with Jinja content); validated before it is saved.
    pub source: String,
    /// `user` (default) or `org`; an org override wins over a user override.
    #[serde(default)]
    pub scope: Option<Scope>,
}

#[tool_router(router = template_tools, vis = "pub(super)")]
impl HandoffMcp {
    #[tool(
        description = "Built-in and directory templates by platform and document type, plus the caller's org/user overrides.",
        output_schema = output_schema::<TemplateListing>(),
        annotations(read_only_hint = true, destructive_hint = false, idempotent_hint = true, open_world_hint = false)
    )]
    async fn list_templates(&self, context: RequestContext<RoleServer>) -> CallToolResult {
        self.run(&context, &[RateGroup::Reads], |who| async move {
            let listing = self.app.list_templates(&who).await?;
            let text = listing_markdown(&listing);
            Reply::with_text(&listing, text)
        })
        .await
    }

    #[tool(
        description = "The template generation uses for a platform and document type for this caller (org → user → directory → built-in), with its source.",
        output_schema = output_schema::<TemplateView>(),
        annotations(read_only_hint = true, destructive_hint = false, idempotent_hint = true, open_world_hint = false)
    )]
    async fn get_template(
        &self,
        Parameters(args): Parameters<TemplateKeyArgs>,
        context: RequestContext<RoleServer>,
    ) -> CallToolResult {
        self.run(&context, &[RateGroup::Reads], |who| async move {
            let view = self
                .app
                .get_template(&who, &args.platform, &args.document_type)
                .await?;
            Reply::json(&view)
        })
        .await
    }

    #[tool(
        description = "Validate a template source and render it against sample data, without saving it.",
        output_schema = output_schema::<TemplatePreview>(),
        annotations(read_only_hint = true, destructive_hint = false, idempotent_hint = true, open_world_hint = false)
    )]
    async fn render_template(
        &self,
        Parameters(args): Parameters<RenderTemplateArgs>,
        context: RequestContext<RoleServer>,
    ) -> CallToolResult {
        self.run(&context, &[RateGroup::Generation], |_who| async move {
            let preview = self.app.render_template(&args.source).await?;
            let text = match &preview.rendered {
                Some(rendered) => rendered.clone(),
                None => format!(
                    "The template is invalid:\n- {}",
                    preview.validation.errors.join("\n- ")
                ),
            };
            Reply::with_text(&preview, text)
        })
        .await
    }

    #[tool(
        description = "Save a validated template as the caller's (scope user) or the org's (scope org) override for its platform and document type, replacing any previous one.",
        output_schema = output_schema::<TemplateView>(),
        annotations(read_only_hint = false, destructive_hint = true, idempotent_hint = true, open_world_hint = false)
    )]
    async fn save_template(
        &self,
        Parameters(args): Parameters<SaveTemplateArgs>,
        context: RequestContext<RoleServer>,
    ) -> CallToolResult {
        let scope = match args.scope {
            Some(Scope::Org) => OverrideScope::Org,
            Some(Scope::User) | None => OverrideScope::User,
        };
        self.run(&context, &[RateGroup::Reads], |who| async move {
            let view = self
                .app
                .save_template(
                    &who,
                    scope,
                    &args.key.platform,
                    &args.key.document_type,
                    &args.source,
                )
                .await?;
            Reply::json(&view)
        })
        .await
    }
}

fn listing_markdown(listing: &TemplateListing) -> String {
    let mut out = String::from("| platform | type | id | source |\n|---|---|---|---|\n");
    for t in &listing.templates {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} |",
            t.platform, t.document_type, t.id, t.source
        );
    }
    if !listing.overrides.is_empty() {
        out.push_str("\nOverrides:\n");
        for o in &listing.overrides {
            let _ = writeln!(
                out,
                "- {} {}/{} (by {})",
                o.scope, o.platform, o.document_type, o.updated_by
            );
        }
    }
    out
}
