//! A running `handoff serve` over the embedded store, as the other commands see it.
//!
//! The embedded store admits one process at a time. So that nobody has to stop the server to add
//! a key or to start their AI client, `handoff serve` writes a runtime file next to the store
//! ([`FILE_NAME`]: its URL, pid and a fresh local admin token; mode 0600; removed when it stops)
//! and the commands that find the store locked use that server instead: the admin commands through
//! its `/admin` routes, `handoff mcp` by bridging stdio to its `/mcp`. A file left by a server
//! that died is harmless: it is read only when the store is locked, and a server that does not
//! answer is reported as such.

use std::path::{Path, PathBuf};
use std::time::Duration;

use reqwest::{Method, StatusCode};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use super::CliError;

/// The runtime file's name inside the data directory.
pub const FILE_NAME: &str = "handoff-serve.json";

/// What `handoff serve` writes to the runtime file.
#[derive(Debug, Serialize, Deserialize)]
pub struct RuntimeInfo {
    pub pid: u32,
    /// The URL this host reaches the server at, e.g. `http://127.0.0.1:3000`.
    pub url: String,
    /// The local admin token (`hl_…`) the server accepts from this host.
    pub token: String,
}

/// The runtime file of the server in this process; removed when dropped (on every way out of
/// `handoff serve` but a crash or SIGKILL).
pub struct RuntimeFile {
    path: PathBuf,
}

impl RuntimeFile {
    /// Writes `info` readable by this OS user only. The file is written whole under a temporary
    /// name and renamed, so a reader never sees half of it.
    pub fn write(data_dir: &Path, info: &RuntimeInfo) -> std::io::Result<Self> {
        use std::io::Write;
        let path = data_dir.join(FILE_NAME);
        let partial = data_dir.join(format!(".{FILE_NAME}.{}", std::process::id()));
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        let mut file = options.open(&partial)?;
        let json = serde_json::to_vec_pretty(info).map_err(std::io::Error::other)?;
        file.write_all(&json)?;
        file.sync_all()?;
        std::fs::rename(&partial, &path)?;
        Ok(Self { path })
    }
}

impl Drop for RuntimeFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

/// The URL a process on this host reaches a server bound to `addr` at: a wildcard bind is
/// reached on loopback, anything else at its own address.
pub fn local_url(addr: std::net::SocketAddr) -> String {
    let ip = match addr.ip() {
        std::net::IpAddr::V4(ip) if ip.is_unspecified() => std::net::Ipv4Addr::LOCALHOST.into(),
        std::net::IpAddr::V6(ip) if ip.is_unspecified() => std::net::Ipv6Addr::LOCALHOST.into(),
        ip => ip,
    };
    format!("http://{}", std::net::SocketAddr::new(ip, addr.port()))
}

/// A server this process can reach, from its runtime file.
pub struct RunningServer {
    pub info: RuntimeInfo,
    client: reqwest::Client,
}

impl RunningServer {
    /// The server whose runtime file is in `data_dir`, once it answered `/health`. `Ok(None)`
    /// when there is no runtime file (the store is held by something else, e.g. `handoff mcp`);
    /// an error when there is one but its server does not answer.
    pub async fn find(data_dir: &Path) -> Result<Option<Self>, CliError> {
        let path = data_dir.join(FILE_NAME);
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(err) => {
                return Err(CliError::runtime(format!(
                    "the embedded store is in use and the server's runtime file {} cannot be read: {err}",
                    path.display()
                )));
            }
        };
        let info: RuntimeInfo = serde_json::from_str(&text).map_err(|err| {
            CliError::runtime(format!(
                "the embedded store is in use and {} is not a handoff runtime file: {err}",
                path.display()
            ))
        })?;
        let client = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(5))
            // The server is on this host: a proxy set for the outside world must not see it.
            .no_proxy()
            .build()
            .map_err(|err| CliError::runtime(format!("cannot build an HTTP client: {err}")))?;
        let server = Self { info, client };
        let health = server
            .client
            .get(format!("{}/health", server.info.url))
            .timeout(Duration::from_secs(10))
            .send()
            .await;
        match health {
            Ok(response) if response.status().is_success() => Ok(Some(server)),
            outcome => {
                let why = match outcome {
                    Ok(response) => format!("answers {}", response.status()),
                    Err(err) => format!("does not answer ({err})"),
                };
                Err(CliError::runtime(format!(
                    "the embedded store in {} is locked by another process, and the server \
                     recorded in {} (pid {}, {}) {why}. If that server crashed, the file is stale: \
                     delete it once no handoff process uses this data directory",
                    data_dir.display(),
                    path.display(),
                    server.info.pid,
                    server.info.url
                )))
            }
        }
    }

    /// A request to the server, authenticated with the local admin token.
    pub fn request(&self, method: Method, path: &str) -> reqwest::RequestBuilder {
        self.client
            .request(method, format!("{}{path}", self.info.url))
            .bearer_auth(&self.info.token)
    }

    /// Calls an admin route and decodes its JSON answer; errors carry the server's message.
    pub async fn call<T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        body: Option<serde_json::Value>,
    ) -> Result<T, CliError> {
        let bytes = self
            .call_raw(method, path, body)
            .await
            .map_err(CliError::from)?;
        serde_json::from_slice(&bytes).map_err(|err| {
            CliError::runtime(format!(
                "the server at {} answered {path} with something unexpected: {err}",
                self.info.url
            ))
        })
    }

    /// As [`RunningServer::call`] for a route that answers no content; false when it answers
    /// 404 (the user or key does not exist).
    pub async fn call_found(
        &self,
        method: Method,
        path: &str,
        body: Option<serde_json::Value>,
    ) -> Result<bool, CliError> {
        match self.call_raw(method, path, body).await {
            Ok(_) => Ok(true),
            Err(Refused::Status(StatusCode::NOT_FOUND, _)) => Ok(false),
            Err(err) => Err(err.into()),
        }
    }

    /// As [`RunningServer::call`], for an answer that is not JSON (or no answer at all).
    pub async fn call_raw(
        &self,
        method: Method,
        path: &str,
        body: Option<serde_json::Value>,
    ) -> Result<Vec<u8>, Refused> {
        let mut request = self.request(method, path);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.map_err(|err| {
            Refused::Other(CliError::runtime(format!(
                "cannot reach the running server at {}: {err}",
                self.info.url
            )))
        })?;
        let status = response.status();
        let bytes = response.bytes().await.map_err(|err| {
            Refused::Other(CliError::runtime(format!(
                "the running server at {} broke off its answer: {err}",
                self.info.url
            )))
        })?;
        if status.is_success() {
            return Ok(bytes.to_vec());
        }
        Err(Refused::Status(status, bytes.to_vec()))
    }
}

/// Why an admin call failed: the server's answer, or no answer.
pub enum Refused {
    Status(StatusCode, Vec<u8>),
    Other(CliError),
}

impl From<Refused> for CliError {
    fn from(refused: Refused) -> Self {
        match refused {
            Refused::Status(status, body) => server_error(status, &body),
            Refused::Other(err) => err,
        }
    }
}

/// The server's JSON error (`{"error":{"message":…}}`) as a CLI error: the caller's mistakes
/// (4xx but a refused token) exit 2, like the same mistakes against the store.
fn server_error(status: StatusCode, body: &[u8]) -> CliError {
    let message = serde_json::from_slice::<serde_json::Value>(body)
        .ok()
        .and_then(|value| value["error"]["message"].as_str().map(str::to_owned))
        .unwrap_or_else(|| format!("the running server answered {status}"));
    if status.is_client_error() && status != StatusCode::UNAUTHORIZED {
        CliError::input(message)
    } else if status == StatusCode::UNAUTHORIZED {
        CliError::runtime(format!(
            "the running server refused this command's admin token ({message}); is the runtime \
             file from another server?"
        ))
    } else {
        CliError::runtime(message)
    }
}

/// Percent-encodes one path segment (ids are plain, but a user's typo must not change the route).
pub fn segment(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}
