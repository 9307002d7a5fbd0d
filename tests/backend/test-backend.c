/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The Xen backend without a hypervisor: argument checks, the errno helper,
 * feature routing, and nodeaff_open on a machine without privcmd.
 *
 * The "unopened" handle below is honest, not a mock: it has no libxencall
 * handle or hypercall buffer behind it (NULL), so any call that got past
 * its checks to a hypercall would crash the test.  Returning the documented
 * errno therefore proves the check ran first and nothing reached Xen.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "xen/backend.h"

#define SENTINEL_PTR ((struct nodeaff_nodemap *)0x5a5a)
#define SENTINEL 0xa5a5a5a5U

/* A handle on Xen 4.17 with a host of four nodes. */
static struct nodeaff_handle *unopened(unsigned int features)
{
    static struct nodeaff_handle h;

    h.xcall = NULL;
    h.features = features;
    h.nr_nodes = 4;
    h.xen_major = 4;
    h.xen_minor = 17;
    h.release = nodeaff_xen_release_find(4, 17);
    h.spoken_domctl = 0x15;
    h.series_err = -EOPNOTSUPP;
    h.buf = NULL;
    h.buf_size = 0;
    pthread_mutex_init(&h.lock, NULL);
    return &h;
}

/* The same on a release the table lacks (Xen 4.99, domctl 0x30), as
 * nodeaff_open leaves it: the node count comes from the series' usage op,
 * so without the series it is 0. */
static struct nodeaff_handle *unknown_release(unsigned int features)
{
    struct nodeaff_handle *h = unopened(features);

    h->xen_minor = 99;
    h->release = NULL;
    h->spoken_domctl = 0x30;
    if (!(features & NODEAFF_FEATURE_USAGE))
        h->nr_nodes = 0;
    return h;
}

static struct nodeaff_nodemap *map_of(unsigned int size, const char *text)
{
    struct nodeaff_nodemap *m;

    assert_int_equal(nodeaff_nodemap_new(size, &m), 0);
    assert_int_equal(nodeaff_nodemap_parse(m, text, NULL, NULL), 0);
    return m;
}

static void test_errno_map(void **state)
{
    (void)state;
    assert_int_equal(nodeaff_xen_errno(-1, ENOENT), -ENOENT);
    assert_int_equal(nodeaff_xen_errno(-1, EACCES), -EACCES);
    assert_int_equal(nodeaff_xen_errno(-1, ESRCH), -ESRCH);
    /* A failure never reads as success, even without errno. */
    assert_int_equal(nodeaff_xen_errno(-1, 0), -EIO);
    assert_int_equal(nodeaff_xen_errno(-1, -3), -EIO);
    /* Successes (and hypercall return values) pass through. */
    assert_int_equal(nodeaff_xen_errno(0, EINVAL), 0);
    assert_int_equal(nodeaff_xen_errno(7, EINVAL), 7);
}

static void test_check_flags(void **state)
{
    (void)state;
    assert_int_equal(nodeaff_xen_check_flags(0, NODEAFF_STRICT), 0);
    assert_int_equal(nodeaff_xen_check_flags(NODEAFF_STRICT, NODEAFF_STRICT), 0);
    assert_int_equal(nodeaff_xen_check_flags(NODEAFF_AUTO, NODEAFF_STRICT),
                     -EINVAL);
    assert_int_equal(nodeaff_xen_check_flags(0x80000000U, NODEAFF_STRICT),
                     -EINVAL);
}

static void test_check_nodes(void **state)
{
    struct nodeaff_nodemap *m;

    (void)state;
    assert_int_equal(nodeaff_xen_check_nodes(NULL, 4), -EINVAL);

    m = map_of(8, "none");
    assert_int_equal(nodeaff_xen_check_nodes(m, 4), -EINVAL);
    nodeaff_nodemap_free(m);

    m = map_of(8, "0,3");
    assert_int_equal(nodeaff_xen_check_nodes(m, 4), 0);
    /* A larger map is fine as long as its nodes exist on the host. */
    assert_int_equal(nodeaff_xen_check_nodes(m, 3), -ERANGE);
    nodeaff_nodemap_free(m);

    m = map_of(64, "63");
    assert_int_equal(nodeaff_xen_check_nodes(m, 4), -ERANGE);
    assert_int_equal(nodeaff_xen_check_nodes(m, 64), 0);
    nodeaff_nodemap_free(m);
}

static void test_null_handle(void **state)
{
    struct nodeaff_nodemap *m = map_of(4, "0"), *out = SENTINEL_PTR;
    struct nodeaff_topology *t = (struct nodeaff_topology *)0x5a5a;
    unsigned int flags = SENTINEL;
    uint64_t pages[4] = { SENTINEL, SENTINEL, SENTINEL, SENTINEL };
    uint32_t ids[2] = { SENTINEL, SENTINEL };

    (void)state;
    assert_int_equal(nodeaff_features(NULL), -EINVAL);
    nodeaff_close(NULL);
    assert_int_equal(nodeaff_topology_from_host(NULL, &t), -EINVAL);
    assert_ptr_equal(t, (struct nodeaff_topology *)0x5a5a);
    assert_int_equal(nodeaff_domain_set_affinity(NULL, 1, m, 0), -EINVAL);
    assert_int_equal(nodeaff_domain_get_affinity(NULL, 1, &out), -EINVAL);
    assert_int_equal(nodeaff_domain_get_state(NULL, 1, &out, &flags), -EINVAL);
    assert_int_equal(nodeaff_domain_reset_affinity(NULL, 1), -EINVAL);
    assert_int_equal(nodeaff_domain_get_usage(NULL, 1, pages, 4), -EINVAL);
    assert_int_equal(nodeaff_domain_list(NULL, ids, 2), -EINVAL);
    assert_ptr_equal(out, SENTINEL_PTR);
    assert_int_equal(flags, SENTINEL);
    assert_true(pages[0] == SENTINEL && ids[0] == SENTINEL);
    nodeaff_nodemap_free(m);
}

static void test_open_args(void **state)
{
    struct nodeaff_handle *h = (struct nodeaff_handle *)0x5a5a;

    (void)state;
    assert_int_equal(nodeaff_open(1, &h), -EINVAL);
    assert_int_equal(nodeaff_open(0x80000000U, &h), -EINVAL);
    assert_ptr_equal(h, (struct nodeaff_handle *)0x5a5a);
    assert_int_equal(nodeaff_open(0, NULL), -EINVAL);
}

/* Bad input to set never gets as far as the (absent) hypervisor. */
static void test_set_checks(void **state)
{
    struct nodeaff_handle *h = unopened(NODEAFF_FEATURE_AFFINITY |
                                        NODEAFF_FEATURE_STRICT |
                                        NODEAFF_FEATURE_STATE |
                                        NODEAFF_FEATURE_USAGE);
    struct nodeaff_nodemap *ok = map_of(4, "1"), *empty = map_of(4, "none");
    struct nodeaff_nodemap *far = map_of(16, "0,9");

    (void)state;
    assert_int_equal(nodeaff_domain_set_affinity(h, 1, NULL, 0), -EINVAL);
    assert_int_equal(nodeaff_domain_set_affinity(h, 1, empty, 0), -EINVAL);
    assert_int_equal(nodeaff_domain_set_affinity(h, 1, far, 0), -ERANGE);
    assert_int_equal(nodeaff_domain_set_affinity(h, 1, ok, NODEAFF_AUTO),
                     -EINVAL);
    assert_int_equal(nodeaff_domain_set_affinity(h, 1, ok, 1U << 7), -EINVAL);
    /* Reserved ids, and ids Xen's 16-bit domid_t would truncate to 0. */
    assert_int_equal(nodeaff_domain_set_affinity(h, 0x7ff0, ok, 0), -EINVAL);
    assert_int_equal(nodeaff_domain_set_affinity(h, 0x10000, ok, 0), -EINVAL);
    assert_int_equal(nodeaff_domain_set_affinity(h, UINT32_MAX, ok, 0),
                     -EINVAL);
    nodeaff_nodemap_free(ok);
    nodeaff_nodemap_free(empty);
    nodeaff_nodemap_free(far);
}

static void test_other_checks(void **state)
{
    struct nodeaff_handle *h = unopened(NODEAFF_FEATURE_AFFINITY |
                                        NODEAFF_FEATURE_STRICT |
                                        NODEAFF_FEATURE_STATE |
                                        NODEAFF_FEATURE_USAGE);
    struct nodeaff_nodemap *out = SENTINEL_PTR;
    unsigned int flags = SENTINEL;
    uint64_t pages[8] = { SENTINEL, SENTINEL, SENTINEL, SENTINEL };

    (void)state;
    assert_int_equal(nodeaff_domain_get_affinity(h, 1, NULL), -EINVAL);
    assert_int_equal(nodeaff_domain_get_affinity(h, 0x7ff0, &out), -EINVAL);
    assert_int_equal(nodeaff_domain_get_state(h, 1, &out, NULL), -EINVAL);
    assert_int_equal(nodeaff_domain_get_state(h, 0x8000, &out, &flags),
                     -EINVAL);
    assert_int_equal(nodeaff_domain_reset_affinity(h, 0xffff), -EINVAL);
    assert_int_equal(nodeaff_domain_get_usage(h, 1, NULL, 8), -EINVAL);
    assert_int_equal(nodeaff_domain_get_usage(h, 0x7ff1, pages, 8), -EINVAL);
    /* The host has 4 nodes: 3 entries are not enough room. */
    assert_int_equal(nodeaff_domain_get_usage(h, 1, pages, 3), -ENOBUFS);
    assert_int_equal(nodeaff_domain_list(h, NULL, 1), -EINVAL);
    assert_int_equal(nodeaff_topology_from_host(h, NULL), -EINVAL);
    assert_ptr_equal(out, SENTINEL_PTR);
    assert_int_equal(flags, SENTINEL);
    assert_true(pages[0] == SENTINEL && pages[3] == SENTINEL);
}

/* Without the carried series: strict, state and usage say so, before
 * anything reaches the hypervisor. */
static void test_stock_features(void **state)
{
    struct nodeaff_handle *h = unopened(NODEAFF_FEATURE_AFFINITY);
    struct nodeaff_nodemap *ok = map_of(4, "0-1"), *out = SENTINEL_PTR;
    unsigned int flags = SENTINEL;
    uint64_t pages[4] = { SENTINEL };

    (void)state;
    assert_int_equal(nodeaff_features(h), NODEAFF_FEATURE_AFFINITY);
    assert_int_equal(nodeaff_domain_set_affinity(h, 1, ok, NODEAFF_STRICT),
                     -EOPNOTSUPP);
    assert_int_equal(nodeaff_domain_get_state(h, 1, &out, &flags),
                     -EOPNOTSUPP);
    assert_int_equal(nodeaff_domain_get_usage(h, 1, pages, 4), -EOPNOTSUPP);
    assert_ptr_equal(out, SENTINEL_PTR);
    assert_int_equal(flags, SENTINEL);
    assert_true(pages[0] == SENTINEL);

    /* A hypervisor refusing even the upstream ops. */
    h = unopened(0);
    assert_int_equal(nodeaff_domain_set_affinity(h, 1, ok, 0), -EOPNOTSUPP);
    assert_int_equal(nodeaff_domain_get_affinity(h, 1, &out), -EOPNOTSUPP);
    assert_int_equal(nodeaff_domain_reset_affinity(h, 1), -EOPNOTSUPP);
    assert_ptr_equal(out, SENTINEL_PTR);
    nodeaff_nodemap_free(ok);
}

static void test_check_claim(void **state)
{
    uint64_t ok[6] = { 1, 0, 2, 3, 0, 0 };
    uint64_t far[6] = { 1, 0, 0, 0, 0, 5 };
    uint64_t wrap[3] = { UINT64_MAX, 0, 1 };
    uint64_t edge[3] = { UINT64_MAX - 1, 1, 0 };

    (void)state;
    assert_int_equal(nodeaff_xen_check_claim(NULL, 0, 4), 0);
    assert_int_equal(nodeaff_xen_check_claim(NULL, 1, 4), -EINVAL);
    /* Zeros past the host's nodes are fine, a nonzero count is not. */
    assert_int_equal(nodeaff_xen_check_claim(ok, 6, 4), 0);
    assert_int_equal(nodeaff_xen_check_claim(ok, 6, 3), -ERANGE);
    assert_int_equal(nodeaff_xen_check_claim(far, 6, 4), -ERANGE);
    assert_int_equal(nodeaff_xen_check_claim(far, 5, 4), 0);
    /* The sum may reach UINT64_MAX but not wrap. */
    assert_int_equal(nodeaff_xen_check_claim(edge, 3, 4), 0);
    assert_int_equal(nodeaff_xen_check_claim(wrap, 3, 4), -EOVERFLOW);
    assert_int_equal(nodeaff_xen_check_claim(wrap, 2, 4), 0);
}

/*
 * The claim calls' checks, on a handle with the feature but no hypervisor
 * behind it: each documented argument errno comes back, out-parameters
 * stay untouched, and nothing reaches the (absent) hypercall buffer.
 */
static void test_claim_checks(void **state)
{
    struct nodeaff_handle *h = unopened(NODEAFF_FEATURE_AFFINITY |
                                        NODEAFF_FEATURE_STRICT |
                                        NODEAFF_FEATURE_STATE |
                                        NODEAFF_FEATURE_USAGE |
                                        NODEAFF_FEATURE_CLAIMS);
    uint64_t pages[8] = { SENTINEL, SENTINEL, SENTINEL, SENTINEL };
    uint64_t beyond[5] = { 1, 0, 0, 0, 1 };
    uint64_t wrap[4] = { UINT64_MAX, 0, 0, 1 };
    uint64_t wide = SENTINEL, avail = SENTINEL;
    uint32_t node = SENTINEL;

    (void)state;
    assert_int_equal(nodeaff_domain_claim(NULL, 1, pages, 4, &node, &avail),
                     -EINVAL);
    assert_int_equal(nodeaff_domain_cancel_claim(NULL, 1), -EINVAL);
    assert_int_equal(nodeaff_domain_get_claim(NULL, 1, pages, 4, &wide),
                     -EINVAL);
    assert_int_equal(nodeaff_host_claims(NULL, pages, 4, &wide), -EINVAL);

    assert_int_equal(nodeaff_domain_claim(h, 1, NULL, 2, &node, &avail),
                     -EINVAL);
    assert_int_equal(nodeaff_domain_claim(h, 0x7ff0, pages, 4, &node,
                                          &avail), -EINVAL);
    assert_int_equal(nodeaff_domain_claim(h, 0x10001, NULL, 0, NULL, NULL),
                     -EINVAL);
    assert_int_equal(nodeaff_domain_cancel_claim(h, 0x7ff4), -EINVAL);
    /* Node 4 on a host of four nodes (0-3). */
    assert_int_equal(nodeaff_domain_claim(h, 1, beyond, 5, &node, &avail),
                     -ERANGE);
    assert_int_equal(nodeaff_domain_claim(h, 1, wrap, 4, &node, &avail),
                     -EOVERFLOW);

    assert_int_equal(nodeaff_domain_get_claim(h, 1, NULL, 4, &wide),
                     -EINVAL);
    assert_int_equal(nodeaff_domain_get_claim(h, 0x7ff0, pages, 4, &wide),
                     -EINVAL);
    assert_int_equal(nodeaff_domain_get_claim(h, 1, pages, 3, &wide),
                     -ENOBUFS);
    assert_int_equal(nodeaff_host_claims(h, NULL, 4, &wide), -EINVAL);
    assert_int_equal(nodeaff_host_claims(h, pages, 3, NULL), -ENOBUFS);

    assert_int_equal(node, SENTINEL);
    assert_true(avail == SENTINEL && wide == SENTINEL);
    assert_true(pages[0] == SENTINEL && pages[3] == SENTINEL);
}

/* Without patch 0008 (or the series, or at another series version) every
 * claim call says so after its argument checks, before any hypercall. */
static void test_claims_missing(void **state)
{
    struct nodeaff_handle *h = unopened(NODEAFF_FEATURE_AFFINITY |
                                        NODEAFF_FEATURE_STRICT |
                                        NODEAFF_FEATURE_STATE |
                                        NODEAFF_FEATURE_USAGE);
    uint64_t pages[4] = { 1, 2, 3, 4 }, out[4] = { SENTINEL }, wide = SENTINEL;
    uint64_t beyond[5] = { 0, 0, 0, 0, 1 };
    uint32_t node = SENTINEL;

    (void)state;
    assert_int_equal(nodeaff_domain_claim(h, 1, pages, 4, &node, NULL),
                     -EOPNOTSUPP);
    assert_int_equal(nodeaff_domain_cancel_claim(h, 1), -EOPNOTSUPP);
    assert_int_equal(nodeaff_domain_get_claim(h, 1, out, 4, &wide),
                     -EOPNOTSUPP);
    assert_int_equal(nodeaff_host_claims(h, out, 4, &wide), -EOPNOTSUPP);
    /* Bad arguments are still named as such. */
    assert_int_equal(nodeaff_domain_claim(h, 1, beyond, 5, &node, NULL),
                     -ERANGE);

    h->series_err = NODEAFF_ERR_SERIES_VERSION;
    assert_int_equal(nodeaff_domain_claim(h, 1, pages, 4, &node, NULL),
                     -EPROTO);
    assert_int_equal(nodeaff_host_claims(h, out, 4, NULL), -EPROTO);
    h->series_err = -EOPNOTSUPP;

    /* An unknown release without the series: no node count either. */
    h = unknown_release(0);
    assert_int_equal(nodeaff_domain_cancel_claim(h, 1), -EOPNOTSUPP);
    assert_int_equal(nodeaff_domain_get_claim(h, 1, out, 4, &wide),
                     -EOPNOTSUPP);
    assert_int_equal(node, SENTINEL);
    assert_true(out[0] == SENTINEL && wide == SENTINEL);
}

/* The release table: interface versions per release, the newest row. */
static void test_release_table(void **state)
{
    const struct nodeaff_xen_release *r;

    (void)state;
    r = nodeaff_xen_release_find(4, 17);
    assert_non_null(r);
    assert_int_equal(r->domctl_version, 0x15);
    assert_int_equal(r->sysctl_version, 0x15);
    r = nodeaff_xen_release_find(4, 20);
    assert_non_null(r);
    assert_int_equal(r->domctl_version, 0x17);
    assert_int_equal(r->sysctl_version, 0x15);
    r = nodeaff_xen_release_find(4, 22);
    assert_non_null(r);
    assert_int_equal(r->domctl_version, 0x18);
    assert_int_equal(r->sysctl_version, 0x16);
    assert_ptr_equal(nodeaff_xen_release_newest(), r);
    assert_null(nodeaff_xen_release_find(4, 16));
    assert_null(nodeaff_xen_release_find(4, 23));
    assert_null(nodeaff_xen_release_find(5, 0));
}

/*
 * An unknown release: every call needing its interface versions fails
 * with -EPROTONOSUPPORT before any hypercall, never -EOPNOTSUPP ("no
 * series") nor -ERANGE for want of a node count; the series' calls are
 * routed as usual.
 */
static void test_unknown_release(void **state)
{
    struct nodeaff_handle *h = unknown_release(0);
    struct nodeaff_nodemap *ok = map_of(4, "1"), *out = SENTINEL_PTR;
    struct nodeaff_topology *t = (struct nodeaff_topology *)0x5a5a;
    unsigned int major = SENTINEL, minor = SENTINEL, dom = SENTINEL,
                 sys = SENTINEL, flags = SENTINEL;
    uint32_t ids[4];
    uint64_t pages[4] = { SENTINEL };

    (void)state;
    assert_int_equal(nodeaff_domain_set_affinity(h, 1, ok, 0),
                     -EPROTONOSUPPORT);
    assert_int_equal(nodeaff_domain_set_affinity(h, 1, ok, NODEAFF_STRICT),
                     -EPROTONOSUPPORT);
    assert_int_equal(nodeaff_domain_get_affinity(h, 1, &out),
                     -EPROTONOSUPPORT);
    assert_int_equal(nodeaff_domain_reset_affinity(h, 1), -EPROTONOSUPPORT);
    assert_int_equal(nodeaff_domain_list(h, ids, 4), -EPROTONOSUPPORT);
    assert_int_equal(nodeaff_topology_from_host(h, &t), -EPROTONOSUPPORT);
    /* No series: its calls say so. */
    assert_int_equal(nodeaff_domain_get_state(h, 1, &out, &flags),
                     -EOPNOTSUPP);
    assert_ptr_equal(out, SENTINEL_PTR);
    assert_ptr_equal(t, (struct nodeaff_topology *)0x5a5a);

    assert_int_equal(nodeaff_hypervisor_version(h, &major, &minor, &dom,
                                                &sys), -EPROTONOSUPPORT);
    assert_int_equal(major, 4);
    assert_int_equal(minor, 99);
    assert_int_equal(dom, 0x30);
    assert_int_equal(sys, 0);

    /* With the series (node count known): only the upstream-only calls
     * fail; usage's room check still comes first. */
    h = unknown_release(NODEAFF_FEATURE_AFFINITY | NODEAFF_FEATURE_STATE |
                        NODEAFF_FEATURE_STRICT | NODEAFF_FEATURE_USAGE);
    assert_int_equal(nodeaff_domain_list(h, ids, 4), -EPROTONOSUPPORT);
    assert_int_equal(nodeaff_topology_from_host(h, &t), -EPROTONOSUPPORT);
    assert_int_equal(nodeaff_domain_get_usage(h, 1, pages, 3), -ENOBUFS);
    assert_int_equal(nodeaff_domain_set_affinity(h, 1, ok, 1U << 5),
                     -EINVAL);
    assert_true(pages[0] == SENTINEL);
    nodeaff_nodemap_free(ok);
}

/* A series of another version: its calls fail with -EPROTO, upstream
 * routing is unaffected. */
static void test_series_version(void **state)
{
    struct nodeaff_handle *h = unopened(NODEAFF_FEATURE_AFFINITY);
    struct nodeaff_nodemap *ok = map_of(4, "1"), *out = SENTINEL_PTR;
    unsigned int flags = SENTINEL, major = 0, minor = 0, dom = 0, sys = 0;
    uint64_t pages[4] = { SENTINEL };

    (void)state;
    h->series_err = NODEAFF_ERR_SERIES_VERSION;
    assert_int_equal(nodeaff_domain_set_affinity(h, 1, ok, NODEAFF_STRICT),
                     -EPROTO);
    assert_int_equal(nodeaff_domain_get_state(h, 1, &out, &flags), -EPROTO);
    assert_int_equal(nodeaff_domain_get_usage(h, 1, pages, 4), -EPROTO);
    assert_ptr_equal(out, SENTINEL_PTR);
    assert_true(pages[0] == SENTINEL);
    h->series_err = -EOPNOTSUPP;

    assert_int_equal(nodeaff_hypervisor_version(h, &major, &minor, &dom,
                                                &sys), 0);
    assert_true(major == 4 && minor == 17 && dom == 0x15 && sys == 0x15);
    assert_int_equal(nodeaff_hypervisor_version(h, NULL, NULL, NULL, NULL),
                     0);
    assert_int_equal(nodeaff_hypervisor_version(NULL, &major, NULL, NULL,
                                                NULL), -EINVAL);
    nodeaff_nodemap_free(ok);
}

/*
 * On this machine there is no hypervisor: nodeaff_open must fail with a
 * clean negative errno, leave *ret_handle alone and print nothing, though
 * libxenctrl and libxencall would log to stderr by default.  Where a
 * hypervisor is present (the rig) it must open and close cleanly.
 */
static void test_open_without_hypervisor(void **state)
{
    struct nodeaff_handle *h = (struct nodeaff_handle *)0x5a5a;
    char path[] = "/tmp/nodeaff-stderr-XXXXXX";
    struct stat st;
    int fd, saved, ret;

    (void)state;
    fd = mkstemp(path);
    assert_true(fd >= 0);
    unlink(path);
    fflush(stderr);
    saved = dup(STDERR_FILENO);
    assert_true(saved >= 0);
    assert_true(dup2(fd, STDERR_FILENO) >= 0);

    ret = nodeaff_open(0, &h);

    fflush(stderr);
    dup2(saved, STDERR_FILENO);
    close(saved);
    assert_int_equal(fstat(fd, &st), 0);
    close(fd);

    assert_int_equal(st.st_size, 0);
    if (ret == 0) {
        assert_true(nodeaff_features(h) >= 0);
        nodeaff_close(h);
        return;
    }
    assert_true(ret < 0 && ret > -4096);
    assert_ptr_equal(h, (struct nodeaff_handle *)0x5a5a);
    /* Not Xen at all: -ENODEV.  A Xen kernel without privcmd: -ENOENT
     * (the rig's t-unknown-release hides privcmd to check that). */
    if (access("/dev/xen", F_OK) != 0 && access("/proc/xen", F_OK) != 0 &&
        access("/sys/hypervisor/type", F_OK) != 0)
        assert_int_equal(ret, -ENODEV);
    else if (access("/dev/xen/privcmd", F_OK) != 0 &&
             access("/proc/xen/privcmd", F_OK) != 0)
        assert_int_equal(ret, -ENOENT);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_errno_map),
        cmocka_unit_test(test_check_flags),
        cmocka_unit_test(test_check_nodes),
        cmocka_unit_test(test_null_handle),
        cmocka_unit_test(test_open_args),
        cmocka_unit_test(test_set_checks),
        cmocka_unit_test(test_other_checks),
        cmocka_unit_test(test_stock_features),
        cmocka_unit_test(test_check_claim),
        cmocka_unit_test(test_claim_checks),
        cmocka_unit_test(test_claims_missing),
        cmocka_unit_test(test_release_table),
        cmocka_unit_test(test_unknown_release),
        cmocka_unit_test(test_series_version),
        cmocka_unit_test(test_open_without_hypervisor),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
