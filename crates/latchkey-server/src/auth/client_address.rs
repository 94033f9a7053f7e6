//! Which address a request comes from, for the failure limiter.
//!
//! The TCP peer, unless the peer is a trusted proxy (`serve
//! --trusted-proxy`): then the right-most address of `X-Forwarded-For`
//! that is not itself a trusted proxy. Each proxy appends the address it
//! was reached from, so reading from the right, every entry up to the first
//! untrusted one was written by a proxy we trust; everything to its left
//! came from the client and may be forged. A header from a peer that is not
//! trusted is ignored altogether, so a client talking to the server directly
//! cannot choose the address it is limited under.

use std::fmt;
use std::net::{IpAddr, SocketAddr};
use std::str::FromStr;

use axum::http::HeaderValue;

/// A network given as `ADDRESS/PREFIX` (`10.0.0.0/8`, `2001:db8::/32`), or a
/// single address (`192.0.2.1`, meaning `/32`; `::1`, meaning `/128`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cidr {
    network: IpAddr,
    prefix: u8,
}

/// Why a `--trusted-proxy` value is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CidrError {
    /// The address part is not an IPv4 or IPv6 address.
    #[error("`{0}` is not an IP address (expected e.g. 10.0.0.0/8, 2001:db8::/32 or 192.0.2.1)")]
    Address(String),
    /// The prefix length is not a number within the address's bits.
    #[error("`{prefix}` is not a prefix length for this address (0 to {max})")]
    Prefix {
        /// The prefix as given.
        prefix: String,
        /// 32 for IPv4, 128 for IPv6.
        max: u8,
    },
    /// Bits beyond the prefix are set: probably a typo for the network.
    #[error("{given} has bits set beyond its /{prefix}; the network is {network}/{prefix}")]
    HostBits {
        /// The value as given.
        given: String,
        /// The network it probably means.
        network: IpAddr,
        /// The prefix length.
        prefix: u8,
    },
}

fn bits(address: IpAddr) -> u8 {
    match address {
        IpAddr::V4(_) => 32,
        IpAddr::V6(_) => 128,
    }
}

/// `address` with every bit past `prefix` cleared.
fn mask(address: IpAddr, prefix: u8) -> IpAddr {
    match address {
        IpAddr::V4(v4) => {
            let keep = u32::MAX.checked_shl(32 - u32::from(prefix)).unwrap_or(0);
            IpAddr::V4((u32::from(v4) & keep).into())
        }
        IpAddr::V6(v6) => {
            let keep = u128::MAX.checked_shl(128 - u32::from(prefix)).unwrap_or(0);
            IpAddr::V6((u128::from(v6) & keep).into())
        }
    }
}

impl Cidr {
    /// Whether `address` is in this network (an IPv4-mapped IPv6 address
    /// counts as its IPv4 address).
    pub fn contains(&self, address: IpAddr) -> bool {
        let address = address.to_canonical();
        bits(address) == bits(self.network) && mask(address, self.prefix) == self.network
    }
}

impl FromStr for Cidr {
    type Err = CidrError;

    fn from_str(text: &str) -> Result<Self, CidrError> {
        let text = text.trim();
        let (address, prefix) = match text.split_once('/') {
            Some((address, prefix)) => (address, Some(prefix)),
            None => (text, None),
        };
        let network = address
            .parse::<IpAddr>()
            .map_err(|_| CidrError::Address(address.to_owned()))?
            .to_canonical();
        let max = bits(network);
        let prefix = match prefix {
            None => max,
            Some(prefix) => prefix
                .parse::<u8>()
                .ok()
                .filter(|p| *p <= max)
                .ok_or_else(|| CidrError::Prefix {
                    prefix: prefix.to_owned(),
                    max,
                })?,
        };
        let masked = mask(network, prefix);
        if masked != network {
            return Err(CidrError::HostBits {
                given: text.to_owned(),
                network: masked,
                prefix,
            });
        }
        Ok(Cidr { network, prefix })
    }
}

impl fmt::Display for Cidr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.network, self.prefix)
    }
}

/// The proxies whose `X-Forwarded-For` is believed (none by default).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedProxies(Vec<Cidr>);

impl TrustedProxies {
    /// Trusts the proxies in `networks`.
    pub fn new(networks: Vec<Cidr>) -> Self {
        TrustedProxies(networks)
    }

    /// Whether no proxy is trusted (the peer is always the client).
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    fn trusts(&self, address: IpAddr) -> bool {
        self.0.iter().any(|network| network.contains(address))
    }

    /// The client a request comes from: `peer` (the TCP peer) unless it is
    /// trusted, else the right-most untrusted address of the
    /// `X-Forwarded-For` values (in the order they came). When every entry
    /// is trusted, or one does not parse, the last one believed is the
    /// client (the furthest proxy seen).
    pub fn client_address<'a>(
        &self,
        peer: IpAddr,
        forwarded_for: impl DoubleEndedIterator<Item = &'a HeaderValue>,
    ) -> IpAddr {
        if self.is_empty() || !self.trusts(peer) {
            return peer;
        }
        let mut client = peer;
        for value in forwarded_for.rev() {
            let Ok(value) = value.to_str() else {
                return client;
            };
            for hop in value.rsplit(',').map(str::trim) {
                if hop.is_empty() {
                    continue;
                }
                let Some(address) = parse_hop(hop) else {
                    return client;
                };
                if !self.trusts(address) {
                    return address;
                }
                client = address;
            }
        }
        client
    }
}

/// One `X-Forwarded-For` entry: an address, possibly with a port
/// (`192.0.2.1:443`, `[2001:db8::1]:443`) or brackets (`[2001:db8::1]`).
fn parse_hop(hop: &str) -> Option<IpAddr> {
    if let Ok(address) = hop.parse::<IpAddr>() {
        return Some(address);
    }
    if let Ok(socket) = hop.parse::<SocketAddr>() {
        return Some(socket.ip());
    }
    hop.strip_prefix('[')?.strip_suffix(']')?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    fn proxies(list: &[&str]) -> TrustedProxies {
        TrustedProxies::new(list.iter().map(|c| c.parse().unwrap()).collect())
    }

    fn client(trusted: &TrustedProxies, peer: &str, headers: &[&str]) -> IpAddr {
        let values: Vec<HeaderValue> = headers
            .iter()
            .map(|h| HeaderValue::from_str(h).unwrap())
            .collect();
        trusted.client_address(ip(peer), values.iter())
    }

    #[test]
    fn networks_parse_and_contain() {
        let net: Cidr = "10.0.0.0/8".parse().unwrap();
        assert!(net.contains(ip("10.255.1.2")));
        assert!(net.contains(ip("::ffff:10.1.2.3")));
        assert!(!net.contains(ip("11.0.0.1")));
        assert!(!net.contains(ip("::a00:1")));
        let one: Cidr = "192.0.2.1".parse().unwrap();
        assert_eq!(one.to_string(), "192.0.2.1/32");
        assert!(one.contains(ip("192.0.2.1")));
        assert!(!one.contains(ip("192.0.2.2")));
        let v6: Cidr = "2001:db8::/32".parse().unwrap();
        assert!(v6.contains(ip("2001:db8:ffff::1")));
        assert!(!v6.contains(ip("2001:db9::1")));
        let all: Cidr = "0.0.0.0/0".parse().unwrap();
        assert!(all.contains(ip("203.0.113.9")));
        assert!(!all.contains(ip("2001:db8::1")));
        assert_eq!("::1".parse::<Cidr>().unwrap().to_string(), "::1/128");
    }

    #[test]
    fn bad_networks_say_what_is_wrong() {
        assert!(matches!(
            "10.0.0/8".parse::<Cidr>(),
            Err(CidrError::Address(_))
        ));
        assert!(matches!(
            "10.0.0.0/33".parse::<Cidr>(),
            Err(CidrError::Prefix { max: 32, .. })
        ));
        assert!(matches!(
            "2001:db8::/x".parse::<Cidr>(),
            Err(CidrError::Prefix { max: 128, .. })
        ));
        let error = "10.1.2.3/8".parse::<Cidr>().unwrap_err();
        assert_eq!(
            error.to_string(),
            "10.1.2.3/8 has bits set beyond its /8; the network is 10.0.0.0/8"
        );
    }

    #[test]
    fn without_trusted_proxies_the_peer_is_the_client() {
        let none = TrustedProxies::default();
        assert_eq!(
            client(&none, "203.0.113.5", &["198.51.100.1"]),
            ip("203.0.113.5")
        );
    }

    #[test]
    fn an_untrusted_peer_cannot_choose_its_address() {
        let trusted = proxies(&["10.0.0.0/8"]);
        assert_eq!(
            client(&trusted, "203.0.113.5", &["198.51.100.1, 10.0.0.1"]),
            ip("203.0.113.5")
        );
    }

    #[test]
    fn a_trusted_peer_names_the_right_most_untrusted_hop() {
        let trusted = proxies(&["10.0.0.0/8", "2001:db8:ffff::/48"]);
        // The client forged the first entry; the proxy appended the real one.
        assert_eq!(
            client(&trusted, "10.0.0.2", &["1.2.3.4, 203.0.113.7"]),
            ip("203.0.113.7")
        );
        // A chain of trusted proxies is walked through.
        assert_eq!(
            client(
                &trusted,
                "10.0.0.2",
                &["1.2.3.4, 203.0.113.7, 10.9.9.9, 10.0.0.3"]
            ),
            ip("203.0.113.7")
        );
        // Several header lines are one list, in order.
        assert_eq!(
            client(
                &trusted,
                "10.0.0.2",
                &["1.2.3.4", "203.0.113.7", "10.1.1.1"]
            ),
            ip("203.0.113.7")
        );
        // IPv6, with brackets and ports as some proxies write them.
        assert_eq!(
            client(
                &trusted,
                "2001:db8:ffff::1",
                &["[2001:db8:1::9]:5555, [2001:db8:ffff::2]"]
            ),
            ip("2001:db8:1::9")
        );
        assert_eq!(
            client(&trusted, "10.0.0.2", &["203.0.113.7:1234"]),
            ip("203.0.113.7")
        );
    }

    #[test]
    fn a_trusted_peer_without_a_usable_header_is_the_client() {
        let trusted = proxies(&["10.0.0.0/8"]);
        assert_eq!(client(&trusted, "10.0.0.2", &[]), ip("10.0.0.2"));
        // Every hop trusted: the furthest one is the client.
        assert_eq!(
            client(&trusted, "10.0.0.2", &["10.0.0.9, 10.0.0.3"]),
            ip("10.0.0.9")
        );
        // Garbage stops the walk at the last address believed.
        assert_eq!(
            client(&trusted, "10.0.0.2", &["203.0.113.7, garbage, 10.0.0.3"]),
            ip("10.0.0.3")
        );
        // Empty entries are skipped.
        assert_eq!(
            client(&trusted, "10.0.0.2", &[", 203.0.113.7,"]),
            ip("203.0.113.7")
        );
    }
}
