// SPDX-License-Identifier: LGPL-2.1-or-later
//! Finds libnodeaff with `pkg-config nodeaff` and generates the bindings
//! from the nodeaff.h it names with the `bindgen` command (Debian 12's
//! package bindgen, 0.60).  Nothing is written by hand: a missing bindgen
//! fails the build and says which package to install.
//!
//! The bindgen command rather than the bindgen crate (librust-bindgen-dev):
//! the same version from the same Debian source package, without compiling
//! its 40-odd dependency crates into every build.  NODEAFF_BINDGEN names
//! another bindgen program.

use std::env;
use std::path::PathBuf;
use std::process::Command;

fn main() {
    let lib = pkg_config::Config::new()
        .atleast_version("1.0")
        .probe("nodeaff")
        .unwrap_or_else(|e| {
            panic!(
                "nodeaff-sys: libnodeaff not found with pkg-config: {}\n\
                 Set PKG_CONFIG_PATH to an installed nodeaff.pc, or to \
                 BUILD/meson-uninstalled for a meson build tree.",
                e
            )
        });
    let header = lib
        .include_paths
        .iter()
        .map(|d| d.join("nodeaff.h"))
        .find(|h| h.is_file())
        .unwrap_or_else(|| {
            panic!(
                "nodeaff-sys: no nodeaff.h in pkg-config's include paths {:?}",
                lib.include_paths
            )
        });
    println!("cargo:rerun-if-changed={}", header.display());
    println!("cargo:rerun-if-env-changed=NODEAFF_BINDGEN");

    let out = PathBuf::from(env::var_os("OUT_DIR").unwrap()).join("bindings.rs");
    let bindgen = env::var_os("NODEAFF_BINDGEN").unwrap_or_else(|| "bindgen".into());
    let mut cmd = Command::new(&bindgen);
    cmd.arg(&header)
        .arg("--output")
        .arg(&out)
        .args(["--allowlist-function", "nodeaff_.*"])
        .args(["--allowlist-type", "nodeaff_.*"])
        .args(["--allowlist-var", "NODEAFF_.*"])
        // The enums are C ints the library range-checks: constants, never
        // a Rust enum that an unknown value would make undefined.
        .args(["--default-enum-style", "consts"])
        .args(size_t_is_usize_flag(&bindgen))
        .arg("--no-doc-comments")
        .arg("--");
    for dir in &lib.include_paths {
        cmd.arg(format!("-I{}", dir.display()));
    }
    let status = cmd.status().unwrap_or_else(|e| {
        panic!(
            "nodeaff-sys: cannot run {:?}: {} (apt-get install bindgen)",
            bindgen, e
        )
    });
    if !status.success() {
        panic!("nodeaff-sys: {:?} on {} failed: {}", bindgen, header.display(), status);
    }
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
