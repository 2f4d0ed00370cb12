//! `handoff generate` as a process: formats per platform, node selection, epics, `--out`, and
//! the errors a user meets.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{handoff, ok};

const FIXTURE: &str = "../../../shared/fixtures/figma/code-connect-wizard-demo.file.json";

/// The ids and names of the nodes one level below the pages, read off the design context.
fn top_level_nodes() -> Vec<(String, String)> {
    ok(&["simplify", FIXTURE, "--depth", "2"])
        .lines()
        .filter(|line| line.starts_with("  [") && !line.starts_with("   "))
        .filter_map(|line| {
            let name = line.split('"').nth(1)?.to_owned();
            let id = line.split(" #").nth(1)?.split(' ').next()?.to_owned();
            Some((id, name))
        })
        .collect()
}

#[test]
fn each_platform_gets_its_native_format_by_default() {
    let jira = ok(&["generate", FIXTURE, "--platform", "jira"]);
    let github = ok(&["generate", FIXTURE, "--platform", "github"]);
    // The same default subject (the first component set), in Jira markup and in Markdown.
    assert!(jira.starts_with("h1. "), "{jira}");
    assert!(jira.contains("\nh2. "), "{jira}");
    assert!(github.starts_with("# "), "{github}");
    assert!(!github.contains("h2. "), "{github}");
    let title = |text: &str| {
        text.lines()
            .next()
            .unwrap()
            .split(": ")
            .nth(1)
            .unwrap()
            .to_owned()
    };
    assert_eq!(title(&jira), title(&github));
    // An explicit format wins over the template's.
    let markdown = ok(&["generate", FIXTURE, "-p", "jira", "--format", "markdown"]);
    assert!(markdown.starts_with("# "), "{markdown}");
}

#[test]
fn an_epic_has_one_child_per_selected_node_and_nodes_take_either_id_form() {
    let nodes = top_level_nodes();
    assert!(nodes.len() >= 2, "{nodes:?}");
    let (first_id, first_name) = &nodes[0];
    let (second_id, second_name) = &nodes[1];
    let dashed = first_id.replace(':', "-");
    let out = ok(&[
        "generate", FIXTURE, "-p", "jira", "-t", "epic", "-f", "json", "-n", &dashed, "-n",
        second_id,
    ]);
    let epic: serde_json::Value = serde_json::from_str(&out).unwrap();
    let children = epic["children"].as_array().unwrap();
    assert_eq!(children.len(), 2, "{out}");
    for (child, (id, name)) in children
        .iter()
        .zip([(first_id, first_name), (second_id, second_name)])
    {
        assert_eq!(child["design_refs"][0]["node_id"], id.as_str());
        assert!(
            child["title"].as_str().unwrap().contains(name.as_str()),
            "{child}"
        );
    }
    assert!(!epic["epic"]["title"].as_str().unwrap().is_empty());
}

#[test]
fn out_writes_the_same_document_as_stdout() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("story.md");
    let args = ["generate", FIXTURE, "-p", "github", "-t", "story"];
    let printed = ok(&args);
    let mut with_out = args.to_vec();
    let path_arg = path.display().to_string();
    with_out.extend(["--out", &path_arg]);
    assert_eq!(ok(&with_out), "");
    let written = std::fs::read_to_string(&path).unwrap();
    assert!(written.starts_with("# "), "{written}");
    // Standard output ends the document with a newline when it has none.
    let newline = if written.ends_with('\n') { "" } else { "\n" };
    assert_eq!(format!("{written}{newline}"), printed);
}

#[test]
fn mistakes_exit_2_with_a_message_that_says_what_to_do() {
    for (args, expected) in [
        (
            vec!["generate", FIXTURE, "-p", "jiraa"],
            "unknown platform \"jiraa\" (nearest: jira",
        ),
        (
            vec!["generate", FIXTURE, "-p", "jira", "-t", "storyy"],
            "storyy",
        ),
        (
            vec!["generate", FIXTURE, "-p", "github", "-n", "99:99"],
            "node \"99:99\" is not in the design",
        ),
        (
            vec!["generate", FIXTURE, "-p", "github", "-f", "pdf"],
            "pdf",
        ),
        (
            vec!["generate", "no-such-file.json", "-p", "github"],
            "no-such-file.json",
        ),
    ] {
        let out = handoff(&args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(expected), "{args:?}: {stderr}");
        assert!(out.stdout.is_empty(), "{args:?} printed a document");
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
    }
}
