/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The Xen backend's private interface, shared by the files of src/xen/ and
 * the backend unit tests.  Xen and libxenctrl types appear only here and in
 * the backend sources, never in the public header.
 *
 * Files, one concern each (like libxencall's core + osdep_* split):
 *   handle.c        open/close, the lock, feature detection
 *   errno-map.c     libxenctrl's -1/errno turned into -errno
 *   xc-ops.c        upstream operations, through libxenctrl
 *   stable-ops.c    the carried series' stable domctls, through libxencall
 *   host-topology.c nodeaff_topology_from_host()
 *   checks.c        argument checks that run before any hypercall
 *   domain.c        the public nodeaff_domain_* calls: checks, then routing
 */
#ifndef NODEAFF_XEN_BACKEND_H
#define NODEAFF_XEN_BACKEND_H

#include <pthread.h>
#include <stdint.h>

#include "nodeaff-private.h"

struct xc_interface_core;
struct xencall_handle;
struct xen_domctl_getdomaininfo;

struct nodeaff_handle {
    struct xc_interface_core *xch;   /* upstream ops, sysctls */
    struct xencall_handle *xcall;    /* our stable ops */
    pthread_mutex_t lock;            /* serializes every call on the handle */
    unsigned int features;           /* NODEAFF_FEATURE_* */
    unsigned int nr_nodes;           /* host node ids: last online + 1 */
    void *buf;                       /* hypercall buffer for stable ops */
    size_t buf_size;
};

/*
 * The bitmap size the stable ops and the stock reset use.  Xen copies only
 * MAX_NUMNODES bits of it, so a map this large reads as "full" on any Xen
 * (x86 has 64 nodes, Arm 1) and a reset never depends on MAX_NUMNODES.
 */
#define NODEAFF_XEN_FULL_BITS 1024U

/* errno-map.c: returns -errno for a libxenctrl/libxencall failure (-1 with
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

/* handle.c */
void nodeaff_xen_lock(struct nodeaff_handle *h);
void nodeaff_xen_unlock(struct nodeaff_handle *h);

/* xc-ops.c: upstream operations; the caller holds the lock.  bytes holds
 * NODEAFF_XEN_FULL_BITS / 8 bytes in xenctl_bitmap layout (libxenctrl
 * reads and writes MAX_NUMNODES bits of it). */
int nodeaff_xc_set_affinity(struct nodeaff_handle *h, uint32_t domid,
                            const uint8_t *bytes);
int nodeaff_xc_get_affinity(struct nodeaff_handle *h, uint32_t domid,
                            uint8_t *bytes);
int nodeaff_xc_reset_affinity(struct nodeaff_handle *h, uint32_t domid);
int nodeaff_xc_list_domains(struct nodeaff_handle *h, uint32_t *ret_domids,
                            unsigned int nr_entries);
/* Calls fn(info, ctx) for every domain (xc_domain_getinfolist, in
 * batches) until fn returns non-zero.  Returns 0, fn's negative return,
 * or -errno. */
int nodeaff_xc_for_each_domain(struct nodeaff_handle *h,
                               int (*fn)(const struct xen_domctl_getdomaininfo *info,
                                         void *ctx),
                               void *ctx);
int nodeaff_xc_nr_nodes(struct nodeaff_handle *h);

/* stable-ops.c: the series' domctls; the caller holds the lock.
 * flags are XEN_NODEAFF_F_* which equal NODEAFF_STRICT / NODEAFF_AUTO. */
int nodeaff_stable_set_affinity(struct nodeaff_handle *h, uint32_t domid,
                                const uint8_t *bytes, unsigned int flags);
int nodeaff_stable_get_affinity(struct nodeaff_handle *h, uint32_t domid,
                                uint8_t *bytes, unsigned int *ret_flags);
int nodeaff_stable_reset_affinity(struct nodeaff_handle *h, uint32_t domid);
int nodeaff_stable_get_usage(struct nodeaff_handle *h, uint32_t domid,
                             uint64_t *pages, unsigned int nr_nodes);
/* The buffer the stable ops need for a host of nr_nodes nodes. */
size_t nodeaff_stable_buf_size(unsigned int nr_nodes);

#endif /* NODEAFF_XEN_BACKEND_H */
