//! Binding, serving and graceful shutdown.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use handoff_app::App;
use tokio::net::TcpListener;
use tokio::sync::watch;

use crate::http::peer::Peer;
use crate::http::{AppState, router};

#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("server failed: {0}")]
    Io(#[from] std::io::Error),
}

/// A bound server, ready to run.
pub struct Server {
    listener: TcpListener,
    router: Router,
    grace: Duration,
}

impl Server {
    /// Bind to the configured address with every route handoff serves.
    pub async fn bind(app: Arc<App>) -> Result<Self, ServeError> {
        Self::bind_with(app, Router::new()).await
    }

    /// As [`Server::bind`], plus `extra` routes (tests use this to add routes that misbehave).
    pub async fn bind_with(app: Arc<App>, extra: Router<AppState>) -> Result<Self, ServeError> {
        let addr = app.config().bind;
        let grace = Duration::from_secs(app.config().shutdown_grace_secs);
        let listener = TcpListener::bind(addr)
            .await
            .map_err(|source| ServeError::Bind { addr, source })?;
        // Installing the recorder here, not lazily on first scrape, so the first requests are counted.
        let _ = crate::metrics_recorder::handle();
        Ok(Self {
            listener,
            router: router(app, extra),
            grace,
        })
    }

    pub fn local_addr(&self) -> Result<SocketAddr, ServeError> {
        Ok(self.listener.local_addr()?)
    }

    /// Serve until `shutdown` completes, then stop accepting and give in-flight requests the grace
    /// period to finish.
    pub async fn run(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> Result<(), ServeError> {
        let (stopping_tx, mut stopping_rx) = watch::channel(false);
        let signal = async move {
            shutdown.await;
            tracing::info!("shutting down: no new connections, finishing in-flight requests");
            let _ = stopping_tx.send(true);
        };
        let serve = axum::serve(
            self.listener,
            self.router.into_make_service_with_connect_info::<Peer>(),
        )
        .with_graceful_shutdown(signal);
        let grace = self.grace;
        let deadline = async move {
            let _ = stopping_rx.wait_for(|stopping| *stopping).await;
            tokio::time::sleep(grace).await;
        };
        tokio::select! {
            result = serve => result.map_err(ServeError::Io),
            () = deadline => {
                tracing::warn!(grace_secs = grace.as_secs(), "in-flight requests did not finish in time; exiting");
                Ok(())
            }
        }
    }
}

/// Completes on SIGINT or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut sig) => {
                sig.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}
