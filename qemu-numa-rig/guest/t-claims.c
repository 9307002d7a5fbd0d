/* Per-node claims (issue 16, series patch 0008) on the real hypervisor.
 *
 * 1. The parallel-boot race.  Node T has room for exactly J guests of M
 *    pages (M from T's free memory now: J fit, J + 1 do not).  K > J
 *    threads each create a domain, meet at a barrier, and then bind it to
 *    {T} and populate M pages at once, in four scenarios: strict or
 *    preferred, without or with claims.  With claims each thread first
 *    claims M on T (refused: destroy, nothing populated), then sets the
 *    affinity, populates and cancels what is left.  Without claims the
 *    outcome is the race's (observed, printed); with claims it is
 *    asserted: exactly J admitted and fully on T, K - J refused at the
 *    claim with 0 pages, 0 pages off T, no populate failing midway.  The
 *    table of the four goes to the log as TAP comments ("# race | ...").
 * 2. A domain without a claim allocating on a node another domain has
 *    claimed gets only the unclaimed pages: strict fails with -ENOMEM
 *    after free - claimed, preferred spills the rest; the claimer then
 *    populates its whole claim there.
 * 3. Destroying a domain with an outstanding claim releases it: host
 *    claims, free memory and debug key 'u' back at the baseline.
 * 4. Bad input through the library: each call returns its documented
 *    errno and changes neither the host's claims nor the domain's.
 * After each part the host's claims equal the baseline, free memory is
 * back ("nothing missing"), and debug key 'u' agrees with
 * nodeaff_host_claims() and says its counters match.
 *
 * On a hypervisor without per-node claims (stock Xen), the calls return
 * -EOPNOTSUPP, the feature bit is absent, and the rest is skipped. */
#define XC_WANT_COMPAT_MAP_FOREIGN_API 1   /* xc_map_foreign_range: part 4 */

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "rig-guest.h"
#include "tap.h"

#define J 2                     /* guests of M pages node T has room for */
#define K_MAX 4                 /* threads racing */
#define NO_SUCH_DOMAIN 0x7fe0u  /* below DOMID_FIRST_RESERVED, never created */

static struct rig_env env;
static unsigned int T;          /* the node raced for */
static uint64_t base_free[RIG_MAX_NODES];
static uint64_t base_claims[RIG_MAX_NODES], base_all;

/* --- host claims and debug key 'u' --------------------------------- */

/* Debug key 'u''s claim line of domid (DOMID_INVALID: the host's), from
 * one dump.  Returns 0; -ENOENT if the dump has no such line; -errno. */
static int key_claims(uint32_t domid, struct rig_claims_line *ret, int *ret_match)
{
    struct rig_claims_line host, dom;
    int match = 0, r;

    r = rig_debugkey_claims(env.xch, &domid, domid == DOMID_INVALID ? 0 : 1, &dom,
                            &host, &match);
    *ret = domid == DOMID_INVALID ? host : dom;
    if (ret_match)
        *ret_match = match;
    return r < 0 ? r : ret->found ? 0 : -ENOENT;
}

/* The host's node claims now equal the baseline, by the library and by
 * debug key 'u', whose counters match the domains' claims. */
static void check_host_claims(const char *when, const uint64_t *want,
                              uint64_t want_all)
{
    uint64_t lib[RIG_MAX_NODES], all = 0, lib_tot = 0;
    struct rig_claims_line key;
    int r, k, match = 0;
    unsigned int n = env.nr_nodes;

    r = nodeaff_host_claims(env.h, lib, RIG_MAX_NODES, &all);
    for (unsigned int i = 0; r > 0 && i < n; i++)
        lib_tot += lib[i];
    tap_ok(r == (int)n && !memcmp(lib, want, n * sizeof(*lib)) && all == want_all,
           "%s: host claims %s, all claims %llu (want %s, %llu)", when,
           rig_fmt_pages(lib, n), (unsigned long long)all, rig_fmt_pages(want, n),
           (unsigned long long)want_all);
    k = key_claims(DOMID_INVALID, &key, &match);
    tap_ok(k == 0 && r == (int)n && !memcmp(key.pages, lib, n * sizeof(*lib)) &&
           key.total == lib_tot && key.other == all && match == 1,
           "%s: debug key 'u' host claims %s (node claims %llu, all %llu) agree, "
           "counters match (%d, %d)", when, rig_fmt_pages(key.pages, n),
           (unsigned long long)key.total, (unsigned long long)key.other, k, match);
}

/* Free memory back at the baseline ("nothing missing"), host claims at
 * theirs. */
static void check_baseline(const char *when)
{
    uint64_t diff = 0;

    rig_wait_free_equals(env.xch, base_free, env.nr_nodes, &diff);
    tap_ok(diff == 0, "%s: free memory back at the baseline (%llu pages missing)",
           when, (unsigned long long)diff);
    check_host_claims(when, base_claims, base_all);
}

/* The domain's claim by the library and by debug key 'u' equals want
 * (want_total its sum). */
static void check_domain_claim(const char *when, uint32_t domid, const uint64_t *want)
{
    uint64_t lib[RIG_MAX_NODES], host_wide = 1;
    uint64_t want_total = rig_sum(want, env.nr_nodes, NULL, 1);
    struct rig_claims_line key;
    unsigned int n = env.nr_nodes;
    int r, k;

    r = nodeaff_domain_get_claim(env.h, domid, lib, RIG_MAX_NODES, &host_wide);
    tap_ok(r == (int)n && !memcmp(lib, want, n * sizeof(*lib)) && host_wide == 0,
           "%s: d%u's claim %s, host-wide 0 (want %s; %d)", when, domid,
           rig_fmt_pages(lib, n), rig_fmt_pages(want, n), r);
    k = key_claims(domid, &key, NULL);
    tap_ok(k == 0 && !memcmp(key.pages, want, n * sizeof(*want)) &&
           key.total == want_total && key.other == 0,
           "%s: debug key 'u' says d%u claims %s (total %llu, host-wide %llu)",
           when, domid, rig_fmt_pages(key.pages, n), (unsigned long long)key.total,
           (unsigned long long)key.other);
}

/* A claim vector of count pages on node (the rest 0). */
static void one_node(uint64_t *v, unsigned int node, uint64_t count)
{
    memset(v, 0, RIG_MAX_NODES * sizeof(*v));
    v[node] = count;
}

/* --- 1. the parallel-boot race --------------------------------------- */

struct racer {
    unsigned int strict, claims;
    uint64_t pages;                     /* M */
    pthread_barrier_t *barrier;
    /* results */
    int create_rc, claim_rc, aff_rc, pop_rc, cancel_rc, destroy_rc;
    uint32_t domid, short_node;
    uint64_t short_avail, done;
    int refused_usage_rc;
    uint64_t refused_usage_sum;
    int64_t refused_tot;
    pthread_t tid;
};

static void *race_one(void *arg)
{
    struct racer *r = arg;
    xc_interface *xch = rig_xc_open();   /* a libxenctrl handle per thread */
    struct nodeaff_nodemap *set = rig_nodemap(env.nr_nodes, 1, &T);
    uint64_t want[RIG_MAX_NODES];
    int domid = rig_domain_create(xch);

    r->create_rc = domid < 0 ? domid : 0;
    r->domid = domid < 0 ? 0 : (uint32_t)domid;
    pthread_barrier_wait(r->barrier);
    if (domid < 0 || !set)
        goto out;
    if (r->claims) {
        one_node(want, T, r->pages);
        r->short_node = 0;
        r->claim_rc = nodeaff_domain_claim(env.h, r->domid, want, env.nr_nodes,
                                           &r->short_node, &r->short_avail);
        if (r->claim_rc < 0) {
            /* Refused at the claim: nothing was populated; what the
             * domain owns is read before it goes. */
            uint64_t u[RIG_MAX_NODES];

            r->refused_usage_rc = nodeaff_domain_get_usage(env.h, r->domid, u,
                                                           RIG_MAX_NODES);
            r->refused_usage_sum = r->refused_usage_rc > 0 ?
                rig_sum(u, (unsigned int)r->refused_usage_rc, NULL, 1) : UINT64_MAX;
            r->refused_tot = rig_domain_tot_pages(xch, r->domid);
            r->destroy_rc = rig_domain_destroy(xch, r->domid);
            goto out;
        }
    }
    r->aff_rc = nodeaff_domain_set_affinity(env.h, r->domid, set,
                                            r->strict ? NODEAFF_STRICT : 0);
    if (r->aff_rc == 0)
        r->pop_rc = rig_populate(xch, r->domid, r->pages, &r->done);
    if (r->claims)
        r->cancel_rc = nodeaff_domain_cancel_claim(env.h, r->domid);
out:
    nodeaff_nodemap_free(set);
    xc_interface_close(xch);
    return NULL;
}

struct race_row {
    unsigned int strict, claims;
    unsigned int admitted, refused, failed_midway;
    uint64_t failed_pages, off_node;
};

static void race(unsigned int strict, unsigned int claims, unsigned int k,
                 uint64_t m, struct race_row *row)
{
    struct racer rs[K_MAX];
    pthread_barrier_t barrier;
    char what[64];
    unsigned int n = env.nr_nodes, bad_usage = 0, refused_bad = 0, admitted_bad = 0;
    unsigned int create_bad = 0;

    snprintf(what, sizeof(what), "race %s, %s claims", strict ? "strict" : "preferred",
             claims ? "with" : "without");
    memset(rs, 0, sizeof(rs));
    memset(row, 0, sizeof(*row));
    row->strict = strict;
    row->claims = claims;
    pthread_barrier_init(&barrier, NULL, k);
    for (unsigned int i = 0; i < k; i++) {
        rs[i].strict = strict;
        rs[i].claims = claims;
        rs[i].pages = m;
        rs[i].barrier = &barrier;
        if (pthread_create(&rs[i].tid, NULL, race_one, &rs[i]))
            tap_bail("%s: pthread_create", what);
    }
    for (unsigned int i = 0; i < k; i++)
        pthread_join(rs[i].tid, NULL);
    pthread_barrier_destroy(&barrier);

    for (unsigned int i = 0; i < k; i++) {
        struct racer *r = &rs[i];
        uint64_t u[RIG_MAX_NODES];
        int ur;

        if (r->create_rc < 0) {
            create_bad++;
            continue;
        }
        if (claims && r->claim_rc < 0) {
            row->refused++;
            /* Refused by -ENOMEM on T, having seen less than M there. */
            if (r->claim_rc != -ENOMEM || r->short_node != T || r->short_avail >= m ||
                r->refused_usage_sum != 0 || r->refused_tot != 0 || r->destroy_rc != 0) {
                if (!refused_bad++)
                    tap_diag("%s: d%u refused with %d (short node %u, %llu available), "
                             "usage %llu pages, tot_pages %lld, destroy %d", what,
                             r->domid, r->claim_rc, r->short_node,
                             (unsigned long long)r->short_avail,
                             (unsigned long long)r->refused_usage_sum,
                             (long long)r->refused_tot, r->destroy_rc);
            }
            continue;
        }
        ur = nodeaff_domain_get_usage(env.h, r->domid, u, RIG_MAX_NODES);
        if (ur != (int)n || rig_sum(u, n, NULL, 1) != r->done) {
            if (!bad_usage++)
                tap_diag("%s: d%u usage %s (%d) for %llu pages populated", what,
                         r->domid, rig_fmt_pages(u, n), ur, (unsigned long long)r->done);
        } else {
            row->off_node += r->done - u[T];
        }
        if (r->pop_rc == 0 && r->done == m && r->aff_rc == 0) {
            row->admitted++;
        } else if (r->done > 0) {
            row->failed_midway++;
            row->failed_pages += r->done;
        }
        if (claims) {
            uint64_t left[RIG_MAX_NODES], hw = 1;
            int cr = nodeaff_domain_get_claim(env.h, r->domid, left, RIG_MAX_NODES, &hw);

            /* Admitted: fully populated on T, nothing left claimed. */
            if (r->aff_rc != 0 || r->pop_rc != 0 || r->done != m || ur != (int)n ||
                u[T] != m || r->cancel_rc != 0 || cr != (int)n ||
                rig_sum(left, n, NULL, 1) != 0 || hw != 0) {
                if (!admitted_bad++)
                    tap_diag("%s: d%u admitted: affinity %d, populate %d (%llu of %llu), "
                             "on T %llu, cancel %d, claim left %s (%d)", what, r->domid,
                             r->aff_rc, r->pop_rc, (unsigned long long)r->done,
                             (unsigned long long)m, (unsigned long long)(ur > 0 ? u[T] : 0),
                             r->cancel_rc, rig_fmt_pages(left, n), cr);
            }
        }
    }
    tap_ok(create_bad == 0, "%s: %u domains created", what, k - create_bad);
    tap_ok(bad_usage == 0, "%s: every domain's usage sums to what it populated", what);
    if (claims) {
        tap_ok(row->admitted == J && admitted_bad == 0,
               "%s: exactly %u admitted, each with all %llu pages on node %u and no "
               "claim left (%u admitted)", what, J, (unsigned long long)m, T,
               row->admitted);
        tap_ok(row->refused == k - J && refused_bad == 0,
               "%s: %u refused at the claim (-ENOMEM, short on node %u), 0 pages "
               "populated, tot_pages 0 (%u refused)", what, k - J, T, row->refused);
        tap_ok(row->off_node == 0, "%s: 0 pages off node %u (%llu)", what, T,
               (unsigned long long)row->off_node);
        tap_ok(row->failed_midway == 0, "%s: no populate failed midway (%u)", what,
               row->failed_midway);
        /* Every claim consumed or cancelled: the host's claims are back,
         * and debug key 'u' agrees, with the domains still there. */
        check_host_claims(what, base_claims, base_all);
    } else if (strict) {
        /* Strict never spills, race or not (the series' promise). */
        tap_ok(row->off_node == 0, "%s: 0 pages off node %u (%llu)", what, T,
               (unsigned long long)row->off_node);
    }
    for (unsigned int i = 0; i < k; i++)
        if (rs[i].create_rc == 0 && !(claims && rs[i].claim_rc < 0))
            rig_domain_destroy(env.xch, rs[i].domid);
    check_baseline(what);
}

static void part_race(void)
{
    uint64_t f = rig_free_pages(&env, T), other = 0, m;
    struct race_row rows[4];
    unsigned int k;

    /* J fit, J + 1 do not: J * M = F - J * margin, (J + 1) * M > F as long
     * as margin < F / (J (J + 1)); half that leaves room for the pages
     * Xen itself takes while the domains are created. */
    m = f / J - f / (2 * J * (J + 1));
    for (unsigned int x = 0; x < env.nr_nodes; x++)
        if (x != T && env.mem_bytes[x])
            other += rig_free_pages(&env, x);
    /* As many racers as the host holds (preferred spills the rest), at
     * least J + 1. */
    k = (unsigned int)((f + (other > 4096 ? other - 4096 : 0)) / m);
    k = k > K_MAX ? K_MAX : k < J + 1 ? J + 1 : k;
    tap_diag("race: node %u has %llu free pages; J=%u guests of M=%llu pages fit, "
             "J+1 do not; K=%u threads; %llu pages free elsewhere", T,
             (unsigned long long)f, J, (unsigned long long)m, k,
             (unsigned long long)other);
    race(1, 0, k, m, &rows[0]);
    race(0, 0, k, m, &rows[1]);
    race(1, 1, k, m, &rows[2]);
    race(0, 1, k, m, &rows[3]);
    tap_diag("race | affinity | claims | admitted | refused at claim | failed midway | "
             "pages populated by failed domains | pages off node");
    for (unsigned int i = 0; i < 4; i++)
        tap_diag("race | %s | %s | %u | %u | %u | %llu | %llu",
                 rows[i].strict ? "strict" : "preferred", rows[i].claims ? "yes" : "no",
                 rows[i].admitted, rows[i].refused, rows[i].failed_midway,
                 (unsigned long long)rows[i].failed_pages,
                 (unsigned long long)rows[i].off_node);
    tap_diag("race: K=%u domains of M=%llu pages (%llu MiB) bound to node %u "
             "(%llu pages free: room for J=%u)", k, (unsigned long long)m,
             (unsigned long long)(m >> 8), T, (unsigned long long)f, J);
}

/* --- 2. a domain without a claim on a claimed node -------------------- */

static void part_unclaimed(unsigned int strict)
{
    const char *mode = strict ? "strict" : "preferred";
    struct nodeaff_nodemap *set = rig_nodemap(env.nr_nodes, 1, &T);
    uint64_t want[RIG_MAX_NODES], u[RIG_MAX_NODES], claims_now[RIG_MAX_NODES];
    uint64_t f, c, done = 0, extra = 0, avail, got = 0;
    int a = rig_domain_create(env.xch), b = rig_domain_create(env.xch), r;
    char what[96];

    snprintf(what, sizeof(what), "unclaimed %s", mode);
    if (a < 0 || b < 0 || !set) {
        tap_ok(0, "%s: create two domains: %d %d", what, a, b);
        goto out;
    }
    f = rig_free_pages(&env, T);
    c = f / 2;
    one_node(want, T, c);
    r = nodeaff_domain_claim(env.h, (uint32_t)a, want, env.nr_nodes, NULL, NULL);
    tap_ok(r == 0, "%s: d%d claims %llu of node %u's %llu free pages: %d", what, a,
           (unsigned long long)c, T, (unsigned long long)f, r);
    r = nodeaff_domain_set_affinity(env.h, (uint32_t)a, set, NODEAFF_STRICT);
    r = r ? r : nodeaff_domain_set_affinity(env.h, (uint32_t)b, set,
                                            strict ? NODEAFF_STRICT : 0);
    tap_ok(r == 0, "%s: d%d strict {%u}, d%d %s {%u}: %d", what, a, T, b, mode, T, r);

    /* b, without a claim, asks for everything T has free. */
    avail = rig_free_pages(&env, T) - c;
    if (!strict) {
        /* ... plus some that must come from elsewhere. */
        extra = 4096;
    }
    r = rig_populate(env.xch, (uint32_t)b, strict ? f : avail + extra, &done);
    memset(u, 0xff, sizeof(u));         /* a failed read fails the checks */
    nodeaff_domain_get_usage(env.h, (uint32_t)b, u, RIG_MAX_NODES);
    if (strict) {
        tap_ok(r == -ENOMEM, "%s: d%d asking %llu pages gets -ENOMEM (%d)", what, b,
               (unsigned long long)f, r);
        /* Xen may take or give back a few pages on T meanwhile. */
        tap_ok(done <= avail + 32 && done + 256 >= avail && u[T] == done,
               "%s: d%d got %llu pages, all on node %u: at most the %llu free and "
               "unclaimed", what, b, (unsigned long long)done, T,
               (unsigned long long)avail);
    } else {
        tap_ok(r == 0 && done == avail + extra,
               "%s: d%d populated all %llu pages (%d)", what, b,
               (unsigned long long)(avail + extra), r);
        tap_ok(u[T] <= avail + 32 && done - u[T] >= extra,
               "%s: %llu on node %u (at most the %llu unclaimed), %llu spilled "
               "elsewhere (at least %llu)", what, (unsigned long long)u[T], T,
               (unsigned long long)avail, (unsigned long long)(done - u[T]),
               (unsigned long long)extra);
    }
    check_domain_claim(what, (uint32_t)a, want);
    r = nodeaff_host_claims(env.h, claims_now, RIG_MAX_NODES, NULL);
    tap_ok(r > 0 && claims_now[T] == base_claims[T] + c,
           "%s: the host's claim on node %u is still %llu (%llu)", what, T,
           (unsigned long long)(base_claims[T] + c),
           (unsigned long long)claims_now[T]);

    /* The claimer gets its whole claim, from a node otherwise full. */
    r = rig_populate(env.xch, (uint32_t)a, c, &got);
    memset(u, 0xff, sizeof(u));
    nodeaff_domain_get_usage(env.h, (uint32_t)a, u, RIG_MAX_NODES);
    tap_ok(r == 0 && got == c && u[T] == c,
           "%s: d%d then populates its whole claim, %llu pages on node %u (%d, %llu "
           "there)", what, a, (unsigned long long)c, T, r, (unsigned long long)u[T]);
    one_node(want, T, 0);
    check_domain_claim(what, (uint32_t)a, want);
out:
    if (a >= 0)
        rig_domain_destroy(env.xch, (uint32_t)a);
    if (b >= 0)
        rig_domain_destroy(env.xch, (uint32_t)b);
    nodeaff_nodemap_free(set);
    check_baseline(what);
}

/* --- 3. destroy with an outstanding claim ------------------------------- */

static void part_destroy(void)
{
    const char *what = "destroy with a claim";
    struct nodeaff_nodemap *set = rig_nodemap(env.nr_nodes, 1, &T);
    uint64_t want[RIG_MAX_NODES], hosts[RIG_MAX_NODES], all = 0, c, done = 0;
    unsigned int second = T;
    int d = rig_domain_create(env.xch), r;

    if (d < 0 || !set) {
        tap_ok(0, "%s: create: %d", what, d);
        nodeaff_nodemap_free(set);
        return;
    }
    /* A claim on T and, where there is one, a little on another node: the
     * release covers every node of the vector. */
    c = rig_free_pages(&env, T) / 4;
    one_node(want, T, c);
    for (unsigned int x = 0; x < env.nr_nodes; x++)
        if (x != T && env.mem_bytes[x] && rig_free_pages(&env, x) > 8192) {
            second = x;
            want[x] = 1024;
            break;
        }
    r = nodeaff_domain_claim(env.h, (uint32_t)d, want, env.nr_nodes, NULL, NULL);
    tap_ok(r == 0, "%s: d%d claims %s: %d", what, d, rig_fmt_pages(want, env.nr_nodes), r);
    r = nodeaff_domain_set_affinity(env.h, (uint32_t)d, set, NODEAFF_STRICT);
    if (r == 0)
        r = rig_populate(env.xch, (uint32_t)d, c / 2, &done);
    tap_ok(r == 0 && done == c / 2, "%s: d%d populates %llu of them on node %u: %d",
           what, d, (unsigned long long)(c / 2), T, r);
    want[T] = c - c / 2;
    check_domain_claim(what, (uint32_t)d, want);
    r = nodeaff_host_claims(env.h, hosts, RIG_MAX_NODES, &all);
    tap_ok(r > 0 && hosts[T] == base_claims[T] + want[T] &&
           (second == T || hosts[second] == base_claims[second] + want[second]) &&
           all == base_all + rig_sum(want, env.nr_nodes, NULL, 1),
           "%s: the host's claims count what is left (%s, all %llu)", what,
           rig_fmt_pages(hosts, env.nr_nodes), (unsigned long long)all);
    {
        struct rig_claims_line key;
        int match = 0, k = key_claims(DOMID_INVALID, &key, &match);

        tap_ok(k == 0 && !memcmp(key.pages, hosts, env.nr_nodes * sizeof(*hosts)) &&
               key.other == all && match == 1,
               "%s: debug key 'u' host claims %s (all %llu), counters match (%d)",
               what, rig_fmt_pages(key.pages, env.nr_nodes),
               (unsigned long long)key.other, match);
    }
    r = rig_domain_destroy(env.xch, (uint32_t)d);
    tap_ok(r == 0, "%s: d%d destroyed without cancelling: %d", what, d, r);
    r = nodeaff_domain_get_claim(env.h, (uint32_t)d, hosts, RIG_MAX_NODES, NULL);
    tap_ok(r == -ESRCH, "%s: its claim is gone with it (get_claim %d, -ESRCH)", what, r);
    nodeaff_nodemap_free(set);
    check_baseline(what);
}

/* --- 4. bad input ------------------------------------------------------- */

struct snapshot {
    uint64_t host[RIG_MAX_NODES], all, dom[RIG_MAX_NODES], dom_hw;
};

static void snap(uint32_t domid, struct snapshot *s)
{
    memset(s, 0, sizeof(*s));
    nodeaff_host_claims(env.h, s->host, RIG_MAX_NODES, &s->all);
    nodeaff_domain_get_claim(env.h, domid, s->dom, RIG_MAX_NODES, &s->dom_hw);
}

/* The call returned want and changed neither the host's claims nor
 * domid's. */
static void expect(const char *what, int got, int want, uint32_t domid,
                   const struct snapshot *before)
{
    struct snapshot after;

    snap(domid, &after);
    tap_ok(got == want && !memcmp(before, &after, sizeof(after)),
           "bad input: %s: %d (%s), host and domain claims unchanged (host %s, all "
           "%llu)", what, got, strerror(-want), rig_fmt_pages(after.host, env.nr_nodes),
           (unsigned long long)after.all);
}

/* A domain that is dying but not gone: dom0 still maps one of its pages
 * while it is destroyed.  Returns its id (the mapping in *ret_map) or
 * -errno. */
static int dying_domain(void **ret_map)
{
    xen_pfn_t frame = 0x100;
    xc_domaininfo_t info;
    int d = rig_domain_create(env.xch);
    void *map;

    *ret_map = NULL;
    if (d < 0)
        return d;
    /* A PV domain's populate hands back the machine frame. */
    if (xc_domain_populate_physmap_exact(env.xch, (uint32_t)d, 1, 0, 0, &frame) ||
        !(map = xc_map_foreign_range(env.xch, (uint32_t)d, XC_PAGE_SIZE, PROT_READ,
                                     frame))) {
        int e = -errno;

        rig_domain_destroy(env.xch, (uint32_t)d);
        return e;
    }
    rig_domain_destroy(env.xch, (uint32_t)d);
    if (xc_domain_getinfolist(env.xch, (uint32_t)d, 1, &info) != 1 ||
        info.domain != (uint32_t)d || !(info.flags & XEN_DOMINF_dying)) {
        munmap(map, XC_PAGE_SIZE);
        return -ENOENT;
    }
    *ret_map = map;
    return d;
}

static void part_badinput(void)
{
    uint64_t v[RIG_MAX_NODES + 1], held[RIG_MAX_NODES];
    unsigned int n = env.nr_nodes, other = T;
    struct snapshot s;
    void *map = NULL;
    int x = rig_domain_create(env.xch), y, z, r;

    if (x < 0) {
        tap_ok(0, "bad input: create: %d", x);
        return;
    }
    for (unsigned int i = 0; i < n; i++)
        if (i != T && env.mem_bytes[i])
            other = i;
    /* x holds a claim, so "unchanged" has something to keep. */
    one_node(held, T, 256);
    r = nodeaff_domain_claim(env.h, (uint32_t)x, held, n, NULL, NULL);
    tap_ok(r == 0, "bad input: d%d claims 256 pages on node %u: %d", x, T, r);

    snap((uint32_t)x, &s);
    one_node(v, T, 16);
    r = nodeaff_domain_claim(env.h, NO_SUCH_DOMAIN, v, n, NULL, NULL);
    expect("claim for an unknown domain", r, -ESRCH, (uint32_t)x, &s);
    r = nodeaff_domain_cancel_claim(env.h, NO_SUCH_DOMAIN);
    expect("cancel for an unknown domain", r, -ESRCH, (uint32_t)x, &s);
    r = nodeaff_domain_get_claim(env.h, NO_SUCH_DOMAIN, v, RIG_MAX_NODES, NULL);
    expect("get_claim of an unknown domain", r, -ESRCH, (uint32_t)x, &s);

    /* Nodes beyond the host: node n, and the host's last possible id.  The
     * rig's hosts number their nodes without gaps, so an offline node id
     * below the host's count does not exist here; an id past the host is
     * what the library refuses instead. */
    memset(v, 0, sizeof(v));
    v[n] = 16;
    r = nodeaff_domain_claim(env.h, (uint32_t)x, v, n + 1, NULL, NULL);
    expect("a count on node nr_nodes (beyond the host)", r, -ERANGE, (uint32_t)x, &s);

    if (other != T) {
        memset(v, 0, sizeof(v));
        v[T] = UINT64_MAX;
        v[other] = 2;
        r = nodeaff_domain_claim(env.h, (uint32_t)x, v, n, NULL, NULL);
        expect("counts whose sum wraps", r, -EOVERFLOW, (uint32_t)x, &s);
    } else {
        tap_skip("bad input: counts whose sum wraps need two memory nodes");
    }
    r = nodeaff_domain_claim(env.h, (uint32_t)x, NULL, n, NULL, NULL);
    expect("pages NULL with nr_entries > 0", r, -EINVAL, (uint32_t)x, &s);

    /* More than the domain may own. */
    y = rig_domain_create(env.xch);
    if (y >= 0 && xc_domain_setmaxmem(env.xch, (uint32_t)y, 1024 * 4) == 0) {
        one_node(v, T, 2048);
        snap((uint32_t)x, &s);
        r = nodeaff_domain_claim(env.h, (uint32_t)y, v, n, NULL, NULL);
        expect("2048 pages for a domain of max_pages 1024", r, -EINVAL, (uint32_t)x, &s);
        r = nodeaff_domain_get_claim(env.h, (uint32_t)y, v, RIG_MAX_NODES, NULL);
        tap_ok(r == (int)n && rig_sum(v, n, NULL, 1) == 0,
               "bad input: ... and that domain claims nothing (%s)", rig_fmt_pages(v, n));
    } else {
        tap_ok(0, "bad input: a domain of max_pages 1024: %d", y);
    }
    if (y >= 0)
        rig_domain_destroy(env.xch, (uint32_t)y);

    /* A dying domain. */
    z = dying_domain(&map);
    if (z >= 0) {
        snap((uint32_t)x, &s);
        one_node(v, T, 16);
        r = nodeaff_domain_claim(env.h, (uint32_t)z, v, n, NULL, NULL);
        expect("claim for a dying domain", r, -ESRCH, (uint32_t)x, &s);
        munmap(map, XC_PAGE_SIZE);
    } else {
        tap_ok(0, "bad input: a dying domain (dom0 mapping one of its pages): %d", z);
    }

    /* A host-wide XENMEM_claim_pages claim held: node claims are refused;
     * and the other way round. */
    z = rig_domain_create(env.xch);
    r = z < 0 ? z : xc_domain_claim_pages(env.xch, (uint32_t)z, 512) ? -errno : 0;
    tap_ok(r == 0, "bad input: d%d takes a host-wide claim of 512 pages: %d", z, r);
    if (r == 0) {
        uint64_t hw = 0;

        snap((uint32_t)x, &s);
        one_node(v, T, 16);
        r = nodeaff_domain_claim(env.h, (uint32_t)z, v, n, NULL, NULL);
        expect("node claim on a domain with a host-wide claim", r, -EBUSY, (uint32_t)x, &s);
        r = nodeaff_domain_get_claim(env.h, (uint32_t)z, v, RIG_MAX_NODES, &hw);
        tap_ok(r == (int)n && rig_sum(v, n, NULL, 1) == 0 && hw == 512,
               "bad input: ... its host-wide claim stays 512 (%llu), no node claim (%s)",
               (unsigned long long)hw, rig_fmt_pages(v, n));
        xc_domain_claim_pages(env.xch, (uint32_t)z, 0);
    }
    if (z >= 0)
        rig_domain_destroy(env.xch, (uint32_t)z);
    snap((uint32_t)x, &s);
    r = xc_domain_claim_pages(env.xch, (uint32_t)x, 512) ? -errno : 0;
    expect("XENMEM_claim_pages on a domain with node claims", r, -EBUSY, (uint32_t)x, &s);
    check_domain_claim("bad input", (uint32_t)x, held);

    /* Cancel works, twice. */
    r = nodeaff_domain_cancel_claim(env.h, (uint32_t)x);
    tap_ok(r == 0, "bad input: d%d cancels its claim: %d", x, r);
    r = nodeaff_domain_cancel_claim(env.h, (uint32_t)x);
    tap_ok(r == 0, "bad input: cancelling again (no claim) gives 0: %d", r);
    rig_domain_destroy(env.xch, (uint32_t)x);
    check_baseline("bad input");
}

/* --- stock Xen ---------------------------------------------------------- */

static void no_claims(void)
{
    uint64_t v[RIG_MAX_NODES];
    int d = rig_domain_create(env.xch), r;

    tap_ok(!(env.features & NODEAFF_FEATURE_CLAIMS),
           "no claims: NODEAFF_FEATURE_CLAIMS absent (features 0x%x)", env.features);
    one_node(v, T, 16);
    r = d < 0 ? d : nodeaff_domain_claim(env.h, (uint32_t)d, v, env.nr_nodes, NULL, NULL);
    tap_ok(r == -EOPNOTSUPP, "no claims: nodeaff_domain_claim gives %d (-EOPNOTSUPP)", r);
    r = d < 0 ? d : nodeaff_domain_get_claim(env.h, (uint32_t)d, v, RIG_MAX_NODES, NULL);
    tap_ok(r == -EOPNOTSUPP, "no claims: nodeaff_domain_get_claim gives %d (-EOPNOTSUPP)", r);
    r = nodeaff_host_claims(env.h, v, RIG_MAX_NODES, NULL);
    tap_ok(r == -EOPNOTSUPP, "no claims: nodeaff_host_claims gives %d (-EOPNOTSUPP)", r);
    if (d >= 0)
        rig_domain_destroy(env.xch, (uint32_t)d);
    tap_skip("the race, claimed nodes, destroy and bad input: this hypervisor has no "
             "per-node claims (%s)", env.series ? "the series without patch 0008"
                                                : "stock Xen, without the series");
}

/* The node raced for: a memory node other than dom0's node 0 where there
 * is one, wholly above Xen's DMA zone (which preferred allocations use
 * last, whatever their node), with the most free memory. */
static int pick_node(void)
{
    uint64_t best = 0;
    int pick = -1;

    for (unsigned int pass = 0; pass < 2 && pick < 0; pass++)
        for (unsigned int x = pass ? 0 : 1; x < env.nr_nodes; x++) {
            uint64_t f;

            if (!env.mem_bytes[x] || env.start[x] < (1ULL << env.dma_bits))
                continue;
            f = rig_free_pages(&env, x);
            if (f > best) {
                best = f;
                pick = (int)x;
            }
        }
    return pick;
}

int main(int argc, char **argv)
{
    int t, r;

    rig_env_open(&env, argc, argv);
    t = pick_node();
    T = t < 0 ? 0 : (unsigned int)t;
    if (!(env.features & NODEAFF_FEATURE_CLAIMS)) {
        /* Every release's series carries patch 0008. */
        tap_ok(!env.series, "no per-node claims, and no carried series either (every "
               "release's series carries patch 0008; features 0x%x)", env.features);
        no_claims();
        rig_env_close(&env);
        return tap_done();
    }
    if (t < 0) {
        tap_skip("no memory node above Xen's DMA zone to race for");
        rig_env_close(&env);
        return tap_done();
    }
    rig_free_settled(&env, base_free);
    r = nodeaff_host_claims(env.h, base_claims, RIG_MAX_NODES, &base_all);
    tap_ok(r == (int)env.nr_nodes, "baseline: host claims %s, all claims %llu (%d)",
           rig_fmt_pages(base_claims, env.nr_nodes), (unsigned long long)base_all, r);
    check_host_claims("baseline", base_claims, base_all);

    part_race();
    part_unclaimed(1);
    part_unclaimed(0);
    part_destroy();
    part_badinput();
    rig_env_close(&env);
    return tap_done();
}
