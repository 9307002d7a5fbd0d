/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Upstream operations through libxencall: the domctls and sysctls are
 * built here, from Xen's public headers, and stamped with the interface
 * versions of the running release (h->release, found at open).  That is
 * what libxenctrl does too, but libxenctrl stamps the versions of the one
 * release it was built for, and its soname changes with every release.
 *
 * The structures used here are byte-identical from Xen 4.17 to 4.22;
 * tests/xen-abi checks each release's headers.  Every function returns 0
 * (or a count) or a negative errno; the caller holds the lock.
 */
#include <errno.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>

#define __XEN_TOOLS__ 1
#include <xen/xen.h>
#include <xen/domctl.h>
#include <xen/sysctl.h>
#include <xen/version.h>
#include <xencall.h>

#include "xen/backend.h"

static int known(const struct nodeaff_handle *h)
{
    return h->release != NULL;
}

/* The domctl in the handle's buffer, zeroed, stamped with version. */
NODEAFF_HOT
static struct xen_domctl *domctl_prepare(struct nodeaff_handle *h,
                                         uint32_t cmd, uint32_t domid,
                                         uint32_t version)
{
    struct xen_domctl *op = h->buf;

    memset(op, 0, sizeof(*op));
    op->cmd = cmd;
    op->interface_version = version;
    op->domain = (domid_t)domid;
    return op;
}

NODEAFF_HOT
static int domctl_call(struct nodeaff_handle *h)
{
    int ret = xencall1(h->xcall, __HYPERVISOR_domctl,
                       (uint64_t)(uintptr_t)h->buf);

    return nodeaff_xen_errno(ret, errno);
}

/*
 * A sysctl with room for payload bytes behind it, in its own hypercall
 * buffer (the sysctls are not on any hot path).  Returns NULL if out of
 * memory; *ret_payload points behind the struct.
 */
static struct xen_sysctl *sysctl_alloc(struct nodeaff_handle *h, uint32_t cmd,
                                       size_t payload, void **ret_payload)
{
    size_t head = (sizeof(struct xen_sysctl) + 7) & ~(size_t)7;
    struct xen_sysctl *op = xencall_alloc_buffer(h->xcall, head + payload);

    if (!op)
        return NULL;
    memset(op, 0, head + payload);
    op->cmd = cmd;
    op->interface_version = h->release->sysctl_version;
    if (ret_payload)
        *ret_payload = (uint8_t *)op + head;
    return op;
}

static int sysctl_call(struct nodeaff_handle *h, struct xen_sysctl *op)
{
    int ret = xencall1(h->xcall, __HYPERVISOR_sysctl,
                       (uint64_t)(uintptr_t)op);

    return nodeaff_xen_errno(ret, errno);
}

int nodeaff_up_xen_version(struct nodeaff_handle *h, unsigned int *ret_major,
                           unsigned int *ret_minor)
{
    /* XENVER_version takes no buffer: the result is the return value. */
    int ret = xencall2(h->xcall, __HYPERVISOR_xen_version, XENVER_version, 0);

    if (ret < 0)
        return nodeaff_xen_errno(ret, errno);
    *ret_major = (unsigned int)ret >> 16;
    *ret_minor = (unsigned int)ret & 0xffff;
    return 0;
}

int nodeaff_up_probe_domctl(struct nodeaff_handle *h, unsigned int version)
{
    domctl_prepare(h, XEN_DOMCTL_getdomaininfo, 0, version);
    return domctl_call(h);
}

/*
 * Xen copies min(nr_bits, MAX_NUMNODES) bits of the map and ignores the
 * rest, so a map of NODEAFF_XEN_FULL_BITS zeroed past the host's nodes
 * works on any MAX_NUMNODES.
 */
NODEAFF_HOT
int nodeaff_up_set_affinity(struct nodeaff_handle *h, uint32_t domid,
                            const uint8_t *bytes)
{
    struct xen_domctl *op;

    if (!known(h))
        return NODEAFF_ERR_UNKNOWN_RELEASE;
    op = domctl_prepare(h, XEN_DOMCTL_setnodeaffinity, domid,
                        h->release->domctl_version);
    memcpy(nodeaff_buf_bitmap(h), bytes, NODEAFF_XEN_FULL_BITS / 8);
    set_xen_guest_handle(op->u.nodeaffinity.nodemap.bitmap,
                         nodeaff_buf_bitmap(h));
    op->u.nodeaffinity.nodemap.nr_bits = NODEAFF_XEN_FULL_BITS;
    return domctl_call(h);
}

/* Xen writes its MAX_NUMNODES bits and zero-fills the rest of nr_bits. */
NODEAFF_HOT
int nodeaff_up_get_affinity(struct nodeaff_handle *h, uint32_t domid,
                            uint8_t *bytes)
{
    struct xen_domctl *op;
    int ret;

    if (!known(h))
        return NODEAFF_ERR_UNKNOWN_RELEASE;
    op = domctl_prepare(h, XEN_DOMCTL_getnodeaffinity, domid,
                        h->release->domctl_version);
    set_xen_guest_handle(op->u.nodeaffinity.nodemap.bitmap,
                         nodeaff_buf_bitmap(h));
    op->u.nodeaffinity.nodemap.nr_bits = NODEAFF_XEN_FULL_BITS;
    ret = domctl_call(h);
    if (ret == 0)
        memcpy(bytes, nodeaff_buf_bitmap(h), NODEAFF_XEN_FULL_BITS / 8);
    return ret;
}

/*
 * Stock Xen resets to automatic affinity when it is given a *full* mask:
 * every one of MAX_NUMNODES bits.  A map larger than any MAX_NUMNODES with
 * every bit set is full on every Xen.
 */
int nodeaff_up_reset_affinity(struct nodeaff_handle *h, uint32_t domid)
{
    uint8_t full[NODEAFF_XEN_FULL_BITS / 8];

    memset(full, 0xff, sizeof(full));
    return nodeaff_up_set_affinity(h, domid, full);
}

/*
 * The host's node count: the highest online node id + 1, as the series'
 * usage op counts.  Not physinfo's max_node_id + 1: Xen sets that to
 * MAX_NUMNODES (64 on x86) whatever the host has.  numainfo without
 * buffers only counts.
 */
int nodeaff_up_nr_nodes(struct nodeaff_handle *h)
{
    unsigned int n = 0;
    int ret = nodeaff_up_numainfo(h, &n, NULL, NULL);

    if (ret < 0)
        return ret;
    return n > 0 ? (int)n : -EIO;
}

int nodeaff_up_physinfo(struct nodeaff_handle *h, uint32_t *ret_max_node_id,
                        uint32_t *ret_max_cpu_id)
{
    struct xen_sysctl *op;
    int ret;

    if (!known(h))
        return NODEAFF_ERR_UNKNOWN_RELEASE;
    op = sysctl_alloc(h, XEN_SYSCTL_physinfo, 0, NULL);
    if (!op)
        return -ENOMEM;
    ret = sysctl_call(h, op);
    if (ret == 0) {
        *ret_max_node_id = op->u.physinfo.max_node_id;
        *ret_max_cpu_id = op->u.physinfo.max_cpu_id;
    }
    xencall_free_buffer(h->xcall, op);
    return ret;
}

/* Without mem and distance Xen only counts the nodes. */
int nodeaff_up_numainfo(struct nodeaff_handle *h, unsigned int *nr_nodes,
                        struct xen_sysctl_meminfo *mem, uint32_t *distance)
{
    size_t n = *nr_nodes, mem_bytes, dist_bytes;
    struct xen_sysctl *op;
    uint8_t *payload = NULL;
    int ret;

    if (!known(h))
        return NODEAFF_ERR_UNKNOWN_RELEASE;
    mem_bytes = mem ? n * sizeof(*mem) : 0;
    dist_bytes = distance ? n * n * sizeof(*distance) : 0;
    op = sysctl_alloc(h, XEN_SYSCTL_numainfo, mem_bytes + dist_bytes,
                      (void **)&payload);
    if (!op)
        return -ENOMEM;
    op->u.numainfo.num_nodes = (uint32_t)n;
    if (mem)
        set_xen_guest_handle(op->u.numainfo.meminfo,
                             (xen_sysctl_meminfo_t *)payload);
    if (distance)
        set_xen_guest_handle(op->u.numainfo.distance,
                             (uint32_t *)(payload + mem_bytes));
    ret = sysctl_call(h, op);
    if (ret == 0) {
        n = op->u.numainfo.num_nodes < n || (!mem && !distance)
            ? op->u.numainfo.num_nodes : n;
        if (mem)
            memcpy(mem, payload, n * sizeof(*mem));
        if (distance)
            memcpy(distance, payload + mem_bytes, n * n * sizeof(*distance));
        *nr_nodes = (unsigned int)n;
    }
    xencall_free_buffer(h->xcall, op);
    return ret;
}

int nodeaff_up_cputopoinfo(struct nodeaff_handle *h, unsigned int *nr_cpus,
                           struct xen_sysctl_cputopo *cpus)
{
    size_t n = *nr_cpus;
    struct xen_sysctl *op;
    void *payload = NULL;
    int ret;

    if (!known(h))
        return NODEAFF_ERR_UNKNOWN_RELEASE;
    op = sysctl_alloc(h, XEN_SYSCTL_cputopoinfo, n * sizeof(*cpus), &payload);
    if (!op)
        return -ENOMEM;
    op->u.cputopoinfo.num_cpus = (uint32_t)n;
    set_xen_guest_handle(op->u.cputopoinfo.cputopo,
                         (xen_sysctl_cputopo_t *)payload);
    ret = sysctl_call(h, op);
    if (ret == 0) {
        if (op->u.cputopoinfo.num_cpus < n)
            n = op->u.cputopoinfo.num_cpus;
        memcpy(cpus, payload, n * sizeof(*cpus));
        *nr_cpus = (unsigned int)n;
    }
    xencall_free_buffer(h->xcall, op);
    return ret;
}

int nodeaff_up_for_each_domain(struct nodeaff_handle *h,
                               int (*fn)(const struct xen_domctl_getdomaininfo *info,
                                         void *ctx),
                               void *ctx)
{
    enum { BATCH = 256 };
    struct xen_domctl_getdomaininfo *info;
    struct xen_sysctl *op;
    uint32_t next = 0;
    unsigned int i, got;
    int ret = 0;

    if (!known(h))
        return NODEAFF_ERR_UNKNOWN_RELEASE;
    op = sysctl_alloc(h, XEN_SYSCTL_getdomaininfolist,
                      BATCH * sizeof(*info), (void **)&info);
    if (!op)
        return -ENOMEM;
    for (;;) {
        op->cmd = XEN_SYSCTL_getdomaininfolist;
        op->interface_version = h->release->sysctl_version;
        op->u.getdomaininfolist.first_domain = (domid_t)next;
        op->u.getdomaininfolist.max_domains = BATCH;
        op->u.getdomaininfolist.num_domains = 0;
        set_xen_guest_handle(op->u.getdomaininfolist.buffer, info);
        ret = sysctl_call(h, op);
        if (ret < 0)
            break;
        got = op->u.getdomaininfolist.num_domains;
        if (got > BATCH) {
            ret = -EIO;
            break;
        }
        for (i = 0; i < got && ret == 0; i++)
            ret = fn(&info[i], ctx);
        if (ret < 0 || got < BATCH)
            break;
        next = info[got - 1].domain + 1U;
        if (next >= DOMID_FIRST_RESERVED)
            break;
    }
    xencall_free_buffer(h->xcall, op);
    return ret;
}

static int cmp_domid(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

    return x < y ? -1 : x > y;
}

struct domid_list {
    uint32_t *ids;
    unsigned int n, size;
};

static int append_domid(const struct xen_domctl_getdomaininfo *info,
                        void *ctx)
{
    struct domid_list *l = ctx;

    if (l->n == l->size) {
        unsigned int size = l->size ? 2 * l->size : 64;
        uint32_t *grown = realloc(l->ids, size * sizeof(*grown));

        if (!grown)
            return -ENOMEM;
        l->ids = grown;
        l->size = size;
    }
    l->ids[l->n++] = info->domain;
    return 0;
}

/* The caller sees a sorted list and, on failure, nothing written. */
int nodeaff_up_list_domains(struct nodeaff_handle *h, uint32_t *ret_domids,
                            unsigned int nr_entries)
{
    struct domid_list l = { NULL, 0, 0 };
    unsigned int i;
    int ret;

    ret = nodeaff_up_for_each_domain(h, append_domid, &l);
    if (ret == 0) {
        if (l.n > 1)
            qsort(l.ids, l.n, sizeof(*l.ids), cmp_domid);
        for (i = 0; i < l.n && i < nr_entries; i++)
            ret_domids[i] = l.ids[i];
        ret = (int)l.n;
    }
    free(l.ids);
    return ret;
}
