// SPDX-License-Identifier: LGPL-2.1-or-later
//! Raw FFI bindings to libnodeaff, generated at build time by bindgen from
//! the `nodeaff.h` that `pkg-config nodeaff` names (see build.rs).  Every
//! function returns a negative errno on failure; see libnodeaff(3).  The
//! safe API is the `nodeaff` crate.
#![allow(non_camel_case_types, non_upper_case_globals, non_snake_case)]

include!(concat!(env!("OUT_DIR"), "/bindings.rs"));
