/* Host-wide claims next to node claims (issue 16): Xen's XENMEM_claim_pages
 * through libxenctrl, and Debian's xl (unmodified, claim_mode=1) creating a
 * real Linux PV guest while another domain holds most of a node.
 *
 * A claimer domain claims all but RESERVE pages of the last node's room
 * (Xen node id nr-1) and is strictly bound there (claim, affinity,
 * populate: the toolstack flow).  Then, on the real hypervisor:
 *
 *  1. xc_domain_claim_pages on the claimer: -EBUSY (a domain holds one kind
 *     of claim); 0 pages (what libxenguest sends after every build): 0,
 *     and the node claims stay.
 *  2. A second domain: XENMEM_claim_pages for more than the host has
 *     outside all claims: -ENOMEM, nothing changed; for a little less: 0,
 *     physinfo's outstanding_pages = node claims + that claim; its node
 *     claim then: -EBUSY; a third domain's node claim that its node has
 *     room for but the host (after the host-wide claim) has not: -ENOMEM
 *     naming the host (NODEAFF_CLAIM_HOST) with the host's room.  The
 *     host-wide claim released, both destroyed: back as before.
 *  3. Debian's xl with claim_mode=1 in xl.conf: `xl info` reports the node
 *     claims as outstanding_claims and free_memory as free minus them;
 *     `xl create` of a guest larger than the memory outside the claims
 *     (smaller than free memory) fails before any of its memory is
 *     populated (free memory sampled while xl runs; the good guest's
 *     build as the control) and leaves nothing behind, the node claims
 *     intact; `xl create` of a 128 MiB guest next to them succeeds:
 *     the node claims unchanged, at most RESERVE of the guest's pages on
 *     the claimed node, and the claimer then populates its whole claim
 *     there, consuming it.  `xl destroy`, then the claimer: claims 0, xl
 *     info's outstanding_claims 0, free memory back at the baseline.
 *
 * The guest is the rig's real guest (dom0's kernel and the guest payload's
 * initramfs, `rig --guest-payload`); it need not finish booting, xl create
 * has built and started it.  Without it in dom0, or without xl, part 3
 * skips with the reason. */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rig-guest.h"
#include "tap.h"

#define RESERVE 4096            /* pages of the claimed node left unclaimed */
#define MIB_PAGES ((uint64_t)256)
#define LATE_FREE 512           /* late RCU frees of earlier domains, as t-claims-stress */
/* Linux 6.1's PV image needs 58 MiB to be loaded (xc_dom_chk_alloc_pages). */
#define GUEST_MIB 128
#define GUEST_KERNEL "/rig/domu/vmlinux.gz"
#define GUEST_RAMDISK "/rig/domu/initrd.gz"

static struct rig_env env;
static unsigned int nr, cnode;          /* node ids; the claimed node */

static uint64_t sub0(uint64_t a, uint64_t b)
{
    return a > b ? a - b : 0;
}

static void diag_tail(const char *who, const char *text, int lines)
{
    const char *p = text + strlen(text);
    int n = 0;

    while (p > text && n <= lines)
        if (*--p == '\n')
            n++;
    if (*p == '\n')
        p++;
    while (*p) {
        const char *nl = strchr(p, '\n');

        tap_diag("%s: %.*s", who, (int)(nl ? nl - p : (long)strlen(p)), p);
        if (!nl)
            break;
        p = nl + 1;
    }
}

/* physinfo's free pages and every outstanding claim. */
static void physinfo(uint64_t *ret_free, uint64_t *ret_outstanding)
{
    xc_physinfo_t pi;

    memset(&pi, 0, sizeof(pi));
    if (xc_physinfo(env.xch, &pi))
        tap_bail("xc_physinfo: %s", strerror(errno));
    *ret_free = pi.free_pages;
    *ret_outstanding = pi.outstanding_pages;
}

static int claim_of(uint32_t domid, uint64_t *pages, uint64_t *hw)
{
    return nodeaff_domain_get_claim(env.h, domid, pages, RIG_MAX_NODES, hw);
}

static int host_claims_are(const uint64_t *want, uint64_t want_all, uint64_t *ret_all)
{
    uint64_t hc[RIG_MAX_NODES], all = 0;
    int r = nodeaff_host_claims(env.h, hc, RIG_MAX_NODES, &all);

    *ret_all = all;
    return r == (int)nr && !memcmp(hc, want, nr * sizeof(*hc)) && all == want_all;
}

/* An `xl info` field, in MiB; -1 if missing. */
static long long xl_info_field(const char *text, const char *name)
{
    const char *p = strstr(text, name);
    long long v = -1;

    if (p && (p = strchr(p, ':')))
        v = strtoll(p + 1, NULL, 10);
    return v;
}

/* Free memory sampled while xl runs: a refused claim must stop the build
 * before any guest page is populated, which only shows while it runs. */
struct sampler {
    pthread_t tid;
    volatile int stop;
    xc_interface *xch;
    uint64_t start, min;
    unsigned int samples;
};

static uint64_t free_total(xc_interface *xch)
{
    uint64_t f[RIG_MAX_NODES], sum = 0;
    unsigned int n = 0;

    if (rig_numainfo(xch, f, NULL, &n))
        return 0;
    for (unsigned int x = 0; x < n; x++)
        sum += f[x] == UINT64_MAX ? 0 : f[x];
    return sum;
}

static void *sample_free(void *arg)
{
    struct sampler *s = arg;

    while (!s->stop) {
        uint64_t f = free_total(s->xch);

        if (f && f < s->min)
            s->min = f;
        s->samples++;
        usleep(5000);
    }
    return NULL;
}

static void sampler_start(struct sampler *s)
{
    memset(s, 0, sizeof(*s));
    s->xch = rig_xc_open();
    s->start = s->min = free_total(s->xch);
    pthread_create(&s->tid, NULL, sample_free, s);
}

/* Returns the deepest drop of free memory seen, in pages. */
static uint64_t sampler_stop(struct sampler *s)
{
    s->stop = 1;
    pthread_join(s->tid, NULL);
    xc_interface_close(s->xch);
    return sub0(s->start, s->min);
}

static void hostwide_checks(uint32_t claimer, const uint64_t *claim)
{
    uint64_t got[RIG_MAX_NODES], hw = 0, fr, out, fr2, out2, avail = 0, v[RIG_MAX_NODES] = { 0 };
    uint64_t node_total = rig_sum(claim, nr, NULL, 1), outside;
    uint32_t node = 0;
    int b, c, r;

    r = xc_domain_claim_pages(env.xch, claimer, 1000) ? -errno : 0;
    claim_of(claimer, got, &hw);
    tap_ok(r == -EBUSY && !memcmp(got, claim, nr * sizeof(*got)) && hw == 0,
           "XENMEM_claim_pages on a domain holding node claims: %d (-EBUSY), its claim "
           "unchanged (%s)", r, rig_fmt_pages(got, nr));
    r = xc_domain_claim_pages(env.xch, claimer, 0) ? -errno : 0;
    claim_of(claimer, got, &hw);
    tap_ok(r == 0 && !memcmp(got, claim, nr * sizeof(*got)),
           "XENMEM_claim_pages of 0 (libxenguest's cancel after a build) on it: %d, the "
           "node claims stay (%s)", r, rig_fmt_pages(got, nr));

    b = rig_domain_create(env.xch);
    c = rig_domain_create(env.xch);
    if (b < 0 || c < 0)
        tap_bail("create: %d %d", b, c);
    physinfo(&fr, &out);
    tap_ok(out == node_total, "physinfo: outstanding_pages %" PRIu64 " = the node claims "
           "(%" PRIu64 ")", out, node_total);
    outside = sub0(fr, out);
    r = xc_domain_claim_pages(env.xch, (uint32_t)b, outside + LATE_FREE + 512) ? -errno : 0;
    physinfo(&fr2, &out2);
    tap_ok(r == -ENOMEM && out2 == out,
           "XENMEM_claim_pages for %" PRIu64 " pages, more than the %" PRIu64 " outside all "
           "claims (free %" PRIu64 "): %d (-ENOMEM), outstanding still %" PRIu64,
           outside + LATE_FREE + 512, outside, fr, r, out2);
    r = xc_domain_claim_pages(env.xch, (uint32_t)b, outside - 512) ? -errno : 0;
    physinfo(&fr2, &out2);
    claim_of((uint32_t)b, got, &hw);
    tap_ok(r == 0 && out2 == node_total + outside - 512 && hw == outside - 512,
           "XENMEM_claim_pages for %" PRIu64 " pages, 512 fewer than outside the node claims: "
           "%d; outstanding %" PRIu64 " = node claims + it; get_claim's host-wide %" PRIu64,
           outside - 512, r, out2, hw);
    v[0] = 16;
    r = nodeaff_domain_claim(env.h, (uint32_t)b, v, nr, NULL, NULL);
    claim_of((uint32_t)b, got, &hw);
    tap_ok(r == -EBUSY && rig_sum(got, nr, NULL, 1) == 0 && hw == outside - 512,
           "node claim on the domain holding the host-wide claim: %d (-EBUSY), nothing "
           "changed", r);
    /* Node 0 has room for 2048 more pages, the host has about 512. */
    v[0] = 2048;
    r = nodeaff_domain_claim(env.h, (uint32_t)c, v, nr, &node, &avail);
    claim_of((uint32_t)c, got, &hw);
    tap_ok(r == -ENOMEM && node == NODEAFF_CLAIM_HOST && avail >= 512 &&
           avail <= 512 + LATE_FREE && rig_sum(got, nr, NULL, 1) == 0,
           "node claim of 2048 pages on node 0, which has them, with about 512 left on the "
           "host: %d (-ENOMEM), short node 0x%x (the host), room %" PRIu64, r, node, avail);
    r = xc_domain_claim_pages(env.xch, (uint32_t)b, 0) ? -errno : 0;
    physinfo(&fr2, &out2);
    tap_ok(r == 0 && out2 == node_total, "host-wide claim released: %d, outstanding %" PRIu64
           " = the node claims again", r, out2);
    rig_domain_destroy(env.xch, (uint32_t)b);
    rig_domain_destroy(env.xch, (uint32_t)c);
}

/* xenstored, dom0 in xenstore, xenconsoled, xl.conf with claim_mode=1.
 * Returns NULL, or why xl cannot run here. */
static const char *start_xl(char *out, size_t len)
{
    FILE *f;

    if (rig_sh(NULL, 0, "command -v xl && command -v xenstored && command -v xenconsoled"))
        return "xl, xenstored or xenconsoled is not in this dom0";
    if (access(GUEST_KERNEL, R_OK) || access(GUEST_RAMDISK, R_OK))
        return "no guest kernel in dom0 (rig --guest-payload carries it)";
    rig_sh(NULL, 0, "mkdir -p /var/run/xenstored /var/lib/xenstored /var/log/xen/console "
       "/var/lib/xen /var/run/xen /etc/xen");
    f = fopen("/etc/xen/xl.conf", "w");
    if (!f)
        return "cannot write /etc/xen/xl.conf";
    /* claim_mode=1 is xl's default; said here so the test does not depend
     * on it.  No autoballooning: dom0 has its fixed dom0_mem. */
    fprintf(f, "claim_mode=1\nautoballoon=\"off\"\n");
    fclose(f);
    if (rig_sh(NULL, 0, "test -S /var/run/xenstored/socket") != 0) {
        rig_sh(NULL, 0, "xenstored --pid-file /var/run/xenstored.pid </dev/null "
           ">/tmp/xenstored.log 2>&1; for i in 1 2 3 4 5 6 7 8 9 10; do "
           "test -S /var/run/xenstored/socket && break; sleep 0.2; done");
        if (rig_sh(out, len, "timeout 30 xen-init-dom0"))
            return "xen-init-dom0 failed";
    }
    rig_sh(NULL, 0, "xenconsoled --log=guest --log-dir=/var/log/xen/console </dev/null "
       ">/tmp/xenconsoled.log 2>&1");
    return NULL;
}

static void write_cfg(const char *path, const char *name, uint64_t mib)
{
    FILE *f = fopen(path, "w");

    if (!f)
        tap_bail("writing %s: %s", path, strerror(errno));
    fprintf(f, "name = \"%s\"\nkernel = \"%s\"\nramdisk = \"%s\"\n"
            "extra = \"console=hvc0 quiet\"\nmemory = %" PRIu64 "\nmaxmem = %" PRIu64 "\n"
            "vcpus = 1\non_crash = \"destroy\"\n", name, GUEST_KERNEL, GUEST_RAMDISK, mib, mib);
    fclose(f);
}

static char out[16384];
static int xl_up;                       /* xl runs in this dom0 */

/* xl info, the guest too big for the memory outside the claims, then the
 * GUEST_MIB guest: returns its domain id, or -1. */
static int xl_create_next_to(uint32_t claimer, const uint64_t *claim)
{
    uint64_t node_total = rig_sum(claim, nr, NULL, 1), fr, outst, all = 0, got[RIG_MAX_NODES],
             hw = 0, usage[RIG_MAX_NODES], outside;
    long long xo, xf;
    const char *why;
    int r, before, after, intact, domid = -1;
    struct sampler smp;
    uint64_t drop;

    why = start_xl(out, sizeof(out));
    if (why) {
        tap_skip("xl with claim_mode=1: %s", why);
        return -1;
    }
    xl_up = 1;
    tap_diag("xl: %s", rig_sh(out, sizeof(out), "xl info | grep '^xen_version'")
                 ? "xl info failed" : strtok(out, "\n"));

    /* xl info: the node claims are outstanding claims. */
    physinfo(&fr, &outst);
    r = rig_sh(out, sizeof(out), "timeout 30 xl info");
    xo = xl_info_field(out, "outstanding_claims");
    xf = xl_info_field(out, "free_memory");
    tap_ok(r == 0 && xo == (long long)(node_total / MIB_PAGES) &&
           xf >= (long long)(sub0(fr, outst) / MIB_PAGES) - 2 &&
           xf <= (long long)(sub0(fr, outst) / MIB_PAGES) + 2,
           "xl info: outstanding_claims %lld MiB = the node claims (%" PRIu64 " pages), "
           "free_memory %lld MiB = free minus claims (%" PRIu64 " MiB)", xo, node_total, xf,
           sub0(fr, outst) / MIB_PAGES);

    /* Too big for the memory outside the claims, not for free memory. */
    outside = sub0(fr, outst);
    before = nodeaff_domain_list(env.h, NULL, 0);
    write_cfg("/etc/xen/t-claims-big.cfg", "claimbig", outside / MIB_PAGES + 64);
    sampler_start(&smp);
    r = rig_sh(out, sizeof(out), "timeout 120 xl create /etc/xen/t-claims-big.cfg");
    drop = sampler_stop(&smp);
    if (r == 0)
        rig_sh(NULL, 0, "xl destroy claimbig");
    else
        diag_tail("xl create claimbig", out, 6);
    claim_of(claimer, got, &hw);
    intact = host_claims_are(claim, node_total, &all);
    after = nodeaff_domain_list(env.h, NULL, 0);
    tap_ok(r != 0 && after == before && !memcmp(got, claim, nr * sizeof(*got)) && intact,
           "xl create of %" PRIu64 " MiB (outside the claims: %" PRIu64 " MiB, free %" PRIu64
           " MiB): exit %d, no domain left (%d), the node claims intact (all claims %" PRIu64
           ")", outside / MIB_PAGES + 64, outside / MIB_PAGES, fr / MIB_PAGES, r, after, all);
    /* The claim comes before the guest's memory is populated: refused, no
     * page of it was ever allocated (a few for the domain's structures). */
    tap_ok(r != 0 && drop < 4096 && smp.samples > 10,
           "xl's claim refused the build before it populated anything: free memory dipped "
           "by %" PRIu64 " pages at most (%u samples while xl ran)", drop, smp.samples);

    /* A small guest next to the claims. */
    write_cfg("/etc/xen/t-claims-xl.cfg", "claimguest", GUEST_MIB);
    sampler_start(&smp);
    r = rig_sh(out, sizeof(out), "timeout 120 xl create /etc/xen/t-claims-xl.cfg");
    drop = sampler_stop(&smp);
    if (!tap_ok(r == 0, "xl create of a %d MiB PV guest (claim_mode=1) next to the node "
                "claims: exit %d", GUEST_MIB, r))
        diag_tail("xl create claimguest", out, 12);
    else if (rig_sh(out, sizeof(out), "xl domid claimguest") == 0)
        domid = atoi(out);
    if (domid > 0) {
        int64_t tot = rig_domain_tot_pages(env.xch, (uint32_t)domid);

        claim_of(claimer, got, &hw);
        intact = host_claims_are(claim, node_total, &all);
        /* The control: the sampler does see a build's populate. */
        tap_ok(drop >= (uint64_t)GUEST_MIB * MIB_PAGES * 9 / 10,
               "control: while xl built this guest, free memory dipped by %" PRIu64 " pages "
               "(its %d MiB: %" PRIu64 ")", drop, GUEST_MIB, (uint64_t)GUEST_MIB * MIB_PAGES);
        tap_ok(!memcmp(got, claim, nr * sizeof(*got)) && intact,
               "xl's guest d%d built (%" PRId64 " pages): the node claims unchanged (%s), all "
               "claims %" PRIu64 " (xl's own claim released after the build)", domid, tot,
               rig_fmt_pages(got, nr), all);
        r = rig_usage(env.h, (uint32_t)domid, usage, RIG_MAX_NODES);
        tap_ok(r == (int)nr && usage[cnode] <= RESERVE,
               "xl's guest took %" PRIu64 " pages of node %u, at most the %d left unclaimed "
               "(%s)", r == (int)nr ? usage[cnode] : 0, cnode, RESERVE,
               rig_fmt_pages(usage, nr));
        r = rig_sh(out, sizeof(out), "timeout 30 xl info");
        xo = xl_info_field(out, "outstanding_claims");
        tap_ok(r == 0 && xo == (long long)(node_total / MIB_PAGES),
               "xl info with the guest up: outstanding_claims %lld MiB, still the node claims",
               xo);
    }
    return domid;
}

int main(int argc, char **argv)
{
    uint64_t base[RIG_MAX_NODES], free_p[RIG_MAX_NODES], hc[RIG_MAX_NODES], claim[RIG_MAX_NODES],
             got[RIG_MAX_NODES], all = 0, hw = 0, usage[RIG_MAX_NODES], done = 0, missing = 0,
             node_total;
    unsigned int n = 0;
    int claimer, r, xl_domid;

    rig_env_open(&env, argc, argv);
    if (env.features < 0 || !(env.features & NODEAFF_FEATURE_CLAIMS)) {
        tap_skip("no node claims on this hypervisor (features 0x%x)",
                 (unsigned int)env.features);
        rig_env_close(&env);
        return tap_done();
    }
    rig_free_settled(&env, base);
    if (rig_numainfo(env.xch, free_p, NULL, &n) ||
        nodeaff_host_claims(env.h, hc, RIG_MAX_NODES, &all) < 0)
        tap_bail("reading the host");
    nr = n;
    cnode = nr - 1;

    /* Most of the last node, by its room now. */
    claimer = rig_domain_create(env.xch);
    if (claimer < 0)
        tap_bail("create: %d", claimer);
    memset(claim, 0, sizeof(claim));
    claim[cnode] = sub0(sub0(free_p[cnode], hc[cnode]), RESERVE);
    r = nodeaff_domain_claim(env.h, (uint32_t)claimer, claim, nr, NULL, NULL);
    claim_of((uint32_t)claimer, got, &hw);
    if (!tap_ok(r == 0 && !memcmp(got, claim, nr * sizeof(*got)),
                "d%d claims %" PRIu64 " pages (%" PRIu64 " MiB) of node %u, all but %d of "
                "its free pages: %d", claimer, claim[cnode], claim[cnode] / MIB_PAGES, cnode,
                RESERVE, r)) {
        rig_domain_destroy(env.xch, (uint32_t)claimer);
        rig_env_close(&env);
        return tap_done();
    }

    /* The toolstack flow: claim, then affinity, then populate.  Strict,
     * so the pages can only come from the claimed node: with automatic
     * affinity Xen alternates nodes and pages taken elsewhere leave the
     * claim unconsumed. */
    {
        struct nodeaff_nodemap *set = rig_nodemap(nr, 1, &cnode);

        r = nodeaff_domain_set_affinity(env.h, (uint32_t)claimer, set, NODEAFF_STRICT);
        tap_ok(r == 0, "d%d strictly bound to node %u: %d", claimer, cnode, r);
        nodeaff_nodemap_free(set);
    }

    hostwide_checks((uint32_t)claimer, claim);
    xl_domid = xl_create_next_to((uint32_t)claimer, claim);

    /* The claimer still gets every claimed page, on its node, consuming
     * its claim. */
    node_total = rig_sum(claim, nr, NULL, 1);
    r = rig_populate(env.xch, (uint32_t)claimer, node_total, &done);
    rig_usage(env.h, (uint32_t)claimer, usage, RIG_MAX_NODES);
    claim_of((uint32_t)claimer, got, &hw);
    tap_ok(r == 0 && done == node_total && usage[cnode] == claim[cnode] &&
           rig_sum(got, nr, NULL, 1) == 0,
           "the claimer populates its whole claim%s: %" PRIu64 " of %" PRIu64 " pages (%d), %"
           PRIu64 " on node %u, claim left %s", xl_domid > 0 ? " with xl's guest up" : "",
           done, node_total, r, usage[cnode], cnode, rig_fmt_pages(got, nr));

    if (xl_domid > 0) {
        r = rig_sh(out, sizeof(out), "timeout 60 xl destroy claimguest");
        tap_ok(r == 0, "xl destroy: exit %d", r);
    }
    rig_domain_destroy(env.xch, (uint32_t)claimer);
    rig_free_missing(env.xch, base, nr, &missing, NULL);
    r = nodeaff_host_claims(env.h, hc, RIG_MAX_NODES, &all);
    tap_ok(r == (int)nr && rig_sum(hc, nr, NULL, 1) == 0 && all == 0 &&
           missing <= RIG_XEN_KEEPS,
           "everything destroyed: claims 0 (%s, all %" PRIu64 "), free memory back at "
           "baseline (%" PRIu64 " missing)", rig_fmt_pages(hc, nr), all, missing);
    if (xl_up) {
        long long xo;

        r = rig_sh(out, sizeof(out), "timeout 30 xl info");
        xo = xl_info_field(out, "outstanding_claims");
        tap_ok(r == 0 && xo == 0, "xl info: outstanding_claims %lld", xo);
        rig_sh(NULL, 0, "kill $(cat /var/run/xenstored.pid) 2>/dev/null");
    }
    rig_env_close(&env);
    return tap_done();
}
