//! Generation glue: design + settings → context → template → [`Ticket`], and many nodes → [`Epic`].

use std::sync::Arc;

use handoff_figma::{Design, NodeIndex};
use minijinja::Value;

use crate::compiled::CompiledTemplate;
use crate::context::{self, ChildSummary, Prepared, Settings, TemplateContext, detect_stack};
use crate::error::TemplateError;
use crate::key::{DocumentType, TemplateKey};
use crate::registry::{Overrides, Registry};
use crate::render::OutputFormat;
use crate::ticket::{DesignRef, Epic, EpicSummary, Link, Priority, Subtask, TemplateUsed, Ticket};

/// Renders `template` with `context` into a ticket.
pub fn render_ticket(
    template: &CompiledTemplate,
    context: &TemplateContext,
) -> Result<Ticket, TemplateError> {
    let value = Value::from(minijinja::value::Serde(context));
    let description = template.render_content(&value)?;
    let title = template.render_title(&value)?;
    let summary = template.render_summary(&value)?;
    let mut labels = context.project.labels.clone();
    labels.extend(template.render_labels(&value)?);
    labels.sort();
    labels.dedup();

    let figma = &context.figma;
    let mut design_refs = Vec::new();
    if !figma.node_id.is_empty() {
        design_refs.push(DesignRef {
            node_id: figma.node_id.clone(),
            name: figma.component_name.clone(),
            node_type: figma.node_type.clone(),
            url: figma.node_link.clone(),
        });
    }
    for variant in &figma.variants {
        design_refs.push(DesignRef {
            node_id: variant.node_id.clone(),
            name: variant.name.clone(),
            node_type: "COMPONENT".into(),
            url: context::node_link(&figma.file_key, &variant.node_id),
        });
    }
    let mut links: Vec<Link> = context.resources.clone();
    if !figma.screenshot_url.is_empty() {
        links.push(Link {
            title: "Screenshot".into(),
            url: figma.screenshot_url.clone(),
        });
    }
    Ok(Ticket {
        platform: template.spec.platform,
        document_type: template.spec.document_type,
        title,
        summary,
        description,
        acceptance_criteria: context.acceptance_criteria.clone(),
        labels,
        priority: context::priority_of(&context.calculated.priority),
        estimate: context.estimate(),
        links,
        subtasks: subtasks(context),
        design_refs,
        template: TemplateUsed {
            id: template.spec.id.clone(),
            version: template.spec.version.clone(),
            source: template.origin.label().to_owned(),
            source_hash: template.source_hash.clone(),
        },
    })
}

/// Implementation subtasks derived from the design and the stack.
fn subtasks(context: &TemplateContext) -> Vec<Subtask> {
    let name = &context.figma.component_name;
    let mut out = Vec::new();
    match &context.tech.profile {
        Some(profile) => out.push(Subtask {
            title: format!("Build {name} in {}", profile.component_file),
            description: format!(
                "{} ({}), styled with {}",
                profile.label, profile.language, profile.styling
            ),
        }),
        None => out.push(Subtask {
            title: format!("Build {name}"),
            description: String::new(),
        }),
    }
    if !context.figma.variants.is_empty() || !context.figma.properties.is_empty() {
        out.push(Subtask {
            title: format!(
                "Implement {} and {}",
                count(
                    context.figma.properties.len(),
                    "property",
                    Some("properties")
                ),
                count(context.figma.variants.len(), "variant", None),
            ),
            description: String::new(),
        });
    }
    if !context.figma.interactions.is_empty() {
        out.push(Subtask {
            title: format!(
                "Wire up {}",
                count(context.figma.interactions.len(), "interaction", None)
            ),
            description: String::new(),
        });
    }
    let tests = context.tech.profile.as_ref().map_or_else(
        || "Write tests".to_owned(),
        |p| format!("Write tests in {}", p.test_file),
    );
    out.push(Subtask {
        title: tests,
        description: "One test per acceptance criterion".into(),
    });
    out
}

/// `len` things, in the number the word takes.
fn count(len: usize, singular: &str, plural: Option<&str>) -> String {
    crate::filters::pluralize(len as u64, singular, plural)
}

/// What a generation request carries besides the design.
#[derive(Debug, Clone, Copy)]
pub struct Request<'a> {
    pub key: TemplateKey,
    pub settings: &'a Settings,
    pub overrides: &'a Overrides,
}

impl<'a> Request<'a> {
    /// Resolves the template this request renders with (the variant for the team's tech stack
    /// where there is one), once for every ticket rendered from it.
    pub fn resolve(self, registry: &Registry) -> Result<Resolved<'a>, TemplateError> {
        let stack = detect_stack(self.settings, None).stack;
        let template = registry.resolve(self.key, stack, self.overrides)?;
        Ok(Resolved {
            request: self,
            template,
        })
    }
}

/// A [`Request`] with its template resolved: the format its tickets default to and the tickets
/// themselves come from the same template.
#[derive(Debug, Clone)]
pub struct Resolved<'a> {
    pub request: Request<'a>,
    pub template: Arc<CompiledTemplate>,
}

impl Resolved<'_> {
    /// The format the tickets render to when the caller names none: the template's output
    /// format, else Markdown.
    pub fn default_format(&self) -> OutputFormat {
        self.template
            .spec
            .output
            .format
            .unwrap_or(OutputFormat::Markdown)
    }

    /// One ticket per node; what does not depend on the node is worked out once.
    pub fn tickets(
        &self,
        design: &Design,
        nodes: &[NodeIndex],
    ) -> Result<Vec<Ticket>, TemplateError> {
        let prepared = Prepared::new(
            design,
            self.request.key,
            self.request.settings,
            Some(&self.template.spec),
        );
        nodes
            .iter()
            .map(|&node| render_ticket(&self.template, &prepared.context(node)?))
            .collect()
    }
}

/// One ticket for one node: [`Request::resolve`] then [`Resolved::tickets`], for a caller with
/// a single node.
pub fn generate_ticket(
    registry: &Registry,
    design: &Design,
    node: NodeIndex,
    request: Request<'_>,
) -> Result<Ticket, TemplateError> {
    let template = request.resolve(registry)?.template;
    let context = context::build_context(
        design,
        node,
        request.key,
        request.settings,
        Some(&template.spec),
    )?;
    render_ticket(&template, &context)
}

/// "A, B, C and 2 more": what names a set of nodes when nothing else does.
fn names_of(children: &[ChildSummary]) -> String {
    const SHOWN: usize = 3;
    let names: Vec<&str> = children
        .iter()
        .map(|c| c.name.trim())
        .filter(|n| !n.is_empty())
        .collect();
    let mut text = names
        .iter()
        .take(SHOWN)
        .copied()
        .collect::<Vec<_>>()
        .join(", ");
    if names.len() > SHOWN {
        text.push_str(&format!(" and {} more", names.len() - SHOWN));
    }
    text
}

/// The tickets under an epic: their document type and the stored templates for that type (the
/// request's own overrides are for the epic template).
#[derive(Debug, Clone, Copy)]
pub struct Children<'a> {
    pub document_type: DocumentType,
    pub overrides: &'a Overrides,
}

/// An epic over `nodes` with one child ticket per distinct node. The epic uses the platform's
/// `epic` template; its context is the first node's, plus `children[]`.
pub fn generate_epic(
    registry: &Registry,
    design: &Design,
    nodes: &[NodeIndex],
    child: Children<'_>,
    request: Request<'_>,
) -> Result<Epic, TemplateError> {
    let child_type = child.document_type;
    let (nodes, duplicates_skipped) = context::dedupe(nodes.iter().copied());
    let Some(&first) = nodes.first() else {
        return Err(TemplateError::Input(
            "an epic needs at least one design node".into(),
        ));
    };
    let stack = detect_stack(request.settings, None).stack;
    let child_key = TemplateKey::new(request.key.platform, child_type);
    let child_template = registry.resolve(child_key, stack, child.overrides)?;
    let epic_key = TemplateKey::new(request.key.platform, DocumentType::Epic);
    let epic_template = registry.resolve(epic_key, stack, request.overrides)?;

    let mut children = Vec::with_capacity(nodes.len());
    let mut summaries = Vec::with_capacity(nodes.len());
    let prepared = Prepared::new(
        design,
        child_key,
        request.settings,
        Some(&child_template.spec),
    );
    for &node in &nodes {
        let context = prepared.context(node)?;
        let ticket = render_ticket(&child_template, &context)?;
        summaries.push(ChildSummary {
            title: ticket.title.clone(),
            node_id: context.figma.node_id.clone(),
            name: context.figma.component_name.clone(),
            link: context.figma.node_link.clone(),
            story_points: ticket.estimate.story_points,
            priority: ticket.priority.label().to_owned(),
            complexity: context.calculated.complexity.clone(),
        });
        children.push(ticket);
    }

    let mut epic_context = context::build_context(
        design,
        first,
        epic_key,
        request.settings,
        Some(&epic_template.spec),
    )?;
    // The epic is about the file (or page), not its first child; frames from the plugin have no
    // file name, so the epic is named after them.
    epic_context.figma.component_name = request
        .settings
        .project
        .name
        .clone()
        .filter(|n| !n.is_empty())
        .or_else(|| Some(epic_context.figma.file_name.clone()).filter(|n| !n.is_empty()))
        .unwrap_or_else(|| names_of(&summaries));
    let story_points: u32 = children.iter().map(|c| c.estimate.story_points).sum();
    let hours: f64 = children.iter().map(|c| c.estimate.hours).sum();
    epic_context.calculated.story_points = story_points;
    epic_context.calculated.hours = hours;
    epic_context.acceptance_criteria = children
        .iter()
        .map(|c| crate::ticket::AcceptanceCriterion {
            text: format!("{} is done", crate::filters::md_escape(&c.title)),
            source: crate::ticket::CriterionSource::Layout,
            node_id: c.design_refs.first().map(|r| r.node_id.clone()),
        })
        .collect();
    epic_context.children = summaries;
    let high_priority = children
        .iter()
        .filter(|c| c.priority >= Priority::High)
        .count();
    epic_context.calculated.priority = if high_priority > 0 {
        Priority::High.label()
    } else {
        Priority::Medium.label()
    }
    .to_owned();
    let mut epic = render_ticket(&epic_template, &epic_context)?;
    epic.subtasks = children
        .iter()
        .map(|c| Subtask {
            title: c.title.clone(),
            description: c.summary.clone(),
        })
        .collect();
    epic.design_refs = children
        .iter()
        .filter_map(|c| c.design_refs.first().cloned())
        .collect();

    Ok(Epic {
        summary: EpicSummary {
            children: children.len(),
            story_points,
            hours,
            high_priority,
            duplicates_skipped,
        },
        epic,
        children,
    })
}
