// SPDX-License-Identifier: LGPL-2.1-or-later
//! Placement: an owned struct nodeaff_placement, freed on drop; and the
//! xl-style nodes= value.
use std::ffi::{CStr, CString};
use std::io;
use std::os::raw::{c_char, c_int, c_uint};
use std::ptr::{self, NonNull};

use nodeaff_sys as sys;

use crate::error::{check, ParseError, ParseReason};
use crate::nodemap::{libc_einval, NodeMap};
use crate::topology::Topology;

/// The result of nodeaff_place(): the chosen nodes and every candidate
/// considered, ranked.  What it returns is copied out, so it can be
/// dropped while those values live on.
pub struct Placement {
    ptr: NonNull<sys::nodeaff_placement>,
}

// SAFETY: immutable after creation, plain memory.
unsafe impl Send for Placement {}
unsafe impl Sync for Placement {}

/// One candidate node set of a placement (index 0 won).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub nodes: NodeMap,
    pub free_bytes: u64,
    pub max_distance: u32,
    pub vcpus: u32,
    /// Why it won or lost against the winner.
    pub verdict: String,
}

impl Placement {
    pub(crate) fn new(
        topology: &Topology,
        memory_bytes: u64,
        vcpus: u32,
        strict: bool,
    ) -> io::Result<Placement> {
        let flags = if strict { sys::NODEAFF_STRICT } else { 0 };
        let mut out = ptr::null_mut();
        // SAFETY: live topology, valid out-pointer; success gives it to us.
        check(unsafe { sys::nodeaff_place(topology.as_ptr(), memory_bytes, vcpus, flags, &mut out) })?;
        Ok(Placement { ptr: NonNull::new(out).expect("nodeaff_place: NULL with success") })
    }

    /// The chosen nodes (a copy).
    pub fn nodes(&self) -> NodeMap {
        // SAFETY: the placement owns the map and outlives this call.
        unsafe { NodeMap::copy_of(sys::nodeaff_placement_nodes(self.ptr.as_ptr())) }
            .expect("nodeaff_nodemap_copy: out of memory")
    }

    pub fn nr_candidates(&self) -> u32 {
        // SAFETY: live placement.
        unsafe { sys::nodeaff_placement_nr_candidates(self.ptr.as_ptr()) as u32 }
    }

    /// Candidate `index`; ERANGE beyond nr_candidates().
    pub fn candidate(&self, index: u32) -> io::Result<Candidate> {
        let mut nodes: *const sys::nodeaff_nodemap = ptr::null();
        let (mut free, mut dist, mut vcpus) = (0u64, 0 as c_uint, 0 as c_uint);
        let mut verdict: *const c_char = ptr::null();
        // SAFETY: live placement, valid out-pointers; what they receive is
        // owned by the placement and copied before this borrow ends.
        unsafe {
            check(sys::nodeaff_placement_candidate(
                self.ptr.as_ptr(),
                index,
                &mut nodes,
                &mut free,
                &mut dist,
                &mut vcpus,
                &mut verdict,
            ))?;
            Ok(Candidate {
                nodes: NodeMap::copy_of(nodes)?,
                free_bytes: free,
                max_distance: dist,
                vcpus,
                verdict: if verdict.is_null() {
                    String::new()
                } else {
                    CStr::from_ptr(verdict).to_string_lossy().into_owned()
                },
            })
        }
    }

    /// Every candidate, ranked.
    pub fn candidates(&self) -> io::Result<Vec<Candidate>> {
        (0..self.nr_candidates()).map(|i| self.candidate(i)).collect()
    }
}

impl Drop for Placement {
    fn drop(&mut self) {
        // SAFETY: we own it; drop runs once.
        unsafe { sys::nodeaff_placement_free(self.ptr.as_ptr()) }
    }
}

/// What an xl-style nodes= value says (nodeaff_config_nodes()).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfigNodes {
    /// A nodeset: use it as explicit affinity.
    Explicit(NodeMap),
    /// "auto": the placement's nodes.
    Auto(NodeMap),
}

/// Interprets a nodes= value (`["0","3"]`, `"0-3,^2"`, `auto`) against a
/// topology.  A nodeset that does not parse is a [`ParseError`] inside the
/// io::Error (column from the start of value); ENOENT for an offline node;
/// EINVAL for an empty set; the errors of placement for "auto".
pub fn config_nodes(
    value: &str,
    topology: &Topology,
    memory_bytes: u64,
    vcpus: u32,
    strict: bool,
) -> io::Result<ConfigNodes> {
    let c = CString::new(value).map_err(|_| io::Error::from_raw_os_error(libc_einval()))?;
    let flags = if strict { sys::NODEAFF_STRICT } else { 0 };
    let mut out = ptr::null_mut();
    let mut reason: c_int = 0;
    let mut column: c_uint = 0;
    // SAFETY: c is NUL-terminated; live topology; valid out-pointers.
    let rc = unsafe {
        sys::nodeaff_config_nodes(
            c.as_ptr(),
            topology.as_ptr(),
            memory_bytes,
            vcpus,
            flags,
            &mut out,
            &mut reason,
            &mut column,
        )
    };
    if rc < 0 {
        if column > 0 {
            return Err(ParseError { errno: -rc, reason: ParseReason::from_raw(reason), column }.into());
        }
        return Err(io::Error::from_raw_os_error(-rc));
    }
    // SAFETY: success: out is a map we now own.
    let map = unsafe { NodeMap::from_raw(out) };
    Ok(if rc as u32 == sys::NODEAFF_CONFIG_AUTO {
        ConfigNodes::Auto(map)
    } else {
        ConfigNodes::Explicit(map)
    })
}

impl std::fmt::Debug for Placement {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Placement({}, {} candidates)", self.nodes(), self.nr_candidates())
    }
}
