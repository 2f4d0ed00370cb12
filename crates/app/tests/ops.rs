//! The service layer end to end: a fake Figma API (wiremock) serving a real fixture, and the store on
//! both backends (embedded redb and a real redis-server).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use handoff_app::ops::{
    AnalyzeRequest, DesignContextRequest, DesignSource, GenerateRequest, ReportKind,
};
use handoff_app::{App, Config, ErrorKind};
use handoff_store::{Identity, OverrideScope};
use handoff_test_support::RedisServer;
use wiremock::MockServer;

mod common;
use common::{FILE_KEY, config, serve_fixture, source};

/// A Figma API serving one file; `file_fetches` is how many times the test expects it fetched.
async fn fake_figma(file_fetches: u64) -> MockServer {
    let server = MockServer::start().await;
    serve_fixture(&server, None, Some(file_fetches)).await;
    server
}

async fn exercise(app: App) {
    let alice = Identity::new("alice", "acme").unwrap();
    let bob = Identity::new("bob", "other").unwrap();
    // The deployment's figma_token is only the local user's: alice calls Figma with her own.
    app.set_figma_token(&alice, "figd_test_token")
        .await
        .unwrap();

    // Design context within a budget, fetched once and then served from the cache.
    let request = DesignContextRequest {
        source: source(),
        format: None,
        depth: None,
        max_bytes: Some(2_000),
        cursor: None,
    };
    let first = app.design_context(&alice, &request).await.unwrap();
    assert!(first.bytes <= 2_000 && first.text.len() <= 2_000);
    assert!(first.total_nodes > 0);
    if first.truncated {
        let next = DesignContextRequest {
            cursor: first.next_cursor.clone(),
            ..request.clone()
        };
        let second = app.design_context(&alice, &next).await.unwrap();
        assert_ne!(
            second.text, first.text,
            "a cursor moves on to the next part"
        );
    }

    // Analysis is computed from the file, not constants.
    let analysis = AnalyzeRequest {
        source: source(),
        tokens: None,
        token_format: None,
        depth: None,
        categories: None,
        max_findings: None,
    };
    let project = app
        .analyze(&alice, ReportKind::Project, &analysis)
        .await
        .unwrap();
    assert_eq!(
        project.report["nodes"], 28,
        "the fixture has 28 nodes (SOURCES.md)"
    );
    assert!(project.markdown.starts_with("# Project Analysis Results"));

    // Tickets from the built-in template, recorded in the caller's history only.
    let generate: GenerateRequest = serde_json::from_value(serde_json::json!({
        "url": format!("https://www.figma.com/design/{FILE_KEY}/Wizard-demo"),
        "platform": "github", "documentType": "component"
    }))
    .unwrap();
    let tickets = app.generate_tickets(&alice, &generate).await.unwrap();
    assert_eq!(tickets.tickets.len(), 1);
    let ticket = &tickets.tickets[0];
    assert!(
        ticket
            .rendered
            .contains(&format!("https://www.figma.com/design/{FILE_KEY}")),
        "{}",
        ticket.rendered
    );
    assert!(!ticket.ticket.acceptance_criteria.is_empty());
    let history = app.history(&alice, 10).await.unwrap();
    assert_eq!(history.len(), 1);
    assert_eq!(history[0].platform, "github");
    assert!(
        app.history(&bob, 10).await.unwrap().is_empty(),
        "bob never sees alice's history"
    );

    // An org override replaces the built-in for the org, and only for it.
    let builtin = app
        .get_template(&alice, "github", "component")
        .await
        .unwrap();
    assert_eq!(builtin.origin, "builtin");
    let mut spec = serde_json::to_value(&builtin.template).unwrap();
    spec["id"] = "acme-github-component".into();
    spec["content"] = "ACME TEMPLATE for {{ figma.component_name }}".into();
    let source_yaml = serde_saphyr::to_string(&spec).unwrap();
    app.save_template(
        &alice,
        OverrideScope::Org,
        "github",
        "component",
        &source_yaml,
    )
    .await
    .unwrap();
    let tickets = app.generate_tickets(&alice, &generate).await.unwrap();
    assert!(
        tickets.tickets[0].rendered.contains("ACME TEMPLATE for"),
        "{}",
        tickets.tickets[0].rendered
    );
    assert_eq!(
        app.get_template(&bob, "github", "component")
            .await
            .unwrap()
            .origin,
        "builtin"
    );
    let err = app
        .delete_template(&bob, OverrideScope::Org, "github", "component")
        .await
        .unwrap_err();
    assert_eq!(err.kind, ErrorKind::NotFound);
    app.delete_template(&alice, OverrideScope::Org, "github", "component")
        .await
        .unwrap();
    assert_eq!(
        app.get_template(&alice, "github", "component")
            .await
            .unwrap()
            .origin,
        "builtin"
    );

    // A broken template is refused with its problems, and nothing is stored.
    let err = app
        .save_template(
            &alice,
            OverrideScope::User,
            "github",
            "component",
            "content: '{% for x in %}'",
        )
        .await
        .unwrap_err();
    assert_eq!(err.code(), "invalid_template");
    assert!(
        app.list_templates(&alice)
            .await
            .unwrap()
            .overrides
            .is_empty()
    );

    // Bad input is a clear error, not a panic.
    let bad = DesignSource::Url {
        url: "https://example.com/not-figma".into(),
    };
    let err = app
        .design_context(
            &alice,
            &DesignContextRequest {
                source: bad,
                ..request.clone()
            },
        )
        .await
        .unwrap_err();
    assert_eq!(err.kind, ErrorKind::BadRequest);
}

#[tokio::test]
async fn operations_on_the_embedded_store() {
    // Every operation loads the design; the version-keyed cache means Figma serves it once.
    let figma = fake_figma(1).await;
    let dir = tempfile::tempdir().unwrap();
    exercise(
        App::open(config(Some(&figma), None, dir.path()))
            .await
            .unwrap(),
    )
    .await;
}

#[tokio::test]
async fn operations_on_redis() {
    let figma = fake_figma(1).await;
    let redis = RedisServer::start();
    let dir = tempfile::tempdir().unwrap();
    exercise(
        App::open(config(Some(&figma), Some(&redis), dir.path()))
            .await
            .unwrap(),
    )
    .await;
}

#[tokio::test]
async fn a_missing_figma_token_is_an_actionable_error() {
    let figma = fake_figma(0).await;
    let dir = tempfile::tempdir().unwrap();
    let config = Config {
        figma_token: None,
        ..config(Some(&figma), None, dir.path())
    };
    let app = App::open(config).await.unwrap();
    let who = Identity::new("alice", "acme").unwrap();
    let request = DesignContextRequest {
        source: source(),
        format: None,
        depth: None,
        max_bytes: None,
        cursor: None,
    };
    let err = app.design_context(&who, &request).await.unwrap_err();
    assert_eq!(err.kind, ErrorKind::Unauthenticated);
    assert!(
        err.message.contains("HANDOFF_FIGMA_TOKEN"),
        "{}",
        err.message
    );
}

/// Small inline designs are parsed and rendered on the async worker, large ones on the blocking
/// pool: either way the same request gives the same kind of answer, and a malformed payload the
/// same error.
#[tokio::test]
async fn inline_designs_small_and_large_generate_alike() {
    use handoff_app::ops::design::PARSE_INLINE_MAX_BYTES;
    use handoff_app::ops::tickets::RENDER_INLINE_MAX_NODES;
    use serde_json::{Value, json};

    let dir = tempfile::tempdir().unwrap();
    let app = App::open(config(None, None, dir.path())).await.unwrap();
    let who = Identity::new("alice", "acme").unwrap();
    let frame = |i: usize| {
        json!({"id": format!("1:{i}"), "name": format!("Frame {i}"), "type": "FRAME",
               "width": 320, "height": 200})
    };
    let request = |frames: Vec<Value>| -> GenerateRequest {
        serde_json::from_value(json!({
            "frames": frames, "platform": "jira", "documentType": "component", "nodeIds": ["1:2"]
        }))
        .unwrap()
    };
    let small = request(vec![frame(2)]);
    let large = request((2..2 + 2 * RENDER_INLINE_MAX_NODES).map(frame).collect());
    let DesignSource::Inline { frames } = &large.source else {
        panic!("inline source expected");
    };
    assert!(serde_json::to_vec(frames).unwrap().len() > PARSE_INLINE_MAX_BYTES);
    for request in [&small, &large] {
        let generated = app.generate_tickets(&who, request).await.unwrap();
        assert_eq!(generated.tickets.len(), 1);
        assert!(
            generated.tickets[0].ticket.title.contains("Frame 2"),
            "{}",
            generated.tickets[0].ticket.title
        );
    }
    // Both sizes are recorded in history.
    assert_eq!(app.store().list_history(&who, 10).await.unwrap().len(), 2);

    let mut broken = frame(2);
    broken["width"] = json!("wide");
    for frames in [vec![broken.clone()], {
        let mut many: Vec<Value> = (3..3 + 2 * RENDER_INLINE_MAX_NODES).map(frame).collect();
        many.push(broken.clone());
        many
    }] {
        let err = app
            .generate_tickets(&who, &request(frames))
            .await
            .unwrap_err();
        assert_eq!(err.code(), "invalid_figma_data", "{}", err.message);
    }
}
