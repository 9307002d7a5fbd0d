// SPDX-License-Identifier: LGPL-2.1-or-later
//! Handle: an owned struct nodeaff_handle on the local hypervisor, closed
//! on drop.
use std::io;
use std::ptr::{self, NonNull};

use nodeaff_sys as sys;

use crate::error::check;
use crate::nodemap::NodeMap;

/// What the running hypervisor offers (NODEAFF_FEATURE_* bits).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Features(pub u32);

impl Features {
    /// set/get/reset (upstream Xen).
    pub const AFFINITY: Features = Features(sys::NODEAFF_FEATURE_AFFINITY);
    /// Strict binding (the carried series).
    pub const STRICT: Features = Features(sys::NODEAFF_FEATURE_STRICT);
    /// Per-node page usage (the series).
    pub const USAGE: Features = Features(sys::NODEAFF_FEATURE_USAGE);
    /// Explicit/automatic and strict state (the series).
    pub const STATE: Features = Features(sys::NODEAFF_FEATURE_STATE);
    /// Per-node claims (the series' patch 0008).
    pub const CLAIMS: Features = Features(sys::NODEAFF_FEATURE_CLAIMS);

    pub fn contains(self, other: Features) -> bool {
        self.0 & other.0 == other.0
    }
}

/// How a set binds: the allocator may spill (Preferred, upstream Xen's
/// behaviour) or must fail (Strict).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Mode {
    Preferred,
    Strict,
}

/// A domain's affinity and its mode, read together.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct State {
    pub nodes: NodeMap,
    /// The hypervisor computes the set (no explicit affinity).
    pub auto: bool,
    pub strict: bool,
}

/// Where a claim fell short (`Handle::claim` refused with ENOMEM): nothing
/// was claimed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ClaimShortfall {
    /// The node that lacked free unclaimed pages; `None`: the host as a
    /// whole (all other claims, host-wide ones included).
    pub node: Option<u32>,
    /// Pages the domain could have claimed there.
    pub available: u64,
}

/// A claim refused: ENOMEM with where it fell short, or another errno.
#[derive(Debug)]
pub enum ClaimError {
    Short(ClaimShortfall),
    Io(io::Error),
}

impl std::fmt::Display for ClaimError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ClaimError::Short(ClaimShortfall { node: Some(n), available }) => write!(
                f,
                "node {} has only {} pages free and unclaimed for this domain; nothing was claimed",
                n, available
            ),
            ClaimError::Short(ClaimShortfall { node: None, available }) => write!(
                f,
                "the host has only {} pages outside other claims; nothing was claimed",
                available
            ),
            ClaimError::Io(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for ClaimError {}

impl From<ClaimError> for io::Error {
    fn from(e: ClaimError) -> io::Error {
        match e {
            ClaimError::Short(_) => io::Error::from_raw_os_error(12), // ENOMEM
            ClaimError::Io(e) => e,
        }
    }
}

/// A handle on the local hypervisor (dom0, root).
///
/// `Send + Sync`: the C handle serializes calls on itself with a lock, so
/// `&Handle` may be used from many threads at once.  It is closed when
/// dropped, which takes ownership and so cannot race a call.
pub struct Handle {
    ptr: NonNull<sys::nodeaff_handle>,
}

// SAFETY: the library documents the handle as thread-safe (internally
// locked); close happens only in drop, with no borrow alive.
unsafe impl Send for Handle {}
unsafe impl Sync for Handle {}

impl Handle {
    /// Opens the local hypervisor.  ENOENT or EACCES without privcmd (not
    /// dom0, not root); another errno from the hypervisor.
    pub fn open() -> io::Result<Handle> {
        let mut out = ptr::null_mut();
        // SAFETY: valid out-pointer; success gives us the handle.
        check(unsafe { sys::nodeaff_open(0, &mut out) })?;
        Ok(Handle { ptr: NonNull::new(out).expect("nodeaff_open: NULL with success") })
    }

    pub(crate) fn as_ptr(&self) -> *mut sys::nodeaff_handle {
        self.ptr.as_ptr()
    }

    pub fn features(&self) -> Features {
        // SAFETY: live handle; cannot fail on one.
        Features(unsafe { sys::nodeaff_features(self.as_ptr()) } as u32)
    }

    /// Sets a domain's node affinity.  EINVAL (empty set, no online node),
    /// ERANGE, ESRCH, EPERM; EOPNOTSUPP for Strict without the series.
    pub fn set_affinity(&self, domid: u32, nodes: &NodeMap, mode: Mode) -> io::Result<()> {
        let flags = match mode {
            Mode::Preferred => 0,
            Mode::Strict => sys::NODEAFF_STRICT,
        };
        // SAFETY: live handle and map.
        check(unsafe { sys::nodeaff_domain_set_affinity(self.as_ptr(), domid, nodes.as_ptr(), flags) })
            .map(drop)
    }

    /// A domain's node affinity.  ESRCH, EPERM, EOPNOTSUPP.
    pub fn get_affinity(&self, domid: u32) -> io::Result<NodeMap> {
        let mut out = ptr::null_mut();
        // SAFETY: live handle, valid out-pointer; success gives us a map.
        unsafe {
            check(sys::nodeaff_domain_get_affinity(self.as_ptr(), domid, &mut out))?;
            Ok(NodeMap::from_raw(out))
        }
    }

    /// A domain's affinity with its mode.  EOPNOTSUPP without the series.
    pub fn get_state(&self, domid: u32) -> io::Result<State> {
        let mut out = ptr::null_mut();
        let mut flags = 0u32;
        // SAFETY: as get_affinity().
        unsafe {
            check(sys::nodeaff_domain_get_state(self.as_ptr(), domid, &mut out, &mut flags))?;
            Ok(State {
                nodes: NodeMap::from_raw(out),
                auto: flags & sys::NODEAFF_AUTO != 0,
                strict: flags & sys::NODEAFF_STRICT != 0,
            })
        }
    }

    /// Back to automatic affinity, strictness cleared.
    pub fn reset_affinity(&self, domid: u32) -> io::Result<()> {
        // SAFETY: live handle.
        check(unsafe { sys::nodeaff_domain_reset_affinity(self.as_ptr(), domid) }).map(drop)
    }

    /// Pages the domain owns on each node, indexed by node id, one entry
    /// per host node.  EOPNOTSUPP without the series.
    pub fn usage(&self, domid: u32) -> io::Result<Vec<u64>> {
        self.per_node(|buf, room| {
            // SAFETY: live handle; buf has room entries.
            unsafe { sys::nodeaff_domain_get_usage(self.as_ptr(), domid, buf, room) }
        })
    }

    /// Claims `pages[n]` 4 KiB pages on node `n` for the domain, all or
    /// nothing, replacing its previous claim (all zeros cancels).  A
    /// shortfall is `ClaimError::Short`; other errors as nodeaff(3) says
    /// (EOPNOTSUPP without `Features::CLAIMS`, EBUSY with a host-wide
    /// claim held, ERANGE for a node the host lacks).
    pub fn claim(&self, domid: u32, pages: &[u64]) -> Result<(), ClaimError> {
        let nr = u32::try_from(pages.len())
            .map_err(|_| ClaimError::Io(io::Error::from_raw_os_error(22)))?;
        let mut node = 0u32;
        let mut avail = 0u64;
        // SAFETY: live handle; pages has nr entries; out-pointers are ours.
        let rc = unsafe {
            sys::nodeaff_domain_claim(self.as_ptr(), domid, pages.as_ptr(), nr, &mut node, &mut avail)
        };
        if rc == -12 {
            return Err(ClaimError::Short(ClaimShortfall {
                node: if node == sys::NODEAFF_CLAIM_HOST { None } else { Some(node) },
                available: avail,
            }));
        }
        check(rc).map(drop).map_err(ClaimError::Io)
    }

    /// Cancels the domain's node claims (not an error without one).
    pub fn cancel_claim(&self, domid: u32) -> io::Result<()> {
        // SAFETY: live handle.
        check(unsafe { sys::nodeaff_domain_cancel_claim(self.as_ptr(), domid) }).map(drop)
    }

    /// The domain's outstanding node claims, pages per node id, and its
    /// host-wide (XENMEM_claim_pages) claim in pages.
    pub fn get_claim(&self, domid: u32) -> io::Result<(Vec<u64>, u64)> {
        let mut host_wide = 0u64;
        let pages = self.per_node(|buf, room| {
            // SAFETY: live handle; buf has room entries.
            unsafe { sys::nodeaff_domain_get_claim(self.as_ptr(), domid, buf, room, &mut host_wide) }
        })?;
        Ok((pages, host_wide))
    }

    /// The host's node-claimed pages per node id (all domains), and every
    /// outstanding claim in pages, host-wide ones included.
    pub fn host_claims(&self) -> io::Result<(Vec<u64>, u64)> {
        let mut all = 0u64;
        let pages = self.per_node(|buf, room| {
            // SAFETY: live handle; buf has room entries.
            unsafe { sys::nodeaff_host_claims(self.as_ptr(), buf, room, &mut all) }
        })?;
        Ok((pages, all))
    }

    /// A per-node query into a buffer grown until the host's nodes fit.
    fn per_node(&self, mut call: impl FnMut(*mut u64, u32) -> i32) -> io::Result<Vec<u64>> {
        let mut room = 64usize;
        loop {
            let mut pages = vec![0u64; room];
            let rc = call(pages.as_mut_ptr(), room as u32);
            // ENOBUFS: a host with more nodes than room; grow and retry.
            if rc == -105 && room < sys::NODEAFF_NODEMAP_MAX_NODES as usize {
                room *= 4;
                continue;
            }
            let n = check(rc)?;
            pages.truncate(n as usize);
            return Ok(pages);
        }
    }

    /// The ids of the existing domains, ascending.
    pub fn domains(&self) -> io::Result<Vec<u32>> {
        loop {
            // SAFETY: a NULL list with 0 entries counts.
            let n = check(unsafe { sys::nodeaff_domain_list(self.as_ptr(), ptr::null_mut(), 0) })?;
            let mut ids = vec![0u32; n as usize + 8];
            // SAFETY: ids has ids.len() entries.
            let m = check(unsafe {
                sys::nodeaff_domain_list(self.as_ptr(), ids.as_mut_ptr(), ids.len() as u32)
            })? as usize;
            if m <= ids.len() {
                ids.truncate(m);
                return Ok(ids);
            }
        }
    }
}

impl Drop for Handle {
    fn drop(&mut self) {
        // SAFETY: we own the handle; drop has no borrow alive and runs once.
        unsafe { sys::nodeaff_close(self.ptr.as_ptr()) }
    }
}

impl std::fmt::Debug for Handle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Handle(features {:#x})", self.features().0)
    }
}
