//! One `redis-server` process per test.

use std::path::{Path, PathBuf};
use std::process::Child;

use crate::FixtureError;
use crate::process::{free_port, kill, redis_server_binary, short_temp_dir, spawn_ready};
use crate::resp::{Endpoint, command};

/// Where the server listens. A unix socket is always opened (race-free); TCP is added on request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Listen {
    /// Unix socket only (`--port 0`): no port race.
    Unix,
    /// Unix socket plus a free loopback TCP port; [`RedisServer::url`] is then the TCP URL.
    Tcp,
}

/// A running `redis-server`, killed on drop. Stop and restart keep the same socket, port and data dir.
pub struct RedisServer {
    binary: PathBuf,
    socket: PathBuf,
    port: Option<u16>,
    child: Option<Child>,
    // Declared last so the process is killed before its directory is removed.
    dir: tempfile::TempDir,
}

/// How many times to retry when a just-probed free TCP port was taken by someone else.
const PORT_ATTEMPTS: usize = 5;

impl RedisServer {
    /// Starts a server on a unix socket. Panics with an install hint if `redis-server` is missing.
    pub fn start() -> Self {
        Self::start_with(Listen::Unix)
    }

    /// Starts a server on a unix socket and a free loopback TCP port.
    pub fn start_tcp() -> Self {
        Self::start_with(Listen::Tcp)
    }

    /// Like [`RedisServer::try_start`], but panics with the reason (what a test wants).
    pub fn start_with(listen: Listen) -> Self {
        match Self::try_start(listen) {
            Ok(server) => server,
            Err(err) => panic!("cannot start redis-server for this test: {err}"),
        }
    }

    pub fn try_start(listen: Listen) -> Result<Self, FixtureError> {
        let binary = redis_server_binary()?;
        let attempts = if listen == Listen::Tcp {
            PORT_ATTEMPTS
        } else {
            1
        };
        let mut last_err = FixtureError("redis-server did not start".into());
        for _ in 0..attempts {
            let dir = short_temp_dir("redis-")?;
            let port = match listen {
                Listen::Unix => None,
                Listen::Tcp => Some(free_port()?),
            };
            let mut server = Self {
                binary: binary.clone(),
                socket: dir.path().join("redis.sock"),
                port,
                child: None,
                dir,
            };
            match server.spawn() {
                Ok(()) => return Ok(server),
                Err(err) => last_err = err,
            }
        }
        Err(last_err)
    }

    /// The URL clients should use: TCP (`redis://127.0.0.1:PORT`) if TCP was requested, else the socket.
    pub fn url(&self) -> String {
        self.tcp_url().unwrap_or_else(|| self.unix_url())
    }

    /// `unix:///…/redis.sock`.
    pub fn unix_url(&self) -> String {
        format!("unix://{}", self.socket.display())
    }

    /// `redis://127.0.0.1:PORT`, when listening on TCP.
    pub fn tcp_url(&self) -> Option<String> {
        self.port.map(|port| format!("redis://127.0.0.1:{port}"))
    }

    pub fn port(&self) -> Option<u16> {
        self.port
    }

    pub fn socket_path(&self) -> &Path {
        &self.socket
    }

    /// The server's working directory (log file `redis.log` lives here).
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    pub fn is_running(&self) -> bool {
        self.child.is_some()
    }

    /// Kills the server (an outage). The address stays reserved for [`RedisServer::restart`].
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            kill(&mut child);
        }
        let _ = std::fs::remove_file(&self.socket);
    }

    /// Starts the server again on the same socket and port (data is not kept: no persistence).
    pub fn restart(&mut self) {
        self.stop();
        if let Err(err) = self.spawn() {
            panic!("cannot restart redis-server: {err}");
        }
    }

    /// Sends one inline command (e.g. `INFO commandstats`) and returns the reply text.
    pub fn command(&self, line: &str) -> Result<String, FixtureError> {
        command(&Endpoint::Unix(&self.socket), line)
            .map_err(|e| FixtureError(format!("redis command {line:?} failed: {e}")))
    }

    fn spawn(&mut self) -> Result<(), FixtureError> {
        let mut args: Vec<String> = [
            "--port",
            "0",
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--logfile",
            "redis.log",
            "--unixsocketperm",
            "700",
        ]
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
        if let Some(port) = self.port {
            args[1] = port.to_string();
        }
        args.extend([
            "--unixsocket".to_owned(),
            self.socket.display().to_string(),
            "--dir".to_owned(),
            self.dir.path().display().to_string(),
        ]);
        let child = spawn_ready(
            &self.binary,
            self.dir.path(),
            &args,
            &Endpoint::Unix(&self.socket),
        )?;
        self.child = Some(child);
        if let Some(port) = self.port
            && command(&Endpoint::Tcp(port), "PING").as_deref().ok() != Some("+PONG")
        {
            self.stop();
            return Err(FixtureError(format!(
                "redis-server is not answering on TCP port {port}"
            )));
        }
        Ok(())
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        self.stop();
    }
}
