// SPDX-License-Identifier: LGPL-2.1-or-later
//! A domain made with libxenctrl (bindgen's bindings of xenctrl.h), as
//! qemu-numa-rig/guest/rig-guest.c makes one: one vCPU, unlimited maxmem,
//! never started; destroyed on drop.
#![allow(non_camel_case_types, non_upper_case_globals, non_snake_case, dead_code)]

use std::io;
use std::ptr;

mod sys {
    #![allow(non_camel_case_types, non_upper_case_globals, non_snake_case, dead_code, deref_nullptr)]
    include!(concat!(env!("OUT_DIR"), "/xenctrl.rs"));
}

pub struct Xc(*mut sys::xc_interface);

impl Xc {
    pub fn open() -> io::Result<Xc> {
        // SAFETY: NULL loggers are allowed (log to stderr).
        let p = unsafe { sys::xc_interface_open(ptr::null_mut(), ptr::null_mut(), 0) };
        if p.is_null() {
            return Err(io::Error::last_os_error());
        }
        Ok(Xc(p))
    }

    fn create_sid(&self, ssidref: u32) -> io::Result<u32> {
        // SAFETY: a zeroed createdomain is valid; the fields set below are
        // what rig_domain_create_sid() sets.
        let mut cfg: sys::xen_domctl_createdomain = unsafe { std::mem::zeroed() };
        cfg.ssidref = ssidref;
        cfg.max_vcpus = 1;
        cfg.max_evtchn_port = 1023;
        cfg.max_grant_frames = 1;
        cfg.max_maptrack_frames = 0;
        cfg.grant_opts = 1; // XEN_DOMCTL_GRANT_version(1)
        let mut domid = 0u32;
        // SAFETY: live interface, valid pointers.
        unsafe {
            if sys::xc_domain_create(self.0, &mut domid, &mut cfg) != 0 {
                return Err(io::Error::last_os_error());
            }
            if sys::xc_domain_max_vcpus(self.0, domid, 1) != 0
                || sys::xc_domain_setmaxmem(self.0, domid, !0u64 >> 12) != 0
            {
                let e = io::Error::last_os_error();
                sys::xc_domain_destroy(self.0, domid);
                return Err(e);
            }
        }
        Ok(domid)
    }

    /// A new domain (labelled domU_t where FLASK asks for a label).
    pub fn create(&self) -> io::Result<Domain<'_>> {
        let id = match self.create_sid(0) {
            Err(e) if e.raw_os_error() == Some(13) => {
                let label = b"system_u:system_r:domU_t\0";
                let mut sid = 0u32;
                // SAFETY: label is NUL-terminated, sid a valid out-pointer.
                if unsafe {
                    sys::xc_flask_context_to_sid(self.0, label.as_ptr() as *mut _, label.len() as _, &mut sid)
                } != 0
                {
                    return Err(io::Error::last_os_error());
                }
                self.create_sid(sid)?
            }
            r => r?,
        };
        Ok(Domain { xc: self, id, next_gpfn: 0x1000 })
    }
}

impl Drop for Xc {
    fn drop(&mut self) {
        // SAFETY: ours, closed once.
        unsafe { sys::xc_interface_close(self.0) };
    }
}

pub struct Domain<'a> {
    xc: &'a Xc,
    pub id: u32,
    next_gpfn: u64,
}

impl Domain<'_> {
    /// Populates nr 4 KiB pages; the error of the first chunk that fails.
    pub fn populate(&mut self, nr: u64) -> io::Result<()> {
        let mut done = 0;
        while done < nr {
            let n = (nr - done).min(1024);
            let mut pfns: Vec<sys::xen_pfn_t> = (0..n).map(|i| self.next_gpfn + i).collect();
            self.next_gpfn += n;
            // SAFETY: pfns holds n entries.
            if unsafe {
                sys::xc_domain_populate_physmap_exact(self.xc.0, self.id, n as _, 0, 0, pfns.as_mut_ptr())
            } != 0
            {
                return Err(io::Error::last_os_error());
            }
            done += n;
        }
        Ok(())
    }
}

impl Drop for Domain<'_> {
    fn drop(&mut self) {
        // SAFETY: live interface; the domain is ours.
        unsafe { sys::xc_domain_destroy(self.xc.0, self.id) };
    }
}
