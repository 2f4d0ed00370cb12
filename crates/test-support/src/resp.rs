//! Just enough of the Redis protocol to ask a server whether it is ready, without a client library.

use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::os::unix::net::UnixStream;
use std::path::Path;
use std::time::Duration;

const IO_TIMEOUT: Duration = Duration::from_millis(500);

/// Where a server listens, for the readiness probe.
#[derive(Clone, Debug)]
pub enum Endpoint<'a> {
    Unix(&'a Path),
    Tcp(u16),
}

/// Sends one inline command and returns the reply as text (status, error or bulk string).
pub fn command(endpoint: &Endpoint<'_>, line: &str) -> io::Result<String> {
    match endpoint {
        Endpoint::Unix(path) => {
            let stream = UnixStream::connect(path)?;
            stream.set_read_timeout(Some(IO_TIMEOUT))?;
            stream.set_write_timeout(Some(IO_TIMEOUT))?;
            exchange(stream, line)
        }
        Endpoint::Tcp(port) => {
            let stream = TcpStream::connect(("127.0.0.1", *port))?;
            stream.set_read_timeout(Some(IO_TIMEOUT))?;
            stream.set_write_timeout(Some(IO_TIMEOUT))?;
            exchange(stream, line)
        }
    }
}

fn exchange<S: Read + Write>(mut stream: S, line: &str) -> io::Result<String> {
    stream.write_all(line.as_bytes())?;
    stream.write_all(b"\r\n")?;
    let mut reader = BufReader::new(stream);
    let mut header = String::new();
    reader.read_line(&mut header)?;
    let header = header.trim_end();
    match header.as_bytes().first() {
        Some(b'$') if header != "$-1" => {
            let len: usize = header[1..]
                .parse()
                .map_err(|_| io::Error::new(io::ErrorKind::InvalidData, "bad bulk length"))?;
            let mut body = vec![0; len + 2];
            reader.read_exact(&mut body)?;
            body.truncate(len);
            Ok(String::from_utf8_lossy(&body).into_owned())
        }
        Some(_) => Ok(header.to_owned()),
        None => Err(io::Error::new(io::ErrorKind::UnexpectedEof, "empty reply")),
    }
}
