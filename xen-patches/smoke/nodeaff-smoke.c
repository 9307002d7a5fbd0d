/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * nodeaff-smoke: a dom0 program that exercises the series' domctls with
 * raw privcmd hypercalls (no libxenctrl), on dom0 itself and on PV domains
 * it creates (never started), node claims included, and prints
 * "PASS ..." / "FAIL ..." lines that smoke/run greps from the serial log.
 * Needs a 2-node host where dom0 lives on node 0 and node 1 is free.
 *
 * Built static against the release's public <xen/...> headers (smoke/run
 * picks them: libxen-dev's or the source's) plus the header that
 * xen-patches/extract-public-header prints (as "nodeaff-public.h").
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#define __XEN_TOOLS__ 1
#include <xen/xen.h>
#include <xen/domctl.h>
#include <xen/sysctl.h>
#include <xen/memory.h>
#include <xen/sys/privcmd.h>
#include <xen/xsm/flask_op.h>
#include "nodeaff-public.h"

static int fd;
static int failures;
static uint8_t *arena;        /* locked hypercall buffers */

#define CHECK(cond, ...) do {                                   \
        if ( cond ) { printf("PASS "); printf(__VA_ARGS__); }   \
        else { printf("FAIL "); printf(__VA_ARGS__); failures++; } \
        printf("\n"); fflush(stdout);                           \
    } while ( 0 )

static long hcall(unsigned long op, unsigned long a1, unsigned long a2)
{
    privcmd_hypercall_t h = { .op = op, .arg = { a1, a2 } };
    long r = ioctl(fd, IOCTL_PRIVCMD_HYPERCALL, &h);

    return r < 0 ? -errno : r;
}

static struct xen_domctl_nodeaff *nop(uint32_t cmd)
{
    struct xen_domctl_nodeaff *n = (void *)arena;

    memset(n, 0, sizeof(struct xen_domctl));
    n->cmd = cmd;
    n->interface_version = XEN_DOMCTL_NODEAFF_VERSION;
    n->domain = 0;
    return n;
}

static long run(struct xen_domctl_nodeaff *n)
{
    return hcall(__HYPERVISOR_domctl, (unsigned long)n, 0);
}

static uint8_t *bitmap = NULL;  /* in arena */
static uint64_t *pages = NULL;  /* in arena */

static long usage_of(domid_t dom, uint64_t *u0, uint64_t *u1, uint64_t *tot)
{
    struct xen_domctl_nodeaff *n = nop(XEN_DOMCTL_nodeaff_get_usage);
    long r;

    n->domain = dom;
    n->u.usage.nr_nodes = 64;
    set_xen_guest_handle(n->u.usage.pages, pages);
    r = run(n);
    if ( r == 0 )
    {
        *u0 = pages[0];
        *u1 = n->u.usage.nr_nodes > 1 ? pages[1] : 0;
        *tot = n->u.usage.tot_pages;
    }
    return r;
}

static long usage(uint64_t *u0, uint64_t *u1, uint64_t *tot)
{
    return usage_of(0, u0, u1, tot);
}

static long set_aff_of(domid_t dom, uint64_t mask, uint32_t flags)
{
    struct xen_domctl_nodeaff *n = nop(XEN_DOMCTL_nodeaff_set_affinity);

    n->domain = dom;
    memset(bitmap, 0, 8);
    memcpy(bitmap, &mask, 8);
    n->u.affinity.flags = flags;
    n->u.affinity.nodemap.nr_bits = 64;
    set_xen_guest_handle(n->u.affinity.nodemap.bitmap, bitmap);
    return run(n);
}

static long set_aff(uint64_t mask, uint32_t flags)
{
    struct xen_domctl_nodeaff *n = nop(XEN_DOMCTL_nodeaff_set_affinity);

    memset(bitmap, 0, 8);
    memcpy(bitmap, &mask, 8);
    n->u.affinity.flags = flags;
    n->u.affinity.nodemap.nr_bits = 64;
    set_xen_guest_handle(n->u.affinity.nodemap.bitmap, bitmap);
    return run(n);
}

static long get_aff(uint64_t *mask, uint32_t *flags)
{
    struct xen_domctl_nodeaff *n = nop(XEN_DOMCTL_nodeaff_get_affinity);
    long r;

    memset(bitmap, 0xff, 16);
    n->u.affinity.nodemap.nr_bits = 64;
    set_xen_guest_handle(n->u.affinity.nodemap.bitmap, bitmap);
    r = run(n);
    if ( r == 0 )
    {
        memcpy(mask, bitmap, 8);
        *flags = n->u.affinity.flags;
    }
    return r;
}

static void debug_key(char k)
{
    struct xen_sysctl *s = (void *)arena;
    char *keys = (char *)arena + 2048;

    memset(s, 0, sizeof(*s));
    keys[0] = k;
    s->cmd = XEN_SYSCTL_debug_keys;
    s->interface_version = XEN_SYSCTL_INTERFACE_VERSION;
    set_xen_guest_handle(s->u.debug_keys.keys, keys);
    s->u.debug_keys.nr_keys = 1;
    printf("debug key %c -> %ld\n", k, hcall(__HYPERVISOR_sysctl, (unsigned long)s, 0));
    fflush(stdout);
    sleep(1);
}

/* Grab up to max pages for a domain in batches; returns pages obtained. */
static unsigned long grab_for(domid_t dom, xen_pfn_t *mfns, unsigned long max)
{
    unsigned long got = 0;

    while ( got < max )
    {
        struct xen_memory_reservation *r = (void *)(arena + 3072);
        unsigned long batch = max - got > 4096 ? 4096 : max - got;
        long done;

        memset(r, 0, sizeof(*r));
        set_xen_guest_handle(r->extent_start, mfns + got);
        r->nr_extents = batch;
        r->extent_order = 0;
        r->domid = dom;
        done = hcall(__HYPERVISOR_memory_op, XENMEM_increase_reservation,
                     (unsigned long)r);
        if ( done <= 0 )
            break;
        got += done;
        if ( (unsigned long)done < batch )
            break;
    }
    return got;
}

static unsigned long grab(xen_pfn_t *mfns, unsigned long max)
{
    return grab_for(DOMID_SELF, mfns, max);
}

static long domctl(struct xen_domctl *d)
{
    d->interface_version = XEN_DOMCTL_INTERFACE_VERSION;
    return hcall(__HYPERVISOR_domctl, (unsigned long)d, 0);
}

/*
 * A second (PV, never started) domain: strict allocation on its behalf
 * from dom0, usage vs 'u', then destruction (relinquish paths; the
 * hypervisor logs "still counted" if a counter does not return to 0).
 */
static long flask_op(xen_flask_op_t *op)
{
    op->interface_version = XEN_FLASK_INTERFACE_VERSION;
    return hcall(__HYPERVISOR_xsm_op, (unsigned long)op, 0);
}

/* SID of a FLASK context, or 0 when FLASK is not there. */
static uint32_t flask_sid(const char *ctx)
{
    xen_flask_op_t *op = (void *)(arena + 24576);
    char *buf = (char *)arena + 28672;

    memset(op, 0, sizeof(*op));
    strcpy(buf, ctx);
    op->cmd = FLASK_CONTEXT_TO_SID;
    op->u.sid_context.size = strlen(ctx);
    set_xen_guest_handle(op->u.sid_context.context, buf);
    return flask_op(op) == 0 ? op->u.sid_context.sid : 0;
}

static long flask_setbool(const char *name, int value)
{
    xen_flask_op_t *op = (void *)(arena + 24576);
    char *buf = (char *)arena + 28672;

    memset(op, 0, sizeof(*op));
    strcpy(buf, name);
    op->cmd = FLASK_SETBOOL;
    op->u.boolean.bool_id = -1;
    op->u.boolean.new_value = value;
    op->u.boolean.commit = 1;
    op->u.boolean.size = strlen(name);
    set_xen_guest_handle(op->u.boolean.name, buf);
    return flask_op(op);
}

static long create_pv(uint32_t ssidref, domid_t *dom)
{
    struct xen_domctl *d = (void *)(arena + 16384);
    long r;

    memset(d, 0, sizeof(*d));
    d->cmd = XEN_DOMCTL_createdomain;
    d->u.createdomain.ssidref = ssidref;
    d->u.createdomain.max_vcpus = 1;
    d->u.createdomain.max_evtchn_port = 1023;
    d->u.createdomain.max_grant_frames = 4;
    d->u.createdomain.max_maptrack_frames = 4;
    d->u.createdomain.grant_opts = XEN_DOMCTL_GRANT_version(1);
#ifdef DOMID_ANY
    /* 4.21+: domain 0 means domid 0 (-EEXIST); DOMID_ANY lets Xen choose. */
    d->domain = DOMID_ANY;
#endif
    r = domctl(d);
    *dom = d->domain;
    return r;
}


static void domu_tests(xen_pfn_t *mfns, unsigned long want)
{
    struct xen_domctl *d = (void *)(arena + 16384);
    struct xen_domctl_nodeaff *n;
    uint64_t u0, u1, tot;
    unsigned long got;
    domid_t dom;
    long r;
    int i;

    /* Under FLASK a domain needs a label dom0 may create: domU_t. */
    r = create_pv(flask_sid("system_u:system_r:domU_t"), &dom);
    CHECK(r == 0, "createdomain -> %ld (domain %u)", r, dom);
    if ( r )
        return;

    memset(d, 0, sizeof(*d));
    d->cmd = XEN_DOMCTL_max_mem;
    d->domain = dom;
    d->u.max_mem.max_memkb = 4ULL << 20;
    CHECK((r = domctl(d)) == 0, "max_mem d%u -> %ld", dom, r);

    n = nop(XEN_DOMCTL_nodeaff_get_affinity);
    n->domain = dom;
    n->u.affinity.nodemap.nr_bits = 8;
    set_xen_guest_handle(n->u.affinity.nodemap.bitmap, bitmap);
    r = run(n);
    CHECK(r == -ENOBUFS && n->u.affinity.nodemap.nr_bits == 64,
          "d%u (no vCPUs: automatic = all 64) get nr_bits=8 -> %ld nr_bits=%u (want -ENOBUFS, 64)",
          dom, r, n->u.affinity.nodemap.nr_bits);

    CHECK((r = set_aff_of(dom, 2, XEN_NODEAFF_F_STRICT)) == 0,
          "d%u set strict {1} -> %ld", dom, r);
    got = grab_for(dom, mfns, want);
    r = usage_of(dom, &u0, &u1, &tot);
    printf("d%u strict grab: got %lu pages; node0 %llu node1 %llu tot %llu\n",
           dom, got, (unsigned long long)u0, (unsigned long long)u1,
           (unsigned long long)tot);
    CHECK(r == 0 && got > 0 && got < want && u0 == 0 && u1 == got && tot == got,
          "d%u strict: all %lu pages on node 1, allocation stopped", dom, got);
    printf("USAGE-BEFORE-U d%u node0=%llu node1=%llu tot=%llu\n", dom,
           (unsigned long long)u0, (unsigned long long)u1,
           (unsigned long long)tot);
    debug_key('u');

    memset(d, 0, sizeof(*d));
    d->cmd = XEN_DOMCTL_destroydomain;
    d->domain = dom;
    CHECK((r = domctl(d)) == 0, "destroydomain d%u -> %ld", dom, r);
    r = usage_of(dom, &u0, &u1, &tot);
    CHECK(r == -ESRCH, "get_usage on destroyed d%u -> %ld (want -ESRCH)", dom, r);
    for ( i = 0; i < 20; i++ )
    {
        memset(d, 0, sizeof(*d));
        d->cmd = XEN_DOMCTL_getdomaininfo;
        d->domain = dom;
        r = domctl(d);
        if ( r == -ESRCH || (r == 0 && d->domain != dom) )
            break;
        sleep(1);
    }
    CHECK(r == -ESRCH || (r == 0 && d->domain != dom),
          "d%u fully destroyed (getdomaininfo -> %ld, domain %u)", dom, r, d->domain);
}

static void give_back(xen_pfn_t *mfns, unsigned long n)
{
    unsigned long off = 0;

    while ( off < n )
    {
        struct xen_memory_reservation *r = (void *)(arena + 3072);
        unsigned long batch = n - off > 4096 ? 4096 : n - off;
        long done;

        memset(r, 0, sizeof(*r));
        set_xen_guest_handle(r->extent_start, mfns + off);
        r->nr_extents = batch;
        r->domid = DOMID_SELF;
        done = hcall(__HYPERVISOR_memory_op, XENMEM_decrease_reservation,
                     (unsigned long)r);
        if ( done <= 0 )
            break;
        off += done;
    }
    CHECK(off == n, "decrease_reservation gave back %lu/%lu pages", off, n);
}

/* --- Node claims (patch 0008) ------------------------------------------ */

static uint64_t *cpages = NULL;  /* in arena: claim vectors */

/* Free pages on nodes 0 and 1 (numainfo's memfree); returns 0 or -errno. */
static long node_free(uint64_t *f0, uint64_t *f1)
{
    struct xen_sysctl *s = (void *)(arena + 16384);
    xen_sysctl_meminfo_t *mi = (void *)(arena + 13312);
    long r;

    memset(s, 0, sizeof(*s));
    memset(mi, 0, 2 * sizeof(*mi));
    s->cmd = XEN_SYSCTL_numainfo;
    s->interface_version = XEN_SYSCTL_INTERFACE_VERSION;
    s->u.numainfo.num_nodes = 2;
    set_xen_guest_handle(s->u.numainfo.meminfo, mi);
    r = hcall(__HYPERVISOR_sysctl, (unsigned long)s, 0);
    *f0 = mi[0].memfree >> 12;
    *f1 = mi[1].memfree >> 12;
    return r;
}

/* set_claim for @dom with @nr entries from @v; the op stays in arena. */
static long set_claim(domid_t dom, uint32_t nr, const uint64_t *v,
                      struct xen_domctl_nodeaff **out)
{
    struct xen_domctl_nodeaff *n = nop(XEN_DOMCTL_nodeaff_set_claim);

    n->domain = dom;
    memset(cpages, 0, 64 * sizeof(*cpages));
    if ( nr )
        memcpy(cpages, v, nr * sizeof(*cpages));
    n->u.claim.nr_nodes = nr;
    set_xen_guest_handle(n->u.claim.pages, cpages);
    if ( out )
        *out = n;
    return run(n);
}

static long set_claim2(domid_t dom, uint64_t c0, uint64_t c1,
                       struct xen_domctl_nodeaff **out)
{
    uint64_t v[2] = { c0, c1 };

    return set_claim(dom, 2, v, out);
}

/*
 * get_claim of @dom, or get_host_claims with dom = DOMID_INVALID: pages on
 * nodes 0 and 1, total and global.
 */
static long get_claim(domid_t dom, uint64_t *c0, uint64_t *c1,
                      uint64_t *total, uint64_t *global)
{
    struct xen_domctl_nodeaff *n =
        nop(dom == DOMID_INVALID ? XEN_DOMCTL_nodeaff_get_host_claims
                                 : XEN_DOMCTL_nodeaff_get_claim);
    long r;

    n->domain = dom;
    memset(cpages, 0xff, 64 * sizeof(*cpages));
    n->u.claim.nr_nodes = 64;
    set_xen_guest_handle(n->u.claim.pages, cpages);
    r = run(n);
    *c0 = cpages[0];
    *c1 = n->u.claim.nr_nodes > 1 ? cpages[1] : 0;
    *total = n->u.claim.total;
    *global = n->u.claim.global;
    return r;
}

/* XENMEM_claim_pages: the host-wide claim (upstream's). */
static long claim_pages(domid_t dom, unsigned long nr)
{
    struct xen_memory_reservation *r = (void *)(arena + 3072);

    memset(r, 0, sizeof(*r));
    r->nr_extents = nr;
    r->domid = dom;
    return hcall(__HYPERVISOR_memory_op, XENMEM_claim_pages, (unsigned long)r);
}

static long set_max_mem(domid_t dom, uint64_t kb)
{
    struct xen_domctl *d = (void *)(arena + 16384);

    memset(d, 0, sizeof(*d));
    d->cmd = XEN_DOMCTL_max_mem;
    d->domain = dom;
    d->u.max_mem.max_memkb = kb;
    return domctl(d);
}

static long destroy_and_wait(domid_t dom)
{
    struct xen_domctl *d = (void *)(arena + 16384);
    long r;
    int i;

    memset(d, 0, sizeof(*d));
    d->cmd = XEN_DOMCTL_destroydomain;
    d->domain = dom;
    r = domctl(d);
    if ( r )
        return r;
    for ( i = 0; i < 20; i++ )
    {
        memset(d, 0, sizeof(*d));
        d->cmd = XEN_DOMCTL_getdomaininfo;
        d->domain = dom;
        r = domctl(d);
        if ( r == -ESRCH || (r == 0 && d->domain != dom) )
            return 0;
        sleep(1);
    }
    return -EBUSY;
}

/* Debug key 'u', with what the claims should read (smoke/run compares). */
static void claim_debug_key(domid_t dom)
{
    uint64_t c0, c1, tot, glob, h0, h1, htot, hglob;

    get_claim(dom, &c0, &c1, &tot, &glob);
    get_claim(DOMID_INVALID, &h0, &h1, &htot, &hglob);
    printf("CLAIM-BEFORE-U d%u 0:%llu 1:%llu host 0:%llu 1:%llu\n", dom,
           (unsigned long long)c0, (unsigned long long)c1,
           (unsigned long long)h0, (unsigned long long)h1);
    debug_key('u');
}

/*
 * Claims on node 1 for a PV domain (never started): the errors, what the
 * claim reserves against dom0's strict allocations, consumption by the
 * domain's own, the host-wide claim interplay, and release at destruction.
 */
static void claim_tests(xen_pfn_t *mfns, unsigned long want)
{
    const unsigned long N = 65536, M = 4096;
    struct xen_domctl_nodeaff *n;
    uint64_t c0, c1, tot, glob, f0, f1, g0, g1, big[3];
    unsigned long got, got0, K;
    domid_t dom, dom2;
    long r;

    /* dom0 may be claimed for like any other domain. */
    CHECK((r = set_claim2(0, 0, 1000, &n)) == 0 && n->u.claim.total == 1000,
          "claim: set d0 {0,1000} -> %ld total %llu", r,
          (unsigned long long)n->u.claim.total);
    r = get_claim(0, &c0, &c1, &tot, &glob);
    CHECK(r == 0 && c0 == 0 && c1 == 1000 && tot == 1000 && glob == 0,
          "claim: get d0 -> %ld {%llu,%llu} total %llu global %llu", r,
          (unsigned long long)c0, (unsigned long long)c1,
          (unsigned long long)tot, (unsigned long long)glob);
    n = nop(XEN_DOMCTL_nodeaff_set_claim);
    n->u.claim.total = 777;      /* OUT: must come back as what is left */
    r = run(n);
    CHECK(r == 0 && n->u.claim.total == 0,
          "claim: cancel d0 (nr_nodes 0) -> %ld total %llu (want 0, 0)", r,
          (unsigned long long)n->u.claim.total);
    r = get_claim(DOMID_INVALID, &c0, &c1, &tot, &glob);
    CHECK(r == 0 && c0 == 0 && c1 == 0 && tot == 0 && glob == 0,
          "claim: host after cancel -> %ld {%llu,%llu} total %llu all %llu", r,
          (unsigned long long)c0, (unsigned long long)c1,
          (unsigned long long)tot, (unsigned long long)glob);

    r = create_pv(flask_sid("system_u:system_r:domU_t"), &dom);
    CHECK(r == 0, "claim: createdomain -> %ld (domain %u)", r, dom);
    if ( r )
        return;
    CHECK((r = set_max_mem(dom, 4ULL << 20)) == 0, "claim: max_mem d%u 4 GiB -> %ld", dom, r);

    /* Errors, each changing nothing. */
    n = nop(XEN_DOMCTL_nodeaff_set_claim);
    n->domain = dom;
    n->u.claim.nr_nodes = 1;
    set_xen_guest_handle(n->u.claim.pages, cpages);
    r = run(n);
    CHECK(r == -ENOBUFS && n->u.claim.nr_nodes == 2,
          "claim: set nr_nodes=1 -> %ld nr_nodes=%u (want -ENOBUFS, 2)", r,
          n->u.claim.nr_nodes);
    big[0] = 0; big[1] = 10; big[2] = 10;
    CHECK((r = set_claim(dom, 3, big, NULL)) == -EINVAL,
          "claim: set nr_nodes=3, count on offline node 2 -> %ld (want -EINVAL)", r);
    big[2] = 0;
    CHECK((r = set_claim(dom, 3, big, NULL)) == -EINVAL,
          "claim: set nr_nodes=3 (longer than 2) -> %ld (want -EINVAL)", r);
    n = nop(XEN_DOMCTL_nodeaff_set_claim);
    n->domain = dom;
    n->u.claim.nr_nodes = 2;
    n->u.claim.node = 1;
    set_xen_guest_handle(n->u.claim.pages, cpages);
    CHECK((r = run(n)) == -EINVAL, "claim: set node!=0 -> %ld (want -EINVAL)", r);
    CHECK((r = set_claim2(dom, 0, (4ULL << 18) + 1, NULL)) == -EINVAL,
          "claim: more than max_pages -> %ld (want -EINVAL)", r);
    CHECK((r = set_claim2(dom, 1ULL << 63, 1ULL << 63, NULL)) == -EOVERFLOW,
          "claim: sum wraps -> %ld (want -EOVERFLOW)", r);
    n = nop(XEN_DOMCTL_nodeaff_set_claim);
    n->domain = dom;
    n->u.claim.nr_nodes = 2;
    set_xen_guest_handle(n->u.claim.pages, (uint64_t *)8);
    CHECK((r = run(n)) == -EFAULT, "claim: set bad buffer -> %ld (want -EFAULT)", r);
    n = nop(XEN_DOMCTL_nodeaff_get_host_claims);
    n->domain = 0;
    n->u.claim.nr_nodes = 2;
    set_xen_guest_handle(n->u.claim.pages, cpages);
    CHECK((r = run(n)) == -EINVAL, "claim: get_host_claims domain 0 -> %ld (want -EINVAL)", r);
    n = nop(XEN_DOMCTL_nodeaff_get_host_claims);
    n->domain = DOMID_INVALID;
    n->u.claim.nr_nodes = 1;
    set_xen_guest_handle(n->u.claim.pages, cpages);
    r = run(n);
    CHECK(r == -ENOBUFS && n->u.claim.nr_nodes == 2,
          "claim: get_host_claims nr_nodes=1 -> %ld nr_nodes=%u (want -ENOBUFS, 2)",
          r, n->u.claim.nr_nodes);
    r = get_claim(dom, &c0, &c1, &tot, &glob);
    CHECK(r == 0 && tot == 0, "claim: d%u holds nothing after the errors (total %llu)",
          dom, (unsigned long long)tot);

    /* A claim on node 1, and everybody sees it. */
    r = set_claim2(dom, 0, N, &n);
    CHECK(r == 0 && n->u.claim.total == N && n->u.claim.global == 0,
          "claim: set d%u {0,%lu} -> %ld total %llu global %llu", dom, N, r,
          (unsigned long long)n->u.claim.total,
          (unsigned long long)n->u.claim.global);
    r = get_claim(dom, &c0, &c1, &tot, &glob);
    CHECK(r == 0 && c0 == 0 && c1 == N && tot == N && glob == 0,
          "claim: get d%u -> %ld {%llu,%llu} total %llu global %llu", dom, r,
          (unsigned long long)c0, (unsigned long long)c1,
          (unsigned long long)tot, (unsigned long long)glob);
    r = get_claim(DOMID_INVALID, &c0, &c1, &tot, &glob);
    CHECK(r == 0 && c0 == 0 && c1 == N && tot == N && glob == N,
          "claim: host -> %ld {%llu,%llu} node claims %llu all claims %llu", r,
          (unsigned long long)c0, (unsigned long long)c1,
          (unsigned long long)tot, (unsigned long long)glob);
    claim_debug_key(dom);

    /* -ENOMEM: all or nothing, the short node and what was there. */
    node_free(&f0, &f1);
    r = set_claim2(dom, 1, f1 + 1, &n);
    CHECK(r == -ENOMEM && n->u.claim.node == 1 &&
          n->u.claim.avail <= f1 && n->u.claim.avail + 64 >= f1,
          "claim: {1,free1+1=%llu} -> %ld node %u avail %llu (want -ENOMEM, 1, ~%llu)",
          (unsigned long long)(f1 + 1), r, n->u.claim.node,
          (unsigned long long)n->u.claim.avail, (unsigned long long)f1);
    r = set_claim2(dom, f0 + 1, 1, &n);
    CHECK(r == -ENOMEM && n->u.claim.node == 0 &&
          n->u.claim.avail <= f0 && n->u.claim.avail + 64 >= f0,
          "claim: {free0+1=%llu,1} -> %ld node %u avail %llu (want -ENOMEM, 0, ~%llu)",
          (unsigned long long)(f0 + 1), r, n->u.claim.node,
          (unsigned long long)n->u.claim.avail, (unsigned long long)f0);
    r = get_claim(dom, &c0, &c1, &tot, &glob);
    CHECK(r == 0 && c0 == 0 && c1 == N && tot == N,
          "claim: unchanged after -ENOMEM: {%llu,%llu} total %llu",
          (unsigned long long)c0, (unsigned long long)c1,
          (unsigned long long)tot);

    /* Host-wide claims: one kind per domain, and both share the host. */
    CHECK((r = claim_pages(dom, N * 2)) == -EBUSY,
          "claim: XENMEM_claim_pages on node-claiming d%u -> %ld (want -EBUSY)", dom, r);
    CHECK((r = claim_pages(dom, 0)) == 0,
          "claim: XENMEM_claim_pages 0 on d%u -> %ld", dom, r);
    r = create_pv(flask_sid("system_u:system_r:domU_t"), &dom2);
    CHECK(r == 0, "claim: createdomain -> %ld (domain %u)", r, dom2);
    if ( r == 0 )
    {
        set_max_mem(dom2, 4ULL << 20);
        node_free(&f0, &f1);
        /* Everything but N (d1's) and 1000 pages. */
        K = f0 + f1 - N - 1000;
        CHECK((r = claim_pages(dom2, K)) == 0,
              "claim: XENMEM_claim_pages d%u %lu (free %llu) -> %ld", dom2, K,
              (unsigned long long)(f0 + f1), r);
        CHECK((r = set_claim2(dom2, 0, 1, NULL)) == -EBUSY,
              "claim: set_claim on host-claiming d%u -> %ld (want -EBUSY)", dom2, r);
        r = set_claim2(dom, 0, N + 2000, &n);
        CHECK(r == -ENOMEM && n->u.claim.node == XEN_NODEAFF_CLAIM_HOST &&
              n->u.claim.avail <= N + 1000 && n->u.claim.avail + 64 >= N + 1000,
              "claim: {0,N+2000} beside d%u's host-wide claim -> %ld node %#x avail %llu (want -ENOMEM, HOST, ~%lu)",
              dom2, r, n->u.claim.node, (unsigned long long)n->u.claim.avail,
              N + 1000);
        r = get_claim(DOMID_INVALID, &c0, &c1, &tot, &glob);
        CHECK(r == 0 && c1 == N && tot == N && glob == N + K,
              "claim: host {%llu,%llu} node claims %llu all claims %llu (want N, N, N+K)",
              (unsigned long long)c0, (unsigned long long)c1,
              (unsigned long long)tot, (unsigned long long)glob);
        CHECK((r = claim_pages(dom2, 0)) == 0, "claim: XENMEM_claim_pages 0 on d%u -> %ld", dom2, r);
        CHECK((r = destroy_and_wait(dom2)) == 0, "claim: destroyed d%u -> %ld", dom2, r);
    }

    /* The domain's own allocations on node 1 consume its claim. */
    CHECK((r = set_aff_of(dom, 2, XEN_NODEAFF_F_STRICT)) == 0, "claim: d%u strict {1} -> %ld", dom, r);
    got = grab_for(dom, mfns, M);
    r = get_claim(dom, &c0, &c1, &tot, &glob);
    CHECK(got == M && r == 0 && c1 == N - M && tot == N - M,
          "claim: d%u took %lu of %lu on node 1, claim now %llu (want %lu)",
          dom, got, M, (unsigned long long)c1, N - M);
    claim_debug_key(dom);

    /* dom0, strict on node 1 and not claiming, cannot take the claim. */
    CHECK((r = set_aff(2, XEN_NODEAFF_F_STRICT)) == 0, "claim: d0 strict {1} -> %ld", r);
    node_free(&f0, &f1);
    got0 = grab(mfns, want);
    node_free(&g0, &g1);
    printf("claim: dom0 strict grab on node 1: free %llu, claimed %lu, got %lu, left %llu\n",
           (unsigned long long)f1, N - M, got0, (unsigned long long)g1);
    /* All of node 1 but the claim (a few pages of slack for Xen's own). */
    CHECK(got0 <= f1 - (N - M) && got0 + 64 >= f1 - (N - M),
          "claim: d0 got %lu = free %llu - claimed %lu (within 64 below)", got0,
          (unsigned long long)f1, N - M);
    CHECK(g1 >= N - M, "claim: node 1 still has the claimed %lu free (%llu)",
          N - M, (unsigned long long)g1);
    r = get_claim(dom, &c0, &c1, &tot, &glob);
    CHECK(r == 0 && c1 == N - M, "claim: d%u's claim untouched by d0 (%llu)",
          dom, (unsigned long long)c1);

    /* ...which the claiming domain then gets, all of it. */
    got = grab_for(dom, mfns + got0, N);
    r = get_claim(DOMID_INVALID, &c0, &c1, &tot, &glob);
    CHECK(got >= N - M && r == 0 && c1 == 0 && tot == 0 && glob == 0,
          "claim: d%u then took %lu >= %lu on the full node; host claims %llu all %llu",
          dom, got, N - M, (unsigned long long)tot, (unsigned long long)glob);
    give_back(mfns, got0);
    n = nop(XEN_DOMCTL_nodeaff_reset_affinity);
    CHECK((r = run(n)) == 0, "claim: d0 reset affinity -> %ld", r);

    /* Cancel: all zeros, and nr_nodes 0. */
    CHECK((r = set_claim2(dom, 0, 1000, NULL)) == 0, "claim: set d%u {0,1000} -> %ld", dom, r);
    CHECK((r = set_claim2(dom, 0, 0, NULL)) == 0, "claim: set d%u {0,0} -> %ld", dom, r);
    r = get_claim(dom, &c0, &c1, &tot, &glob);
    CHECK(r == 0 && tot == 0, "claim: all zeros cancelled (total %llu)", (unsigned long long)tot);
    CHECK((r = set_claim2(dom, 1000, 1000, NULL)) == 0, "claim: set d%u {1000,1000} -> %ld", dom, r);
    CHECK((r = set_claim(dom, 0, NULL, NULL)) == 0, "claim: set d%u nr_nodes 0 -> %ld", dom, r);
    r = get_claim(DOMID_INVALID, &c0, &c1, &tot, &glob);
    CHECK(r == 0 && tot == 0 && glob == 0, "claim: nr_nodes 0 cancelled (host %llu all %llu)",
          (unsigned long long)tot, (unsigned long long)glob);

    /* Destruction releases the claim. */
    CHECK((r = set_claim2(dom, 2000, 3000, NULL)) == 0, "claim: set d%u {2000,3000} -> %ld", dom, r);
    claim_debug_key(dom);
    CHECK((r = destroy_and_wait(dom)) == 0, "claim: destroyed d%u -> %ld", dom, r);
    r = get_claim(DOMID_INVALID, &c0, &c1, &tot, &glob);
    CHECK(r == 0 && c0 == 0 && c1 == 0 && tot == 0 && glob == 0,
          "claim: host after destroy {%llu,%llu} node claims %llu all %llu (want 0)",
          (unsigned long long)c0, (unsigned long long)c1,
          (unsigned long long)tot, (unsigned long long)glob);
    r = get_claim(dom, &c0, &c1, &tot, &glob);
    CHECK(r == -ESRCH, "claim: get_claim on destroyed d%u -> %ld (want -ESRCH)", dom, r);
}

/*
 * FLASK only: the policy grants dom0 the nodeaff permissions over a
 * prot_domU_t domain while the boolean prot_doms_locked is false; once it
 * is set they are gone, and the ops must answer -EPERM.
 */
static void flask_eperm_tests(void)
{
    uint32_t sid = flask_sid("system_u:system_r:prot_domU_t");
    uint64_t u0, u1, tot;
    domid_t dom;
    long r;

    if ( !sid )
        return;
    CHECK((r = create_pv(sid, &dom)) == 0, "flask: create prot_domU_t -> %ld (d%u)", r, dom);
    if ( r )
        return;
    CHECK((r = usage_of(dom, &u0, &u1, &tot)) == 0, "flask: get_usage d%u unlocked -> %ld", dom, r);
    CHECK((r = flask_setbool("prot_doms_locked", 1)) == 0, "flask: setbool prot_doms_locked=1 -> %ld", r);
    CHECK((r = usage_of(dom, &u0, &u1, &tot)) == -EPERM, "flask: get_usage d%u locked -> %ld (want -EPERM)", dom, r);
    CHECK((r = set_aff_of(dom, 2, XEN_NODEAFF_F_STRICT)) == -EPERM, "flask: set_affinity d%u locked -> %ld (want -EPERM)", dom, r);
    CHECK((r = set_claim2(dom, 0, 1, NULL)) == -EPERM, "flask: set_claim d%u locked -> %ld (want -EPERM)", dom, r);
    {
        uint64_t c0, c1, ctot, cglob;

        CHECK((r = get_claim(dom, &c0, &c1, &ctot, &cglob)) == -EPERM,
              "flask: get_claim d%u locked -> %ld (want -EPERM)", dom, r);
        CHECK((r = get_claim(DOMID_INVALID, &c0, &c1, &ctot, &cglob)) == 0,
              "flask: get_host_claims (xen physinfo) -> %ld", r);
    }
    flask_setbool("prot_doms_locked", 0);
}

int main(void)
{
    struct xen_domctl_nodeaff *n;
    uint64_t u0, u1, tot, v0, v1, vtot, mask;
    uint32_t flags;
    unsigned long want = 330000, got;
    xen_pfn_t *mfns;
    long r;

    fd = open("/dev/xen/privcmd", O_RDWR);
    if ( fd < 0 )
    {
        perror("open /dev/xen/privcmd");
        return 1;
    }
    arena = mmap(NULL, 1 << 16, PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS | MAP_LOCKED, -1, 0);
    mfns = mmap(NULL, want * sizeof(*mfns), PROT_READ | PROT_WRITE,
                MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE | MAP_LOCKED, -1, 0);
    if ( arena == MAP_FAILED || mfns == MAP_FAILED )
    {
        perror("mmap");
        return 1;
    }
    memset(arena, 0, 1 << 16);
    bitmap = arena + 4096;
    pages = (uint64_t *)(arena + 8192);
    cpages = (uint64_t *)(arena + 12288);

    /* Usage, and the same moment through debug key 'u'. */
    r = usage(&u0, &u1, &tot);
    CHECK(r == 0, "get_usage dom0 -> %ld: node0=%llu node1=%llu tot=%llu", r,
          (unsigned long long)u0, (unsigned long long)u1,
          (unsigned long long)tot);
    printf("USAGE-BEFORE-U d0 node0=%llu node1=%llu tot=%llu\n",
           (unsigned long long)u0, (unsigned long long)u1,
           (unsigned long long)tot);
    debug_key('u');
    r = usage(&v0, &v1, &vtot);
    printf("USAGE-AFTER-U d0 node0=%llu node1=%llu tot=%llu\n",
           (unsigned long long)v0, (unsigned long long)v1,
           (unsigned long long)vtot);

    /* Error paths. */
    n = nop(XEN_DOMCTL_nodeaff_get_usage);
    n->interface_version = XEN_DOMCTL_INTERFACE_VERSION;
    CHECK((r = run(n)) == -EACCES, "wrong version -> %ld (want -EACCES)", r);
    n = nop(0x4e4100ffU);
    CHECK((r = run(n)) == -EOPNOTSUPP, "unknown cmd in range -> %ld (want -EOPNOTSUPP)", r);
    n = nop(XEN_DOMCTL_nodeaff_get_usage);
    n->domain = 4242;
    CHECK((r = run(n)) == -ESRCH, "unknown domain -> %ld (want -ESRCH)", r);
    n = nop(XEN_DOMCTL_nodeaff_get_usage);
    n->u.usage.pad = 1;
    CHECK((r = run(n)) == -EINVAL, "usage pad!=0 -> %ld (want -EINVAL)", r);
    n = nop(XEN_DOMCTL_nodeaff_get_usage);
    n->_pad[1] = 1;
    CHECK((r = run(n)) == -EINVAL, "_pad!=0 -> %ld (want -EINVAL)", r);
    n = nop(XEN_DOMCTL_nodeaff_get_usage);
    n->u.usage.nr_nodes = 1;
    set_xen_guest_handle(n->u.usage.pages, pages);
    r = run(n);
    CHECK(r == -ENOBUFS && n->u.usage.nr_nodes == 2,
          "usage nr_nodes=1 -> %ld, nr_nodes=%u (want -ENOBUFS, 2)", r,
          n->u.usage.nr_nodes);
    n = nop(XEN_DOMCTL_nodeaff_get_usage);
    n->u.usage.nr_nodes = 2;
    set_xen_guest_handle(n->u.usage.pages, (uint64_t *)8);
    CHECK((r = run(n)) == -EFAULT, "usage bad buffer -> %ld (want -EFAULT)", r);

    n = nop(XEN_DOMCTL_nodeaff_set_affinity);
    n->u.affinity.nodemap.nr_bits = 0;
    set_xen_guest_handle(n->u.affinity.nodemap.bitmap, bitmap);
    CHECK((r = run(n)) == -EINVAL, "set nr_bits=0 -> %ld (want -EINVAL)", r);
    n = nop(XEN_DOMCTL_nodeaff_set_affinity);
    n->u.affinity.nodemap.nr_bits = 0xffffffffU;
    set_xen_guest_handle(n->u.affinity.nodemap.bitmap, bitmap);
    CHECK((r = run(n)) == -EINVAL, "set nr_bits=4G -> %ld (want -EINVAL)", r);
    memset(bitmap, 0, 64);
    bitmap[0] = 1;
    bitmap[8] = 1;              /* node 64 */
    n = nop(XEN_DOMCTL_nodeaff_set_affinity);
    n->u.affinity.nodemap.nr_bits = 128;
    set_xen_guest_handle(n->u.affinity.nodemap.bitmap, bitmap);
    CHECK((r = run(n)) == -EINVAL, "set bit 64 -> %ld (want -EINVAL)", r);
    n = nop(XEN_DOMCTL_nodeaff_set_affinity);
    n->u.affinity.nodemap.nr_bits = 64;
    set_xen_guest_handle(n->u.affinity.nodemap.bitmap, (uint8_t *)8);
    CHECK((r = run(n)) == -EFAULT, "set bad bitmap -> %ld (want -EFAULT)", r);
    CHECK((r = set_aff(1, 4)) == -EINVAL, "set unknown flag -> %ld (want -EINVAL)", r);
    CHECK((r = set_aff(1, XEN_NODEAFF_F_AUTO)) == -EINVAL, "set F_AUTO -> %ld (want -EINVAL)", r);
    CHECK((r = set_aff(0, XEN_NODEAFF_F_STRICT)) == -EINVAL, "strict empty -> %ld (want -EINVAL)", r);
    CHECK((r = set_aff(1ULL << 5, XEN_NODEAFF_F_STRICT)) == -EINVAL, "strict offline node 5 -> %ld (want -EINVAL)", r);
    CHECK((r = set_aff(1ULL << 5, 0)) == -EINVAL, "preferred offline node 5 -> %ld (want -EINVAL)", r);
    n = nop(XEN_DOMCTL_nodeaff_reset_affinity);
    n->u.affinity.flags = XEN_NODEAFF_F_STRICT;
    CHECK((r = run(n)) == -EINVAL, "reset with flags -> %ld (want -EINVAL)", r);

    /* State. */
    r = get_aff(&mask, &flags);
    CHECK(r == 0 && (flags & XEN_NODEAFF_F_AUTO) && !(flags & XEN_NODEAFF_F_STRICT),
          "initial: get -> %ld mask=%#llx flags=%#x (want auto, preferred)", r,
          (unsigned long long)mask, flags);
    CHECK((r = set_aff(2, XEN_NODEAFF_F_STRICT)) == 0, "set strict {1} -> %ld", r);
    r = get_aff(&mask, &flags);
    CHECK(r == 0 && mask == 2 && flags == XEN_NODEAFF_F_STRICT,
          "get -> %ld mask=%#llx flags=%#x (want 0x2, strict)", r,
          (unsigned long long)mask, flags);
    n = nop(XEN_DOMCTL_nodeaff_get_affinity);
    n->u.affinity.nodemap.nr_bits = 1;
    set_xen_guest_handle(n->u.affinity.nodemap.bitmap, bitmap);
    r = run(n);
    CHECK(r == -ENOBUFS && n->u.affinity.nodemap.nr_bits == 2,
          "get nr_bits=1 -> %ld nr_bits=%u (want -ENOBUFS, 2)", r,
          n->u.affinity.nodemap.nr_bits);
    debug_key('q');

    /* Strict: allocations stay on node 1 and fail when it is full. */
    usage(&u0, &u1, &tot);
    got = grab(mfns, want);
    usage(&v0, &v1, &vtot);
    printf("strict grab: got %lu pages; node0 %llu -> %llu, node1 %llu -> %llu\n",
           got, (unsigned long long)u0, (unsigned long long)v0,
           (unsigned long long)u1, (unsigned long long)v1);
    CHECK(got > 0 && got < want, "strict: allocation stopped at %lu < %lu", got, want);
    CHECK(v0 == u0, "strict: node0 unchanged (%llu -> %llu)",
          (unsigned long long)u0, (unsigned long long)v0);
    CHECK(v1 - u1 == got, "strict: node1 grew by exactly %lu (%llu)", got,
          (unsigned long long)(v1 - u1));
    CHECK(vtot - tot == got, "tot_pages grew by %llu", (unsigned long long)(vtot - tot));
    printf("USAGE-BEFORE-U d0 node0=%llu node1=%llu tot=%llu\n",
           (unsigned long long)v0, (unsigned long long)v1,
           (unsigned long long)vtot);
    debug_key('u');
    give_back(mfns, got);
    usage(&v0, &v1, &vtot);
    CHECK(v0 == u0 && v1 == u1, "after give back: node0=%llu node1=%llu",
          (unsigned long long)v0, (unsigned long long)v1);

    /* Preferred: the same request spills to node 0. */
    CHECK((r = set_aff(2, 0)) == 0, "set preferred {1} -> %ld", r);
    got = grab(mfns, want);
    usage(&v0, &v1, &vtot);
    printf("preferred grab: got %lu pages; node0 %llu -> %llu, node1 %llu -> %llu\n",
           got, (unsigned long long)u0, (unsigned long long)v0,
           (unsigned long long)u1, (unsigned long long)v1);
    CHECK(v0 > u0 && (v0 - u0) + (v1 - u1) == got,
          "preferred: spilled %llu pages to node0", (unsigned long long)(v0 - u0));
    give_back(mfns, got);

    /* Upstream setnodeaffinity (stock libxenctrl's call) clears strict. */
    CHECK((r = set_aff(2, XEN_NODEAFF_F_STRICT)) == 0, "set strict {1} again -> %ld", r);
    {
        struct xen_domctl *d = (void *)arena;

        memset(d, 0, sizeof(*d));
        d->cmd = XEN_DOMCTL_setnodeaffinity;
        d->interface_version = XEN_DOMCTL_INTERFACE_VERSION;
        d->domain = 0;
        memset(bitmap, 0, 8);
        bitmap[0] = 1;
        d->u.nodeaffinity.nodemap.nr_bits = 64;
        set_xen_guest_handle(d->u.nodeaffinity.nodemap.bitmap, bitmap);
        r = hcall(__HYPERVISOR_domctl, (unsigned long)d, 0);
        CHECK(r == 0, "upstream setnodeaffinity {0} -> %ld", r);
    }
    r = get_aff(&mask, &flags);
    CHECK(r == 0 && mask == 1 && flags == 0,
          "after upstream set: mask=%#llx flags=%#x (want 0x1, explicit preferred)",
          (unsigned long long)mask, flags);

    CHECK((r = set_aff(2, XEN_NODEAFF_F_STRICT)) == 0, "set strict {1} -> %ld", r);
    n = nop(XEN_DOMCTL_nodeaff_reset_affinity);
    CHECK((r = run(n)) == 0, "reset -> %ld", r);
    r = get_aff(&mask, &flags);
    CHECK(r == 0 && flags == XEN_NODEAFF_F_AUTO,
          "after reset: mask=%#llx flags=%#x (want auto, preferred)",
          (unsigned long long)mask, flags);
    debug_key('q');

    domu_tests(mfns, want);
    claim_tests(mfns, want);
    flask_eperm_tests();

    printf("SMOKE DONE failures=%d\n", failures);
    fflush(stdout);
    return failures != 0;
}
