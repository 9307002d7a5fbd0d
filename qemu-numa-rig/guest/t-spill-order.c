/* Where preferred affinity spills, node by node, once its set is full.
 *
 * The series (xen-patches/4.17/0007) makes get_free_buddy() try the other
 * online nodes nearest first: by the smallest distance from the set (as
 * Xen reports it, read from the set towards the candidate), ties by node
 * id.  Upstream Xen tries them by node id.  The test exhausts a node N
 * with a first domain (strict with the series, which must still put 0
 * pages off N; an exact fit on stock Xen), then gives a second domain
 * preferring N pages in steps: each step fills the next node of the
 * expected order, and the usage query (series) and debug key 'u' (both)
 * must show every page of the step on that node.  Debug key 'q' must
 * print the whole order (series).  With the series the order is by
 * distance; on stock Xen by id: the test asserts what each really does.
 *
 * Xen's DMA zone is used after every node's memory above it, so a node
 * with DMA memory is filled only partly and only ever taken as a step's
 * last node.  `t-spill-order --bench PAGES` (tests/bench/run-benchmarks)
 * prints the page-weighted mean distance from N of PAGES spilled pages
 * instead of testing. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rig-guest.h"
#include "tap.h"

#define SLACK 64          /* pages Xen may move meanwhile */
#define TAIL 4096         /* a step that does not fill its node */
#define FILL_BUDGET 300000 /* pages all steps may fill (TCG time) */

static unsigned int dist(const struct rig_env *env, unsigned int a, unsigned int b)
{
    int d = nodeaff_topology_distance(env->host, a, b);

    return d < 0 ? 255 : (unsigned int)d;
}

/* Pages of node x below Xen's DMA limit (an upper bound of its free ones). */
static uint64_t dma_pages(const struct rig_env *env, unsigned int x)
{
    uint64_t lim = 1ULL << env->dma_bits;

    if (!env->mem_bytes[x] || env->start[x] >= lim)
        return 0;
    return ((env->end[x] < lim ? env->end[x] : lim) - env->start[x]) >> 12;
}

/* The nodes other than n in the order Xen should try them: by (distance
 * from n, id) with the series, by id on stock Xen. */
static unsigned int expected_order(const struct rig_env *env, unsigned int n,
                                   int by_distance, unsigned int *out)
{
    unsigned int nr = 0;

    for (unsigned int x = 0; x < env->nr_nodes; x++) {
        unsigned int i = nr;

        if (x == n)
            continue;
        while (by_distance && i > 0 && dist(env, n, out[i - 1]) > dist(env, n, x)) {
            out[i] = out[i - 1];
            i--;
        }
        out[i] = x;
        nr++;
    }
    return nr;
}

/* The first node of order that will take pages: one with free memory
 * above the DMA zone (a step's node).  -1 if none is certain. */
static int first_taker(const struct rig_env *env, const unsigned int *order,
                       unsigned int nr, const uint64_t *free_now)
{
    for (unsigned int i = 0; i < nr; i++) {
        unsigned int x = order[i];
        uint64_t dma = dma_pages(env, x);

        if (free_now[x] == UINT64_MAX || free_now[x] <= SLACK)
            continue;
        if (free_now[x] > dma + TAIL + SLACK)
            return (int)x;
        if (dma)
            return -1;      /* may or may not have pages above the zone */
    }
    return -1;
}

/* The node to prefer: not dom0's, with memory, none of it DMA; best where
 * the distance order and the id order start differently, then where the
 * first node of the distance order has no DMA memory (so it can be
 * filled), then the smallest (less to fill). */
static int pick_node(const struct rig_env *env, const uint64_t *free_now)
{
    int best = -1, best_score = -1;

    for (unsigned int x = 1; x < env->nr_nodes; x++) {
        unsigned int bd[RIG_MAX_NODES], bi[RIG_MAX_NODES], nr;
        int d, i, score;

        if (!env->mem_bytes[x] || dma_pages(env, x) || free_now[x] <= TAIL)
            continue;
        nr = expected_order(env, x, 1, bd);
        expected_order(env, x, 0, bi);
        d = first_taker(env, bd, nr, free_now);
        i = first_taker(env, bi, nr, free_now);
        score = (d != i) * 4 + (d >= 0 && !dma_pages(env, (unsigned int)d)) * 2;
        if (score > best_score ||
            (score == best_score && env->mem_bytes[x] < env->mem_bytes[best])) {
            best = (int)x;
            best_score = score;
        }
    }
    return best;
}

/* Presses 'q' and copies what follows "NODE fallback for domain D: " on its line in that dump
 * into out.  Returns 0, -ENOENT (no such line), -errno. */
static int q_fallback(xc_interface *xch, uint32_t domid, char *out, size_t n)
{
    char prefix[64];

    snprintf(prefix, sizeof(prefix), "NODE fallback for domain %u: ", domid);
    return rig_debugkey_line(xch, 'q', prefix, out, n);
}

/* Whether the topology file asks the rig to boot Xen with word (its
 * "xen ..." lines are Xen's command line). */
static int topology_file_has(const char *path, const char *word)
{
    char line[512];
    FILE *f = fopen(path, "r");
    int found = 0;

    if (!f)
        return 0;
    while (!found && fgets(line, sizeof(line), f))
        found = strncmp(line, "xen ", 4) == 0 && strstr(line, word) != NULL;
    fclose(f);
    return found;
}

/* Whether the hypervisor orders the fallback by distance: the series
 * does, unless booted with nodeaff_fallback=id; stock Xen never does.
 * Xen's command line says; where it may not be read (FLASK may deny
 * XENVER_commandline), the topology file the rig booted from does. */
static int fallback_by_distance(const struct rig_env *env, const char *topo)
{
    xen_commandline_t cmdline;

    if (!env->series)
        return 0;
    memset(cmdline, 0, sizeof(cmdline));
    if (xc_version(env->xch, XENVER_commandline, &cmdline) < 0) {
        tap_diag("XENVER_commandline: %s; reading %s instead", strerror(errno), topo);
        return !topology_file_has(topo, "nodeaff_fallback=id");
    }
    cmdline[sizeof(cmdline) - 1] = '\0';
    return strstr(cmdline, "nodeaff_fallback=id") == NULL;
}

/* Creates a domain with affinity {n} (flags: 0 preferred, NODEAFF_STRICT). */
static int domain_on(struct rig_env *env, const struct nodeaff_nodemap *set,
                     unsigned int flags)
{
    int domid = rig_domain_create(env->xch), r;

    if (domid < 0)
        tap_bail("create domain: %s", strerror(-domid));
    r = nodeaff_domain_set_affinity(env->h, (uint32_t)domid, set, flags);
    if (r < 0)
        tap_bail("domain %d: set affinity {%s} flags %u: %s", domid, rig_fmt(set),
                 flags, strerror(-r));
    return domid;
}

/* Per-node pages of domid by debug key 'u' and, with the series, by the
 * usage query, which must agree. */
static void pages_of(struct rig_env *env, uint32_t domid, uint64_t *ret)
{
    struct rig_pages pg;

    rig_read_pages(env, domid, &pg);
    if (pg.key_rc <= 0)
        tap_bail("debug key 'u' has no line for domain %u (%d)", domid, pg.key_rc);
    if (env->series && (pg.usage_rc <= 0 ||
                        memcmp(pg.usage, pg.key, env->nr_nodes * sizeof(uint64_t))))
        tap_ok(0, "domain %u: usage (%s) equals debug key 'u' (%s)", domid,
               pg.usage_rc > 0 ? rig_fmt_pages(pg.usage, env->nr_nodes) : "failed",
               rig_fmt_pages(pg.key, env->nr_nodes));
    memcpy(ret, pg.key, env->nr_nodes * sizeof(uint64_t));
}

/* Fills node n with a first domain so that a second one preferring n
 * spills at once.  With the series: strict, asked for more than n has,
 * which must fail with 0 pages off n.  Stock: preferred, an exact fit. */
static int fill_node(struct rig_env *env, unsigned int n, const struct nodeaff_nodemap *set)
{
    uint64_t free_now[RIG_MAX_NODES], pages[RIG_MAX_NODES], done, off;
    int domid = domain_on(env, set, env->series ? NODEAFF_STRICT : 0), r;

    rig_free_now(env, free_now);
    r = rig_populate(env->xch, (uint32_t)domid,
                     free_now[n] + (env->series ? TAIL : 0), &done);
    pages_of(env, (uint32_t)domid, pages);
    off = rig_sum(pages, env->nr_nodes, set, 0);
    if (env->series)
        tap_ok(r == -ENOMEM && done + SLACK >= free_now[n] && off == 0,
               "strict {%u} asked for %llu pages: %d, got %llu, %llu off the node",
               n, (unsigned long long)(free_now[n] + TAIL), r, (unsigned long long)done,
               (unsigned long long)off);
    else
        tap_ok(r == 0 && off <= SLACK,
               "stock: preferred {%u} filled it exactly: %llu pages, %llu off the node",
               n, (unsigned long long)done, (unsigned long long)off);
    return domid;
}

/* --bench PAGES: the page-weighted mean distance from n of PAGES spilled
 * pages, as RESULT lines for run-benchmarks. */
static int bench(struct rig_env *env, uint64_t want)
{
    uint64_t free_now[RIG_MAX_NODES], pages[RIG_MAX_NODES], done, sum = 0, nr = 0;
    int n, a, b, r;
    struct nodeaff_nodemap *set;
    unsigned int node;

    rig_free_settled(env, free_now);
    n = pick_node(env, free_now);
    if (n < 0) {
        tap_skip("no node to prefer");
        return tap_done();
    }
    node = (unsigned int)n;
    set = rig_nodemap(env->nr_nodes, 1, &node);
    a = fill_node(env, node, set);
    b = domain_on(env, set, 0);
    r = rig_populate(env->xch, (uint32_t)b, want, &done);
    pages_of(env, (uint32_t)b, pages);
    for (unsigned int x = 0; x < env->nr_nodes; x++)
        if (x != node) {
            sum += pages[x] * dist(env, node, x);
            nr += pages[x];
        }
    tap_ok(r == 0 && done == want && nr + SLACK >= want,
           "{%u}: %llu pages spilled (%s)", node, (unsigned long long)nr,
           rig_fmt_pages(pages, env->nr_nodes));
    printf("RESULT spill-distance node=%u pages=%llu mean=%.3f xen=%s\n", node,
           (unsigned long long)nr, nr ? (double)sum / (double)nr : 0.0,
           env->series ? "patched" : "stock");
    rig_domain_destroy(env->xch, (uint32_t)b);
    rig_domain_destroy(env->xch, (uint32_t)a);
    nodeaff_nodemap_free(set);
    return tap_done();
}

int main(int argc, char **argv)
{
    struct rig_env env;
    uint64_t base[RIG_MAX_NODES], free_now[RIG_MAX_NODES], before[RIG_MAX_NODES];
    uint64_t after[RIG_MAX_NODES], budget = FILL_BUDGET, diff;
    unsigned int order[RIG_MAX_NODES], nr, node, step = 0;
    struct nodeaff_nodemap *set;
    char want[512] = "", got[512];
    int n, a, b, r, distance;

    if (argc > 2 && strcmp(argv[1], "--bench") == 0) {
        uint64_t pages = strtoull(argv[2], NULL, 0);
        char *rest[] = {argv[0], argc > 3 ? argv[3] : NULL};

        rig_env_open(&env, argc > 3 ? 2 : 1, rest);
        return bench(&env, pages);
    }
    rig_env_open(&env, argc, argv);
    rig_free_settled(&env, base);
    n = pick_node(&env, base);
    if (n < 0) {
        tap_skip("no node besides dom0's with memory above the DMA zone");
        rig_env_close(&env);
        return tap_done();
    }
    node = (unsigned int)n;
    set = rig_nodemap(env.nr_nodes, 1, &node);
    distance = fallback_by_distance(&env, argc > 1 ? argv[1] : "/rig/topology.topo");
    nr = expected_order(&env, node, distance, order);
    for (unsigned int i = 0; i < nr; i++)
        snprintf(want + strlen(want), sizeof(want) - strlen(want), "%s%u",
                 i ? "," : "", order[i]);
    tap_diag("prefer node %u; expected order (%s): %s", node,
             distance ? "by distance, the series" :
             env.series ? "by id, the series with nodeaff_fallback=id" : "by id, stock Xen",
             want);

    a = fill_node(&env, node, set);
    b = domain_on(&env, set, 0);

    if (env.series) {
        char line[600];

        snprintf(line, sizeof(line), "%s (by %s)", want, distance ? "distance" : "id");
        r = q_fallback(env.xch, (uint32_t)b, got, sizeof(got));
        tap_ok(r == 0 && strcmp(got, line) == 0,
               "'q' prints the fallback of preferred {%u}: \"%s\" (want \"%s\")", node,
               r == 0 ? got : strerror(-r), line);
    }

    /* Steps: each fills the next node of the order that takes pages, or,
     * for the last, gives it TAIL pages. */
    pages_of(&env, (uint32_t)b, before);
    for (;;) {
        uint64_t ask, got_on, off;
        int x;
        int last;

        rig_free_now(&env, free_now);
        x = first_taker(&env, order, nr, free_now);
        if (x < 0) {
            tap_diag("step %u: no further node is certain to take pages", step);
            break;
        }
        last = dma_pages(&env, (unsigned int)x) || free_now[x] > budget || step == 3;
        ask = last ? TAIL : free_now[x];
        r = rig_populate(env.xch, (uint32_t)b, ask, &diff);
        pages_of(&env, (uint32_t)b, after);
        got_on = after[x] - before[x];
        off = 0;
        for (unsigned int i = 0; i < env.nr_nodes; i++)
            if (i != (unsigned int)x)
                off += after[i] > before[i] ? after[i] - before[i] : 0;
        tap_ok(r == 0 && got_on + SLACK >= ask && off <= SLACK,
               "step %u: %llu pages of preferred {%u} landed on node %u (%s order, "
               "distance %u): %llu there, %llu elsewhere", step, (unsigned long long)ask,
               node, x, distance ? "distance" : "id", dist(&env, node, (unsigned int)x),
               (unsigned long long)got_on, (unsigned long long)off);
        memcpy(before, after, sizeof(before));
        step++;
        if (last)
            break;
        budget -= ask;
    }
    tap_ok(step > 0, "%u steps of the order checked", step);

    r = rig_domain_destroy(env.xch, (uint32_t)b);
    r |= rig_domain_destroy(env.xch, (uint32_t)a);
    rig_wait_free_equals(env.xch, base, env.nr_nodes, &diff);
    tap_ok(r == 0 && diff == 0, "destroyed; free memory back at baseline (%llu pages missing)",
           (unsigned long long)diff);
    nodeaff_nodemap_free(set);
    rig_env_close(&env);
    return tap_done();
}
