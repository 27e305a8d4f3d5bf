//! Sign-in attempts limited per client address: after `max_failures` failed sign-ins from one
//! address within the window, every further attempt from it gets 429 until the oldest failure
//! leaves the window. It complements the per-account lockout (which a guesser trying many user
//! names never trips). Kept in memory, per server process.

use std::collections::{HashMap, VecDeque};
use std::net::{IpAddr, SocketAddr};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Failed sign-ins per address within a sliding window.
#[derive(Debug)]
pub struct LoginLimiter {
    max_failures: usize,
    window: Duration,
    failures: Mutex<HashMap<IpAddr, VecDeque<Instant>>>,
}

impl LoginLimiter {
    /// A limiter allowing `max_failures` failures per `window` from one address.
    pub fn new(max_failures: u32, window: Duration) -> Self {
        Self { max_failures: max_failures.max(1) as usize, window, failures: Mutex::default() }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<IpAddr, VecDeque<Instant>>> {
        // A panic while holding the lock cannot leave the map inconsistent: keep using it.
        self.failures.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// How long `ip` must wait, if it has used up its failures.
    pub fn blocked(&self, ip: IpAddr, now: Instant) -> Option<Duration> {
        let mut map = self.lock();
        let q = map.get_mut(&ip)?;
        while q.front().is_some_and(|t| now.duration_since(*t) >= self.window) {
            q.pop_front();
        }
        if q.is_empty() {
            map.remove(&ip);
            return None;
        }
        (q.len() >= self.max_failures).then(|| self.window.saturating_sub(now.duration_since(q[0])))
    }

    /// Counts a failed sign-in from `ip`.
    pub fn failed(&self, ip: IpAddr, now: Instant) {
        let mut map = self.lock();
        if map.len() > 100_000 {
            // Many addresses at once: forget those whose failures have all aged out.
            map.retain(|_, q| q.back().is_some_and(|t| now.duration_since(*t) < self.window));
        }
        let q = map.entry(ip).or_default();
        q.push_back(now);
        while q.len() > self.max_failures {
            q.pop_front();
        }
    }
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
    fn failures_block_until_they_age_out() {
        let l = LoginLimiter::new(3, Duration::from_secs(60));
        let (a, b): (IpAddr, IpAddr) = ("10.0.0.1".parse().unwrap(), "10.0.0.2".parse().unwrap());
        let t0 = Instant::now();
        for i in 0..3 {
            assert_eq!(l.blocked(a, t0), None, "attempt {i}");
            l.failed(a, t0 + Duration::from_secs(i * 10));
        }
        assert_eq!(l.blocked(a, t0 + Duration::from_secs(30)), Some(Duration::from_secs(30)));
        assert_eq!(l.blocked(b, t0 + Duration::from_secs(30)), None, "other addresses are not affected");
        assert_eq!(l.blocked(a, t0 + Duration::from_secs(60)), None, "the first failure aged out");
    }

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
