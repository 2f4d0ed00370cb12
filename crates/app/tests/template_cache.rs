//! The shared template cache (`template:{org}:{platform}:{type}` in the store) on both backends:
//! a miss fills it, the org's other users hit it, saves and deletes write it through, a damaged
//! or missing entry is refetched, and the hit/miss counters count exactly that.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use handoff_app::App;
use handoff_store::{Identity, OverrideScope};
use handoff_templates::source_hash;
use handoff_test_support::RedisServer;
use metrics::{Counter, Gauge, Histogram, Key, KeyName, Metadata, Recorder, SharedString, Unit};

mod common;
use common::config;

/// Counts counters by name, for this test's thread only (see `set_default_local_recorder`).
#[derive(Default)]
struct Counters(Mutex<HashMap<String, Arc<AtomicU64>>>);

impl Counters {
    fn get(&self, name: &str) -> u64 {
        self.0
            .lock()
            .unwrap()
            .get(name)
            .map_or(0, |c| c.load(Ordering::Relaxed))
    }
}

impl Recorder for Counters {
    fn describe_counter(&self, _: KeyName, _: Option<Unit>, _: SharedString) {}
    fn describe_gauge(&self, _: KeyName, _: Option<Unit>, _: SharedString) {}
    fn describe_histogram(&self, _: KeyName, _: Option<Unit>, _: SharedString) {}
    fn register_counter(&self, key: &Key, _: &Metadata<'_>) -> Counter {
        let counter = Arc::clone(
            self.0
                .lock()
                .unwrap()
                .entry(key.name().to_owned())
                .or_default(),
        );
        Counter::from_arc(counter)
    }
    fn register_gauge(&self, _: &Key, _: &Metadata<'_>) -> Gauge {
        Gauge::noop()
    }
    fn register_histogram(&self, _: &Key, _: &Metadata<'_>) -> Histogram {
        Histogram::noop()
    }
}

const HITS: &str = "template_cache_hits_total";
const MISSES: &str = "template_cache_misses_total";

/// A valid github/component template whose body says `marker`.
async fn template_source(app: &App, who: &Identity, marker: &str) -> String {
    let builtin = app.get_template(who, "github", "component").await.unwrap();
    let mut spec = serde_json::to_value(&builtin.template).unwrap();
    spec["id"] = format!("{marker}-github-component").into();
    spec["content"] = format!("{marker} for {{{{ figma.component_name }}}}").into();
    serde_saphyr::to_string(&spec).unwrap()
}

/// Asserts the counters moved by exactly (`hits`, `misses`) since `before`, and returns them.
fn moved(counters: &Counters, before: (u64, u64), hits: u64, misses: u64) -> (u64, u64) {
    let now = (counters.get(HITS), counters.get(MISSES));
    assert_eq!(
        (now.0 - before.0, now.1 - before.1),
        (hits, misses),
        "(hits, misses) since the last check"
    );
    now
}

async fn exercise(app: &App) {
    let counters = Counters::default();
    let _recording = metrics::set_default_local_recorder(&counters);
    let alice = Identity::new("alice", "acme").unwrap();
    let carol = Identity::new("carol", "acme").unwrap();
    let bob = Identity::new("bob", "other").unwrap();
    let store = app.store();

    // Miss: nothing cached yet, so the org's override is read and an empty entry ("acme has no
    // override") is cached for the whole org.
    let view = app
        .get_template(&alice, "github", "component")
        .await
        .unwrap();
    assert_eq!(view.origin, "builtin");
    let mut seen = moved(&counters, (0, 0), 0, 1);
    let entry = store
        .cached_template(&alice, "github", "component")
        .await
        .unwrap()
        .expect("a miss fills the entry");
    assert_eq!(
        (entry.content.as_str(), entry.source_hash.as_str()),
        ("", "")
    );

    // Hit: another user of the same org reads the same entry; another org misses.
    let view = app
        .get_template(&carol, "github", "component")
        .await
        .unwrap();
    assert_eq!(view.origin, "builtin");
    seen = moved(&counters, seen, 1, 0);
    app.get_template(&bob, "github", "component").await.unwrap();
    seen = moved(&counters, seen, 0, 1);

    // Saving an org override writes the entry through: the next reads hit and see it.
    let first = template_source(app, &alice, "ACME ONE").await;
    seen = moved(&counters, seen, 1, 0);
    app.save_template(&alice, OverrideScope::Org, "github", "component", &first)
        .await
        .unwrap();
    seen = moved(&counters, seen, 1, 0); // save_template returns the resolved view
    let entry = store
        .cached_template(&alice, "github", "component")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(entry.content, first);
    assert_eq!(entry.source_hash, source_hash(&first));
    let view = app
        .get_template(&carol, "github", "component")
        .await
        .unwrap();
    assert_eq!(
        (view.origin.as_str(), view.id.as_str()),
        ("org", "ACME ONE-github-component")
    );
    assert_eq!(view.source_hash, source_hash(&first));
    seen = moved(&counters, seen, 1, 0);
    assert_eq!(
        app.get_template(&bob, "github", "component")
            .await
            .unwrap()
            .origin,
        "builtin",
        "another org's entry is its own"
    );
    seen = moved(&counters, seen, 1, 0);

    // Changing the source invalidates what was cached: readers get the new one at once.
    let second = template_source(app, &alice, "ACME TWO").await;
    seen = moved(&counters, seen, 1, 0);
    app.save_template(&alice, OverrideScope::Org, "github", "component", &second)
        .await
        .unwrap();
    let view = app
        .get_template(&carol, "github", "component")
        .await
        .unwrap();
    assert_eq!(view.id, "ACME TWO-github-component");
    assert_eq!(view.source_hash, source_hash(&second));
    seen = moved(&counters, seen, 2, 0);

    // Tickets are rendered from the cached override.
    let generate: handoff_app::ops::GenerateRequest = serde_json::from_value(serde_json::json!({
        "frames": [{"id": "1:2", "name": "Checkout", "type": "FRAME", "width": 320, "height": 200}],
        "platform": "github", "documentType": "component"
    }))
    .unwrap();
    let tickets = app.generate_tickets(&carol, &generate).await.unwrap();
    assert!(
        tickets.tickets[0]
            .rendered
            .contains("ACME TWO for Checkout"),
        "{}",
        tickets.tickets[0].rendered
    );
    seen = moved(&counters, seen, 1, 0);

    // A damaged entry (its content does not match its hash) is not trusted: refetched, refilled.
    store
        .put_template(
            &alice,
            "github",
            "component",
            "id: [broken",
            "1",
            "not-the-hash",
        )
        .await
        .unwrap();
    let view = app
        .get_template(&carol, "github", "component")
        .await
        .unwrap();
    assert_eq!(view.id, "ACME TWO-github-component");
    seen = moved(&counters, seen, 0, 1);
    let entry = store
        .cached_template(&alice, "github", "component")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(entry.source_hash, source_hash(&second));

    // An expired (here: removed) entry is a miss that refills it from the override.
    assert!(
        store
            .invalidate_template(&alice, "github", "component")
            .await
            .unwrap()
    );
    app.get_template(&alice, "github", "component")
        .await
        .unwrap();
    seen = moved(&counters, seen, 0, 1);
    app.get_template(&alice, "github", "component")
        .await
        .unwrap();
    seen = moved(&counters, seen, 1, 0);

    // A fill never replaces an entry: a write-through from a concurrent save wins over a fill
    // made from what was read before it.
    assert!(
        !store
            .fill_template(
                &alice,
                "github",
                "component",
                &first,
                "0",
                &source_hash(&first)
            )
            .await
            .unwrap()
    );
    let view = app
        .get_template(&alice, "github", "component")
        .await
        .unwrap();
    assert_eq!(view.id, "ACME TWO-github-component");
    seen = moved(&counters, seen, 1, 0);

    // Deleting the override writes an empty entry through: back to the built-in, still a hit.
    app.delete_template(&alice, OverrideScope::Org, "github", "component")
        .await
        .unwrap();
    let view = app
        .get_template(&carol, "github", "component")
        .await
        .unwrap();
    assert_eq!(view.origin, "builtin");
    seen = moved(&counters, seen, 1, 0);

    // With no org override, a user's own override applies to that user only.
    let mine = template_source(app, &carol, "CAROL").await;
    seen = moved(&counters, seen, 1, 0);
    app.save_template(&carol, OverrideScope::User, "github", "component", &mine)
        .await
        .unwrap();
    assert_eq!(
        app.get_template(&carol, "github", "component")
            .await
            .unwrap()
            .id,
        "CAROL-github-component"
    );
    assert_eq!(
        app.get_template(&alice, "github", "component")
            .await
            .unwrap()
            .origin,
        "builtin"
    );
    seen = moved(&counters, seen, 3, 0);

    // Generation reads the org's entry and the user's override together: the user's applies while
    // the org has none, an org override saved later wins over it, and deleting it brings the
    // user's back — each visible on the next request.
    let checkout: handoff_app::ops::GenerateRequest = serde_json::from_value(serde_json::json!({
        "frames": [{"id": "1:2", "name": "Checkout", "type": "FRAME", "width": 320, "height": 200}],
        "platform": "github", "documentType": "component"
    }))
    .unwrap();
    let rendered =
        |tickets: handoff_app::ops::GeneratedTickets| tickets.tickets[0].rendered.clone();
    let ticket = rendered(app.generate_tickets(&carol, &checkout).await.unwrap());
    assert!(ticket.contains("CAROL for Checkout"), "{ticket}");
    let ticket = rendered(app.generate_tickets(&alice, &checkout).await.unwrap());
    assert!(!ticket.contains("CAROL"), "{ticket}");
    seen = moved(&counters, seen, 2, 0);
    let org = template_source(app, &alice, "ACME THREE").await;
    app.save_template(&alice, OverrideScope::Org, "github", "component", &org)
        .await
        .unwrap();
    seen = moved(&counters, seen, 2, 0);
    let ticket = rendered(app.generate_tickets(&carol, &checkout).await.unwrap());
    assert!(ticket.contains("ACME THREE for Checkout"), "{ticket}");
    assert!(!ticket.contains("CAROL"), "{ticket}");
    app.delete_template(&alice, OverrideScope::Org, "github", "component")
        .await
        .unwrap();
    let ticket = rendered(app.generate_tickets(&carol, &checkout).await.unwrap());
    assert!(ticket.contains("CAROL for Checkout"), "{ticket}");
    moved(&counters, seen, 2, 0);
}

#[tokio::test]
async fn template_cache_on_the_embedded_store() {
    let dir = tempfile::tempdir().unwrap();
    let app = App::open(config(None, None, dir.path())).await.unwrap();
    exercise(&app).await;
}

#[tokio::test]
async fn template_cache_on_redis() {
    let redis = RedisServer::start();
    let dir = tempfile::tempdir().unwrap();
    let app = App::open(config(None, Some(&redis), dir.path()))
        .await
        .unwrap();
    exercise(&app).await;
}

/// Two instances on one Redis share the entry: what one saves, the other reads without a miss.
#[tokio::test]
async fn instances_share_the_cache_through_redis() {
    let counters = Counters::default();
    let _recording = metrics::set_default_local_recorder(&counters);
    let redis = RedisServer::start();
    let (dir_a, dir_b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let a = App::open(config(None, Some(&redis), dir_a.path()))
        .await
        .unwrap();
    let b = App::open(config(None, Some(&redis), dir_b.path()))
        .await
        .unwrap();
    let alice = Identity::new("alice", "acme").unwrap();
    let carol = Identity::new("carol", "acme").unwrap();

    let source = template_source(&a, &alice, "SHARED").await;
    a.save_template(&alice, OverrideScope::Org, "github", "component", &source)
        .await
        .unwrap();
    let seen = (counters.get(HITS), counters.get(MISSES));
    let view = b.get_template(&carol, "github", "component").await.unwrap();
    assert_eq!(view.id, "SHARED-github-component");
    let seen = moved(&counters, seen, 1, 0);

    b.delete_template(&carol, OverrideScope::Org, "github", "component")
        .await
        .unwrap();
    let view = a.get_template(&alice, "github", "component").await.unwrap();
    assert_eq!(view.origin, "builtin");
    moved(&counters, seen, 1, 0);
}
