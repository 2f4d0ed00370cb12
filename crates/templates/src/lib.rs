//! Templates and ticket generation. Pure: no network, no store, no async.
//!
//! * [`Registry`]: built-in templates (embedded) plus configured directories; [`Registry::resolve`]
//!   applies org/user overrides ([`Overrides`]) → directories → built-ins, and
//!   [`Registry::validate`] checks a user template.
//! * [`build_context`]: design node + [`Settings`] → versioned [`TemplateContext`].
//! * [`render_ticket`] / [`generate_ticket`] / [`generate_epic`]: context → [`Ticket`] / [`Epic`].
//! * [`render::render_ticket`](render::render_ticket): a ticket in any [`OutputFormat`].
//! * [`tech_stack::detect`]: which stack a team's `tech_stack` setting names, and how sure that is.

mod builtin;
mod compiled;
pub mod context;
mod directory;
mod engine;
mod error;
mod filters;
mod generate;
mod key;
mod registry;
pub mod render;
mod spec;
pub mod tech_stack;
mod ticket;

pub use compiled::{CompiledTemplate, TemplateOrigin, source_hash};
pub use context::{
    CONTEXT_VERSION, Finding, Settings, StringOrList, TeamStandards, TemplateContext,
    build_context, default_subject, find_node, node_link, sample_context, top_level_frames,
};
pub use engine::Limits;
pub use error::{LimitKind, SourcePosition, TemplateError};
pub use filters::pluralize;
pub use generate::{Children, Request, Resolved, generate_epic, generate_ticket, render_ticket};
pub use key::{DocumentType, Platform, TemplateKey};
pub use registry::{
    Overrides, Registry, RegistryConfig, StoredTemplate, TemplateInfo, ValidationReport,
};
pub use render::OutputFormat;
pub use spec::{MAX_TEMPLATE_BYTES, OutputSettings, TemplateSpec, VariableSpec};
pub use tech_stack::{TechStack, TechStackMatch};
pub use ticket::{
    AcceptanceCriterion, Complexity, CriterionSource, DesignRef, Epic, EpicSummary, Estimate, Link,
    Priority, Subtask, TemplateUsed, Ticket,
};
