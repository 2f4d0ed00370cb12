//! Layered configuration: built-in defaults → TOML file → `HANDOFF_*` environment → command-line flags.
//!
//! Every layer is a figment provider, so an invalid value is reported with the key it belongs to and
//! the layer it came from (file path, environment variable or flag).

use std::fmt;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use figment::providers::{Env, Format, Serialized, Toml};
use figment::{Figment, Profile};
use handoff_store::{RateLimit, StoreConfig};
use reqwest::header::HeaderValue;
use serde::{Deserialize, Serialize};

/// Environment variable that names the configuration file when `--config` is not given.
pub const CONFIG_FILE_ENV: &str = "HANDOFF_CONFIG";

/// Longest expiry accepted for the store's TTL settings. Redis refuses a `PX` whose deadline does not
/// fit its 64-bit millisecond clock, at the first write; a century is far inside that and beyond any use.
pub const MAX_TTL_SECS: u64 = 100 * 365 * 24 * 3600;

/// The whole configuration of a handoff process.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Address the HTTP server listens on. The existing Figma plugin calls `localhost:3000`.
    pub bind: SocketAddr,
    /// Redis (`redis://`, `rediss://`, `unix://`) or Redis Cluster (`redis+cluster://h1,h2`, or a
    /// comma-separated list of node URLs). Unset: the embedded store under `data_dir`.
    pub redis_url: Option<Secret>,
    /// Directory of the embedded store (and other local state).
    pub data_dir: PathBuf,
    /// `pretty` for people, `json` for log pipelines.
    pub log_format: LogFormat,
    /// A `tracing` filter directive, e.g. `info` or `handoff_server=debug,info`.
    pub log_level: String,
    /// Largest request body accepted, in bytes (screenshots arrive as base64).
    pub max_body_bytes: u64,
    /// Largest Figma response (file or nodes JSON) a request may work on, in bytes; larger ones are
    /// refused with 413 `design_too_large` before they are parsed, instead of risking the process.
    pub max_design_bytes: u64,
    /// Most nodes a design may have; parsing stops with 413 `design_too_large` at the next one.
    pub max_design_nodes: u64,
    /// How long a request may run before it is answered with a timeout error, in seconds.
    pub request_timeout_secs: u64,
    /// Seconds in-flight requests get to finish after SIGINT/SIGTERM.
    pub shutdown_grace_secs: u64,
    /// Authentication mode for the HTTP API and MCP.
    pub auth: AuthMode,
    /// Allow `auth = "off"` on a non-loopback address.
    pub insecure: bool,
    /// Origins allowed by CORS on the HTTP routes, and the web pages that may act as the local user
    /// (see `browser`). The default, `null`, is the Figma plugin's iframe; `*` allows every page.
    pub cors_allowed_origins: Vec<String>,
    /// Extra `Host` values accepted by `/mcp` (DNS-rebinding protection); loopback is always accepted.
    pub allowed_hosts: Vec<String>,
    /// Extra `Origin` values accepted by `/mcp`.
    pub allowed_origins: Vec<String>,
    /// Base URL of Figma's REST API (tests point it at a local fake).
    pub figma_api_base: String,
    /// Figma token for the local/default user (personal access token).
    pub figma_token: Option<Secret>,
    /// 32-byte key (hex or base64) encrypting per-user upstream credentials at rest.
    pub secret_key: Option<Secret>,
    /// Directories of team templates, searched before the built-in ones.
    pub templates_dir: Vec<PathBuf>,
    /// Per-user request budgets.
    pub rate_limits: RateLimits,
    /// Store tuning shared by both backends (TTLs, timeouts, key prefix). Its `redis_url` and
    /// `data_dir` are taken from the top-level keys of the same names.
    pub store: StoreConfig,
    /// MCP server settings.
    pub mcp: McpSettings,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            bind: SocketAddr::from(([127, 0, 0, 1], 3000)),
            redis_url: None,
            data_dir: default_data_dir(),
            log_format: LogFormat::Pretty,
            log_level: "info".to_owned(),
            max_body_bytes: 16 * 1024 * 1024,
            // A design costs a few times its JSON in memory (docs/benchmarks.md, "Extreme shapes").
            max_design_bytes: 512 * 1024 * 1024,
            max_design_nodes: 2_000_000,
            request_timeout_secs: 30,
            shutdown_grace_secs: 10,
            auth: AuthMode::Auto,
            insecure: false,
            cors_allowed_origins: vec!["null".to_owned()],
            allowed_hosts: Vec::new(),
            allowed_origins: Vec::new(),
            figma_api_base: "https://api.figma.com".to_owned(),
            figma_token: None,
            secret_key: None,
            templates_dir: Vec::new(),
            rate_limits: RateLimits::default(),
            store: StoreConfig::default(),
            mcp: McpSettings::default(),
        }
    }
}

/// Where the embedded store lives unless `data_dir` says otherwise: the platform's per-user data
/// directory (`$XDG_DATA_HOME/handoff` or `~/.local/share/handoff` on Linux,
/// `~/Library/Application Support/handoff` on macOS, `%APPDATA%\handoff` on Windows). Not the
/// current directory: an MCP client starts `handoff mcp` from wherever it likes, and each start
/// would otherwise find (or create) a different store. Only with no home directory at all does it
/// fall back to `./handoff-data`.
pub fn default_data_dir() -> PathBuf {
    directories::BaseDirs::new().map_or_else(
        || PathBuf::from("./handoff-data"),
        |dirs| dirs.data_dir().join("handoff"),
    )
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Pretty,
    Json,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum AuthMode {
    /// Loopback bind and no API keys: everyone is the local user. Otherwise: required.
    Auto,
    Required,
    Off,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(default, deny_unknown_fields)]
pub struct RateLimits {
    pub reads_per_min: u32,
    pub generation_per_min: u32,
    /// Mirrors Figma's own Tier-1 budget for a Professional seat.
    pub figma_per_min: u32,
}

impl Default for RateLimits {
    fn default() -> Self {
        Self {
            reads_per_min: 600,
            // One person working in the plugin can click through dozens of frames a minute;
            // the default must never get in their way (issue 27: 60 refused a short burst).
            generation_per_min: 600,
            figma_per_min: 10,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, Default)]
#[serde(default, deny_unknown_fields)]
pub struct McpSettings {
    /// List the legacy tool names (`project_analyzer`, `generate_template_tickets`, …) in
    /// `tools/list`. They stay callable either way.
    pub list_legacy_tools: bool,
}

/// A configuration value that must never be printed or logged.
#[derive(Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("\"<redacted>\"")
    }
}

/// Values given on the command line; `None` leaves the lower layers alone.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Overrides {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bind: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub redis_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data_dir: Option<PathBuf>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub log_format: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub log_level: Option<String>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub insecure: bool,
}

/// Why the configuration could not be loaded. The message names the key and where its value came from.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("configuration file {path}: {reason}")]
    File { path: PathBuf, reason: String },
    #[error("invalid configuration: {0}")]
    Invalid(String),
}

impl Config {
    /// Load every layer. `file` is `--config`; when absent, `HANDOFF_CONFIG` is consulted.
    pub fn load(file: Option<&Path>, overrides: &Overrides) -> Result<Self, ConfigError> {
        Self::load_from(file, overrides, Env::prefixed("HANDOFF_"))
    }

    fn load_from(
        file: Option<&Path>,
        overrides: &Overrides,
        env: Env,
    ) -> Result<Self, ConfigError> {
        let env_file = std::env::var_os(CONFIG_FILE_ENV).map(PathBuf::from);
        let file = file.map(Path::to_path_buf).or(env_file);
        let mut figment = Figment::from(Serialized::defaults(Config::default()));
        if let Some(path) = &file {
            // A named file that does not exist is an error, not an empty layer: a typo in
            // `--config` must not silently run with defaults.
            if !path.is_file() {
                return Err(ConfigError::File {
                    path: path.clone(),
                    reason: "no such file".to_owned(),
                });
            }
            figment = figment.merge(Toml::file_exact(path));
        }
        let env = env.ignore(&["config"]).split("__");
        figment = figment.merge(env).merge(Named {
            name: "command-line flag",
            inner: Serialized::from(overrides, Profile::Default),
        });
        let config: Config = figment
            .extract()
            .map_err(|err| ConfigError::Invalid(describe(&err)))?;
        config.validate()?;
        Ok(config)
    }

    fn validate(&self) -> Result<(), ConfigError> {
        let invalid =
            |key: &str, why: &str| Err(ConfigError::Invalid(format!("key `{key}`: {why}")));
        if self.max_body_bytes == 0 {
            return invalid("max_body_bytes", "must be greater than 0");
        }
        if self.max_design_bytes == 0 {
            return invalid("max_design_bytes", "must be greater than 0");
        }
        if self.max_design_nodes == 0 {
            return invalid("max_design_nodes", "must be greater than 0");
        }
        if self.request_timeout_secs == 0 {
            return invalid("request_timeout_secs", "must be greater than 0");
        }
        if self.store.operation_timeout_ms == 0 {
            return invalid("store.operation_timeout_ms", "must be greater than 0");
        }
        if self.store.redis_url.is_some() || self.store.data_dir != StoreConfig::default().data_dir
        {
            return invalid(
                "store",
                "set `redis_url` and `data_dir` at the top level, not under [store]",
            );
        }
        if self.store.key_prefix.is_empty() {
            return invalid("store.key_prefix", "must not be empty");
        }
        for (key, value) in [
            ("rate_limits.reads_per_min", self.rate_limits.reads_per_min),
            (
                "rate_limits.generation_per_min",
                self.rate_limits.generation_per_min,
            ),
            ("rate_limits.figma_per_min", self.rate_limits.figma_per_min),
        ] {
            // 0 leaves the group unlimited (docs/api.md); `ratelimit::check` skips it.
            if value == 0 {
                continue;
            }
            // The store's limiter has microsecond resolution; ask it now rather than at first use.
            if let Err(err) = RateLimit::per_minute(value).interval_us() {
                return invalid(
                    key,
                    &format!("{value} per minute cannot be enforced ({err})"),
                );
            }
        }
        for (key, secs) in [
            ("store.session_ttl_secs", self.store.session_ttl_secs),
            ("store.component_ttl_secs", self.store.component_ttl_secs),
            ("store.template_ttl_secs", self.store.template_ttl_secs),
            ("store.figma_ttl_secs", self.store.figma_ttl_secs),
            ("store.figma_meta_ttl_secs", self.store.figma_meta_ttl_secs),
        ] {
            if secs > MAX_TTL_SECS {
                return invalid(
                    key,
                    &format!(
                        "must be at most {MAX_TTL_SECS} (100 years); Redis refuses expiry times past its millisecond clock"
                    ),
                );
            }
        }
        for origin in &self.cors_allowed_origins {
            // tower-http's CORS layer takes origins as header values; one that is not would be dropped.
            if HeaderValue::from_str(origin).is_err() {
                return invalid(
                    "cors_allowed_origins",
                    &format!(
                        "entry {origin:?} is not a valid HTTP header value (it contains a control character)"
                    ),
                );
            }
        }
        if let Err(err) = tracing_filter_check(&self.log_level) {
            return invalid("log_level", &err);
        }
        if url_scheme(&self.figma_api_base).is_none() {
            return invalid("figma_api_base", "must be an http:// or https:// URL");
        }
        if self.auth == AuthMode::Off && !self.bind.ip().is_loopback() && !self.insecure {
            return invalid(
                "auth",
                "`off` on a non-loopback address exposes every user's data; bind to 127.0.0.1 or pass --insecure",
            );
        }
        Ok(())
    }

    /// The store's configuration: `[store]` tuning plus the top-level `redis_url` and `data_dir`.
    pub fn store_config(&self) -> StoreConfig {
        StoreConfig {
            redis_url: self.redis_url.as_ref().map(|url| url.expose().to_owned()),
            data_dir: self.data_dir.clone(),
            ..self.store.clone()
        }
    }

    /// The configuration as TOML with every secret replaced by `<redacted>`.
    pub fn to_redacted_toml(&self) -> String {
        let mut shown = self.clone();
        let redact = |s: &mut Option<Secret>| {
            if s.is_some() {
                *s = Some(Secret::new("<redacted>"));
            }
        };
        if let Some(url) = &shown.redis_url {
            shown.redis_url = Some(Secret::new(redact_url_password(url.expose())));
        }
        redact(&mut shown.figma_token);
        redact(&mut shown.secret_key);
        without_store_data_dir(&toml_string(&shown))
    }
}

/// A provider under another name, so errors say "command-line flag" rather than "Serialized".
struct Named<P> {
    name: &'static str,
    inner: P,
}

impl<P: figment::Provider> figment::Provider for Named<P> {
    fn metadata(&self) -> figment::Metadata {
        figment::Metadata::named(self.name)
    }
    fn data(&self) -> Result<figment::value::Map<Profile, figment::value::Dict>, figment::Error> {
        self.inner.data()
    }
}

fn toml_string(config: &Config) -> String {
    toml::to_string_pretty(config)
        .unwrap_or_else(|err| format!("# cannot render configuration: {err}\n"))
}

/// Drops `data_dir` from the `[store]` table of rendered configuration. The store's own copy is
/// always the unused default (`validate` refuses any other, and `store_config` takes the top-level
/// key), so showing it beside the top-level `data_dir` only makes people ask which one is used.
/// `[store]` cannot skip the field itself: `StoreConfig` is also the store crate's configuration.
fn without_store_data_dir(rendered: &str) -> String {
    let mut in_store = false;
    let mut out = String::with_capacity(rendered.len());
    for line in rendered.lines() {
        if line.starts_with('[') {
            in_store = line.trim() == "[store]";
        }
        if in_store && line.starts_with("data_dir =") {
            continue;
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// `redis://user:pass@host` → `redis://user:<redacted>@host`; anything else unchanged.
pub fn redact_url_password(url: &str) -> String {
    let Some(scheme_end) = url.find("://") else {
        return url.to_owned();
    };
    let rest = &url[scheme_end + 3..];
    let authority_end = rest.find('/').unwrap_or(rest.len());
    let authority = &rest[..authority_end];
    match authority.rfind('@') {
        Some(at) => {
            let userinfo = &authority[..at];
            let user = userinfo.split(':').next().unwrap_or("");
            format!(
                "{}://{user}:<redacted>@{}",
                &url[..scheme_end],
                &rest[at + 1..]
            )
        }
        None => url.to_owned(),
    }
}

fn url_scheme(url: &str) -> Option<&str> {
    let (scheme, rest) = url.split_once("://")?;
    ((scheme == "http" || scheme == "https") && !rest.is_empty()).then_some(scheme)
}

fn tracing_filter_check(directive: &str) -> Result<(), String> {
    // Accept what tracing-subscriber's EnvFilter accepts without depending on it here: a comma list of
    // `level` or `target=level` with a known level name.
    const LEVELS: [&str; 6] = ["trace", "debug", "info", "warn", "error", "off"];
    if directive.trim().is_empty() {
        return Err("must not be empty".to_owned());
    }
    for part in directive.split(',') {
        let level = part
            .rsplit('=')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        if !LEVELS.contains(&level.as_str()) {
            return Err(format!(
                "`{part}` is not a level ({}) or `target=level`",
                LEVELS.join(", ")
            ));
        }
    }
    Ok(())
}

/// A figment error as one line per problem, each naming the key and its source.
fn describe(err: &figment::Error) -> String {
    err.clone()
        .into_iter()
        .map(|e| {
            let key = if e.path.is_empty() {
                "(root)".to_owned()
            } else {
                e.path.join(".")
            };
            let source = match e.metadata.as_ref() {
                Some(meta) => match &meta.source {
                    Some(figment::Source::File(path)) => format!("file {}", path.display()),
                    _ if meta.name.contains("environment") => {
                        format!(
                            "environment variable HANDOFF_{}",
                            key.to_uppercase().replace('.', "__")
                        )
                    }
                    _ => meta.name.to_string(),
                },
                None => "defaults".to_owned(),
            };
            format!("key `{key}` (from {source}): {}", e.kind)
        })
        .collect::<Vec<_>>()
        .join("; ")
}

#[cfg(test)]
mod tests {
    // figment::Jail's closure type fixes the large error variant; it is test-only.
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::result_large_err)]
    use super::*;
    use figment::Jail;

    fn error_of(result: Result<Config, ConfigError>) -> String {
        result
            .expect_err("configuration should be rejected")
            .to_string()
    }

    #[test]
    fn defaults_are_what_the_plugin_expects() {
        Jail::expect_with(|_| {
            let config = Config::load(None, &Overrides::default()).unwrap();
            assert_eq!(config.bind.to_string(), "127.0.0.1:3000");
            assert_eq!(config.max_body_bytes, 16 * 1024 * 1024);
            assert!(config.redis_url.is_none());
            assert_eq!(config.rate_limits.generation_per_min, 600);
            Ok(())
        });
    }

    /// The store must not follow the current directory (an MCP client starts `handoff mcp` from
    /// anywhere): on Linux it is `$XDG_DATA_HOME/handoff`, else `$HOME/.local/share/handoff`.
    #[cfg(target_os = "linux")]
    #[test]
    fn the_default_data_dir_is_the_per_user_one() {
        Jail::expect_with(|jail| {
            jail.set_env("HOME", "/home/newcomer");
            jail.set_env("XDG_DATA_HOME", "/xdg/data");
            let config = Config::load(None, &Overrides::default()).unwrap();
            assert_eq!(config.data_dir, PathBuf::from("/xdg/data/handoff"));
            jail.set_env("XDG_DATA_HOME", "");
            let config = Config::load(None, &Overrides::default()).unwrap();
            assert_eq!(
                config.data_dir,
                PathBuf::from("/home/newcomer/.local/share/handoff")
            );
            Ok(())
        });
    }

    #[test]
    fn layers_apply_in_order_file_env_flag() {
        Jail::expect_with(|jail| {
            jail.create_file("h.toml", "bind = \"127.0.0.1:4000\"\nlog_level = \"debug\"\n[rate_limits]\nreads_per_min = 5\n")?;
            jail.set_env("HANDOFF_LOG_LEVEL", "warn");
            jail.set_env("HANDOFF_RATE_LIMITS__GENERATION_PER_MIN", "7");
            let file = Some(Path::new("h.toml"));
            let config = Config::load(file, &Overrides::default()).unwrap();
            assert_eq!(config.bind.port(), 4000, "file beats defaults");
            assert_eq!(config.log_level, "warn", "env beats file");
            assert_eq!(config.rate_limits.reads_per_min, 5);
            assert_eq!(
                config.rate_limits.generation_per_min, 7,
                "nested env keys use __"
            );
            let flags = Overrides {
                bind: Some("127.0.0.1:5000".into()),
                ..Default::default()
            };
            assert_eq!(
                Config::load(file, &flags).unwrap().bind.port(),
                5000,
                "flag beats all"
            );
            Ok(())
        });
    }

    #[test]
    fn config_file_can_come_from_the_environment() {
        Jail::expect_with(|jail| {
            jail.create_file("from-env.toml", "data_dir = \"/tmp/elsewhere\"\n")?;
            jail.set_env(CONFIG_FILE_ENV, "from-env.toml");
            let config = Config::load(None, &Overrides::default()).unwrap();
            assert_eq!(config.data_dir, PathBuf::from("/tmp/elsewhere"));
            Ok(())
        });
    }

    #[test]
    fn a_bad_value_names_its_key_and_source() {
        Jail::expect_with(|jail| {
            jail.create_file("bad.toml", "max_body_bytes = \"lots\"\n")?;
            let err = error_of(Config::load(
                Some(Path::new("bad.toml")),
                &Overrides::default(),
            ));
            assert!(
                err.contains("max_body_bytes") && err.contains("bad.toml"),
                "{err}"
            );

            jail.clear_env();
            jail.set_env("HANDOFF_BIND", "not-an-address");
            let err = error_of(Config::load(None, &Overrides::default()));
            assert!(
                err.contains("`bind`") && err.contains("HANDOFF_BIND"),
                "{err}"
            );

            jail.clear_env();
            let flags = Overrides {
                log_format: Some("xml".into()),
                ..Default::default()
            };
            let err = error_of(Config::load(None, &flags));
            assert!(
                err.contains("log_format") && err.contains("command-line flag"),
                "{err}"
            );
            Ok(())
        });
    }

    #[test]
    fn semantic_checks_name_the_key() {
        Jail::expect_with(|jail| {
            jail.set_env("HANDOFF_RATE_LIMITS__FIGMA_PER_MIN", "60000001");
            let err = error_of(Config::load(None, &Overrides::default()));
            assert!(err.contains("rate_limits.figma_per_min"), "{err}");
            jail.clear_env();
            jail.set_env("HANDOFF_LOG_LEVEL", "loud");
            assert!(error_of(Config::load(None, &Overrides::default())).contains("log_level"));
            jail.clear_env();
            jail.set_env("HANDOFF_AUTH", "off");
            jail.set_env("HANDOFF_BIND", "0.0.0.0:3000");
            assert!(error_of(Config::load(None, &Overrides::default())).contains("`auth`"));
            let insecure = Overrides {
                insecure: true,
                ..Default::default()
            };
            assert!(Config::load(None, &insecure).is_ok());
            Ok(())
        });
    }

    #[test]
    fn a_zero_rate_budget_loads_and_means_unlimited() {
        Jail::expect_with(|jail| {
            jail.set_env("HANDOFF_RATE_LIMITS__FIGMA_PER_MIN", "0");
            jail.set_env("HANDOFF_RATE_LIMITS__READS_PER_MIN", "0");
            let config = Config::load(None, &Overrides::default())
                .expect("docs/api.md promises 0 = unlimited, so start-up must accept it");
            assert_eq!(config.rate_limits.figma_per_min, 0);
            assert_eq!(config.rate_limits.reads_per_min, 0);
            Ok(())
        });
    }

    #[test]
    fn values_the_store_or_cors_would_refuse_later_are_refused_at_load() {
        Jail::expect_with(|jail| {
            jail.set_env("HANDOFF_RATE_LIMITS__GENERATION_PER_MIN", "60000000");
            assert!(
                Config::load(None, &Overrides::default()).is_ok(),
                "one per microsecond is the store's finest rate"
            );
            jail.set_env("HANDOFF_RATE_LIMITS__GENERATION_PER_MIN", "60000001");
            let err = error_of(Config::load(None, &Overrides::default()));
            assert!(
                err.contains("rate_limits.generation_per_min") && err.contains("60000001"),
                "{err}"
            );
            jail.clear_env();

            jail.set_env(
                "HANDOFF_STORE__FIGMA_TTL_SECS",
                (MAX_TTL_SECS + 1).to_string(),
            );
            let err = error_of(Config::load(None, &Overrides::default()));
            assert!(err.contains("store.figma_ttl_secs"), "{err}");
            jail.clear_env();

            jail.create_file(
                "cors.toml",
                "cors_allowed_origins = [\"https://ok.example.com\", \"https://bad.example.com\\n\"]\n",
            )?;
            let err = error_of(Config::load(
                Some(Path::new("cors.toml")),
                &Overrides::default(),
            ));
            assert!(
                err.contains("cors_allowed_origins") && err.contains("bad.example.com"),
                "{err}"
            );
            Ok(())
        });
    }

    #[test]
    fn unknown_keys_and_missing_files_are_errors() {
        Jail::expect_with(|jail| {
            jail.create_file("typo.toml", "bnid = \"127.0.0.1:1\"\n")?;
            let err = error_of(Config::load(
                Some(Path::new("typo.toml")),
                &Overrides::default(),
            ));
            assert!(err.contains("bnid"), "{err}");
            let err = error_of(Config::load(
                Some(Path::new("nope.toml")),
                &Overrides::default(),
            ));
            assert!(
                err.contains("nope.toml") && err.contains("no such file"),
                "{err}"
            );
            jail.create_file("broken.toml", "bind = [\n")?;
            assert!(Config::load(Some(Path::new("broken.toml")), &Overrides::default()).is_err());
            Ok(())
        });
    }

    #[test]
    fn printing_shows_one_data_dir_and_loads_back() {
        Jail::expect_with(|jail| {
            let shown = Config::load(None, &Overrides::default())
                .unwrap()
                .to_redacted_toml();
            assert_eq!(shown.matches("data_dir").count(), 1, "{shown}");
            jail.create_file("shown.toml", &shown)?;
            let loaded = Config::load(Some(Path::new("shown.toml")), &Overrides::default());
            assert_eq!(
                loaded.unwrap(),
                Config::load(None, &Overrides::default()).unwrap()
            );
            Ok(())
        });
    }

    #[test]
    fn printing_redacts_secrets() {
        Jail::expect_with(|jail| {
            jail.set_env("HANDOFF_FIGMA_TOKEN", "figd_supersecret");
            jail.set_env("HANDOFF_REDIS_URL", "redis://app:hunter2@10.0.0.1:6379/0");
            let config = Config::load(None, &Overrides::default()).unwrap();
            let shown = config.to_redacted_toml();
            assert!(
                !shown.contains("supersecret") && !shown.contains("hunter2"),
                "{shown}"
            );
            assert!(
                shown.contains("redis://app:<redacted>@10.0.0.1:6379/0"),
                "{shown}"
            );
            assert!(!format!("{config:?}").contains("supersecret"));
            Ok(())
        });
    }
}
