//! The most work any parser does for bytes from outside: key derivations
//! asking for more are refused before they run, whatever format carries
//! them (kdbman stores, CMS keys, PKCS#12, encrypted PEM keys).

/// PBKDF2 iterations.
pub const PBKDF2_MAX_ITERATIONS: u32 = 5_000_000;
/// Memory of a memory-hard KDF (Argon2id, scrypt), in KiB.
pub const KDF_MAX_MEMORY_KIB: u32 = 256 * 1024;

// Caps on what one file may cost (issue 18). Each has a default chosen so
// that no single hostile file keeps a command busy for more than about
// two seconds on a small machine, and an environment variable that raises
// (or lowers) it for a file the admin trusts. Values are read once per
// process; an unset, empty or unparsable variable keeps the default.

/// Largest store (`.kdb`, `.rdb`, `.p12` used as a store) read: 256 MiB
/// (a 10,000-record GSKit `.kdb` is 50 MB). `KDBMAN_MAX_STORE_MIB`.
pub const STORE_MAX_BYTES: u64 = 256 << 20;
/// Largest stash file read: 64 KiB (a stash is at most 193 bytes). Fixed.
pub const STASH_MAX_BYTES: u64 = 64 << 10;
/// Largest input file read (PEM, DER, PKCS#12, requests, password files):
/// 16 MiB. `KDBMAN_MAX_INPUT_MIB`.
pub const INPUT_MAX_BYTES: u64 = 16 << 20;
/// Total PBKDF2 and PKCS#12-KDF iterations over all of one file's items
/// (every derivation counted: the MAC, each encrypted safe and key bag,
/// each password encoding tried, a PKCS#12 PBE's key and IV separately):
/// 6,000,000, about 1.5 s of PBKDF2-HMAC-SHA256 here, and room for a
/// native store at the format's 5,000,000 ceiling.
/// `KDBMAN_MAX_KDF_ITERATIONS`.
pub const KDF_MAX_ITERATIONS: u64 = 6_000_000;
/// Argon2id memory × passes of one file, in MiB: 512 (about 0.6 s; the
/// default store asks for 64 MiB × 3 = 192). `KDBMAN_MAX_ARGON2_WORK_MIB`.
pub const ARGON2_MAX_WORK_MIB: u64 = 512;
/// Argon2id memory in flight at once in one process, in MiB (`lint --jobs`
/// runs several derivations together; the rest wait): 512.
/// `KDBMAN_MAX_KDF_MEMORY_MIB`.
pub const KDF_MAX_MEMORY_MIB: u64 = 512;

/// Environment variables that set the caps above.
pub const ENV_STORE_MIB: &str = "KDBMAN_MAX_STORE_MIB";
pub const ENV_INPUT_MIB: &str = "KDBMAN_MAX_INPUT_MIB";
pub const ENV_KDF_ITERATIONS: &str = "KDBMAN_MAX_KDF_ITERATIONS";
pub const ENV_ARGON2_WORK_MIB: &str = "KDBMAN_MAX_ARGON2_WORK_MIB";
pub const ENV_KDF_MEMORY_MIB: &str = "KDBMAN_MAX_KDF_MEMORY_MIB";

fn from_env(var: &str, default: u64) -> u64 {
    std::env::var(var)
        .ok()
        .and_then(|v| v.trim().replace(['_', ','], "").parse::<u64>().ok())
        .filter(|&v| v > 0)
        .unwrap_or(default)
}

macro_rules! cached {
    ($(#[$m:meta])* $name:ident, $var:expr, $default:expr) => {
        $(#[$m])*
        pub fn $name() -> u64 {
            static V: std::sync::OnceLock<u64> = std::sync::OnceLock::new();
            *V.get_or_init(|| from_env($var, $default))
        }
    };
}

cached!(
    /// [`STORE_MAX_BYTES`], or `KDBMAN_MAX_STORE_MIB`, in MiB.
    store_max_mib,
    ENV_STORE_MIB,
    STORE_MAX_BYTES >> 20
);
cached!(
    /// [`INPUT_MAX_BYTES`], or `KDBMAN_MAX_INPUT_MIB`, in MiB.
    input_max_mib,
    ENV_INPUT_MIB,
    INPUT_MAX_BYTES >> 20
);
cached!(
    /// [`KDF_MAX_ITERATIONS`], or `KDBMAN_MAX_KDF_ITERATIONS`.
    kdf_max_iterations,
    ENV_KDF_ITERATIONS,
    KDF_MAX_ITERATIONS
);
cached!(
    /// [`ARGON2_MAX_WORK_MIB`], or `KDBMAN_MAX_ARGON2_WORK_MIB`.
    argon2_max_work_mib,
    ENV_ARGON2_WORK_MIB,
    ARGON2_MAX_WORK_MIB
);
cached!(
    /// [`KDF_MAX_MEMORY_MIB`], or `KDBMAN_MAX_KDF_MEMORY_MIB`.
    kdf_max_memory_mib,
    ENV_KDF_MEMORY_MIB,
    KDF_MAX_MEMORY_MIB
);

/// The largest store file read, in bytes.
pub fn store_max_bytes() -> u64 {
    store_max_mib().saturating_mul(1 << 20)
}

/// The largest input file read, in bytes.
pub fn input_max_bytes() -> u64 {
    input_max_mib().saturating_mul(1 << 20)
}

/// The running total of one file's key-derivation work: each derivation
/// is charged before it runs, and one that would take the total past the
/// cap is refused (naming the item and the figures) instead of run.
#[derive(Debug, Clone)]
pub struct KdfBudget {
    spent: u64,
    cap: u64,
}

/// A derivation [`KdfBudget::charge`] refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OverBudget {
    /// The item that asked (`the MAC`, `safe #2`, `the key of "web"`).
    pub item: String,
    /// What it asked for.
    pub asked: u64,
    /// The file's total with it.
    pub total: u64,
    pub cap: u64,
    /// `PBKDF2 iterations` or `MiB × passes of Argon2id`.
    pub unit: &'static str,
    /// The variable that raises the cap.
    pub env: &'static str,
}

impl std::fmt::Display for OverBudget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let OverBudget {
            item,
            asked,
            total,
            cap,
            unit,
            ..
        } = self;
        if asked == total {
            write!(
                f,
                "{item} asks for {asked} {unit}, over kdbman's cap of {cap}; refused without running it"
            )
        } else {
            write!(
                f,
                "{item} asks for {asked} {unit}, bringing the file's total to {total}, over kdbman's cap of {cap} per file; refused without running it"
            )
        }
    }
}

impl KdfBudget {
    /// PBKDF2 and PKCS#12-KDF iterations, capped at [`kdf_max_iterations`].
    pub fn iterations() -> KdfBudget {
        KdfBudget {
            spent: 0,
            cap: kdf_max_iterations(),
        }
    }

    /// Charges `asked` iterations for `item`, or refuses.
    pub fn charge(&mut self, item: impl Into<String>, asked: u64) -> Result<(), OverBudget> {
        self.charge_for(|| item.into(), asked)
    }

    /// [`KdfBudget::charge`], naming the item only when it is refused
    /// (a CMS store charges each of its 10,000 keys).
    pub fn charge_for(
        &mut self,
        item: impl FnOnce() -> String,
        asked: u64,
    ) -> Result<(), OverBudget> {
        let total = self.spent.saturating_add(asked);
        if total > self.cap {
            return Err(OverBudget {
                item: item(),
                asked,
                total,
                cap: self.cap,
                unit: "PBKDF2 iterations",
                env: ENV_KDF_ITERATIONS,
            });
        }
        self.spent = total;
        Ok(())
    }

    /// Iterations charged so far.
    pub fn spent(&self) -> u64 {
        self.spent
    }
}

/// Checks one Argon2id derivation of `memory_kib` × `passes` against
/// [`argon2_max_work_mib`].
pub fn check_argon2(item: &str, memory_kib: u32, passes: u32) -> Result<(), OverBudget> {
    let work = (u64::from(memory_kib) * u64::from(passes)).div_ceil(1024);
    let cap = argon2_max_work_mib();
    if work > cap {
        return Err(OverBudget {
            item: item.to_string(),
            asked: work,
            total: work,
            cap,
            unit: "MiB × passes of Argon2id",
            env: ENV_ARGON2_WORK_MIB,
        });
    }
    Ok(())
}

/// Argon2id memory in flight in this process, in KiB, with a condition
/// variable for derivations waiting their turn.
static IN_FLIGHT: (std::sync::Mutex<u64>, std::sync::Condvar) =
    (std::sync::Mutex::new(0), std::sync::Condvar::new());

/// Memory reserved for one derivation; released on drop.
#[derive(Debug)]
pub struct MemoryPermit {
    kib: u64,
}

impl Drop for MemoryPermit {
    fn drop(&mut self) {
        let (lock, cv) = &IN_FLIGHT;
        let mut used = lock.lock().unwrap_or_else(|p| p.into_inner());
        *used = used.saturating_sub(self.kib);
        cv.notify_all();
    }
}

/// Waits until `kib` of Argon2id memory fits under
/// [`kdf_max_memory_mib`] with what other threads hold, and reserves it.
/// A derivation larger than the whole budget is refused (it could never
/// run) with the figures.
pub fn reserve_memory(item: &str, kib: u32) -> Result<MemoryPermit, OverBudget> {
    let kib = u64::from(kib);
    let cap_mib = kdf_max_memory_mib();
    let cap = cap_mib.saturating_mul(1024);
    if kib > cap {
        return Err(OverBudget {
            item: item.to_string(),
            asked: kib.div_ceil(1024),
            total: kib.div_ceil(1024),
            cap: cap_mib,
            unit: "MiB of Argon2id memory at once",
            env: ENV_KDF_MEMORY_MIB,
        });
    }
    let (lock, cv) = &IN_FLIGHT;
    let mut used = lock.lock().unwrap_or_else(|p| p.into_inner());
    while *used + kib > cap {
        used = cv.wait(used).unwrap_or_else(|p| p.into_inner());
    }
    *used += kib;
    Ok(MemoryPermit { kib })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_budget_refuses_the_item_that_passes_the_cap_naming_the_figures() {
        let mut b = KdfBudget { spent: 0, cap: 100 };
        b.charge("the MAC", 60).unwrap();
        let over = b.charge("safe #1", 50).unwrap_err();
        assert_eq!((over.asked, over.total, over.cap), (50, 110, 100));
        let text = over.to_string();
        for figure in ["safe #1", "50", "110", "100"] {
            assert!(text.contains(figure), "{text}");
        }
        // Refused work is not counted.
        assert_eq!(b.spent(), 60);
        b.charge("safe #2", 40).unwrap();
    }

    #[test]
    fn argon2_work_and_memory_over_their_caps_are_refused() {
        let cap = argon2_max_work_mib();
        assert!(check_argon2("h", 64 * 1024, 3).is_ok());
        let over = check_argon2("h", (cap as u32) * 1024, 2).unwrap_err();
        assert_eq!(over.asked, cap * 2);
        let whole = (kdf_max_memory_mib() * 1024) as u32;
        assert!(reserve_memory("h", whole + 1).is_err());
        // Within the budget, reservations are granted and given back.
        let a = reserve_memory("a", whole / 2).unwrap();
        let b = reserve_memory("b", whole / 2).unwrap();
        drop((a, b));
        let c = reserve_memory("c", whole).unwrap();
        drop(c);
    }
}
