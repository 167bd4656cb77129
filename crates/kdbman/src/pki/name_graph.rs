//! What webpki's path search will face, measured before it runs.
//!
//! webpki builds paths by issuer and subject names (byte for byte) and
//! verifies signatures only once a path reaches a trust anchor; its budget
//! is 100 signature checks and 200 000 path-building calls. Certificates
//! whose names never lead to an anchor cost only calls: twenty CAs sharing
//! one name, none trusted, take 200 000 calls (seconds in a debug build).
//! So before webpki runs:
//!
//! - intermediates from which no anchor can be reached by names are
//!   dropped (they cannot be in any path webpki accepts, so its verdict is
//!   the same), and so are copies of an anchor (its name and key: a path
//!   reaching one ends at the anchor already; a store passes its trusted
//!   signers as intermediates too), and
//! - the candidates webpki could try on what remains are counted (its
//!   tree of paths by names, at most six intermediates, each certificate
//!   once per path: an upper bound of its calls, counted only up to the
//!   limit); past [`MAX_WEBPKI_CANDIDATES`] the chain is refused as too
//!   costly to search, without searching.

use std::collections::{HashMap, HashSet};

use x509_parser::prelude::{FromDer, X509Certificate};

/// The most candidate issuers webpki may be left to try for one chain.
pub(crate) const MAX_WEBPKI_CANDIDATES: u64 = 5_000;

/// webpki's limit on intermediates in a path.
const MAX_INTERMEDIATES: usize = 6;

/// The intermediates worth giving webpki (indexes into `intermediates`),
/// or `Err(bound)` when the search they allow is too large.
pub(crate) fn prune(
    leaf_issuer: &[u8],
    intermediates: &[&[u8]],
    anchors: &[&[u8]],
) -> Result<Vec<usize>, u64> {
    let mut anchor_names: HashMap<Vec<u8>, u64> = HashMap::new();
    let mut anchor_keys: HashSet<(Vec<u8>, Vec<u8>)> = HashSet::new();
    for a in anchors {
        if let Ok((_, c)) = X509Certificate::from_der(a) {
            let subject = c.subject().as_raw().to_vec();
            anchor_keys.insert((subject.clone(), c.public_key().raw.to_vec()));
            *anchor_names.entry(subject).or_default() += 1;
        }
    }
    // (subject, issuer) of each intermediate; `None` for one that cannot
    // be parsed (left to webpki, which refuses it) and for a copy of an
    // anchor's name and key, which ends a path as the anchor itself does.
    let mut dropped = vec![false; intermediates.len()];
    let names: Vec<Option<(Vec<u8>, Vec<u8>)>> = intermediates
        .iter()
        .enumerate()
        .map(|(i, d)| {
            let (_, c) = X509Certificate::from_der(d).ok()?;
            let subject = c.subject().as_raw().to_vec();
            if anchor_keys.contains(&(subject.clone(), c.public_key().raw.to_vec())) {
                dropped[i] = true;
                return None;
            }
            Some((subject, c.issuer().as_raw().to_vec()))
        })
        .collect();
    // Which intermediates reach an anchor by names.
    let n = intermediates.len();
    let mut reach = vec![false; n];
    let mut reached: HashMap<&[u8], ()> = HashMap::new();
    loop {
        let mut changed = false;
        for (i, nm) in names.iter().enumerate() {
            let Some((subject, issuer)) = nm else {
                continue;
            };
            if !reach[i]
                && (anchor_names.contains_key(issuer) || reached.contains_key(issuer.as_slice()))
            {
                reach[i] = true;
                reached.insert(subject.as_slice(), ());
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    let kept: Vec<usize> = (0..n).filter(|&i| reach[i] || names[i].is_none()).collect();
    // The candidates webpki can try: its tree of paths by names, counted
    // with its loop rule (a certificate once per path) until the limit.
    let mut by_subject: HashMap<&[u8], Vec<usize>> = HashMap::new();
    for &i in &kept {
        if let Some((subject, _)) = &names[i] {
            by_subject.entry(subject.as_slice()).or_default().push(i);
        }
    }
    let tree = Tree {
        names: &names,
        by_subject: &by_subject,
        anchor_names: &anchor_names,
    };
    let mut count = 0u64;
    if tree.count(leaf_issuer, &mut Vec::new(), &mut count) {
        Ok(kept)
    } else {
        Err(count)
    }
}

struct Tree<'a> {
    names: &'a [Option<(Vec<u8>, Vec<u8>)>],
    by_subject: &'a HashMap<&'a [u8], Vec<usize>>,
    anchor_names: &'a HashMap<Vec<u8>, u64>,
}

impl Tree<'_> {
    /// Counts the candidates for `issuer` and below; false past the limit.
    fn count(&self, issuer: &[u8], path: &mut Vec<usize>, count: &mut u64) -> bool {
        *count += self.anchor_names.get(issuer).copied().unwrap_or(0);
        for &j in self.by_subject.get(issuer).into_iter().flatten() {
            if path.contains(&j) {
                continue;
            }
            *count += 1;
            if *count > MAX_WEBPKI_CANDIDATES {
                return false;
            }
            let Some((_, next)) = &self.names[j] else {
                continue;
            };
            if path.len() + 1 < MAX_INTERMEDIATES {
                path.push(j);
                let ok = self.count(next, path, count);
                path.pop();
                if !ok {
                    return false;
                }
            }
        }
        *count <= MAX_WEBPKI_CANDIDATES
    }
}

#[cfg(test)]
mod tests {
    use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair};

    use super::{MAX_WEBPKI_CANDIDATES, prune};

    fn ca(cn: &str) -> CertificateParams {
        let mut p = CertificateParams::default();
        p.distinguished_name.push(DnType::CommonName, cn);
        p.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        p
    }

    fn key() -> KeyPair {
        KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap()
    }

    fn cert(subject: &str, issuer: &str) -> Vec<u8> {
        ca(subject)
            .signed_by(&key(), &Issuer::new(ca(issuer), &key()))
            .unwrap()
            .der()
            .to_vec()
    }

    fn name_of(der: &[u8]) -> Vec<u8> {
        use x509_parser::prelude::{FromDer, X509Certificate};
        let (_, c) = X509Certificate::from_der(der).unwrap();
        c.subject().as_raw().to_vec()
    }

    #[test]
    fn intermediates_that_lead_nowhere_are_dropped() {
        let root = ca("Root").self_signed(&key()).unwrap().der().to_vec();
        let int = cert("Int", "Root");
        let stray = cert("A", "A");
        let above = cert("Int", "Nowhere");
        let pool = [stray.as_slice(), int.as_slice(), above.as_slice()];
        let kept = prune(&name_of(&int), &pool, &[&root]).unwrap();
        assert_eq!(kept, vec![1]);
    }

    #[test]
    fn a_fan_of_namesakes_under_a_trusted_name_is_refused_uncounted() {
        // 20 CAs named "A" issued by "A", and "A" trusted: 20 candidates
        // at each of six steps.
        let root = ca("A").self_signed(&key()).unwrap().der().to_vec();
        let many: Vec<Vec<u8>> = (0..20).map(|_| cert("A", "A")).collect();
        let pool: Vec<&[u8]> = many.iter().map(Vec::as_slice).collect();
        match prune(&name_of(&root), &pool, &[&root]) {
            Err(n) => assert!(n > MAX_WEBPKI_CANDIDATES),
            Ok(k) => panic!("kept {k:?}"),
        }
        // Four of them (key rollovers of a root) are fine.
        assert_eq!(
            prune(&name_of(&root), &pool[..4], &[&root]).unwrap(),
            vec![0, 1, 2, 3]
        );
    }
}
