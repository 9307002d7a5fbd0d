// SPDX-License-Identifier: LGPL-2.1-or-later
//! Topology: an owned struct nodeaff_topology, freed on drop.
use std::ffi::CString;
use std::io;
use std::os::unix::ffi::OsStrExt;
use std::path::Path;
use std::ptr::{self, NonNull};

use nodeaff_sys as sys;

use crate::error::{check, TopologyFileError};
use crate::handle::Handle;
use crate::nodemap::{libc_einval, NodeMap};
use crate::placement::Placement;

/// A snapshot of a host: nodes with memory size and free memory (bytes),
/// CPUs, distances, vCPUs already placed.  Only `&mut self` changes it, so
/// it is `Send` and `Sync` (placement only reads it, and is thread-safe).
pub struct Topology {
    ptr: NonNull<sys::nodeaff_topology>,
}

// SAFETY: plain memory, no thread-bound state; see the type's comment.
unsafe impl Send for Topology {}
unsafe impl Sync for Topology {}

impl Topology {
    unsafe fn from_raw(p: *mut sys::nodeaff_topology) -> Topology {
        Topology { ptr: NonNull::new(p).expect("libnodeaff returned a NULL topology with success") }
    }

    pub(crate) fn as_ptr(&self) -> *const sys::nodeaff_topology {
        self.ptr.as_ptr()
    }

    /// nr_nodes online nodes without memory, nr_cpus CPUs on no node.
    pub fn new(nr_nodes: u32, nr_cpus: u32) -> io::Result<Topology> {
        let mut out = ptr::null_mut();
        // SAFETY: valid out-pointer; on success we own the topology.
        unsafe {
            check(sys::nodeaff_topology_new(nr_nodes, nr_cpus, &mut out))?;
            Ok(Topology::from_raw(out))
        }
    }

    /// Reads a topology file.  A malformed file is EINVAL with a
    /// [`TopologyFileError`] inside (its line); opening or reading errors
    /// are the file's errno.
    pub fn from_file<P: AsRef<Path>>(path: P) -> io::Result<Topology> {
        let c = CString::new(path.as_ref().as_os_str().as_bytes())
            .map_err(|_| io::Error::from_raw_os_error(libc_einval()))?;
        let mut out = ptr::null_mut();
        let mut line: u32 = u32::MAX;
        // SAFETY: c is NUL-terminated, both out-pointers valid.
        let rc = unsafe { sys::nodeaff_topology_from_file(c.as_ptr(), &mut out, &mut line) };
        if rc < 0 {
            if line != u32::MAX {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidData,
                    TopologyFileError { errno: -rc, line },
                ));
            }
            return Err(io::Error::from_raw_os_error(-rc));
        }
        // SAFETY: success: out is ours.
        Ok(unsafe { Topology::from_raw(out) })
    }

    /// The running hypervisor's topology.
    pub fn from_host(handle: &Handle) -> io::Result<Topology> {
        let mut out = ptr::null_mut();
        // SAFETY: the handle is live for the call (and locks itself).
        unsafe {
            check(sys::nodeaff_topology_from_host(handle.as_ptr(), &mut out))?;
            Ok(Topology::from_raw(out))
        }
    }

    pub fn nr_nodes(&self) -> u32 {
        // SAFETY: live topology; cannot fail.
        unsafe { sys::nodeaff_topology_nr_nodes(self.as_ptr()) as u32 }
    }

    pub fn nr_cpus(&self) -> u32 {
        // SAFETY: as nr_nodes().
        unsafe { sys::nodeaff_topology_nr_cpus(self.as_ptr()) as u32 }
    }

    pub fn online_nodes(&self) -> io::Result<NodeMap> {
        let mut out = ptr::null_mut();
        // SAFETY: live topology, valid out-pointer; success gives us a map.
        unsafe {
            check(sys::nodeaff_topology_online_nodes(self.as_ptr(), &mut out))?;
            Ok(NodeMap::from_raw(out))
        }
    }

    /// (size, free) of a node, in bytes.  ERANGE; ENOENT if offline.
    pub fn node_memory(&self, node: u32) -> io::Result<(u64, u64)> {
        let (mut size, mut free) = (0u64, 0u64);
        // SAFETY: live topology, valid out-pointers.
        check(unsafe { sys::nodeaff_topology_node_memory(self.as_ptr(), node, &mut size, &mut free) })?;
        Ok((size, free))
    }

    /// Distance from one node to another (10 is local).  ERANGE; ENOENT.
    pub fn distance(&self, from: u32, to: u32) -> io::Result<u32> {
        // SAFETY: live topology.
        check(unsafe { sys::nodeaff_topology_distance(self.as_ptr(), from, to) }).map(|d| d as u32)
    }

    /// The node a CPU is on.  ERANGE; ENOENT.
    pub fn cpu_node(&self, cpu: u32) -> io::Result<u32> {
        // SAFETY: live topology.
        check(unsafe { sys::nodeaff_topology_cpu_node(self.as_ptr(), cpu) }).map(|n| n as u32)
    }

    /// A node's CPUs, as a map of CPU ids.  ERANGE.
    pub fn node_cpus(&self, node: u32) -> io::Result<NodeMap> {
        let mut out = ptr::null_mut();
        // SAFETY: as online_nodes().
        unsafe {
            check(sys::nodeaff_topology_node_cpus(self.as_ptr(), node, &mut out))?;
            Ok(NodeMap::from_raw(out))
        }
    }

    /// vCPUs already placed on a node.  ERANGE.
    pub fn node_vcpus(&self, node: u32) -> io::Result<u32> {
        // SAFETY: live topology.
        check(unsafe { sys::nodeaff_topology_node_vcpus(self.as_ptr(), node) }).map(|n| n as u32)
    }

    pub fn set_node_online(&mut self, node: u32, online: bool) -> io::Result<()> {
        // SAFETY: live topology, uniquely borrowed.
        check(unsafe {
            sys::nodeaff_topology_set_node_online(self.ptr.as_ptr(), node, online as i32)
        })
        .map(drop)
    }

    pub fn set_node_memory(&mut self, node: u32, size: u64, free: u64) -> io::Result<()> {
        // SAFETY: as set_node_online().
        check(unsafe { sys::nodeaff_topology_set_node_memory(self.ptr.as_ptr(), node, size, free) })
            .map(drop)
    }

    pub fn set_distance(&mut self, from: u32, to: u32, distance: u32) -> io::Result<()> {
        // SAFETY: as set_node_online().
        check(unsafe { sys::nodeaff_topology_set_distance(self.ptr.as_ptr(), from, to, distance) })
            .map(drop)
    }

    pub fn set_cpu_node(&mut self, cpu: u32, node: u32) -> io::Result<()> {
        // SAFETY: as set_node_online().
        check(unsafe { sys::nodeaff_topology_set_cpu_node(self.ptr.as_ptr(), cpu, node) }).map(drop)
    }

    pub fn set_node_vcpus(&mut self, node: u32, vcpus: u32) -> io::Result<()> {
        // SAFETY: as set_node_online().
        check(unsafe { sys::nodeaff_topology_set_node_vcpus(self.ptr.as_ptr(), node, vcpus) })
            .map(drop)
    }

    /// Places a domain of `memory_bytes` and `vcpus` (nodeaff_place()).
    /// EINVAL for 0 memory or vCPUs; ENOSPC when nothing fits.
    pub fn place(&self, memory_bytes: u64, vcpus: u32, strict: bool) -> io::Result<Placement> {
        Placement::new(self, memory_bytes, vcpus, strict)
    }
}

impl Drop for Topology {
    fn drop(&mut self) {
        // SAFETY: we own it; drop runs once.
        unsafe { sys::nodeaff_topology_free(self.ptr.as_ptr()) }
    }
}

impl std::fmt::Debug for Topology {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Topology({} nodes, {} CPUs)", self.nr_nodes(), self.nr_cpus())
    }
}
