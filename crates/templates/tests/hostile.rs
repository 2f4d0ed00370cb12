//! Hostile user templates are stopped quickly with a clear error, and never break the built-ins.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, Instant};

use handoff_templates::{
    DocumentType, LimitKind, Overrides, Platform, Registry, RegistryConfig, StoredTemplate,
    TemplateError, TemplateKey, render_ticket, sample_context,
};

const KEY: TemplateKey = TemplateKey {
    platform: Platform::Jira,
    document_type: DocumentType::Component,
};

fn template(content: &str) -> String {
    let mut yaml = String::from(
        "id: hostile\nversion: '1'\nplatform: jira\ndocument_type: component\ncontent: |\n",
    );
    for line in content.lines() {
        yaml.push_str("  ");
        yaml.push_str(line);
        yaml.push('\n');
    }
    yaml
}

/// Renders `content` as an org override; returns the error and how long it took.
fn render_hostile(registry: &Registry, content: &str) -> (TemplateError, Duration) {
    let overrides = Overrides {
        org: Some(StoredTemplate {
            owner_id: "evil-org".into(),
            source: template(content),
        }),
        user: None,
    };
    let start = Instant::now();
    let result = registry
        .resolve(KEY, None, &overrides)
        .and_then(|template| render_ticket(&template, &sample_context(KEY)));
    let elapsed = start.elapsed();
    match result {
        Ok(ticket) => panic!(
            "hostile template rendered {} bytes",
            ticket.description.len()
        ),
        Err(err) => (err, elapsed),
    }
}

fn assert_stopped(content: &str, limit: Option<LimitKind>) -> String {
    let registry = Registry::builtin().unwrap();
    let (err, elapsed) = render_hostile(&registry, content);
    assert!(elapsed < Duration::from_secs(1), "took {elapsed:?}: {err}");
    if let Some(limit) = limit {
        assert_eq!(err.limit(), Some(limit), "{err}");
    }
    let message = err.to_string();
    assert!(
        message.contains("org:evil-org"),
        "error does not name the template: {message}"
    );
    // The built-ins still work from the same registry afterwards.
    let builtin = registry.resolve(KEY, None, &Overrides::default()).unwrap();
    assert!(render_ticket(&builtin, &sample_context(KEY)).is_ok());
    message
}

#[test]
fn infinite_loop_runs_out_of_fuel() {
    let message = assert_stopped(
        "{% for a in range(100000) %}{% for b in range(100000) %}{% for c in range(100000) %}x{% endfor %}{% endfor %}{% endfor %}",
        Some(LimitKind::Fuel),
    );
    assert!(message.contains("instruction budget"), "{message}");
}

#[test]
fn billion_character_output_hits_the_cap() {
    let message = assert_stopped(
        "{% for a in range(100000) %}{{ 'x' * 10000 }}{% endfor %}",
        None,
    );
    assert!(
        message.contains("cap") || message.contains("fuel") || message.contains("budget"),
        "{message}"
    );
    // And a straight write past the cap.
    let message = assert_stopped(
        "{% for a in range(2000) %}{{ 'y' * 1000 }}{% endfor %}",
        Some(LimitKind::OutputSize),
    );
    assert!(message.contains("output size cap"), "{message}");
}

#[test]
fn deep_recursion_is_stopped() {
    let message = assert_stopped(
        "{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(0) }}",
        Some(LimitKind::Recursion),
    );
    assert!(message.contains("recursion"), "{message}");
}

#[test]
fn include_traversal_is_refused() {
    for name in ["../../etc/passwd", "/etc/passwd", "shared/../../etc/passwd"] {
        let message = assert_stopped(
            &format!("{{% include \"{name}\" %}}"),
            Some(LimitKind::ForbiddenInclude),
        );
        assert!(message.contains("refused"), "{message}");
    }
    // A name that is simply not a partial is "not found", also an error.
    let registry = Registry::builtin().unwrap();
    let (err, _) = render_hostile(&registry, "{% include \"etc/passwd\" %}");
    assert!(err.to_string().contains("not found"), "{err}");
}

#[test]
fn syntax_errors_name_template_line_and_column() {
    let registry = Registry::builtin().unwrap();
    let source = template("line one\n{{ figma.component_name }\n");
    let err = registry
        .resolve(
            KEY,
            None,
            &Overrides {
                org: Some(StoredTemplate {
                    owner_id: "acme".into(),
                    source,
                }),
                user: None,
            },
        )
        .unwrap_err()
        .to_string();
    assert!(err.contains("org:acme:2:"), "{err}");
}

#[test]
fn runtime_errors_name_line_and_column() {
    let registry = Registry::builtin().unwrap();
    let (err, _) = render_hostile(&registry, "ok\n\n   {{ 1 / 0 }}");
    let TemplateError::Render { at, .. } = &err else {
        panic!("{err:?}")
    };
    assert_eq!(at.line, Some(3), "{err}");
    assert!(at.column.is_some(), "{err}");
}

#[test]
fn validate_reports_errors_and_warnings() {
    let registry = Registry::builtin().unwrap();
    let good = registry.validate(
        "good.yaml",
        &template("# {{ figma.component_name }}\n{{ acceptance_criteria | length }}"),
    );
    assert!(good.is_ok() && good.warnings.is_empty(), "{good:?}");
    let undefined = registry.validate("typo.yaml", &template("{{ figma.componnet_name.x }}"));
    assert!(undefined.is_ok(), "{undefined:?}");
    assert!(
        !undefined.warnings.is_empty(),
        "strict mode should warn about the typo"
    );
    let broken = registry.validate("broken.yaml", &template("{% for %}"));
    assert!(!broken.is_ok());
    assert!(broken.errors[0].contains("broken.yaml"), "{broken:?}");
    let hostile = registry.validate(
        "loop.yaml",
        &template(
            "{% for a in range(100000) %}{% for b in range(100000) %}x{% endfor %}{% endfor %}",
        ),
    );
    assert!(!hostile.is_ok());
}

#[test]
fn stored_override_for_the_wrong_key_is_an_error() {
    let registry = Registry::builtin().unwrap();
    let source = template("x").replace("platform: jira", "platform: github");
    let err = registry
        .resolve(
            KEY,
            None,
            &Overrides {
                org: None,
                user: Some(StoredTemplate {
                    owner_id: "u1".into(),
                    source,
                }),
            },
        )
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("jira/component") && err.contains("github/component"),
        "{err}"
    );
}

#[test]
fn custom_limits_apply() {
    let mut config = RegistryConfig::default();
    config.limits.max_output_bytes = 10;
    let registry = Registry::new(config).unwrap();
    let (err, _) = render_hostile(&registry, "{{ 'z' * 11 }}");
    assert_eq!(err.limit(), Some(LimitKind::OutputSize));
}
