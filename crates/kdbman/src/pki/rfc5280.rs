//! RFC 5280 §6 path validation for what rustls-webpki refuses but the RFC
//! (and OpenSSL) accept: names matched per §7.1 (case-insensitive, folded
//! whitespace, PrintableString against UTF8String), self-issued CA
//! certificates not counted against pathLenConstraint (§6.1.4 (l)), dates
//! over the whole UTCTime/GeneralizedTime range (1950–1969 included),
//! issuer/subject unique identifiers, and a CA certificate checked as the
//! end entity when the purpose is `any`.
//!
//! [`super::validate`] runs this only when webpki refuses a chain, and its
//! "valid" wins only over the webpki errors listed there; every constraint
//! (validity, signature, basicConstraints, keyUsage, EKU, critical
//! extensions, path length) is checked on every certificate of the path,
//! so a CA whose EKU lacks the purpose ends the path. Name constraints
//! are processed (§6.1.3 (b)–(c), §6.1.4 (g)) for directoryName,
//! rfc822Name (and the subject's emailAddress), dNSName, URI and
//! iPAddress, which webpki in part refuses unprocessed; a path with
//! policy constraints, inhibitAnyPolicy or name constraints on another
//! form is left to webpki's verdict (`NotApplicable`). Signatures are
//! x509-parser's (`verify`, ring).
//!
//! The search is built for hostile input (a peer's certificates, a store
//! filled with namesakes): see [`validate`] for its budget.

use std::collections::{HashMap, HashSet};

use x509_parser::der_parser::asn1_rs::Tag;
use x509_parser::extensions::{GeneralName, ParsedExtension};
use x509_parser::prelude::{FromDer, X509Certificate, X509Name};
use x509_parser::x509::RelativeDistinguishedName;

use super::chain_problem::ChainProblem;
use super::purpose::Purpose;

/// The verdict.
pub(crate) enum Outcome {
    /// A valid path: leaf, intermediates, anchor.
    Valid(Vec<Vec<u8>>),
    /// No valid path; the reason for the most complete one, or
    /// [`ChainProblem::BudgetExhausted`] when the search gave up.
    Invalid(ChainProblem),
    /// Something this module does not process: keep webpki's verdict.
    NotApplicable,
}

const MAX_DEPTH: usize = 9;

/// Signature verifications one validation may spend, as webpki's budget,
/// counted in checks with a P-256 or RSA-2048 key: one with a costlier
/// key counts as several ([`check_cost`]), so that the budget bounds time
/// whatever keys a peer chooses (an RSA-8192 check costs what 16 RSA-2048
/// checks do, about 1 ms).
pub(crate) const MAX_SIGNATURE_CHECKS: u32 = 100;

/// What verifying a signature with `key` counts against
/// [`MAX_SIGNATURE_CHECKS`]: RSA by the square of its size in 2048-bit
/// units, rounded up (3072: 3, 4096: 4, 8192: 16), P-384 3, others 1
/// (keys ring refuses at once, such as RSA over 8192 bits, cost nothing).
fn check_cost(key: &x509_parser::x509::SubjectPublicKeyInfo<'_>) -> u32 {
    match super::cert::key_algorithm_of_spki(key) {
        super::KeyAlgorithm::Rsa { bits } if bits <= 8192 => {
            let unit = 2048 * 2048;
            u32::try_from((bits * bits).div_ceil(unit))
                .unwrap_or(16)
                .max(1)
        }
        super::KeyAlgorithm::EcP384 => 3,
        _ => 1,
    }
}

/// Name/subtree comparisons one validation may make for name constraints
/// (a peer's certificates may hold many names; webpki has such a budget).
pub(crate) const MAX_NAME_COMPARISONS: u32 = 10_000;

/// Candidate issuers one validation may try (a path step whose signature
/// is already known costs no check, so loops over known links end here).
pub(crate) const MAX_CANDIDATES: u32 = 1_000;

struct Cert<'a> {
    der: &'a [u8],
    x: X509Certificate<'a>,
    anchor: bool,
}

impl Cert<'_> {
    fn subject(&self) -> String {
        super::dn::display(self.x.subject())
    }
    fn self_issued(&self) -> bool {
        names_equal(self.x.subject(), self.x.issuer())
    }
    /// The CA this certificate stands for: a key under a name. A path
    /// holds each at most once (RFC 4158 §5.2).
    fn key(&self) -> (&[u8], &[u8]) {
        (self.x.subject().as_raw(), self.x.public_key().raw)
    }
}

/// Validates `leaf` up to one of `anchors` through `pool`.
///
/// The search is bounded: at most [`MAX_SIGNATURE_CHECKS`] signatures
/// verified (each link once, remembered) and [`MAX_CANDIDATES`] candidate
/// issuers tried, paths of at most `MAX_DEPTH` certificates holding each
/// (subject, key) once, certificates from which no trusted signer can be
/// reached by names skipped, and duplicates (same subject, key and issuer
/// name) counted once, a trust anchor's copy kept. Past the budget the answer is [`ChainProblem::BudgetExhausted`].
pub(crate) fn validate(
    leaf: &[u8],
    pool: &[&[u8]],
    anchors: &[&[u8]],
    at: i64,
    purpose: Purpose,
) -> Outcome {
    let Ok((_, leaf_x)) = X509Certificate::from_der(leaf) else {
        return Outcome::NotApplicable;
    };
    let mut certs: Vec<Cert<'_>> = vec![Cert {
        der: leaf,
        x: leaf_x,
        anchor: anchors.contains(&leaf),
    }];
    // Anchors first, so that a namesake copy of an anchor's key is the anchor.
    let (trusted, rest): (Vec<&[u8]>, Vec<&[u8]>) =
        pool.iter().copied().partition(|d| anchors.contains(d));
    // Duplicates, the same key under the same name certified by the same
    // issuer name, are one candidate (a cross-certificate, by another
    // issuer, is another).
    let mut seen: HashSet<(Vec<u8>, Vec<u8>, Vec<u8>)> = HashSet::new();
    for der in trusted.into_iter().chain(rest) {
        if der == leaf {
            continue;
        }
        let Ok((_, x)) = X509Certificate::from_der(der) else {
            continue;
        };
        let c = Cert {
            der,
            x,
            anchor: anchors.contains(&der),
        };
        let (s, k) = c.key();
        if seen.insert((s.to_vec(), k.to_vec(), c.x.issuer().as_raw().to_vec())) {
            certs.push(c);
        }
    }
    let mut search = Search::new(&certs, at, purpose);
    let mut path = vec![0usize];
    let r = search.search(&mut path);
    if search.exhausted {
        return Outcome::Invalid(ChainProblem::BudgetExhausted {
            signature_checks: MAX_SIGNATURE_CHECKS,
            candidates: MAX_CANDIDATES,
        });
    }
    match r {
        Ok(p) => {
            if p.iter().any(|&i| constrained(&certs[i].x)) {
                return Outcome::NotApplicable;
            }
            Outcome::Valid(p.iter().map(|&i| certs[i].der.to_vec()).collect())
        }
        Err(Some(problem)) => Outcome::Invalid(problem),
        Err(None) => Outcome::NotApplicable,
    }
}

/// One bounded path search over a fixed set of certificates.
struct Search<'c, 'a> {
    certs: &'c [Cert<'a>],
    /// For each certificate, those whose subject is its issuer's name
    /// (§7.1), anchors first.
    issuers: Vec<Vec<usize>>,
    /// Whether a trust anchor can be reached by names at all: a failed
    /// state known in advance, so that namesake CAs leading nowhere cost
    /// nothing.
    reach: Vec<bool>,
    /// Verified links (child, issuer) and their verdicts: each signature
    /// is checked once however many paths share it.
    signatures: HashMap<(usize, usize), Result<(), ChainProblem>>,
    checks: u32,
    candidates: u32,
    /// Names compared with name constraints so far.
    comparisons: u32,
    exhausted: bool,
    at: i64,
    purpose: Purpose,
}

impl<'c, 'a> Search<'c, 'a> {
    fn new(certs: &'c [Cert<'a>], at: i64, purpose: Purpose) -> Self {
        let n = certs.len();
        // Candidates by a folded form of the name (one pass, not n² name
        // comparisons: a store may hold a hundred default signers), each
        // confirmed by `names_equal`.
        let mut by_subject: HashMap<Folded, Vec<usize>> = HashMap::new();
        for (j, c) in certs.iter().enumerate() {
            by_subject.entry(folded(c.x.subject())).or_default().push(j);
        }
        let issuers: Vec<Vec<usize>> = (0..n)
            .map(|i| {
                let issuer = certs[i].x.issuer();
                let mut v: Vec<usize> = by_subject
                    .get(&folded(issuer))
                    .map(|b| {
                        b.iter()
                            .copied()
                            .filter(|&j| j != i && names_equal(certs[j].x.subject(), issuer))
                            .collect()
                    })
                    .unwrap_or_default();
                v.sort_by_key(|&j| !certs[j].anchor);
                v
            })
            .collect();
        let mut reach: Vec<bool> = certs.iter().map(|c| c.anchor).collect();
        loop {
            let mut changed = false;
            for i in 0..n {
                if !reach[i] && issuers[i].iter().any(|&j| reach[j]) {
                    reach[i] = true;
                    changed = true;
                }
            }
            if !changed {
                break;
            }
        }
        Search {
            certs,
            issuers,
            reach,
            signatures: HashMap::new(),
            checks: 0,
            candidates: 0,
            comparisons: 0,
            exhausted: false,
            at,
            purpose,
        }
    }

    /// Depth-first path building; the first valid path wins, else the
    /// error of the first path tried (or the missing link). `Err(None)`
    /// once the budget is spent.
    fn search(&mut self, path: &mut Vec<usize>) -> Result<Vec<usize>, Option<ChainProblem>> {
        if self.exhausted {
            return Err(None);
        }
        let cur = *path.last().unwrap_or(&0);
        let c = &self.certs[cur];
        if c.anchor && (path.len() > 1 || c.self_issued()) {
            let r = check(
                self.certs,
                path,
                self.at,
                self.purpose,
                &mut self.comparisons,
            );
            if self.comparisons > MAX_NAME_COMPARISONS {
                self.exhausted = true;
                return Err(None);
            }
            return r.map(|()| path.clone());
        }
        if path.len() >= MAX_DEPTH {
            return Err(Some(too_deep()));
        }
        let certs = self.certs;
        let order: Vec<usize> = self.issuers[cur]
            .iter()
            .copied()
            .filter(|&i| !path.iter().any(|&p| certs[p].key() == certs[i].key()))
            .collect();
        if order.is_empty() {
            return Err(Some(dead_end(c)));
        }
        let mut first_err: Option<ChainProblem> = None;
        for i in order {
            if !self.reach[i] {
                // No trusted signer above it: only its reason is wanted.
                if first_err.is_none() {
                    first_err = Some(self.walk_to_dead_end(path, i));
                }
                continue;
            }
            self.candidates += 1;
            if self.candidates > MAX_CANDIDATES {
                self.exhausted = true;
                return Err(None);
            }
            if let Err(e) = self.signed_by(cur, i) {
                if self.exhausted {
                    return Err(None);
                }
                first_err.get_or_insert(e);
                continue;
            }
            path.push(i);
            let r = self.search(path);
            path.pop();
            match r {
                Ok(p) => return Ok(p),
                Err(_) if self.exhausted => return Err(None),
                Err(Some(e)) => {
                    first_err.get_or_insert(e);
                }
                Err(None) => {}
            }
        }
        Err(first_err)
    }

    /// Whether `issuer`'s key verifies the signature on `child`, each
    /// link verified once and counted against the budget.
    fn signed_by(&mut self, child: usize, issuer: usize) -> Result<(), ChainProblem> {
        if let Some(r) = self.signatures.get(&(child, issuer)) {
            return r.clone();
        }
        let (c, i) = (&self.certs[child], &self.certs[issuer]);
        let cost = check_cost(i.x.public_key());
        if self.checks + cost > MAX_SIGNATURE_CHECKS {
            self.exhausted = true;
            return Err(too_deep());
        }
        self.checks += cost;
        let r = if c.x.verify_signature(Some(i.x.public_key())).is_ok() {
            Ok(())
        } else if let super::KeyAlgorithm::Rsa { bits } =
            super::cert::key_algorithm_of_spki(i.x.public_key())
            && bits < 2048
        {
            Err(ChainProblem::UnsupportedKey {
                subject: i.subject(),
                detail: format!("RSA {bits}-bit keys are too small (2048 bits or more are needed)"),
            })
        } else {
            Err(super::purpose::signature_problem(&c.x, &c.subject()))
        };
        self.signatures.insert((child, issuer), r.clone());
        r
    }

    /// The reason a path through `from` ends without a trusted signer:
    /// the end of its first chain of names (what a full search would
    /// report first), found without verifying anything.
    fn walk_to_dead_end(&self, path: &[usize], from: usize) -> ChainProblem {
        let mut walked: Vec<usize> = path.to_vec();
        let mut cur = from;
        loop {
            walked.push(cur);
            if walked.len() >= MAX_DEPTH {
                return too_deep();
            }
            let certs = self.certs;
            let next = self.issuers[cur]
                .iter()
                .find(|&&i| !walked.iter().any(|&p| certs[p].key() == certs[i].key()));
            match next {
                Some(&next) => cur = next,
                None => return dead_end(&self.certs[cur]),
            }
        }
    }
}

fn too_deep() -> ChainProblem {
    ChainProblem::Other {
        detail: format!("no chain of at most {MAX_DEPTH} certificates reaches a trusted signer"),
    }
}

/// A certificate with no issuer candidate left.
fn dead_end(c: &Cert<'_>) -> ChainProblem {
    if c.self_issued() {
        ChainProblem::UntrustedRoot {
            subject: c.subject(),
            self_signed: true,
        }
    } else {
        ChainProblem::MissingIssuer {
            subject: c.subject(),
            issuer: super::dn::display(c.x.issuer()),
        }
    }
}

/// What this module does not process: policy constraints, inhibit
/// anyPolicy, and name constraints on name forms other than
/// directoryName, rfc822Name, dNSName, URI and iPAddress (or unreadable).
fn constrained(x: &X509Certificate<'_>) -> bool {
    let names_unsupported = match x.name_constraints() {
        Ok(None) => false,
        Ok(Some(nc)) => {
            let v = nc.value;
            v.permitted_subtrees
                .iter()
                .chain(v.excluded_subtrees.iter())
                .flatten()
                .any(|t| !supported_form(&t.base))
        }
        Err(_) => true,
    };
    names_unsupported
        || x.policy_constraints().ok().flatten().is_some()
        || x.inhibit_anypolicy().ok().flatten().is_some()
}

fn supported_form(n: &GeneralName<'_>) -> bool {
    match n {
        GeneralName::DirectoryName(_)
        | GeneralName::RFC822Name(_)
        | GeneralName::DNSName(_)
        | GeneralName::URI(_) => true,
        GeneralName::IPAddress(b) => b.len() == 8 || b.len() == 32,
        _ => false,
    }
}

/// §6.1.3 (b), (c) and §6.1.4 (g): the name constraints of the anchor and
/// of every CA of `path` (leaf first, anchor last) applied to the names of
/// the certificates below it: the subject (directoryName), every subject
/// alternative name, and the subject's emailAddress attributes as
/// rfc822Names when there is no subjectAltName. Self-issued intermediates
/// are exempt (§6.1.3 (b)); permitted subtrees of successive CAs all apply
/// (their intersection), excluded subtrees add up. Forms this module does
/// not process were refused by [`constrained`] before.
fn check_name_constraints(
    certs: &[Cert<'_>],
    path: &[usize],
    comparisons: &mut u32,
) -> Result<(), ChainProblem> {
    // (CA subject, its permitted subtrees, its excluded subtrees)
    let mut limits: Vec<(String, Vec<GeneralName<'_>>, Vec<GeneralName<'_>>)> = Vec::new();
    let n = path.len();
    for (pos, &i) in path.iter().enumerate().rev() {
        let c = &certs[i];
        let (leaf, anchor) = (pos == 0, pos + 1 == n);
        if !anchor && (leaf || !c.self_issued()) && !limits.is_empty() {
            let (names, emails) = presented_names(&c.x)?;
            let emails = emails.iter().map(|e| GeneralName::RFC822Name(e));
            for name in names.into_iter().chain(emails) {
                for (ca, permitted, excluded) in &limits {
                    // Bounded: past the budget the search gives up
                    // (its caller sees the count).
                    *comparisons = comparisons.saturating_add(
                        u32::try_from(permitted.len() + excluded.len()).unwrap_or(u32::MAX),
                    );
                    if *comparisons > MAX_NAME_COMPARISONS {
                        return Err(ChainProblem::Other {
                            detail: "too many names and name constraints to compare".into(),
                        });
                    }
                    let outside = |why: &str| ChainProblem::Other {
                        detail: format!(
                            "the name {} of certificate `{}` is {why} the name constraints of CA `{ca}`",
                            show(&name),
                            c.subject()
                        ),
                    };
                    let same: Vec<bool> =
                        permitted.iter().filter_map(|b| within(&name, b)).collect();
                    if !same.is_empty() && !same.contains(&true) {
                        return Err(outside("outside"));
                    }
                    if excluded
                        .iter()
                        .any(|b| within(&name, b) == Some(true) || wildcard_overlaps(&name, b))
                    {
                        return Err(outside("excluded by"));
                    }
                }
            }
        }
        if leaf {
            break;
        }
        if let Ok(Some(nc)) = c.x.name_constraints() {
            let v = nc.value;
            limits.push((
                c.subject(),
                v.permitted_subtrees
                    .iter()
                    .flatten()
                    .map(|t| t.base.clone())
                    .collect(),
                v.excluded_subtrees
                    .iter()
                    .flatten()
                    .map(|t| t.base.clone())
                    .collect(),
            ));
        }
    }
    Ok(())
}

/// The names a certificate presents to name constraints, and the
/// emailAddress values of its subject that stand for rfc822Names.
type Presented<'a> = (Vec<GeneralName<'a>>, Vec<String>);

fn presented_names<'a>(x: &'a X509Certificate<'a>) -> Result<Presented<'a>, ChainProblem> {
    let mut names = Vec::new();
    let mut emails = Vec::new();
    if x.subject().iter().next().is_some() {
        names.push(GeneralName::DirectoryName(x.subject().clone()));
    }
    match x.subject_alternative_name() {
        Ok(Some(san)) => {
            for g in &san.value.general_names {
                if matches!(g, GeneralName::Invalid(..)) {
                    return Err(ChainProblem::Other {
                        detail: format!(
                            "certificate `{}` has a subject alternative name that cannot be read",
                            super::dn::display(x.subject())
                        ),
                    });
                }
                names.push(g.clone());
            }
        }
        Ok(None) => {
            for a in x
                .subject()
                .iter_by_oid(&x509_parser::oid_registry::OID_PKCS9_EMAIL_ADDRESS)
            {
                if let Some(s) = string_of(a.attr_value()) {
                    emails.push(s);
                }
            }
        }
        Err(e) => {
            return Err(ChainProblem::Malformed {
                subject: super::dn::display(x.subject()),
                detail: e.to_string(),
            });
        }
    }
    Ok((names, emails))
}

fn show(n: &GeneralName<'_>) -> String {
    match n {
        GeneralName::DirectoryName(d) => format!("`{}`", super::dn::display(d)),
        GeneralName::RFC822Name(s) => format!("email:{s}"),
        GeneralName::DNSName(s) => format!("DNS:{s}"),
        GeneralName::URI(s) => format!("URI:{s}"),
        GeneralName::IPAddress(b) => format!("IP:{}", super::hex(b)),
        other => format!("{other:?}"),
    }
}

/// Whether `name` lies within the subtree `base`; `None` when they are of
/// different forms (the constraint does not apply to the name).
fn within(name: &GeneralName<'_>, base: &GeneralName<'_>) -> Option<bool> {
    Some(match (name, base) {
        (GeneralName::DirectoryName(n), GeneralName::DirectoryName(b)) => {
            let (nr, br): (Vec<_>, Vec<_>) = (n.iter().collect(), b.iter().collect());
            br.len() <= nr.len() && br.iter().zip(nr.iter()).all(|(x, y)| rdns_equal(x, y))
        }
        (GeneralName::DNSName(n), GeneralName::DNSName(b)) => host_within(n, b),
        (GeneralName::RFC822Name(n), GeneralName::RFC822Name(b)) => {
            let Some((local, host)) = n.rsplit_once('@') else {
                return Some(false);
            };
            match b.rsplit_once('@') {
                // A mailbox: that one address.
                Some((bl, bh)) => local == bl && host.eq_ignore_ascii_case(bh),
                // ".example.com": any host below; "example.com": that host.
                None if b.starts_with('.') => ends_with_ci(host, b),
                None => host.eq_ignore_ascii_case(b),
            }
        }
        (GeneralName::URI(n), GeneralName::URI(b)) => match uri_host(n) {
            Some(host) if b.starts_with('.') => ends_with_ci(host, b),
            Some(host) => host.eq_ignore_ascii_case(b),
            None => false,
        },
        (GeneralName::IPAddress(n), GeneralName::IPAddress(b)) => {
            let half = b.len() / 2;
            n.len() == half
                && n.iter()
                    .zip(&b[..half])
                    .zip(&b[half..])
                    .all(|((a, x), m)| a & m == x & m)
        }
        // Different forms, or a presented form no supported constraint
        // applies to.
        _ => return None,
    })
}

/// A wildcard DNS name (`*.example.com`) stands for names an excluded
/// subtree below its domain may hold: refused, as webpki refuses it.
fn wildcard_overlaps(name: &GeneralName<'_>, base: &GeneralName<'_>) -> bool {
    match (name, base) {
        (GeneralName::DNSName(n), GeneralName::DNSName(b)) => match n.strip_prefix("*.") {
            Some(domain) => host_within(b.trim_start_matches('.'), domain),
            None => n.contains('*'),
        },
        _ => false,
    }
}

/// dNSName subtree: `example.com` holds itself and every name below it;
/// `.example.com` only the names below; an empty base holds every name.
fn host_within(name: &str, base: &str) -> bool {
    let name = name.trim_end_matches('.');
    if base.is_empty() {
        return true;
    }
    if base.starts_with('.') {
        return ends_with_ci(name, base);
    }
    name.eq_ignore_ascii_case(base) || ends_with_ci(name, &format!(".{base}"))
}

fn ends_with_ci(s: &str, suffix: &str) -> bool {
    s.len() > suffix.len()
        && s.is_char_boundary(s.len() - suffix.len())
        && s[s.len() - suffix.len()..].eq_ignore_ascii_case(suffix)
}

/// The host of a URI with an authority (`scheme://[user@]host[:port]/…`).
fn uri_host(uri: &str) -> Option<&str> {
    let (_, rest) = uri.split_once("://")?;
    let authority = rest.split(['/', '?', '#']).next()?;
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = if let Some(v6) = host_port.strip_prefix('[') {
        v6.split(']').next()?
    } else {
        host_port.split(':').next()?
    };
    (!host.is_empty()).then_some(host)
}

/// §6.1.3–6.1.5 for one built path (leaf first, anchor last), every
/// constraint on every certificate; its signatures are already verified.
fn check(
    certs: &[Cert<'_>],
    path: &[usize],
    at: i64,
    purpose: Purpose,
    comparisons: &mut u32,
) -> Result<(), Option<ChainProblem>> {
    for (k, &i) in path.iter().enumerate() {
        let c = &certs[i];
        let v = c.x.validity();
        let (nb, na) = (v.not_before.timestamp(), v.not_after.timestamp());
        if at < nb {
            return Err(Some(ChainProblem::NotYetValid {
                subject: c.subject(),
                not_before: nb,
                at,
            }));
        }
        if at > na {
            return Err(Some(ChainProblem::Expired {
                subject: c.subject(),
                not_after: na,
                at,
            }));
        }
        // Signatures: verified link by link as the path was built.
        for ext in c.x.extensions() {
            if ext.critical
                && matches!(
                    ext.parsed_extension(),
                    ParsedExtension::UnsupportedExtension { .. }
                )
            {
                return Err(Some(ChainProblem::Other {
                    detail: format!(
                        "certificate `{}` has a critical extension kdbman does not understand ({})",
                        c.subject(),
                        ext.oid
                    ),
                }));
            }
        }
        let bc =
            c.x.basic_constraints()
                .ok()
                .flatten()
                .map(|b| (b.value.ca, b.value.path_len_constraint));
        // EKU on every certificate: on a CA it restricts what the CA may
        // issue for (as OpenSSL and webpki read it), so a serverAuth-only
        // intermediate cannot make a clientAuth-valid path.
        if let Ok(Some(eku)) = c.x.extended_key_usage() {
            let e = eku.value;
            let ok = match purpose {
                Purpose::Any => true,
                Purpose::ServerAuth => e.any || e.server_auth,
                Purpose::ClientAuth => e.any || e.client_auth,
            };
            if !ok {
                return Err(Some(ChainProblem::WrongUsage {
                    subject: c.subject(),
                    needed: match purpose {
                        Purpose::ServerAuth => "serverAuth",
                        Purpose::ClientAuth => "clientAuth",
                        Purpose::Any => "any",
                    },
                }));
            }
        }
        if k == 0 {
            if purpose != Purpose::Any && bc.is_some_and(|b| b.0) && path.len() > 1 {
                return Err(Some(ChainProblem::LeafIsCa {
                    subject: c.subject(),
                }));
            }
            continue;
        }
        // An issuer: a CA whose keyUsage (if any) allows keyCertSign.
        if !bc.is_some_and(|b| b.0) {
            return Err(Some(ChainProblem::CaCannotSign {
                subject: c.subject(),
                reason: "it is not a CA certificate (basicConstraints CA:TRUE is missing)",
            }));
        }
        if let Ok(Some(ku)) = c.x.key_usage()
            && !ku.value.key_cert_sign()
        {
            return Err(Some(ChainProblem::CaCannotSign {
                subject: c.subject(),
                reason: "its keyUsage does not include keyCertSign",
            }));
        }
        // §6.1.4 (l), (m): self-issued intermediates do not count. The
        // trust anchor's own constraint is not processed (§6.1.1 (d)), as
        // webpki does not either.
        let is_anchor = k + 1 == path.len() && c.anchor;
        if let Some(max) = bc.and_then(|b| b.1).filter(|_| !is_anchor) {
            let below = path[1..k]
                .iter()
                .filter(|&&j| !certs[j].self_issued())
                .count();
            if below as u64 > u64::from(max) {
                return Err(Some(ChainProblem::PathTooLong {
                    subject: c.subject(),
                    path_len: max,
                    found: below as u32,
                }));
            }
        }
    }
    check_name_constraints(certs, path, comparisons).map_err(Some)
}

/// RFC 5280 §7.1 name comparison: RDN by RDN, attribute by attribute;
/// string values compared case-insensitively with surrounding spaces
/// removed and inner runs of spaces folded, across string types.
pub(crate) fn names_equal(a: &X509Name<'_>, b: &X509Name<'_>) -> bool {
    if a.as_raw() == b.as_raw() {
        return true;
    }
    let (ra, rb): (Vec<_>, Vec<_>) = (a.iter().collect(), b.iter().collect());
    if ra.len() != rb.len() {
        return false;
    }
    ra.iter().zip(rb.iter()).all(|(x, y)| rdns_equal(x, y))
}

/// §7.1 for one RDN: the same attributes, values compared as in
/// [`names_equal`].
fn rdns_equal(x: &RelativeDistinguishedName<'_>, y: &RelativeDistinguishedName<'_>) -> bool {
    let (xa, ya): (Vec<_>, Vec<_>) = (x.iter().collect(), y.iter().collect());
    xa.len() == ya.len()
        && xa.iter().all(|p| {
            ya.iter().any(|q| {
                p.attr_type() == q.attr_type()
                    && match (string_of(p.attr_value()), string_of(q.attr_value())) {
                        (Some(s), Some(t)) => fold(&s) == fold(&t),
                        _ => p.attr_value().data == q.attr_value().data,
                    }
            })
        })
}

type Folded = Vec<Vec<(String, Vec<u8>)>>;

/// A name as RDNs of sorted (type, folded value) pairs: names equal by
/// [`names_equal`] fold to the same form (bar duplicate attributes within
/// one RDN, which no CA writes).
fn folded(name: &X509Name<'_>) -> Folded {
    name.iter()
        .map(|rdn| {
            let mut attrs: Vec<(String, Vec<u8>)> = rdn
                .iter()
                .map(|a| {
                    let value = match string_of(a.attr_value()) {
                        Some(s) => fold(&s).into_bytes(),
                        None => a.attr_value().data.to_vec(),
                    };
                    (a.attr_type().to_id_string(), value)
                })
                .collect();
            attrs.sort();
            attrs
        })
        .collect()
}

fn string_of(v: &x509_parser::der_parser::asn1_rs::Any<'_>) -> Option<String> {
    let d: &[u8] = v.data;
    match v.tag() {
        Tag::PrintableString | Tag::Utf8String | Tag::Ia5String | Tag::NumericString => {
            std::str::from_utf8(d).ok().map(str::to_string)
        }
        // T.61: Latin-1 is what writers put there in practice.
        Tag::TeletexString => Some(d.iter().map(|&b| char::from(b)).collect()),
        Tag::BmpString if d.len().is_multiple_of(2) => String::from_utf16(
            &d.chunks(2)
                .map(|c| u16::from_be_bytes([c[0], c[1]]))
                .collect::<Vec<_>>(),
        )
        .ok(),
        Tag::UniversalString if d.len().is_multiple_of(4) => d
            .chunks(4)
            .map(|c| char::from_u32(u32::from_be_bytes([c[0], c[1], c[2], c[3]])))
            .collect(),
        _ => None,
    }
}

fn fold(s: &str) -> String {
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

#[cfg(test)]
mod tests {
    //! Hostile path-building inputs: every one ends with a clean answer,
    //! within the budget.
    use std::time::{Duration, Instant};

    use rcgen::{
        BasicConstraints, CertificateParams, DistinguishedName, DnType, IsCa, Issuer, KeyPair,
        KeyUsagePurpose,
    };

    use super::{MAX_SIGNATURE_CHECKS, Outcome, validate};
    use crate::pki::validate::{ChainProblem, Purpose, validate_chain};

    /// 2030-01-01, inside rcgen's default validity.
    const AT: i64 = 1_893_456_000;

    fn key() -> KeyPair {
        KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap()
    }

    fn ca(cn: &str) -> CertificateParams {
        let mut p = CertificateParams::default();
        let mut d = DistinguishedName::new();
        d.push(DnType::CommonName, cn);
        p.distinguished_name = d;
        p.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        p.key_usages = vec![KeyUsagePurpose::KeyCertSign];
        p
    }

    fn leaf(cn: &str, issuer: &str, by: &KeyPair) -> Vec<u8> {
        let mut p = CertificateParams::new(vec!["leaf.example".into()]).unwrap();
        p.distinguished_name.push(DnType::CommonName, cn);
        p.signed_by(&key(), &Issuer::new(ca(issuer), by))
            .unwrap()
            .der()
            .to_vec()
    }

    /// `subject` with `subject_key`, signed by `issuer_key` under `issuer`.
    fn cross(subject: &str, subject_key: &KeyPair, issuer: &str, issuer_key: &KeyPair) -> Vec<u8> {
        ca(subject)
            .signed_by(subject_key, &Issuer::new(ca(issuer), issuer_key))
            .unwrap()
            .der()
            .to_vec()
    }

    fn root(cn: &str, k: &KeyPair) -> Vec<u8> {
        ca(cn).self_signed(k).unwrap().der().to_vec()
    }

    fn run(leaf: &[u8], pool: &[Vec<u8>], anchors: &[&Vec<u8>]) -> (Outcome, Duration) {
        let pool: Vec<&[u8]> = pool.iter().map(Vec::as_slice).collect();
        let anchors: Vec<&[u8]> = anchors.iter().map(|a| a.as_slice()).collect();
        let t = Instant::now();
        let o = validate(leaf, &pool, &anchors, AT, Purpose::ServerAuth);
        (o, t.elapsed())
    }

    /// DER of a length and contents under `tag`.
    fn tlv(tag: u8, body: &[u8]) -> Vec<u8> {
        let mut v = vec![tag];
        match body.len() {
            n if n < 0x80 => v.push(n as u8),
            n if n < 0x100 => v.extend([0x81, n as u8]),
            n => v.extend([0x82, (n >> 8) as u8, n as u8]),
        }
        v.extend_from_slice(body);
        v
    }

    fn rsa_spki(bits: usize) -> Vec<u8> {
        let mut modulus = vec![0u8, 0xc0];
        modulus.resize(bits / 8 + 1, 0x5b);
        let key = tlv(0x30, &[tlv(0x02, &modulus), tlv(0x02, &[1, 0, 1])].concat());
        let alg = tlv(
            0x30,
            &[
                tlv(
                    0x06,
                    &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01],
                ),
                vec![0x05, 0x00],
            ]
            .concat(),
        );
        tlv(
            0x30,
            &[alg, tlv(0x03, &[&[0u8][..], &key].concat())].concat(),
        )
    }

    #[test]
    fn costly_keys_count_as_several_signature_checks() {
        use x509_parser::prelude::FromDer;
        use x509_parser::x509::SubjectPublicKeyInfo;
        for (bits, cost) in [
            (1024, 1),
            (2048, 1),
            (3072, 3),
            (4096, 4),
            (8192, 16),
            (16384, 1),
        ] {
            let der = rsa_spki(bits);
            let (_, spki) = SubjectPublicKeyInfo::from_der(&der).unwrap();
            assert_eq!(super::check_cost(&spki), cost, "RSA {bits}");
        }
        use rcgen::PublicKeyData;
        let ec = key().subject_public_key_info();
        let (_, spki) = SubjectPublicKeyInfo::from_der(&ec).unwrap();
        assert_eq!(super::check_cost(&spki), 1);
    }

    #[test]
    fn a_loop_of_two_cas_ends_and_a_way_out_of_it_is_found() {
        let (ka, kb, kr) = (key(), key(), key());
        let a = cross("A", &ka, "B", &kb);
        let b = cross("B", &kb, "A", &ka);
        let r = root("R", &kr);
        let l = leaf("L", "A", &ka);
        let (o, t) = run(&l, &[a.clone(), b.clone(), r.clone()], &[&r]);
        assert!(t < Duration::from_secs(1), "{t:?}");
        match o {
            // A → B → (A again): B's issuer is missing from the path.
            Outcome::Invalid(ChainProblem::MissingIssuer { subject, issuer }) => {
                assert_eq!((subject.as_str(), issuer.as_str()), ("CN=B", "CN=A"))
            }
            Outcome::Invalid(p) => panic!("unexpected reason: {p:?}"),
            _ => panic!("a loop without a trusted signer is not valid"),
        }
        // B is also certified by the trusted R: leaf → A → B → R.
        let b_by_r = cross("B", &kb, "R", &kr);
        let (o, _) = run(&l, &[a.clone(), b, b_by_r.clone(), r.clone()], &[&r]);
        match o {
            Outcome::Valid(path) => assert_eq!(path, vec![l, a, b_by_r, r]),
            Outcome::Invalid(p) => panic!("{p:?}"),
            Outcome::NotApplicable => panic!("not applicable"),
        }
    }

    #[test]
    fn a_cross_signed_mesh_of_namesakes_runs_out_of_budget_not_time() {
        // 20 keys, all named "CN=A", each certified by three others; a
        // trusted "CN=A" that certified none of them. Every certificate
        // reaches the anchor by name, none by signature.
        let keys: Vec<KeyPair> = (0..20).map(|_| key()).collect();
        let mut pool = Vec::new();
        for (i, k) in keys.iter().enumerate() {
            for d in 1..=3 {
                pool.push(cross("A", k, "A", &keys[(i + d) % keys.len()]));
            }
        }
        let anchor = root("A", &key());
        pool.push(anchor.clone());
        let l = leaf("Victim", "A", &keys[0]);
        let (o, t) = run(&l, &pool, &[&anchor]);
        assert!(t < Duration::from_secs(1), "{t:?}");
        match o {
            Outcome::Invalid(ChainProblem::BudgetExhausted {
                signature_checks, ..
            }) => assert_eq!(signature_checks, MAX_SIGNATURE_CHECKS),
            Outcome::Invalid(p) => panic!("unexpected reason: {p:?}"),
            _ => panic!("no path exists"),
        }
        // The whole policy (webpki, then the fallback) is bounded too.
        let all: Vec<&[u8]> = pool.iter().map(Vec::as_slice).collect();
        let t = Instant::now();
        let r = validate_chain(&[l], &[&anchor], &all, AT, Purpose::ServerAuth);
        assert!(t.elapsed() < Duration::from_secs(1), "{:?}", t.elapsed());
        assert!(r.is_err());
    }

    #[test]
    fn same_name_self_issued_cas_without_a_trusted_one_are_refused_at_once() {
        let keys: Vec<KeyPair> = (0..20).map(|_| key()).collect();
        let pool: Vec<Vec<u8>> = keys
            .iter()
            .enumerate()
            .map(|(i, k)| cross("A", k, "A", &keys[(i + 1) % keys.len()]))
            .collect();
        let r = root("Trusted", &key());
        let l = leaf("Victim", "A", &keys[0]);
        let (o, t) = run(&l, &pool, &[&r]);
        assert!(t < Duration::from_secs(1), "{t:?}");
        assert!(matches!(o, Outcome::Invalid(_)));
        // webpki too: it builds paths by names before any signature.
        let all: Vec<&[u8]> = pool.iter().map(Vec::as_slice).collect();
        let t = Instant::now();
        let r = validate_chain(&[l], &[&r], &all, AT, Purpose::ServerAuth);
        eprintln!("validate_chain: {:?} {r:?}", t.elapsed());
        assert!(t.elapsed() < Duration::from_secs(1), "{:?}", t.elapsed());
        assert!(r.is_err());
    }

    #[test]
    fn namesakes_of_a_real_intermediate_are_refused_quickly() {
        // Root → "Int" is real; nine self-issued "Int" namesakes sent
        // before it give both searches a tree of paths by names.
        let (kr, ki) = (key(), key());
        let r = root("Root", &kr);
        let int = cross("Int", &ki, "Root", &kr);
        let keys: Vec<KeyPair> = (0..9).map(|_| key()).collect();
        let mut pool: Vec<Vec<u8>> = keys
            .iter()
            .enumerate()
            .map(|(i, k)| cross("Int", k, "Int", &keys[(i + 1) % keys.len()]))
            .collect();
        pool.push(int);
        let l = leaf("Victim", "Int", &keys[0]);
        let all: Vec<&[u8]> = pool.iter().map(Vec::as_slice).collect();
        let t = Instant::now();
        let r = validate_chain(&[l], &[&r], &all, AT, Purpose::ServerAuth);
        assert!(t.elapsed() < Duration::from_secs(1), "{:?}", t.elapsed());
        match r {
            Err(ChainProblem::BudgetExhausted { .. }) => {}
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn trusted_roots_sharing_a_name_are_not_a_hostile_mesh() {
        // Eight trusted roots named "Shared Root" (rollovers, re-issues),
        // as a store passes them: as anchors and among the intermediates.
        let keys: Vec<KeyPair> = (0..8).map(|_| key()).collect();
        let roots: Vec<Vec<u8>> = keys.iter().map(|k| root("Shared Root", k)).collect();
        let ki = key();
        let int = cross("Int", &ki, "Shared Root", &keys[5]);
        // (Copies of anchors are no candidates: else 8 namesakes at each
        // of five steps would exceed webpki's limit.)
        let l = leaf("Site", "Int", &ki);
        let anchors: Vec<&[u8]> = roots.iter().map(Vec::as_slice).collect();
        let mut all = anchors.clone();
        all.push(&int);
        let t = Instant::now();
        let chain = validate_chain(&[l], &anchors, &all, AT, Purpose::ServerAuth)
            .expect("a plain chain under one of them");
        assert!(t.elapsed() < Duration::from_secs(1), "{:?}", t.elapsed());
        assert_eq!(chain.len(), 3);
        assert_eq!(chain[2], roots[5]);
    }

    #[test]
    fn many_names_under_many_name_constraints_run_out_of_budget_not_time() {
        // A directoryName constraint (webpki refuses it unprocessed, so the
        // fallback decides) with 200 dNSName subtrees, and a leaf with 100
        // names: 20 000 comparisons, past the budget.
        let (kr, ki) = (key(), key());
        let r = root("Root", &kr);
        let mut ip = ca("Int");
        let mut org = DistinguishedName::new();
        org.push(DnType::CommonName, "Leaf");
        let mut permitted = vec![rcgen::GeneralSubtree::DirectoryName(org)];
        permitted.extend((0..200).map(|i| rcgen::GeneralSubtree::DnsName(format!("d{i}.example"))));
        ip.name_constraints = Some(rcgen::NameConstraints {
            permitted_subtrees: permitted,
            excluded_subtrees: vec![],
        });
        let int = ip
            .clone()
            .signed_by(&ki, &Issuer::new(ca("Root"), &kr))
            .unwrap()
            .der()
            .to_vec();
        let names: Vec<String> = (0..100)
            .map(|i| format!("h.d{}.example", 199 - i))
            .collect();
        let mut lp = CertificateParams::new(names).unwrap();
        lp.distinguished_name.push(DnType::CommonName, "Leaf");
        let l = lp
            .signed_by(&key(), &Issuer::new(ip, &ki))
            .unwrap()
            .der()
            .to_vec();
        let t = Instant::now();
        let r = validate_chain(&[l, int], &[&r], &[], AT, Purpose::ServerAuth);
        assert!(t.elapsed() < Duration::from_secs(1), "{:?}", t.elapsed());
        match r {
            Err(ChainProblem::BudgetExhausted { .. }) => {}
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_chain_of_a_hundred_certificates_is_refused_cleanly() {
        let keys: Vec<KeyPair> = (0..100).map(|_| key()).collect();
        let mut pool: Vec<Vec<u8>> = (0..99)
            .map(|i| {
                cross(
                    &format!("C{i}"),
                    &keys[i],
                    &format!("C{}", i + 1),
                    &keys[i + 1],
                )
            })
            .collect();
        let r = root("C99", &keys[99]);
        pool.push(r.clone());
        let l = leaf("Deep", "C0", &keys[0]);
        let (o, t) = run(&l, &pool, &[&r]);
        assert!(t < Duration::from_secs(1), "{t:?}");
        match o {
            Outcome::Invalid(ChainProblem::Other { detail }) => {
                assert!(detail.contains("at most 9"), "{detail}")
            }
            Outcome::Invalid(p) => panic!("unexpected reason: {p:?}"),
            _ => panic!("too long to be valid"),
        }
        let all: Vec<&[u8]> = pool.iter().map(Vec::as_slice).collect();
        assert!(validate_chain(&[l], &[&r], &all, AT, Purpose::ServerAuth).is_err());
    }
}
