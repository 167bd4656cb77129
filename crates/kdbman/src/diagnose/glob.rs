//! Shell-style wildcards for paths, as `fnmatch(3)` with `FNM_PATHNAME`
//! matches them (Apache's `Include` and `lint --labels` use them): `*`
//! any run of characters but `/`, `?` one character but `/`, `[abc]`,
//! `[a-z]` and `[!abc]` (or `[^abc]`) one character of (or not of) a set,
//! `\` makes the next character literal. `**` is any run of characters,
//! `/` included (a whole directory tree). Pure: no file system access.

/// Whether `s` holds a wildcard character (`*`, `?` or `[`).
pub fn is_glob(s: &str) -> bool {
    s.chars().any(|c| matches!(c, '*' | '?' | '['))
}

/// Whether `text` matches `pattern` in full.
pub fn matches(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    let mut budget = MAX_STEPS;
    match_from(&p, &t, &mut budget)
}

/// Bounds the backtracking of `*` (a pattern of many stars against a
/// long text would otherwise take exponential time).
const MAX_STEPS: usize = 1 << 20;

fn match_from(p: &[char], t: &[char], budget: &mut usize) -> bool {
    // Iterative for runs of literal characters; recursion only at stars,
    // all of it drawing on one budget of steps.
    let (mut i, mut j) = (0, 0);
    while i < p.len() {
        if *budget == 0 {
            return false;
        }
        *budget -= 1;
        match p[i] {
            '*' => {
                let double = p.get(i + 1) == Some(&'*');
                let rest = if double { &p[i + 2..] } else { &p[i + 1..] };
                // Try every split point, shortest first.
                let mut k = j;
                loop {
                    if match_from(rest, &t[k..], budget) {
                        return true;
                    }
                    if k >= t.len() || (!double && t[k] == '/') || *budget == 0 {
                        return false;
                    }
                    k += 1;
                }
            }
            '?' => {
                if j >= t.len() || t[j] == '/' {
                    return false;
                }
                i += 1;
                j += 1;
            }
            '[' => match class(&p[i..], t.get(j).copied()) {
                Some((true, used)) => {
                    i += used;
                    j += 1;
                }
                Some((false, _)) => return false,
                // No closing `]`: a literal `[`.
                None => {
                    if t.get(j) != Some(&'[') {
                        return false;
                    }
                    i += 1;
                    j += 1;
                }
            },
            '\\' if i + 1 < p.len() => {
                if t.get(j) != Some(&p[i + 1]) {
                    return false;
                }
                i += 2;
                j += 1;
            }
            c => {
                if t.get(j) != Some(&c) {
                    return false;
                }
                i += 1;
                j += 1;
            }
        }
    }
    j == t.len()
}

/// A bracket expression at the start of `p` against `c`: whether it
/// matches and how many pattern characters it spans; `None` when it is
/// not closed (then `[` is literal).
fn class(p: &[char], c: Option<char>) -> Option<(bool, usize)> {
    let mut k = 1;
    let negate = matches!(p.get(k), Some('!' | '^'));
    if negate {
        k += 1;
    }
    let mut hit = false;
    let mut first = true;
    loop {
        let ch = *p.get(k)?;
        if ch == ']' && !first {
            break;
        }
        first = false;
        let lo = if ch == '\\' {
            k += 1;
            *p.get(k)?
        } else {
            ch
        };
        if p.get(k + 1) == Some(&'-') && p.get(k + 2).is_some_and(|&h| h != ']') {
            let hi = p[k + 2];
            if c.is_some_and(|c| lo <= c && c <= hi) {
                hit = true;
            }
            k += 3;
        } else {
            if c == Some(lo) {
                hit = true;
            }
            k += 1;
        }
    }
    // A `/` is never matched by a set (FNM_PATHNAME).
    let ok = c.is_some_and(|c| c != '/') && hit != negate;
    Some((ok, k + 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stars_stay_within_a_directory() {
        assert!(matches("/k/*.kdb", "/k/web.kdb"));
        assert!(!matches("/k/*.kdb", "/k/sub/web.kdb"));
        assert!(matches("/k/**.kdb", "/k/sub/web.kdb"));
        assert!(matches("/k/**/*.kdb", "/k/a/b/web.kdb"));
        assert!(matches("*", ""));
        assert!(!matches("?", ""));
        assert!(matches("w?b.kdb", "web.kdb"));
        assert!(!matches("w?b.kdb", "w/b.kdb"));
    }

    #[test]
    fn sets_ranges_and_escapes() {
        assert!(matches("qm[0-9].kdb", "qm7.kdb"));
        assert!(!matches("qm[!0-9].kdb", "qm7.kdb"));
        assert!(matches("qm[^0-9].kdb", "qmx.kdb"));
        assert!(matches("a[]]b", "a]b"));
        assert!(matches("a[b", "a[b"));
        assert!(matches("a\\*b", "a*b"));
        assert!(!matches("a\\*b", "axb"));
        assert!(!matches("a[/]b", "a/b"));
        assert!(is_glob("a*") && is_glob("[x]") && !is_glob("plain/path.kdb"));
    }

    #[test]
    fn pathological_patterns_end() {
        let p = "*a".repeat(40) + "b";
        let t = "a".repeat(200);
        assert!(!matches(&p, &t));
    }
}
