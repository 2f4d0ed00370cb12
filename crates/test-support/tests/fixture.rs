#![allow(clippy::unwrap_used, clippy::expect_used)]

use handoff_test_support::{Listen, RedisCluster, RedisServer};

#[test]
fn unix_server_answers_and_survives_stop_and_restart() {
    let mut server = RedisServer::start();
    assert!(server.url().starts_with("unix://"));
    assert_eq!(server.tcp_url(), None);
    assert_eq!(server.command("PING").unwrap(), "+PONG");
    server.command("SET k v").unwrap();

    server.stop();
    assert!(!server.is_running());
    assert!(
        server.command("PING").is_err(),
        "a stopped server must not answer"
    );

    server.restart();
    assert_eq!(server.command("PING").unwrap(), "+PONG");
    assert_eq!(
        server.command("GET k").unwrap(),
        "$-1",
        "no persistence across restart"
    );
}

#[test]
fn tcp_server_keeps_its_port_across_restart() {
    let mut server = RedisServer::start_with(Listen::Tcp);
    let port = server.port().unwrap();
    assert_eq!(server.url(), format!("redis://127.0.0.1:{port}"));
    let ping = || {
        use std::io::{Read, Write};
        let mut s = std::net::TcpStream::connect(("127.0.0.1", port))?;
        s.write_all(b"PING\r\n")?;
        let mut buf = [0u8; 7];
        s.read_exact(&mut buf)?;
        Ok::<_, std::io::Error>(buf)
    };
    assert_eq!(&ping().unwrap(), b"+PONG\r\n");
    server.stop();
    assert!(ping().is_err());
    server.restart();
    assert_eq!(server.port(), Some(port));
    assert_eq!(&ping().unwrap(), b"+PONG\r\n");
}

#[test]
fn dropping_the_server_kills_it() {
    let server = RedisServer::start();
    let socket = server.socket_path().to_owned();
    drop(server);
    assert!(std::os::unix::net::UnixStream::connect(&socket).is_err());
}

#[test]
fn cluster_of_three_nodes_reaches_ok_state() {
    let Some(cluster) = RedisCluster::start_or_skip("cluster_of_three_nodes_reaches_ok_state")
    else {
        return;
    };
    let urls = cluster.node_urls();
    assert_eq!(urls.len(), 3);
    for url in urls {
        assert!(url.starts_with("redis://127.0.0.1:"));
    }
}
