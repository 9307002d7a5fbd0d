/* Strict exhaustion, a hundred times over.
 *
 * Each round: a new domain, strict affinity to one node n, asked for more
 * pages than n has free: the populate must stop with -ENOMEM after about
 * the node's free memory, with zero pages anywhere else (usage query,
 * tot_pages, free memory of the other nodes), and after the destroy the
 * memory must be back at the baseline.  The baseline is taken once,
 * before the first round, so a leak of even one page a round would add up
 * and show (the checks allow Xen's RIG_XEN_KEEPS pages in all, never per
 * round).  The worst deviations are printed.
 *
 * "Back at the baseline after each round", measured (2node, TCG): the
 * domain's own pages are free again the moment the destroy returns, but
 * about 19 pages of Xen's structures for it (struct domain, vCPU, ...;
 * 18 on node 0, 1 on the vCPU's node) come back about 0.8 s later,
 * through RCU.  Waiting that out every round made 100 rounds take 98 s.
 * So every round checks at once that the exhausted node n is back at its
 * baseline, allowing only those deferred pages of the rounds still in
 * flight (at most 1 a domain on n; SETTLE_EVERY rounds at most in
 * flight, so at most SETTLE_EVERY + RIG_XEN_KEEPS); and every SETTLE_EVERY
 * rounds and at the end, every node's free memory must be back at the
 * baseline exactly (RIG_XEN_KEEPS allowed in all), after the deferred
 * frees have landed.  A page lost by any round would show in the next
 * settled check and in every one after it.
 *
 * Filling a whole 512 MiB node 100 times under TCG takes minutes, so a
 * ballast domain, itself strict to n and populated in 2 MiB extents,
 * first takes all but about BALLAST_LEFT pages of n: every round then
 * exhausts the node for real (the allocator runs out of n's free memory,
 * which is what strict exhaustion means), in a fraction of a second.  The
 * ballast goes at the end, and the free memory with it must return to the
 * baseline taken before it. */
#include <errno.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "rig-guest.h"
#include "tap.h"

#define ROUNDS 100
#define BALLAST_LEFT 2048       /* pages of n each round exhausts, about */
#define BEYOND 256              /* pages asked for beyond n's free */
#define SETTLE_EVERY 10         /* rounds between full baseline checks */

static double now_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The node to exhaust: the smallest memory node other than dom0's node 0
 * (as t-strict), so dom0 and Xen's own allocations keep their room. */
static int pick_node(const struct rig_env *env)
{
    int best = -1;

    for (unsigned int x = 1; x < env->nr_nodes; x++)
        if (env->mem_bytes[x] && (best < 0 || env->mem_bytes[x] < env->mem_bytes[best]))
            best = (int)x;
    return best;
}

/* Populates domid in 2 MiB extents until n has at most left + 1024 pages
 * free.  Returns the pages populated. */
static uint64_t ballast_fill(struct rig_env *env, uint32_t domid, unsigned int n,
                             uint64_t left)
{
    xen_pfn_t pfns[16];
    uint64_t pages = 0;
    static xen_pfn_t next = 0x100000;   /* 4 GiB up, 2 MiB aligned */

    for (;;) {
        uint64_t f = rig_free_pages(env, n);
        unsigned long want;
        int r;

        if (f <= left + 1024)
            break;
        want = (unsigned long)((f - left - 1024) / 512);
        if (!want)
            break;
        if (want > 16)
            want = 16;
        for (unsigned long i = 0; i < want; i++, next += 512)
            pfns[i] = next;
        r = xc_domain_populate_physmap(env->xch, domid, want, 9, 0, pfns);
        if (r > 0)
            pages += (uint64_t)r * 512;
        if (r != (int)want)
            break;          /* fragmented: what is left is left */
    }
    return pages;
}

int main(int argc, char **argv)
{
    struct rig_env env;
    uint64_t base0[RIG_MAX_NODES], base[RIG_MAX_NODES], missing, excess;
    uint64_t worst = 0, worst_excess = 0, worst_n = 0, ballast = 0, min_done = UINT64_MAX, max_done = 0;
    unsigned int n_enomem = 0, n_inside = 0, n_amount = 0, n_outside_free = 0;
    unsigned int n_base = 0, n_settles = 0, n_node = 0, n_tot = 0, n_setup = 0, rounds = 0, nr;
    struct nodeaff_nodemap *set = NULL;
    int node, ballast_id, worst_round = -1, r;
    double t0, t1, t_create = 0, t_pop = 0, t_destroy = 0, t_wait = 0;
    const char *step = NULL;

    rig_env_open(&env, argc, argv);
    nr = env.nr_nodes;
    node = pick_node(&env);
    if (!env.series) {
        set = rig_nodemap(nr, 1, &(unsigned int){ node > 0 ? (unsigned int)node : 0 });
        ballast_id = rig_domain_create(env.xch);
        r = nodeaff_domain_set_affinity(env.h, (uint32_t)ballast_id, set, NODEAFF_STRICT);
        tap_ok(r == -EOPNOTSUPP, "stock Xen: strict set gives %d (-EOPNOTSUPP)", r);
        rig_domain_destroy(env.xch, (uint32_t)ballast_id);
        nodeaff_nodemap_free(set);
        rig_env_close(&env);
        return tap_done();
    }
    if (node < 0) {
        tap_skip("no memory node besides dom0's node 0 to exhaust");
        rig_env_close(&env);
        return tap_done();
    }
    set = rig_nodemap(nr, 1, &(unsigned int){ (unsigned int)node });

    rig_free_settled(&env, base0);
    ballast_id = rig_domain_create(env.xch);
    if (ballast_id < 0)
        tap_bail("create ballast: %s", strerror(-ballast_id));
    r = nodeaff_domain_set_affinity(env.h, (uint32_t)ballast_id, set, NODEAFF_STRICT);
    t0 = now_s();
    ballast = r == 0 ? ballast_fill(&env, (uint32_t)ballast_id, (unsigned int)node,
                                    BALLAST_LEFT) : 0;
    t1 = now_s();
    tap_ok(r == 0 && ballast > 0, "ballast d%d strict {%d}: %llu pages in 2 MiB extents "
           "(%.1f s), %llu left free on the node", ballast_id, node,
           (unsigned long long)ballast, t1 - t0,
           (unsigned long long)rig_free_pages(&env, (unsigned int)node));
    rig_free_settled(&env, base);

    t0 = now_s();
    for (int round = 0; round < ROUNDS; round++) {
        uint64_t pre[RIG_MAX_NODES], post[RIG_MAX_NODES], pages[RIG_MAX_NODES];
        uint64_t free_n, done = 0, outside_free = 0;
        int domid = rig_domain_create(env.xch), u;
        int64_t tot;

        double ta = now_s(), tb, tc, td;

        rounds++;
        if (domid < 0 ||
            nodeaff_domain_set_affinity(env.h, (uint32_t)domid, set, NODEAFF_STRICT)) {
            n_setup++;
            if (domid >= 0)
                rig_domain_destroy(env.xch, (uint32_t)domid);
            continue;
        }
        rig_free_now(&env, pre);
        free_n = pre[node];
        tb = now_s();
        r = rig_populate(env.xch, (uint32_t)domid, free_n + BEYOND, &done);
        tc = now_s();
        rig_free_now(&env, post);
        for (unsigned int i = 0; i < nr; i++)
            if (i != (unsigned int)node && pre[i] != UINT64_MAX && post[i] < pre[i])
                outside_free += pre[i] - post[i];
        u = nodeaff_domain_get_usage(env.h, (uint32_t)domid, pages, RIG_MAX_NODES);
        tot = rig_domain_tot_pages(env.xch, (uint32_t)domid);

        n_enomem += r == -ENOMEM;
        /* As t-strict: Xen may keep a little of n for itself, and late
         * frees may come back meanwhile. */
        n_amount += done <= free_n + 32 && done + 256 >= free_n;
        n_inside += u > 0 && rig_sum(pages, nr, set, 0) == 0 &&
                    rig_sum(pages, nr, set, 1) == done;
        n_tot += tot == (int64_t)done;
        /* Xen's own structures for the new domain come from any node;
         * a few pages are not the domain's. */
        n_outside_free += outside_free <= 32;
        if (done < min_done)
            min_done = done;
        if (done > max_done)
            max_done = done;
        if (r != -ENOMEM || u <= 0 || rig_sum(pages, nr, set, 0) != 0)
            tap_diag("round %d: populate %d, %llu of %llu free; usage %d (%s)", round, r,
                     (unsigned long long)done, (unsigned long long)free_n, u,
                     u > 0 ? rig_fmt_pages(pages, nr) : "-");

        td = now_s();
        rig_domain_destroy(env.xch, (uint32_t)domid);
        t_destroy += now_s() - td;
        t_create += tb - ta;
        t_pop += tc - tb;
        /* At once: node n, where the domain's pages were. */
        rig_free_now(&env, post);
        missing = post[node] < base[node] ? base[node] - post[node] : 0;
        if (missing > worst_n)
            worst_n = missing;
        n_node += missing <= SETTLE_EVERY + RIG_XEN_KEEPS;
        if (round % SETTLE_EVERY != SETTLE_EVERY - 1 && round != ROUNDS - 1)
            continue;
        /* Settled: every node, once Xen's deferred frees have landed. */
        td = now_s();
        rig_free_missing(env.xch, base, nr, &missing, &excess);
        t_wait += now_s() - td;
        n_settles++;
        if (missing > worst) {
            worst = missing;
            worst_round = round;
        }
        if (excess > worst_excess)
            worst_excess = excess;
        n_base += missing <= RIG_XEN_KEEPS;
    }
    t1 = now_s();

    tap_diag("%u rounds on node %d in %.1f s (%.2f s a round); each got %llu..%llu pages",
             rounds, node, t1 - t0, (t1 - t0) / rounds, (unsigned long long)min_done,
             (unsigned long long)max_done);
    tap_diag("time in create+set %.1f s, populate %.1f s, destroy %.1f s, "
             "waiting for free memory %.1f s", t_create, t_pop, t_destroy, t_wait);
    {
        char where[32] = "";

        if (worst_round >= 0)
            snprintf(where, sizeof(where), " (round %d)", worst_round);
        tap_diag("worst deviation from the baseline: node %d right after a destroy %llu "
                 "pages missing; all nodes settled (every %d rounds) %llu pages missing%s, "
                 "%llu above", node, (unsigned long long)worst_n, SETTLE_EVERY,
                 (unsigned long long)worst, where, (unsigned long long)worst_excess);
    }
    tap_ok(n_setup == 0, "%u rounds: create + strict {%d} (%u failed)", rounds, node, n_setup);
    tap_ok(n_enomem == rounds, "populate beyond the free memory gives -ENOMEM: %u/%u",
           n_enomem, rounds);
    tap_ok(n_amount == rounds, "each got about the node's free memory: %u/%u", n_amount,
           rounds);
    tap_ok(n_inside == rounds, "usage: all on node %d, zero elsewhere: %u/%u", node,
           n_inside, rounds);
    tap_ok(n_tot == rounds, "tot_pages = pages populated: %u/%u", n_tot, rounds);
    tap_ok(n_outside_free == rounds, "other nodes' free memory untouched: %u/%u",
           n_outside_free, rounds);
    tap_ok(n_node == rounds, "node %d back at baseline right after every destroy: %u/%u "
           "(worst %llu pages missing; allowed %d: deferred frees in flight)", node,
           n_node, rounds, (unsigned long long)worst_n, SETTLE_EVERY + RIG_XEN_KEEPS);
    tap_ok(n_settles > 0 && n_base == n_settles, "every node back at baseline once settled, "
           "every %d rounds: %u/%u (worst %llu pages missing; Xen may keep %d)",
           SETTLE_EVERY, n_base, n_settles, (unsigned long long)worst, RIG_XEN_KEEPS);

    r = rig_domain_destroy(env.xch, (uint32_t)ballast_id);
    rig_free_missing(env.xch, base0, nr, &missing, &excess);
    tap_ok(r == 0 && missing <= RIG_XEN_KEEPS, "ballast destroyed; free memory back at "
           "the baseline before it (%llu missing, %llu above)", (unsigned long long)missing,
           (unsigned long long)excess);
    r = rig_fresh_domain_works(&env, &step);
    tap_ok(r == 0, "hypervisor healthy: a fresh domain works (%s: %d)", step, r);
    nodeaff_nodemap_free(set);
    rig_env_close(&env);
    return tap_done();
}
