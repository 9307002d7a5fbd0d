/* The rig's real guest (issue 15): a Linux PV domU (dom0's kernel and the
 * guest payload's initramfs, carried by `rig --guest-payload` into
 * /rig/domu) built by the reference toolstack's code (src/examples/
 * pv-guest.c).  Shared by t-guests, demo-guest and bench-guest-boot. */
#ifndef REAL_GUEST_H
#define REAL_GUEST_H

#include <stddef.h>

#include "pv-guest.h"

#define REAL_GUEST_KERNEL "/rig/domu/vmlinux.gz"
#define REAL_GUEST_RAMDISK "/rig/domu/initrd.gz"
#define REAL_GUEST_CMDLINE "console=hvc0 quiet"

/* 1 if this dom0 carries the guest, else 0. */
int real_guest_present(void);

/* Starts Debian's xenstored and xen-init-dom0 (a Linux guest waits for
 * xenstore at boot).  Returns 0, or the shell's exit status with its
 * output in out. */
int real_guest_start_xenstore(char *out, size_t len);

/* Boots the guest on node with memory_mib (maxmem_mib ceiling), flags
 * NODEAFF_STRICT or 0, labelled seclabel (NULL: none) under FLASK, as
 * pv_guest_boot(). */
int real_guest_boot(struct nodeaff_handle *h, xc_interface *xch, unsigned int node,
                    unsigned int memory_mib, unsigned int maxmem_mib, unsigned int flags,
                    const char *seclabel, struct pv_guest *g, char *why, size_t len);


#endif
