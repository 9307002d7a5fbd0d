/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The reference toolstack's domain build: a Linux PV guest whose memory
 * libnodeaff placed.  pv-guest-toolstack.c is the command around it; the
 * rig's real-guest test (qemu-numa-rig/guest/t-guests.c) uses the same
 * functions so it can look at the guest between the steps.
 *
 * The order is the one libxl and xenguest use, with libnodeaff where it
 * belongs: placement, create, max_vcpus, setmaxmem, a claim of the
 * guest's memory on its nodes (issue 16), node affinity, and only then
 * the first populate (xc_dom_boot_mem_init), after which what is left of
 * the claim is cancelled.  See nodeaff(3), "IN A TOOLSTACK".
 */
#ifndef PV_GUEST_H
#define PV_GUEST_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <xenctrl.h>

#include "nodeaff.h"

struct pv_guest_config {
    const char *name;          /* xenstore name */
    const char *kernel;        /* vmlinuz (ELF, gzip'd ELF or bzImage) */
    const char *ramdisk;       /* initramfs, or NULL */
    const char *cmdline;       /* the guest kernel's command line */
    const char *seclabel;      /* FLASK label, e.g. system_u:system_r:domU_t */
    unsigned int memory_mib;   /* populated at build */
    unsigned int maxmem_mib;   /* balloon ceiling (>= memory_mib) */
    unsigned int vcpus;
    const char *nodes;         /* "1", "0-1", "auto": nodeaff_config_nodes() */
    unsigned int flags;        /* NODEAFF_STRICT, or 0 for preferred */
};

struct pv_guest {
    uint32_t domid;
    struct nodeaff_nodemap *nodes;   /* the affinity it was built with */
    struct timespec created_at;      /* CLOCK_MONOTONIC, at xc_domain_create */
    /* The claim made before populating: 0 made; -EOPNOTSUPP the
     * hypervisor has no per-node claims, the guest was built without. */
    int claim_rc;
    uint64_t claimed_pages;          /* claimed, all nodes */
    uint64_t claim_unused;           /* left after the populate, cancelled */
    /* private */
    xc_interface *xch;
    struct xs_handle *xsh;
    struct xenevtchn_handle *xce;
    struct xenforeignmemory_handle *fmem;
    struct xencons_interface *cons;
    int port;                        /* our end of the console channel */
    char *out;                       /* everything the console said */
    size_t out_len, out_cap, scan;   /* scan: where the next wait looks */
};

/*
 * Builds and starts the guest.  On success returns 0 with g filled in and
 * the guest running.  On failure returns -errno, puts the reason in why
 * (one sentence naming the cause) and leaves no domain behind:
 * -ENOENT  kernel or ramdisk unreadable (nothing created);
 * -EINVAL  bad configuration, a node set the host lacks (nothing created);
 * -ENOMEM  the memory does not fit (strict: on the node set), or its claim
 *          was refused: the set's free memory others have not claimed is
 *          too small (nothing was populated);
 * -EOPNOTSUPP strict affinity on a hypervisor without the series;
 * -ECONNREFUSED no xenstored to introduce the guest to;
 * other -errno from libxenctrl, libxenguest, libxenstore.
 */
int pv_guest_boot(struct nodeaff_handle *h, xc_interface *xch,
                  const struct pv_guest_config *cfg, struct pv_guest *g,
                  char *why, size_t why_len);

/*
 * Reads the guest's console until a line starting with prefix appears
 * (after the last line an earlier call returned), or timeout_ms passes.
 * Returns 0 with the line (no newline) in line; -ETIMEDOUT; -ESRCH if the
 * domain died (shut down, crashed).
 */
int pv_guest_wait_line(struct pv_guest *g, const char *prefix,
                       unsigned int timeout_ms, char *line, size_t len);

/* Writes text to the guest's console input.  Returns 0 or -errno. */
int pv_guest_send(struct pv_guest *g, const char *text);

/* The last nr_lines lines of the console, in a buffer owned by g. */
const char *pv_guest_console_tail(struct pv_guest *g, unsigned int nr_lines);

/* Destroys the domain and frees g's resources.  Returns 0 or -errno. */
int pv_guest_destroy(struct pv_guest *g);

#endif
