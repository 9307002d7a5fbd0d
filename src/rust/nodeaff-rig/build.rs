// SPDX-License-Identifier: LGPL-2.1-or-later
//! The few libxenctrl calls t-rust needs to make a domain, as a toolstack
//! does (the rig's C tests use the same calls through rig-guest.c), bound
//! by bindgen from Debian's xenctrl.h: struct xen_domctl_createdomain's
//! layout comes from the header, never from a hand-written copy.
use std::env;
use std::path::PathBuf;
use std::process::Command;

fn main() {
    let xc = pkg_config::Config::new().probe("xencontrol").unwrap_or_else(|e| {
        panic!("nodeaff-rig: libxenctrl not found with pkg-config: {} (apt-get install libxen-dev)", e)
    });
    let mut header = PathBuf::from("/usr/include/xenctrl.h");
    for d in &xc.include_paths {
        if d.join("xenctrl.h").is_file() {
            header = d.join("xenctrl.h");
        }
    }
    println!("cargo:rerun-if-changed={}", header.display());
    let out = PathBuf::from(env::var_os("OUT_DIR").unwrap()).join("xenctrl.rs");
    let bindgen = env::var_os("NODEAFF_BINDGEN").unwrap_or_else(|| "bindgen".into());
    let mut cmd = Command::new(&bindgen);
    cmd.arg(&header).arg("--output").arg(&out);
    for f in [
        "xc_interface_open",
        "xc_interface_close",
        "xc_domain_create",
        "xc_domain_max_vcpus",
        "xc_domain_setmaxmem",
        "xc_domain_populate_physmap_exact",
        "xc_domain_destroy",
        "xc_flask_context_to_sid",
    ] {
        cmd.args(["--allowlist-function", f]);
    }
    cmd.args(["--allowlist-type", "xen_domctl_createdomain"])
        .args(size_t_is_usize_flag(&bindgen))
        .arg("--");
    for d in &xc.include_paths {
        cmd.arg(format!("-I{}", d.display()));
    }
    let st = cmd.status().unwrap_or_else(|e| panic!("nodeaff-rig: cannot run {:?}: {} (apt-get install bindgen)", bindgen, e));
    assert!(st.success(), "nodeaff-rig: bindgen on {} failed: {}", header.display(), st);
}

/// bindgen before 0.65 maps size_t to usize only when asked; later ones do
/// it by default and refuse the flag (Debian 12 ships 0.60, Debian 13 0.71).
fn size_t_is_usize_flag(bindgen: &std::ffi::OsStr) -> Option<&'static str> {
    let help = Command::new(bindgen).arg("--help").output().ok()?;
    let text = String::from_utf8_lossy(&help.stdout);
    if text.contains("--no-size_t-is-usize") {
        None
    } else {
        Some("--size_t-is-usize")
    }
}
