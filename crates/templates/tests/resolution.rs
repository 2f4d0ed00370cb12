//! Resolution order, directory reload, listing, nearest-pair errors, tech-stack variants, caching.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;
use std::time::Duration;

use handoff_templates::{
    DocumentType, OutputFormat, Overrides, Platform, Registry, RegistryConfig, Request, Settings,
    StoredTemplate, StringOrList, TeamStandards, TechStack, TemplateError, TemplateKey,
    TemplateOrigin, render_ticket, sample_context,
};

const KEY: TemplateKey = TemplateKey {
    platform: Platform::Jira,
    document_type: DocumentType::Component,
};

fn yaml(id: &str, platform: &str, extra: &str, body: &str) -> String {
    format!(
        "id: {id}\nversion: '2'\nplatform: {platform}\ndocument_type: component\n{extra}content: |\n  {body}\n"
    )
}

fn dir_registry(dir: &std::path::Path) -> Registry {
    Registry::new(RegistryConfig {
        template_dirs: vec![dir.to_path_buf()],
        recheck_every: Duration::ZERO,
        ..RegistryConfig::default()
    })
    .unwrap()
}

#[test]
fn org_beats_user_beats_dir_beats_builtin() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("jira.yaml"),
        yaml("team-jira", "jira", "", "from the dir"),
    )
    .unwrap();
    let registry = dir_registry(dir.path());
    let org = StoredTemplate {
        owner_id: "acme".into(),
        source: yaml("org-jira", "jira", "", "from the org"),
    };
    let user = StoredTemplate {
        owner_id: "u1".into(),
        source: yaml("user-jira", "jira", "", "from the user"),
    };

    let both = Overrides {
        org: Some(org.clone()),
        user: Some(user.clone()),
    };
    assert_eq!(
        registry.resolve(KEY, None, &both).unwrap().spec.id,
        "org-jira"
    );
    let user_only = Overrides {
        org: None,
        user: Some(user),
    };
    let resolved = registry.resolve(KEY, None, &user_only).unwrap();
    assert_eq!(resolved.spec.id, "user-jira");
    assert_eq!(
        resolved.origin,
        TemplateOrigin::User {
            user_id: "u1".into()
        }
    );
    assert_eq!(
        registry
            .resolve(KEY, None, &Overrides::default())
            .unwrap()
            .spec
            .id,
        "team-jira"
    );
    let github = TemplateKey::new(Platform::Github, DocumentType::Component);
    assert_eq!(
        registry
            .resolve(github, None, &Overrides::default())
            .unwrap()
            .spec
            .id,
        "builtin-github-component"
    );
}

#[test]
fn directory_changes_are_picked_up_and_bad_files_do_not_break_others() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("jira.yaml");
    std::fs::write(&path, yaml("v1", "jira", "", "one")).unwrap();
    std::fs::write(dir.path().join("broken.yaml"), "id: [").unwrap();
    let registry = dir_registry(dir.path());
    assert_eq!(
        registry
            .resolve(KEY, None, &Overrides::default())
            .unwrap()
            .spec
            .id,
        "v1"
    );
    assert_eq!(
        registry.directory_errors().len(),
        1,
        "{:?}",
        registry.directory_errors()
    );

    std::thread::sleep(Duration::from_millis(20));
    std::fs::write(&path, yaml("v2-longer", "jira", "", "two")).unwrap();
    assert_eq!(
        registry
            .resolve(KEY, None, &Overrides::default())
            .unwrap()
            .spec
            .id,
        "v2-longer"
    );

    std::fs::remove_file(&path).unwrap();
    assert_eq!(
        registry
            .resolve(KEY, None, &Overrides::default())
            .unwrap()
            .spec
            .id,
        "builtin-jira-component"
    );
}

#[test]
fn directory_partials_are_includable_but_symlinks_are_not_followed() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("partials")).unwrap();
    std::fs::write(
        dir.path().join("partials/footer.j2"),
        "Team footer for {{ figma.component_name }}",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("jira.yaml"),
        yaml("t", "jira", "", "{% include \"partials/footer.j2\" %}"),
    )
    .unwrap();
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("secret.j2"), "SECRET").unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(
        outside.path().join("secret.j2"),
        dir.path().join("secret.j2"),
    )
    .unwrap();
    let registry = dir_registry(dir.path());
    let template = registry.resolve(KEY, None, &Overrides::default()).unwrap();
    let ticket = render_ticket(&template, &sample_context(KEY)).unwrap();
    assert!(
        ticket.description.contains("Team footer for Button"),
        "{}",
        ticket.description
    );

    std::fs::write(
        dir.path().join("jira.yaml"),
        yaml("t2", "jira", "", "{% include \"secret.j2\" %}"),
    )
    .unwrap();
    let template = registry.resolve(KEY, None, &Overrides::default()).unwrap();
    let err = render_ticket(&template, &sample_context(KEY))
        .unwrap_err()
        .to_string();
    assert!(err.contains("not found"), "{err}");
}

#[test]
fn unlisted_pair_names_the_nearest_and_substitutes_nothing() {
    let registry = Registry::builtin().unwrap();
    let key = TemplateKey::new(Platform::Trello, DocumentType::ApiSpec);
    let err = registry
        .resolve(key, None, &Overrides::default())
        .unwrap_err();
    let TemplateError::NoTemplate { nearest, .. } = &err else {
        panic!("{err:?}")
    };
    assert!(!nearest.is_empty());
    assert!(nearest.iter().all(|k| registry.builtin_keys().contains(k)));
    assert!(
        nearest.iter().any(|k| k.platform == Platform::Trello),
        "{err}"
    );
    assert!(err.to_string().contains("trello/api-spec"), "{err}");
}

#[test]
fn tech_stack_variant_wins_when_the_stack_matches() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("generic.yaml"),
        yaml("generic", "jira", "", "generic"),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("vue.yaml"),
        yaml("vue-variant", "jira", "tech_stack: vue\n", "vue"),
    )
    .unwrap();
    let registry = dir_registry(dir.path());
    assert_eq!(
        registry
            .resolve(KEY, Some(TechStack::Vue), &Overrides::default())
            .unwrap()
            .spec
            .id,
        "vue-variant"
    );
    assert_eq!(
        registry
            .resolve(KEY, Some(TechStack::React), &Overrides::default())
            .unwrap()
            .spec
            .id,
        "generic"
    );
    assert_eq!(
        registry
            .resolve(KEY, None, &Overrides::default())
            .unwrap()
            .spec
            .id,
        "generic"
    );
}

#[test]
fn stored_templates_compile_once_per_source_hash() {
    let registry = Registry::builtin().unwrap();
    let source = yaml("cached", "jira", "", "x");
    let overrides = Overrides {
        org: Some(StoredTemplate {
            owner_id: "acme".into(),
            source: source.clone(),
        }),
        user: None,
    };
    let first = registry.resolve(KEY, None, &overrides).unwrap();
    let second = registry.resolve(KEY, None, &overrides).unwrap();
    assert!(
        Arc::ptr_eq(&first, &second),
        "a warm resolve must reuse the compiled template"
    );
    assert_eq!(first.source_hash, handoff_templates::source_hash(&source));
    let changed = Overrides {
        org: Some(StoredTemplate {
            owner_id: "acme".into(),
            source: source.replace("x", "y"),
        }),
        user: None,
    };
    let third = registry.resolve(KEY, None, &changed).unwrap();
    assert_ne!(third.source_hash, first.source_hash);
}

#[test]
fn the_same_source_saved_by_two_orgs_compiles_once_per_owner() {
    let registry = Registry::builtin().unwrap();
    let source = yaml("shared", "jira", "", "x");
    let stored = |owner: &str| Overrides {
        org: Some(StoredTemplate {
            owner_id: owner.into(),
            source: source.clone(),
        }),
        user: None,
    };
    let acme = registry.resolve(KEY, None, &stored("acme")).unwrap();
    let other = registry.resolve(KEY, None, &stored("other")).unwrap();
    assert_eq!(acme.source_hash, other.source_hash);
    assert_eq!(
        other.origin,
        TemplateOrigin::Org {
            org_id: "other".into()
        },
        "one org must never be handed another org's compiled copy (it names its owner)"
    );
}

#[test]
fn an_epic_resolves_its_children_with_their_own_overrides() {
    let design = handoff_figma::parse_plugin_payload(
        br#"[{"id":"1:2","name":"Checkout","type":"FRAME"},{"id":"1:3","name":"Cart","type":"FRAME"}]"#,
    )
    .unwrap();
    let nodes = handoff_templates::top_level_frames(&design);
    assert_eq!(nodes.len(), 2);
    let registry = Registry::builtin().unwrap();
    let epic_source = "id: acme-epic\nversion: '1'\nplatform: jira\ndocument_type: epic\ncontent: |\n  EPIC {{ children | length }}\n";
    let story_source = "id: acme-story\nversion: '1'\nplatform: jira\ndocument_type: story\ncontent: |\n  STORY {{ figma.component_name }}\n";
    let stored = |source: &str| Overrides {
        org: Some(StoredTemplate {
            owner_id: "acme".into(),
            source: source.to_owned(),
        }),
        user: None,
    };
    let settings = handoff_templates::Settings::default();
    let epic = handoff_templates::generate_epic(
        &registry,
        &design,
        &nodes,
        handoff_templates::Children {
            document_type: DocumentType::Story,
            overrides: &stored(story_source),
        },
        handoff_templates::Request {
            key: TemplateKey::new(Platform::Jira, DocumentType::Epic),
            settings: &settings,
            overrides: &stored(epic_source),
        },
    )
    .unwrap();
    assert_eq!(epic.epic.template.id, "acme-epic");
    assert!(
        epic.epic.description.contains("EPIC 2"),
        "{}",
        epic.epic.description
    );
    assert_eq!(epic.children.len(), 2);
    assert!(epic.children.iter().all(|c| c.template.id == "acme-story"));
    assert!(epic.children[0].description.contains("STORY Checkout"));
}

#[test]
fn listing_has_every_builtin_with_metadata() {
    let registry = Registry::builtin().unwrap();
    let rows = registry.list();
    assert_eq!(rows.len(), registry.builtin_keys().len());
    assert!(
        rows.iter()
            .all(|r| r.source == "builtin" && !r.version.is_empty() && !r.id.is_empty())
    );
    for platform in [
        "jira",
        "confluence",
        "wiki",
        "github",
        "gitlab",
        "linear",
        "notion",
        "azure-devops",
        "figma",
        "aem",
    ] {
        assert!(rows.iter().any(|r| r.platform == platform), "{platform}");
    }
    for doc in [
        "component",
        "feature",
        "story",
        "bug",
        "epic",
        "documentation",
        "api-spec",
        "design-handoff",
        "pr-template",
        "issue-template",
        "code",
    ] {
        assert!(rows.iter().any(|r| r.document_type == doc), "{doc}");
    }
    let json = serde_json::to_value(&rows).unwrap();
    for key in ["platform", "document_type", "id", "version", "source"] {
        assert!(json[0].get(key).is_some(), "{key}");
    }
}

#[test]
fn the_documented_example_template_validates_cleanly_and_renders() {
    let doc = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../docs/templates.md"
    ))
    .unwrap();
    let start = doc.find("```yaml\n").unwrap() + "```yaml\n".len();
    let source = &doc[start..start + doc[start..].find("```").unwrap()];
    let registry = Registry::builtin().unwrap();
    let report = registry.validate("docs-example.yaml", source);
    assert!(report.is_ok() && report.warnings.is_empty(), "{report:?}");
    let overrides = Overrides {
        org: Some(StoredTemplate {
            owner_id: "acme".into(),
            source: source.to_owned(),
        }),
        user: None,
    };
    let template = registry
        .resolve(KEY, Some(TechStack::Vue), &overrides)
        .unwrap();
    let ticket = render_ticket(&template, &sample_context(KEY)).unwrap();
    assert!(
        ticket.description.contains("Part of")
            && ticket.description.contains("Acceptance criteria"),
        "{}",
        ticket.description
    );
    assert!(
        ticket.labels.contains(&"design".to_owned()),
        "{:?}",
        ticket.labels
    );
}

#[test]
fn the_default_format_is_that_of_the_variant_the_ticket_renders_with() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("generic.yaml"),
        yaml("generic", "jira", "output:\n  format: jira\n", "generic"),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("vue.yaml"),
        yaml(
            "vue-variant",
            "jira",
            "tech_stack: vue\noutput:\n  format: markdown\n",
            "vue",
        ),
    )
    .unwrap();
    let registry = dir_registry(dir.path());
    let format_for = |stack: &str| {
        let settings = Settings {
            team_standards: TeamStandards {
                tech_stack: Some(StringOrList::One(stack.into())),
                ..TeamStandards::default()
            },
            ..Settings::default()
        };
        let request = Request {
            key: KEY,
            settings: &settings,
            overrides: &Overrides::default(),
        };
        request.resolve(&registry).unwrap().default_format()
    };
    assert_eq!(format_for("Vue"), OutputFormat::Markdown);
    assert_eq!(format_for("React"), OutputFormat::Jira);
}
