// SPDX-License-Identifier: LGPL-2.1-or-later
//! Shared by the host tests: where the source tree is.
#![allow(dead_code)]
use std::path::PathBuf;

/// The libnodeaff source tree (NODEAFF_SRCDIR, else three levels above
/// this crate).
pub fn srcdir() -> PathBuf {
    match std::env::var_os("NODEAFF_SRCDIR") {
        Some(d) => PathBuf::from(d),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../.."),
    }
}

pub const EINVAL: i32 = 22;
pub const ERANGE: i32 = 34;
pub const ENOENT: i32 = 2;
pub const EACCES: i32 = 13;
pub const EOVERFLOW: i32 = 75;
pub const ENOSPC: i32 = 28;
