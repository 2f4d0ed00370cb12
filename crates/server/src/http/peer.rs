//! Where a connection comes from, for the one rule that cares: the local admin token
//! (`handoff_app::auth::LocalAdminSecret`) is accepted only from this host.

use std::net::SocketAddr;

use axum::extract::connect_info::{ConnectInfo, Connected};
use axum::http::Extensions;
use axum::serve::IncomingStream;
use tokio::net::TcpListener;

/// Both ends of an accepted connection, recorded by [`crate::Server::run`].
#[derive(Clone, Copy, Debug)]
pub struct Peer {
    pub remote: SocketAddr,
    /// The address the connection arrived on; `None` if the socket could not tell.
    pub local: Option<SocketAddr>,
}

impl Peer {
    /// A loopback peer, or one connecting from the very address it reached (another process on
    /// this host talking to a server bound to a LAN address).
    pub fn is_same_host(&self) -> bool {
        let remote = self.remote.ip().to_canonical();
        remote.is_loopback()
            || self
                .local
                .is_some_and(|local| local.ip().to_canonical() == remote)
    }
}

impl Connected<IncomingStream<'_, TcpListener>> for Peer {
    fn connect_info(stream: IncomingStream<'_, TcpListener>) -> Self {
        Self {
            remote: *stream.remote_addr(),
            local: stream.io().local_addr().ok(),
        }
    }
}

/// Whether the request came from this host. A router served without connection info (tests
/// that drive it in-process) counts as remote: nothing is granted on a guess.
pub fn is_same_host(extensions: &Extensions) -> bool {
    extensions
        .get::<ConnectInfo<Peer>>()
        .is_some_and(|ConnectInfo(peer)| peer.is_same_host())
}
