//! Which web pages may act as the local user.
//!
//! With the defaults (`auth = "auto"`, loopback bind, no API keys) a request without credentials is
//! the local user, who reads designs with the deployment's Figma token. A browser attaches no
//! credentials of ours, so without this check any page the user visits could `fetch()` the
//! loopback server (a `text/plain` POST needs no CORS preflight) and act as them. Browsers say
//! where a request comes from (`Origin`, and `Sec-Fetch-Site` in every current engine), so a
//! request is refused when a browser sends it from a page that is neither
//! - listed in `cors_allowed_origins` (the default lists `null`: the Figma plugin's iframe), nor
//! - the server's own origin (same scheme-less host and port as `Host`).
//!
//! Callers that present an API key or session token are not affected: the credential, not the page,
//! decides. Clients that are not browsers (curl, the CLI, MCP clients) send neither header.
//!
//! `null` is also the origin of any sandboxed iframe, so a page that embeds one can still act as
//! the local user; deployments that do not serve the plugin can drop `null` from the list, and any
//! deployment can require credentials by creating an API key (docs/api.md).

use crate::auth::{AuthMethod, Caller};
use crate::config::Config;
use crate::error::{AppError, ErrorKind};

/// What a browser said about where a request comes from; all raw header values.
#[derive(Debug, Clone, Copy, Default)]
pub struct BrowserContext<'a> {
    /// The `Origin` header.
    pub origin: Option<&'a [u8]>,
    /// The `Sec-Fetch-Site` header (`same-origin`, `same-site`, `cross-site`, `none`).
    pub fetch_site: Option<&'a [u8]>,
    /// The `Host` header (or the request URI's authority under HTTP/2).
    pub host: Option<&'a str>,
}

/// Refuses a local-user request that a browser sent from a page not allowed to act as that user.
pub fn check_local_browser(
    config: &Config,
    caller: &Caller,
    context: &BrowserContext<'_>,
) -> Result<(), AppError> {
    if caller.method != AuthMethod::Local {
        return Ok(());
    }
    match context.origin {
        Some(origin) => {
            let allowed = config
                .cors_allowed_origins
                .iter()
                .any(|entry| entry == "*" || entry.as_bytes() == origin)
                || is_same_origin(origin, context.host);
            if allowed {
                Ok(())
            } else {
                Err(refused(&String::from_utf8_lossy(origin)))
            }
        }
        // No Origin: a client that is not a browser, or a browser's plain navigation or
        // subresource load. Those from another site are refused too: they need nothing from us.
        None if context.fetch_site == Some(b"cross-site".as_slice())
            && !config.cors_allowed_origins.iter().any(|entry| entry == "*") =>
        {
            Err(refused("another site"))
        }
        None => Ok(()),
    }
}

/// Whether `origin` (`scheme://host[:port]`) names the host and port the request was sent to.
fn is_same_origin(origin: &[u8], host: Option<&str>) -> bool {
    let (Ok(origin), Some(host)) = (std::str::from_utf8(origin), host) else {
        return false;
    };
    let Some((scheme, authority)) = origin.split_once("://") else {
        return false;
    };
    let default_port = match scheme {
        "http" => "80",
        "https" => "443",
        _ => return false,
    };
    normalise_authority(authority, default_port) == normalise_authority(host, default_port)
}

/// `host[:port]` in lower case with the scheme's default port made explicit.
fn normalise_authority(authority: &str, default_port: &str) -> String {
    let authority = authority.to_ascii_lowercase();
    // An IPv6 literal keeps its colons inside brackets; a port follows the closing one.
    let has_port = match authority.rfind(']') {
        Some(end) => authority[end..].contains(':'),
        None => authority.contains(':'),
    };
    if has_port {
        authority
    } else {
        format!("{authority}:{default_port}")
    }
}

fn refused(from: &str) -> AppError {
    AppError::new(
        ErrorKind::Forbidden,
        format!(
            "a web page from {from} may not use this server as the local user; add the page's \
             origin to `cors_allowed_origins`, or create an API key and send it as \
             `Authorization: Bearer hk_…`"
        ),
    )
    .with_code("origin_not_allowed")
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::auth::local_identity;

    fn caller(method: AuthMethod) -> Caller {
        Caller {
            identity: local_identity().unwrap(),
            method,
            session_id: None,
            api_key: None,
        }
    }

    fn context<'a>(origin: Option<&'a str>, site: Option<&'a str>) -> BrowserContext<'a> {
        BrowserContext {
            origin: origin.map(str::as_bytes),
            fetch_site: site.map(str::as_bytes),
            host: Some("127.0.0.1:3000"),
        }
    }

    #[test]
    fn the_plugin_clients_and_the_servers_own_pages_are_the_local_user() {
        let config = Config::default();
        let local = caller(AuthMethod::Local);
        for allowed in [
            context(Some("null"), Some("cross-site")),
            context(None, None),
            context(None, Some("none")),
            context(Some("http://127.0.0.1:3000"), Some("same-origin")),
        ] {
            assert!(
                check_local_browser(&config, &local, &allowed).is_ok(),
                "{allowed:?}"
            );
        }
    }

    #[test]
    fn other_pages_are_refused_unless_configured() {
        let local = caller(AuthMethod::Local);
        let evil = context(Some("https://evil.example"), Some("cross-site"));
        let err = check_local_browser(&Config::default(), &local, &evil).unwrap_err();
        assert_eq!(err.kind, ErrorKind::Forbidden);
        assert_eq!(err.code(), "origin_not_allowed");
        assert!(
            err.message.contains("https://evil.example"),
            "{}",
            err.message
        );

        let no_origin = context(None, Some("cross-site"));
        assert!(check_local_browser(&Config::default(), &local, &no_origin).is_err());

        let other_port = context(Some("http://127.0.0.1:3001"), Some("same-site"));
        assert!(check_local_browser(&Config::default(), &local, &other_port).is_err());

        let listed = Config {
            cors_allowed_origins: vec!["https://evil.example".to_owned()],
            ..Config::default()
        };
        assert!(check_local_browser(&listed, &local, &evil).is_ok());
        let any = Config {
            cors_allowed_origins: vec!["*".to_owned()],
            ..Config::default()
        };
        assert!(check_local_browser(&any, &local, &evil).is_ok());
        assert!(check_local_browser(&any, &local, &no_origin).is_ok());
    }

    #[test]
    fn a_credential_decides_for_itself() {
        let evil = context(Some("https://evil.example"), Some("cross-site"));
        for method in [AuthMethod::ApiKey, AuthMethod::Session] {
            assert!(check_local_browser(&Config::default(), &caller(method), &evil).is_ok());
        }
    }

    #[test]
    fn same_origin_compares_host_and_port_with_default_ports() {
        assert!(is_same_origin(b"http://localhost", Some("LOCALHOST:80")));
        assert!(is_same_origin(b"https://h.example", Some("h.example")));
        assert!(is_same_origin(b"http://[::1]:3000", Some("[::1]:3000")));
        assert!(!is_same_origin(b"http://[::1]", Some("[::1]:3000")));
        assert!(!is_same_origin(b"https://h.example", Some("h.example:80")));
        assert!(!is_same_origin(b"null", Some("null")));
        assert!(!is_same_origin(b"ftp://h", Some("h")));
        assert!(!is_same_origin(b"http://h", None));
        assert!(!is_same_origin(&[0xff, 0xfe], Some("h")));
    }
}
