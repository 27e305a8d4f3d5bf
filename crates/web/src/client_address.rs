//! The client's address: behind trusted proxies the right-most `X-Forwarded-For` entry that is
//! not one of them, otherwise the connection's peer. Every request runs with it set for the
//! store, so the audit rows it writes carry it; sign-in failures are counted per address (in the
//! database: see `kaohe_store::ClientLimit`).

use crate::AppState;
use axum::extract::{ConnectInfo, Request, State};
use axum::middleware::Next;
use axum::response::Response;
use std::net::{IpAddr, SocketAddr};

/// Runs the request with its client's address known to the store (for the audit rows it writes).
pub(crate) async fn attach(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let peer = req.extensions().get::<ConnectInfo<SocketAddr>>().map(|c| c.0);
    let ip = client_ip(req.headers(), peer, &state.config.proxies);
    kaohe_store::with_client_address(ip.to_string(), next.run(req)).await
}

/// Which proxies' `X-Forwarded-For` is believed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProxyTrust {
    /// Whether the server sits behind a proxy at all.
    pub enabled: bool,
    /// The proxies' addresses; empty: the connection's peer is the one proxy.
    pub proxies: Vec<IpAddr>,
}

impl ProxyTrust {
    fn trusts(&self, ip: IpAddr, is_peer: bool) -> bool {
        if self.proxies.is_empty() { is_peer } else { self.proxies.contains(&ip) }
    }
}

/// The client's address. Behind trusted proxies it is the right-most `X-Forwarded-For` entry
/// that is not one of them (entries further left are whatever the client wrote, so a forged
/// first entry changes nothing); otherwise the connection's peer (unspecified when unknown).
pub fn client_ip(headers: &axum::http::HeaderMap, peer: Option<SocketAddr>, trust: &ProxyTrust) -> IpAddr {
    let peer_ip = peer.map(|p| p.ip());
    let forwarded = || -> Option<IpAddr> {
        if !trust.enabled || !peer_ip.is_some_and(|p| trust.trusts(p, true)) {
            return None;
        }
        let chain: Vec<IpAddr> = headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .map(|v| v.trim().parse::<IpAddr>().ok())
            .collect::<Option<Vec<_>>>()?;
        // From the right: skip our own proxies (only a listed one can be told apart).
        chain.iter().rev().find(|ip| trust.proxies.is_empty() || !trust.trusts(**ip, false)).copied()
    };
    forwarded().or(peer_ip).unwrap_or(IpAddr::V4(std::net::Ipv4Addr::UNSPECIFIED))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_forwarded_address_counts_only_behind_a_trusted_proxy() {
        let mut h = axum::http::HeaderMap::new();
        // The client wrote 203.0.113.9; the proxy added what it saw: 198.51.100.7.
        h.insert("x-forwarded-for", "203.0.113.9, 198.51.100.7".parse().unwrap());
        let peer = Some("127.0.0.1:5000".parse().unwrap());
        let one = ProxyTrust { enabled: true, proxies: vec![] };
        assert_eq!(client_ip(&h, peer, &one).to_string(), "198.51.100.7", "the right-most entry");
        assert_eq!(client_ip(&h, peer, &ProxyTrust::default()).to_string(), "127.0.0.1");
        assert_eq!(client_ip(&h, None, &ProxyTrust::default()).to_string(), "0.0.0.0");
        // Two proxies in a row, both listed: the first address neither of them is.
        let two =
            ProxyTrust { enabled: true, proxies: vec!["127.0.0.1".parse().unwrap(), "10.0.0.2".parse().unwrap()] };
        h.insert("x-forwarded-for", "203.0.113.9, 198.51.100.7, 10.0.0.2".parse().unwrap());
        assert_eq!(client_ip(&h, peer, &two).to_string(), "198.51.100.7");
        // A peer that is not a listed proxy: its header is not believed.
        assert_eq!(client_ip(&h, Some("192.0.2.1:1".parse().unwrap()), &two).to_string(), "192.0.2.1");
        // A garbled header: the peer.
        h.insert("x-forwarded-for", "203.0.113.9, nonsense".parse().unwrap());
        assert_eq!(client_ip(&h, peer, &one).to_string(), "127.0.0.1");
    }
}
