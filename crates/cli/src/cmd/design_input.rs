//! The one place the CLI turns an input argument into a design: a saved Figma response or plugin
//! payload on disk, `-` for standard input, or a figma.com link / bare file key fetched through the
//! service layer (the configured `figma_token` and the store's response cache).

use std::sync::Arc;

use handoff_app::App;
use handoff_app::ops::DesignSource;
use handoff_app::ops::design::NodeIds;
use handoff_figma::Design;

use super::local_input::read_local;
use super::{CliError, ConfigArgs};

/// A parsed design and what the input said about it.
pub struct DesignInput {
    pub design: Arc<Design>,
    /// Known when the design was fetched from Figma (needed for node links).
    pub file_key: Option<String>,
    /// The nodes a link asked for (`node-id=1-2`), normalised to `1:2`; empty for files.
    pub node_ids: Vec<String>,
}

/// Load the design `input` names: `-`, an existing file, else a figma.com link or file key.
pub fn load(input: &str, config: &ConfigArgs) -> Result<DesignInput, CliError> {
    match remote_source(input) {
        Some(source) => fetch(&source, config),
        None => {
            let design = read_local(input)?
                .parse_design()
                .map_err(|error| CliError::input(format!("{}: {error}", display_name(input))))?;
            Ok(DesignInput {
                design: Arc::new(design),
                file_key: None,
                node_ids: Vec::new(),
            })
        }
    }
}

/// The Figma source `input` names, or `None` when it is local (stdin or a path). A bare word that
/// is an existing file stays a file even when it could be a file key.
fn remote_source(input: &str) -> Option<DesignSource> {
    if input == "-" {
        return None;
    }
    if input.starts_with("http://") || input.starts_with("https://") || input.contains("figma.com/")
    {
        return Some(DesignSource::Url {
            url: input.to_owned(),
        });
    }
    let bare_key = !input.contains(['/', '\\', '.']) && !std::path::Path::new(input).exists();
    (bare_key && handoff_figma::parse_figma_url(input).is_ok()).then(|| DesignSource::File {
        file_key: input.to_owned(),
        node_ids: NodeIds::None,
    })
}

fn fetch(source: &DesignSource, config: &ConfigArgs) -> Result<DesignInput, CliError> {
    let config = config.load()?;
    let runtime = super::runtime()?;
    let loaded = runtime.block_on(async {
        let app = App::open(config).await?;
        let who = handoff_app::auth::local_identity()?;
        app.load_design(&who, source).await
    });
    let loaded = loaded.map_err(|error| {
        let message = format!("{}: {}", source_name(source), error.message);
        match error.kind {
            handoff_app::ErrorKind::BadRequest | handoff_app::ErrorKind::NotFound => {
                CliError::input(message)
            }
            _ => CliError::runtime(message),
        }
    })?;
    Ok(DesignInput {
        design: loaded.design,
        file_key: loaded.file_key,
        node_ids: loaded.node_ids,
    })
}

fn source_name(source: &DesignSource) -> &str {
    match source {
        DesignSource::Url { url } => url,
        DesignSource::File { file_key, .. } => file_key,
        DesignSource::Inline { .. } => "<inline>",
    }
}

fn display_name(input: &str) -> &str {
    if input == "-" { "<stdin>" } else { input }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use wiremock::matchers::{method, path};
    use wiremock::{Mock, MockServer, ResponseTemplate};

    const FILE_KEY: &str = "AbCdEf1234567890";
    const FIXTURE: &str = "../../../shared/fixtures/figma/code-connect-wizard-demo.file.json";

    fn fixture() -> Vec<u8> {
        std::fs::read(format!("{}/{FIXTURE}", env!("CARGO_MANIFEST_DIR"))).unwrap()
    }

    /// A Figma API serving the fixture once; wiremock runs it on its own thread, so `load` can
    /// build its own runtime.
    fn fake_figma(runtime: &tokio::runtime::Runtime) -> MockServer {
        runtime.block_on(async {
            let server = MockServer::start().await;
            let meta = serde_json::json!({ "file": { "name": "Wizard demo", "version": "42",
                "last_touched_at": "2026-11-20T10:00:00Z" } });
            Mock::given(method("GET"))
                .and(path(format!("/v1/files/{FILE_KEY}/meta")))
                .respond_with(ResponseTemplate::new(200).set_body_json(meta))
                .mount(&server)
                .await;
            Mock::given(method("GET"))
                .and(path(format!("/v1/files/{FILE_KEY}")))
                .respond_with(
                    ResponseTemplate::new(200).set_body_raw(fixture(), "application/json"),
                )
                .expect(1)
                .mount(&server)
                .await;
            server
        })
    }

    fn config_args(figma: &MockServer, dir: &std::path::Path) -> ConfigArgs {
        let file = dir.join("handoff.toml");
        std::fs::write(
            &file,
            format!(
                "figma_api_base = \"{}\"\nfigma_token = \"figd_test_token\"\n",
                figma.uri()
            ),
        )
        .unwrap();
        ConfigArgs {
            config: Some(file),
            data_dir: Some(dir.join("data")),
            ..ConfigArgs::default()
        }
    }

    #[test]
    fn a_figma_link_is_fetched_once_then_served_from_the_cache() {
        let runtime = super::super::runtime().unwrap();
        let figma = fake_figma(&runtime);
        let dir = tempfile::tempdir().unwrap();
        let config = config_args(&figma, dir.path());
        let url = format!("https://www.figma.com/design/{FILE_KEY}/Wizard-demo");

        let fetched = load(&url, &config).unwrap();
        let local = handoff_figma::parse_design(&fixture()).unwrap();
        assert_eq!(fetched.file_key.as_deref(), Some(FILE_KEY));
        assert!(fetched.node_ids.is_empty());
        assert_eq!(fetched.design.nodes.len(), local.nodes.len());

        let by_key = load(FILE_KEY, &config).unwrap();
        assert_eq!(by_key.design.nodes.len(), local.nodes.len());
        runtime.block_on(figma.verify());
    }

    #[test]
    fn a_link_keeps_its_node_ids() {
        assert!(matches!(
            remote_source("https://www.figma.com/design/AbCdEf1234567890/x?node-id=1-2"),
            Some(DesignSource::Url { .. })
        ));
    }

    #[test]
    fn a_missing_token_is_a_clear_error() {
        let dir = tempfile::tempdir().unwrap();
        let config = ConfigArgs {
            data_dir: Some(dir.path().join("data")),
            ..ConfigArgs::default()
        };
        // SAFETY-free: only reads the environment; the token may be set on a developer machine.
        if std::env::var_os("HANDOFF_FIGMA_TOKEN").is_some() {
            return;
        }
        let error = load(&format!("https://www.figma.com/file/{FILE_KEY}/x"), &config)
            .err()
            .unwrap();
        assert_eq!(error.code, 1);
        assert!(error.message.contains("figma_token"), "{}", error.message);
    }

    #[test]
    fn local_inputs_are_files_even_when_they_look_like_keys() {
        let dir = tempfile::tempdir().unwrap();
        let saved = dir.path().join("AbCdEf1234567890");
        std::fs::write(&saved, fixture()).unwrap();
        assert!(remote_source(saved.to_str().unwrap()).is_none());
        assert!(remote_source("-").is_none());
        assert!(remote_source("design.json").is_none());
        assert!(matches!(
            remote_source(FILE_KEY),
            Some(DesignSource::File { .. })
        ));

        let loaded = load(saved.to_str().unwrap(), &ConfigArgs::default()).unwrap();
        assert!(loaded.file_key.is_none());
        assert!(!loaded.design.nodes.is_empty());
    }

    #[test]
    fn an_unreadable_or_invalid_file_is_an_input_error() {
        let missing = load("/nonexistent/design.json", &ConfigArgs::default())
            .err()
            .unwrap();
        assert_eq!(missing.code, 2);
        let dir = tempfile::tempdir().unwrap();
        let broken = dir.path().join("broken.json");
        std::fs::write(&broken, b"{\"document\": [").unwrap();
        let invalid = load(broken.to_str().unwrap(), &ConfigArgs::default())
            .err()
            .unwrap();
        assert_eq!(invalid.code, 2);
        assert!(
            invalid.message.contains("broken.json"),
            "{}",
            invalid.message
        );
    }
}
