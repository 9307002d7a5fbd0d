/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The Xen backend's private interface, shared by the files of src/xen/ and
 * the backend unit tests.  Xen types appear only here and in the backend
 * sources, never in the public header.
 *
 * The library talks to Xen through libxencall alone (a stable .so.1), never
 * libxenctrl (its soname changes with every Xen release): it builds the
 * domctls and sysctls itself, stamped with the interface versions of the
 * running release, found once at open.
 *
 * Files, one concern each (like libxencall's core + osdep_* split):
 *   handle.c        open/close, the lock, the release, feature detection
 *   releases.c      the known Xen releases and their interface versions
 *   errno-map.c     libxencall's -1/errno turned into -errno
 *   upstream-ops.c  upstream domctls/sysctls through libxencall, stamped
 *                   with the release's interface versions
 *   stable-ops.c    the carried series' stable domctls, through libxencall
 *   host-topology.c nodeaff_topology_from_host()
 *   checks.c        argument checks that run before any hypercall
 *   domain.c        the public nodeaff_domain_* calls: checks, then routing
 *   claims.c        the public node claim calls: checks, then stable ops
 */
#ifndef NODEAFF_XEN_BACKEND_H
#define NODEAFF_XEN_BACKEND_H

#include <errno.h>
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "nodeaff-private.h"

struct xencall_handle;
struct xen_domctl_getdomaininfo;

/* One row of releases.c's table. */
struct nodeaff_xen_release {
    unsigned int major, minor;
    unsigned int domctl_version;     /* XEN_DOMCTL_INTERFACE_VERSION */
    unsigned int sysctl_version;     /* XEN_SYSCTL_INTERFACE_VERSION */
};

/*
 * What upstream and series operations fail with when the hypervisor cannot
 * serve them for a reason other than the call itself.  Distinct from every
 * errno the hypervisor returns for a call, so a caller can tell a version
 * problem from a denial (-EACCES/-EPERM) or a missing feature (-EOPNOTSUPP).
 */
#define NODEAFF_ERR_UNKNOWN_RELEASE (-EPROTONOSUPPORT)
#define NODEAFF_ERR_SERIES_VERSION  (-EPROTO)

struct nodeaff_handle {
    struct xencall_handle *xcall;    /* every hypercall */
    pthread_mutex_t lock;            /* serializes every call on the handle */
    unsigned int features;           /* NODEAFF_FEATURE_* */
    unsigned int nr_nodes;           /* host node ids: last online + 1 */
    unsigned int xen_major, xen_minor;   /* XENVER_version */
    /* The release's row, or NULL when this library does not know it: the
     * upstream ops then fail with NODEAFF_ERR_UNKNOWN_RELEASE. */
    const struct nodeaff_xen_release *release;
    /* The domctl version the hypervisor answered to (the release's, or
     * probed with getdomaininfo when it is unknown); 0 if none did. */
    unsigned int spoken_domctl;
    /* What strict/state/usage fail with when the series is absent:
     * -EOPNOTSUPP, or NODEAFF_ERR_SERIES_VERSION when the hypervisor
     * carries the series at another version. */
    int series_err;
    void *buf;                       /* hypercall buffer for the domctls */
    size_t buf_size;
};

/*
 * The bitmap size the stable ops and the stock reset use.  Xen copies only
 * MAX_NUMNODES bits of it, so a map this large reads as "full" on any Xen
 * (x86 has 64 nodes, Arm 1) and a reset never depends on MAX_NUMNODES.
 */
#define NODEAFF_XEN_FULL_BITS 1024U

/* errno-map.c: returns -errno for a libxencall failure (-1 with
 * errno set), never 0: a failure without errno becomes -EIO.  Returns ret
 * unchanged when it is not negative. */
int nodeaff_xen_errno(int ret, int saved_errno);

/* checks.c: argument checks shared by domain.c, callable without a
 * hypervisor so the unit tests can prove bad input stops here.
 * check_nodes: -EINVAL if nodes is NULL or empty, -ERANGE if it holds a
 * node >= nr_nodes, 0 otherwise. */
int nodeaff_xen_check_nodes(const struct nodeaff_nodemap *nodes,
                            unsigned int nr_nodes);
/* -EINVAL if flags has bits outside allowed. */
int nodeaff_xen_check_flags(unsigned int flags, unsigned int allowed);
/* A claim vector: -EINVAL if pages is NULL with nr_entries > 0, -ERANGE if
 * a nonzero count is at an index >= nr_nodes, -EOVERFLOW if the counts'
 * sum does not fit 64 bits, 0 otherwise. */
int nodeaff_xen_check_claim(const uint64_t *pages, unsigned int nr_entries,
                            unsigned int nr_nodes);

/* DOMID_FIRST_RESERVED: ids from here on are not domains, and Xen's
 * 16-bit domid_t would silently truncate anything above 0xffff. */
#define NODEAFF_DOMID_LIMIT 0x7ff0U

static inline int nodeaff_xen_check_domid(uint32_t domid)
{
    return domid >= NODEAFF_DOMID_LIMIT ? -EINVAL : 0;
}

static inline int nodeaff_xen_has(const struct nodeaff_handle *h,
                                  unsigned int feature)
{
    return (h->features & feature) != 0;
}

/* Why a feature is missing, as the errno the calls return: the affinity
 * ops are upstream's (-EPROTONOSUPPORT on a release this library does not
 * know, so that a missing feature does not blame the series); every other
 * feature is the series' (series_err). */
static inline int nodeaff_xen_missing(const struct nodeaff_handle *h,
                                      unsigned int feature)
{
    if (feature == NODEAFF_FEATURE_AFFINITY)
        return h->release ? -EOPNOTSUPP : NODEAFF_ERR_UNKNOWN_RELEASE;
    return h->series_err;
}

/* handle.c */
void nodeaff_xen_lock(struct nodeaff_handle *h);
void nodeaff_xen_unlock(struct nodeaff_handle *h);

/* releases.c: the row for Xen major.minor, or NULL if it is not known;
 * the newest known row (never NULL in the library). */
const struct nodeaff_xen_release *nodeaff_xen_release_find(unsigned int major,
                                                           unsigned int minor);
const struct nodeaff_xen_release *nodeaff_xen_release_newest(void);

/* upstream-ops.c: upstream operations; the caller holds the lock (at open:
 * owns the handle).  Each returns NODEAFF_ERR_UNKNOWN_RELEASE without a
 * hypercall when h->release is NULL.  bytes holds NODEAFF_XEN_FULL_BITS / 8
 * bytes in xenctl_bitmap layout. */
int nodeaff_up_set_affinity(struct nodeaff_handle *h, uint32_t domid,
                            const uint8_t *bytes);
int nodeaff_up_get_affinity(struct nodeaff_handle *h, uint32_t domid,
                            uint8_t *bytes);
int nodeaff_up_reset_affinity(struct nodeaff_handle *h, uint32_t domid);
int nodeaff_up_list_domains(struct nodeaff_handle *h, uint32_t *ret_domids,
                            unsigned int nr_entries);
/* Calls fn(info, ctx) for every domain (XEN_SYSCTL_getdomaininfolist, in
 * batches) until fn returns non-zero.  Returns 0, fn's negative return,
 * or -errno. */
int nodeaff_up_for_each_domain(struct nodeaff_handle *h,
                               int (*fn)(const struct xen_domctl_getdomaininfo *info,
                                         void *ctx),
                               void *ctx);
/* The host's node ids: last online + 1 (numainfo), or -errno. */
int nodeaff_up_nr_nodes(struct nodeaff_handle *h);
/* XEN_SYSCTL_physinfo: the largest possible node and CPU ids. */
int nodeaff_up_physinfo(struct nodeaff_handle *h, uint32_t *ret_max_node_id,
                        uint32_t *ret_max_cpu_id);
/* XEN_SYSCTL_numainfo for *nr_nodes nodes into mem (nr_nodes entries of
 * struct xen_sysctl_meminfo) and distance (nr_nodes^2, row stride = the
 * count written back to *nr_nodes). */
struct xen_sysctl_meminfo;
struct xen_sysctl_cputopo;
int nodeaff_up_numainfo(struct nodeaff_handle *h, unsigned int *nr_nodes,
                        struct xen_sysctl_meminfo *mem, uint32_t *distance);
/* XEN_SYSCTL_cputopoinfo for *nr_cpus CPUs. */
int nodeaff_up_cputopoinfo(struct nodeaff_handle *h, unsigned int *nr_cpus,
                           struct xen_sysctl_cputopo *cpus);
/* XEN_DOMCTL_getdomaininfo of domain 0 stamped with version: 0 or the
 * hypervisor's -errno (-EACCES: it speaks another version).  Read-only;
 * used to find the version of a release this library does not know. */
int nodeaff_up_probe_domctl(struct nodeaff_handle *h, unsigned int version);
/* __HYPERVISOR_xen_version/XENVER_version: 0 or -errno. */
int nodeaff_up_xen_version(struct nodeaff_handle *h, unsigned int *ret_major,
                           unsigned int *ret_minor);

/* stable-ops.c: the series' domctls; the caller holds the lock.
 * flags are XEN_NODEAFF_F_* which equal NODEAFF_STRICT / NODEAFF_AUTO. */
int nodeaff_stable_set_affinity(struct nodeaff_handle *h, uint32_t domid,
                                const uint8_t *bytes, unsigned int flags);
int nodeaff_stable_get_affinity(struct nodeaff_handle *h, uint32_t domid,
                                uint8_t *bytes, unsigned int *ret_flags);
int nodeaff_stable_reset_affinity(struct nodeaff_handle *h, uint32_t domid);
int nodeaff_stable_get_usage(struct nodeaff_handle *h, uint32_t domid,
                             uint64_t *pages, unsigned int nr_nodes);
/* Claims (patch 0008).  set_claim sends pages[0 .. nr_entries-1] for the
 * host's h->nr_nodes node ids, zeros after them (nr_entries <= nr_nodes;
 * pages may be NULL when nr_entries is 0, which cancels); on -ENOMEM it
 * writes the short node and what was available there.  get_claim and
 * get_host_claims write h->nr_nodes entries to pages and the sums only on
 * success; host-wide (optional) gets u.claim.global. */
int nodeaff_stable_set_claim(struct nodeaff_handle *h, uint32_t domid,
                             const uint64_t *pages, unsigned int nr_entries,
                             uint32_t *ret_short_node,
                             uint64_t *ret_short_avail);
int nodeaff_stable_get_claim(struct nodeaff_handle *h, uint32_t domid,
                             uint64_t *pages, uint64_t *ret_host_wide);
int nodeaff_stable_get_host_claims(struct nodeaff_handle *h, uint64_t *pages,
                                   uint64_t *ret_all_claims);
/* The buffer the stable ops need for a host of nr_nodes nodes; the
 * upstream domctls use its first part. */
size_t nodeaff_stable_buf_size(unsigned int nr_nodes);
/* The bitmap area of that buffer (NODEAFF_XEN_FULL_BITS / 8 bytes). */
uint8_t *nodeaff_buf_bitmap(struct nodeaff_handle *h);
/* A stable get_affinity on domain 0 stamped with version instead of
 * XEN_DOMCTL_NODEAFF_VERSION: tells a series of another version (-EACCES
 * from the series' own check) from no series (-ENOSYS from Xen's switch). */
int nodeaff_stable_probe_version(struct nodeaff_handle *h, uint32_t version);
/* The series' usage op asked for 0 nodes on domain 0 answers -ENOBUFS with
 * the host's node count: the count without a sysctl.  Returns it or -errno. */
int nodeaff_stable_nr_nodes(struct nodeaff_handle *h);

#endif /* NODEAFF_XEN_BACKEND_H */
