// SPDX-License-Identifier: LGPL-2.1-or-later
//! Safe bindings to libnodeaff: decide and check on which NUMA nodes a Xen
//! guest's memory lives.
//!
//! Every C object is owned by one Rust value and freed when it is dropped:
//! [`NodeMap`], [`Topology`], [`Placement`] and [`Handle`].  Nothing hands
//! out a pointer the library owns: what the C API returns as a borrowed
//! nodemap (a placement's nodes) is copied into an owned [`NodeMap`], so no
//! safe code can reach freed memory.  Every failure is a
//! [`std::io::Error`] built from the library's errno
//! (`raw_os_error()` gives it back; see [`errno`] for the two errors that
//! carry more: [`ParseError`] and [`TopologyFileError`]).
//!
//! ```no_run
//! use nodeaff::{Handle, Mode, NodeMap};
//! let h = Handle::open()?;                        // in dom0, as root
//! h.set_affinity(5, &"1".parse::<NodeMap>()?, Mode::Strict)?;
//! println!("{:?}", h.usage(5)?);                  // pages per node
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod error;
mod handle;
mod nodemap;
mod placement;
mod topology;

pub use error::{errno, ParseError, ParseReason, TopologyFileError};
pub use handle::{ClaimError, ClaimShortfall, Features, Handle, Mode, State};
pub use nodemap::{Format, Iter, NodeMap, DEFAULT_SIZE, MAX_NODES};
pub use placement::{config_nodes, Candidate, ConfigNodes, Placement};
pub use topology::Topology;

/// The raw bindings, for what the safe API does not cover.
pub use nodeaff_sys as sys;
