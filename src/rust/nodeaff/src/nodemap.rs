// SPDX-License-Identifier: LGPL-2.1-or-later
//! NodeMap: an owned struct nodeaff_nodemap, freed on drop.
use std::ffi::CString;
use std::fmt;
use std::io;
use std::os::raw::{c_char, c_int, c_uint};
use std::ptr::{self, NonNull};
use std::str::FromStr;

use nodeaff_sys as sys;

use crate::error::{check, ParseError, ParseReason};

/// The size [`FromStr`] and [`NodeMap::parse_default`] give a map: the
/// `nodeaff parse` command's and the Python package's default (Xen x86's
/// 64 nodes), so that "all" means the same everywhere.
pub const DEFAULT_SIZE: u32 = 64;

/// The largest size a map can have (NODEAFF_NODEMAP_MAX_NODES).
pub const MAX_NODES: u32 = sys::NODEAFF_NODEMAP_MAX_NODES;

/// The text formats of nodeaff_nodemap_format().
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// "0,2-5,7"; the empty set is "none" (also [`fmt::Display`]).
    List,
    /// "0xbd"; the empty set is "0x0".
    Hex,
    /// "[0,2,3,4,5,7]"; the empty set is "[]".
    Json,
}

impl Format {
    fn raw(self) -> sys::nodeaff_format {
        match self {
            Format::List => sys::nodeaff_format_NODEAFF_FORMAT_LIST,
            Format::Hex => sys::nodeaff_format_NODEAFF_FORMAT_HEX,
            Format::Json => sys::nodeaff_format_NODEAFF_FORMAT_JSON,
        }
    }
}

/// A set of NUMA node ids 0 .. size-1, its size fixed at creation.
///
/// Reading takes `&self` and writing `&mut self`, so a map shared between
/// threads is only ever read: it is `Send` and `Sync` (the C nodemap is
/// plain memory with no hidden state).
pub struct NodeMap {
    ptr: NonNull<sys::nodeaff_nodemap>,
}

// SAFETY: see the type's comment: no interior mutability, no thread-bound
// state in the C object.
unsafe impl Send for NodeMap {}
unsafe impl Sync for NodeMap {}

impl NodeMap {
    /// Takes ownership of a map the library allocated.
    ///
    /// # Safety
    /// `p` must be a live nodemap nobody else frees.
    pub(crate) unsafe fn from_raw(p: *mut sys::nodeaff_nodemap) -> NodeMap {
        NodeMap { ptr: NonNull::new(p).expect("libnodeaff returned a NULL nodemap with success") }
    }

    /// A copy of a map the library owns (e.g. a placement's nodes).
    ///
    /// # Safety
    /// `p` must point to a live nodemap for the duration of the call.
    pub(crate) unsafe fn copy_of(p: *const sys::nodeaff_nodemap) -> io::Result<NodeMap> {
        let mut out = ptr::null_mut();
        check(sys::nodeaff_nodemap_copy(p, &mut out))?;
        Ok(NodeMap::from_raw(out))
    }

    pub(crate) fn as_ptr(&self) -> *const sys::nodeaff_nodemap {
        self.ptr.as_ptr()
    }

    fn as_mut_ptr(&mut self) -> *mut sys::nodeaff_nodemap {
        self.ptr.as_ptr()
    }

    /// An empty map able to hold nodes 0 .. size-1.
    /// EINVAL if size is 0 or above [`MAX_NODES`]; ENOMEM.
    pub fn new(size: u32) -> io::Result<NodeMap> {
        let mut out = ptr::null_mut();
        // SAFETY: out is a valid out-pointer; on success it owns a map.
        unsafe {
            check(sys::nodeaff_nodemap_new(size as c_uint, &mut out))?;
            Ok(NodeMap::from_raw(out))
        }
    }

    /// A map of `size` holding `nodes`.  ERANGE if one is >= size.
    pub fn from_nodes<I: IntoIterator<Item = u32>>(size: u32, nodes: I) -> io::Result<NodeMap> {
        let mut m = NodeMap::new(size)?;
        for n in nodes {
            m.insert(n)?;
        }
        Ok(m)
    }

    /// Parses the nodeset grammar (see nodeaff(3)) into a map of `size`.
    pub fn parse(text: &str, size: u32) -> Result<NodeMap, ParseError> {
        let mut m = NodeMap::new(size).map_err(|e| ParseError {
            errno: e.raw_os_error().unwrap_or(libc_einval()),
            reason: ParseReason::None,
            column: 0,
        })?;
        m.parse_into(text)?;
        Ok(m)
    }

    /// [`NodeMap::parse`] with [`DEFAULT_SIZE`].
    pub fn parse_default(text: &str) -> Result<NodeMap, ParseError> {
        NodeMap::parse(text, DEFAULT_SIZE)
    }

    /// Replaces this map's contents with the parsed text; unchanged on
    /// failure.  A text with a NUL byte is EINVAL (the C API cannot see
    /// past it), with the NUL's column.
    pub fn parse_into(&mut self, text: &str) -> Result<(), ParseError> {
        let c = CString::new(text).map_err(|e| ParseError {
            errno: libc_einval(),
            reason: ParseReason::TrailingGarbage,
            column: e.nul_position() as u32 + 1,
        })?;
        let mut reason: c_int = 0;
        let mut column: c_uint = 0;
        // SAFETY: self is live, c is NUL-terminated, both out-pointers valid.
        let rc = unsafe {
            sys::nodeaff_nodemap_parse(self.as_mut_ptr(), c.as_ptr(), &mut reason, &mut column)
        };
        if rc < 0 {
            return Err(ParseError {
                errno: -rc,
                reason: ParseReason::from_raw(reason),
                column: column as u32,
            });
        }
        Ok(())
    }

    /// The number of node ids the map can hold.
    pub fn size(&self) -> u32 {
        // SAFETY: self is live; size never fails on a live map.
        unsafe { sys::nodeaff_nodemap_size(self.as_ptr()) as u32 }
    }

    /// The number of nodes in the map.
    pub fn count(&self) -> u32 {
        // SAFETY: as size().
        unsafe { sys::nodeaff_nodemap_count(self.as_ptr()) as u32 }
    }

    pub fn is_empty(&self) -> bool {
        self.count() == 0
    }

    /// Whether node is in the map (false beyond its size).
    pub fn contains(&self, node: u32) -> bool {
        // SAFETY: self is live; ERANGE (< 0) reads as absent.
        unsafe { sys::nodeaff_nodemap_test(self.as_ptr(), node as c_uint) > 0 }
    }

    /// Adds node.  ERANGE if node >= size.
    pub fn insert(&mut self, node: u32) -> io::Result<()> {
        // SAFETY: self is live and uniquely borrowed.
        check(unsafe { sys::nodeaff_nodemap_set(self.as_mut_ptr(), node as c_uint) }).map(drop)
    }

    /// Removes node.  ERANGE if node >= size.
    pub fn remove(&mut self, node: u32) -> io::Result<()> {
        // SAFETY: as insert().
        check(unsafe { sys::nodeaff_nodemap_clear(self.as_mut_ptr(), node as c_uint) }).map(drop)
    }

    /// Adds every node the map can hold.
    pub fn fill(&mut self) {
        // SAFETY: as insert(); cannot fail on a live map.
        unsafe { sys::nodeaff_nodemap_set_all(self.as_mut_ptr()) };
    }

    /// Removes every node.
    pub fn clear(&mut self) {
        // SAFETY: as fill().
        unsafe { sys::nodeaff_nodemap_clear_all(self.as_mut_ptr()) };
    }

    /// The lowest and the highest node, if any.
    pub fn first(&self) -> Option<u32> {
        // SAFETY: self is live; -ENOENT when empty.
        let r = unsafe { sys::nodeaff_nodemap_first(self.as_ptr()) };
        if r < 0 { None } else { Some(r as u32) }
    }

    pub fn last(&self) -> Option<u32> {
        // SAFETY: as first().
        let r = unsafe { sys::nodeaff_nodemap_last(self.as_ptr()) };
        if r < 0 { None } else { Some(r as u32) }
    }

    /// The nodes in ascending order.
    pub fn iter(&self) -> Iter<'_> {
        Iter { map: self, next: self.first() }
    }

    /// The map as text, in any of the library's formats.
    pub fn format(&self, format: Format) -> String {
        // SAFETY: a NULL buffer with size 0 asks for the length; then a
        // buffer of length + 1 gets the text and its NUL.
        unsafe {
            let len = sys::nodeaff_nodemap_format(self.as_ptr(), format.raw(), ptr::null_mut(), 0);
            assert!(len >= 0, "nodeaff_nodemap_format: errno {}", -len);
            let mut buf = vec![0u8; len as usize + 1];
            sys::nodeaff_nodemap_format(
                self.as_ptr(),
                format.raw(),
                buf.as_mut_ptr() as *mut c_char,
                buf.len(),
            );
            buf.truncate(len as usize);
            String::from_utf8(buf).expect("libnodeaff formats ASCII")
        }
    }

    fn binary(
        &self,
        other: &NodeMap,
        op: unsafe extern "C" fn(
            *mut sys::nodeaff_nodemap,
            *const sys::nodeaff_nodemap,
            *const sys::nodeaff_nodemap,
        ) -> c_int,
    ) -> io::Result<NodeMap> {
        let mut dst = NodeMap::new(self.size().max(other.size()))?;
        // SAFETY: three live maps; dst is ours alone.
        check(unsafe { op(dst.as_mut_ptr(), self.as_ptr(), other.as_ptr()) })?;
        Ok(dst)
    }

    /// Set operations; the result has the larger of the two sizes.
    pub fn union(&self, other: &NodeMap) -> NodeMap {
        self.binary(other, sys::nodeaff_nodemap_or).expect("nodeaff_nodemap_or")
    }
    pub fn intersection(&self, other: &NodeMap) -> NodeMap {
        self.binary(other, sys::nodeaff_nodemap_and).expect("nodeaff_nodemap_and")
    }
    pub fn difference(&self, other: &NodeMap) -> NodeMap {
        self.binary(other, sys::nodeaff_nodemap_andnot).expect("nodeaff_nodemap_andnot")
    }
    pub fn symmetric_difference(&self, other: &NodeMap) -> NodeMap {
        self.binary(other, sys::nodeaff_nodemap_xor).expect("nodeaff_nodemap_xor")
    }

    pub fn is_subset(&self, other: &NodeMap) -> bool {
        // SAFETY: two live maps.
        unsafe { sys::nodeaff_nodemap_is_subset(self.as_ptr(), other.as_ptr()) == 1 }
    }

    pub fn intersects(&self, other: &NodeMap) -> bool {
        // SAFETY: two live maps.
        unsafe { sys::nodeaff_nodemap_intersects(self.as_ptr(), other.as_ptr()) == 1 }
    }

    /// Replaces the contents with Xen's raw bitmap layout (struct
    /// xenctl_bitmap): `nr_bits` bits of `bytes`.  EINVAL if bytes is
    /// shorter than (nr_bits + 7) / 8; ERANGE if a set bit is >= size.
    pub fn import_raw(&mut self, bytes: &[u8], nr_bits: u32) -> io::Result<()> {
        if (bytes.len() as u64) < (nr_bits as u64 + 7) / 8 {
            return Err(io::Error::from_raw_os_error(libc_einval()));
        }
        // SAFETY: bytes holds at least the bytes the call reads.
        check(unsafe {
            sys::nodeaff_nodemap_import_raw(self.as_mut_ptr(), bytes.as_ptr() as *const _, nr_bits)
        })
        .map(drop)
    }

    /// The map in Xen's raw layout, (nr_bits + 7) / 8 bytes.  ERANGE if a
    /// node is >= nr_bits.
    pub fn export_raw(&self, nr_bits: u32) -> io::Result<Vec<u8>> {
        let mut buf = vec![0u8; (nr_bits as usize + 7) / 8];
        // SAFETY: buf has the room the call writes.
        let n = check(unsafe {
            sys::nodeaff_nodemap_export_raw(self.as_ptr(), buf.as_mut_ptr() as *mut _, nr_bits)
        })?;
        buf.truncate(n as usize);
        Ok(buf)
    }
}

/// EINVAL without a libc crate (the value is the same on every Linux
/// architecture).
pub(crate) fn libc_einval() -> i32 {
    22
}

impl Drop for NodeMap {
    fn drop(&mut self) {
        // SAFETY: we own the map; drop runs once.
        unsafe { sys::nodeaff_nodemap_free(self.ptr.as_ptr()) }
    }
}

impl Clone for NodeMap {
    fn clone(&self) -> NodeMap {
        // SAFETY: self is live.
        unsafe { NodeMap::copy_of(self.as_ptr()) }.expect("nodeaff_nodemap_copy: out of memory")
    }
}

/// Equal sets, whatever the two sizes.
impl PartialEq for NodeMap {
    fn eq(&self, other: &NodeMap) -> bool {
        // SAFETY: two live maps.
        unsafe { sys::nodeaff_nodemap_equal(self.as_ptr(), other.as_ptr()) == 1 }
    }
}

impl Eq for NodeMap {}

/// The canonical list format: "0,2-3", "none".
impl fmt::Display for NodeMap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.format(Format::List))
    }
}

impl fmt::Debug for NodeMap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "NodeMap({}/{})", self, self.size())
    }
}

/// The nodeset grammar, for a map of [`DEFAULT_SIZE`].
impl FromStr for NodeMap {
    type Err = ParseError;
    fn from_str(s: &str) -> Result<NodeMap, ParseError> {
        NodeMap::parse_default(s)
    }
}

/// The nodes of a map, ascending.
pub struct Iter<'a> {
    map: &'a NodeMap,
    next: Option<u32>,
}

impl<'a> Iterator for Iter<'a> {
    type Item = u32;
    fn next(&mut self) -> Option<u32> {
        let cur = self.next?;
        // SAFETY: the borrow keeps the map alive and unchanged.
        let r = unsafe { sys::nodeaff_nodemap_next(self.map.as_ptr(), cur as c_uint) };
        self.next = if r < 0 { None } else { Some(r as u32) };
        Some(cur)
    }
}

impl<'a> IntoIterator for &'a NodeMap {
    type Item = u32;
    type IntoIter = Iter<'a>;
    fn into_iter(self) -> Iter<'a> {
        self.iter()
    }
}
