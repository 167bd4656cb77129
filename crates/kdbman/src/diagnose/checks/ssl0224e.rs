//! SSL0224E: a stored certificate whose DER does not decode as X.509.
//! When it is the certificate in use the finding is SSL0264E instead: the
//! server cannot get the certificate data for its configured label.

use super::Ctx;
use crate::diagnose::Finding;

pub fn check(ctx: &mut Ctx<'_>, out: &mut Vec<Finding>) {
    let entries = ctx.entries();
    let errors: Vec<Vec<(usize, usize, String)>> = entries
        .iter()
        .enumerate()
        .map(|(i, e)| {
            ctx.decode_results(i)
                .enumerate()
                .filter_map(|(n, d)| {
                    let why = d.as_ref().err()?;
                    Some((n, e.certificates()[n].len(), why.clone()))
                })
                .collect()
        })
        .collect();
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
