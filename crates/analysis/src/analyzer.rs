//! One design and scope under analysis, with what several reports need computed once: which nodes
//! sit inside instances, the likely detached copies of components, the design system's tokens.
//! Build one [`Analyzer`] to produce several reports of the same scope without repeating work.

use std::cell::OnceCell;

use handoff_figma::Design;

use crate::compliance::{ComplianceOptions, ComplianceReport, DesignSystem};
use crate::effort_report::EffortReport;
use crate::health::{HealthOptions, HealthReport};
use crate::model::{DetachedMatch, detached_matches, inside_instance};
use crate::project::ProjectReport;
use crate::relationships::{RelationshipOptions, RelationshipsReport};
use crate::scope::Scope;
use crate::tokens::{Token, TokenSource, TokensReport, system_tokens_of, tokens_of};

/// A design and the part of it to analyse; each report is one method.
pub struct Analyzer<'d> {
    pub(crate) design: &'d Design,
    pub(crate) scope: &'d Scope,
    inside_instance: OnceCell<Vec<bool>>,
    detached: OnceCell<Vec<DetachedMatch>>,
    scope_tokens: OnceCell<Vec<Token>>,
    own_system: OnceCell<Vec<Token>>,
}

impl<'d> Analyzer<'d> {
    pub fn new(design: &'d Design, scope: &'d Scope) -> Self {
        Self {
            design,
            scope,
            inside_instance: OnceCell::new(),
            detached: OnceCell::new(),
            scope_tokens: OnceCell::new(),
            own_system: OnceCell::new(),
        }
    }

    /// For every arena index: whether the node lies inside an INSTANCE.
    pub(crate) fn inside_instance(&self) -> &[bool] {
        self.inside_instance
            .get_or_init(|| inside_instance(self.design))
    }

    /// Non-instance subtrees in scope that look like a component, in arena order.
    pub(crate) fn detached(&self) -> &[DetachedMatch] {
        self.detached
            .get_or_init(|| detached_matches(self.design, self.scope, self.inside_instance()))
    }

    /// All tokens of the scope (styles, variables and raw values), sorted.
    pub(crate) fn scope_tokens(&self) -> &[Token] {
        self.scope_tokens
            .get_or_init(|| tokens_of(self.design, self.scope))
    }

    /// The styles and variables of the design itself, with their usage over the whole design.
    /// When the scope is the whole design and its tokens are known, these are exactly its style
    /// and variable tokens (same visits, same order), so no second pass is needed.
    pub(crate) fn own_system_tokens(&self) -> &[Token] {
        self.own_system
            .get_or_init(|| match self.scope_tokens.get() {
                Some(tokens) if self.scope.is_whole() => tokens
                    .iter()
                    .filter(|t| matches!(t.source, TokenSource::Style | TokenSource::Variable))
                    .cloned()
                    .collect(),
                _ => system_tokens_of(self.design),
            })
    }

    pub fn project(&self) -> ProjectReport {
        crate::project::build(self)
    }

    pub fn tokens(&self) -> TokensReport {
        crate::tokens::build_report(self)
    }

    pub fn compliance(
        &self,
        system: &DesignSystem<'_>,
        options: &ComplianceOptions,
    ) -> ComplianceReport {
        crate::compliance::build(self, system, options)
    }

    pub fn health(&self, options: &HealthOptions) -> HealthReport {
        crate::health::build(self, options)
    }

    pub fn effort(&self) -> EffortReport {
        crate::effort_report::build(self)
    }

    pub fn relationships(&self, options: &RelationshipOptions) -> RelationshipsReport {
        crate::relationships::build(self, options)
    }
}
