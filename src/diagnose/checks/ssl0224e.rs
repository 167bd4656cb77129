//! SSL0224E: a stored certificate whose DER does not decode as X.509.
//! When it is the certificate in use the finding is SSL0264E instead: the
//! server cannot get the certificate data for its configured label.

use super::Ctx;
use crate::diagnose::Finding;
use crate::pki::cert::cert_info;

pub fn check(ctx: &mut Ctx<'_>, out: &mut Vec<Finding>) {
    // Decoding is independent per entry: on every core.
    let entries = ctx.entries();
    let errors = super::ssl0209e::par_map(entries, |e| {
        e.certificates()
            .iter()
            .enumerate()
            .filter_map(|(n, der)| Some((n, der.len(), cert_info(der).err()?)))
            .collect::<Vec<_>>()
    });
    for ((i, e), errs) in entries.iter().enumerate().zip(errors) {
        for (n, der_len, why) in errs {
            ctx.broken.insert(i);
            let which = if n == 0 {
                "its certificate".to_string()
            } else {
                format!("chain certificate {n}")
            };
            let (code, consequence) = if ctx.in_use == Some(i) && n == 0 {
                (
                    "SSL0264E",
                    "; it is the certificate in use, so the server cannot load it",
                )
            } else {
                ("SSL0224E", "")
            };
            out.push(Finding::new(
                code,
                "ssl0224e",
                Some(e.label()),
                format!(
                    "{which} ({der_len} bytes) is not valid X.509 DER: {why}{consequence}"
                ),
                "delete the entry and add the certificate again from a good copy (`kdbman cert add --file CERT`)",
            ));
        }
    }
}
