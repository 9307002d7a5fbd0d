/* Affinity changes racing the allocator.
 *
 * Two threads set a domain's affinity over and over, one strict and one
 * preferred, with random node sets drawn from U, while a third populates
 * memory into the domain in chunks.  Asserted:
 *  - every set returns 0 (the input is valid and the domain exists, so
 *    no documented errno applies), and so does every populate;
 *  - after every chunk the usage query counts exactly the pages populated
 *    so far and none outside U (see below why that is the claim);
 *  - at the end the domain's state is the last set of one of the two
 *    threads, mask and mode together (never a mix of both);
 *  - usage sums to tot_pages; debug key 'u' agrees, counters match;
 *  - after destroy, per-node free memory is back at the baseline.
 *
 * What the page placement claim can be: a page allocated while a set is
 * in flight may see the old or the new mask (Xen orders strict and the
 * mask with barriers, 0003, but the allocator reads them once per
 * allocation), so no single page can be tied to one set.  Strict pages
 * land in the mask of the moment, a subset of U.  Preferred pages start
 * on the mask's nodes and spill to other nodes only when those have no
 * free memory left above Xen's DMA zone: U holds no DMA-only node and the
 * test populates far less than any node of U has free (checked first), so
 * they stay in U too.  Hence: zero pages outside U, by the usage query and
 * by debug key 'u'.  U leaves out dom0's node 0 when another usable node
 * exists, so the claim has teeth (pages on node 0 would be a failure). */
#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <unistd.h>

#include "rig-guest.h"
#include "tap.h"

#define MAX_PAGES 16384        /* 64 MiB at most, less on small nodes */
#define CHUNK_PAGES 16         /* small: many allocations per set */
#define SETS 300               /* per setter */

struct setter {
    struct rig_env *env;
    uint32_t domid;
    unsigned int flags;         /* NODEAFF_STRICT or 0 */
    unsigned int seed;
    const unsigned int *u;
    unsigned int nu;
    unsigned int calls, failed, first_bad, overlap;
    int first_rc;
    uint64_t last_mask;         /* bits of Xen node ids */
    pthread_t tid;
};

static volatile int populating = 1, setters_left = 2;
static uint64_t max_pages;

static struct nodeaff_nodemap *mask_map(const struct rig_env *env, uint64_t bits)
{
    unsigned int nodes[64], n = 0;

    for (unsigned int i = 0; i < 64; i++)
        if (bits & (1ULL << i))
            nodes[n++] = i;
    return rig_nodemap(env->nr_nodes, n, nodes);
}

static void *set_loop(void *arg)
{
    struct setter *s = arg;

    while (s->calls < SETS) {
        uint64_t bits = 0;
        struct nodeaff_nodemap *m;
        int r;

        /* A random non-empty subset of U. */
        while (!bits) {
            s->seed = s->seed * 1103515245u + 12345u;
            for (unsigned int i = 0; i < s->nu; i++)
                if ((s->seed >> (8 + i % 20)) & 1)
                    bits |= 1ULL << s->u[i];
        }
        m = mask_map(s->env, bits);
        r = m ? nodeaff_domain_set_affinity(s->env->h, s->domid, m, s->flags) : -ENOMEM;
        nodeaff_nodemap_free(m);
        s->calls++;
        s->overlap += populating;
        if (r == 0) {
            s->last_mask = bits;
        } else if (!s->failed++) {
            s->first_rc = r;
            s->first_bad = s->calls;
        }
        /* Paced a little: the handle's lock is not fair, and the two
         * setters must leave room for the populator's usage reads. */
        usleep(100 + (s->seed >> 20) % 300);
    }
    __atomic_sub_fetch(&setters_left, 1, __ATOMIC_SEQ_CST);
    return NULL;
}

struct populator {
    struct rig_env *env;
    uint32_t domid;
    uint64_t u_bits;
    uint64_t done;
    int pop_rc, usage_bad, outside_bad, tot_bad;
    unsigned int chunks;
    char first_bad[256];
    pthread_t tid;
};

static void *populate_loop(void *arg)
{
    struct populator *p = arg;
    struct rig_env *env = p->env;
    struct nodeaff_nodemap *u = mask_map(env, p->u_bits);

    /* Until both setters are through (or the room is used up). */
    while (__atomic_load_n(&setters_left, __ATOMIC_SEQ_CST) &&
           p->done + CHUNK_PAGES <= max_pages) {
        uint64_t got = 0, pages[RIG_MAX_NODES];
        int64_t tot;
        int r;

        r = rig_populate(env->xch, p->domid, CHUNK_PAGES, &got);
        p->done += got;
        p->chunks++;
        if (r) {
            p->pop_rc = r;
            break;
        }
        /* The populator is the only one adding pages: what usage says
         * must be exactly what it has populated, whatever the setters do. */
        r = nodeaff_domain_get_usage(env->h, p->domid, pages, RIG_MAX_NODES);
        tot = rig_domain_tot_pages(env->xch, p->domid);
        if (r < 0 || rig_sum(pages, env->nr_nodes, NULL, 1) != p->done) {
            if (!p->usage_bad++)
                snprintf(p->first_bad, sizeof(p->first_bad),
                         "after %llu pages usage gave %d (%s)",
                         (unsigned long long)p->done, r,
                         r < 0 ? "-" : rig_fmt_pages(pages, env->nr_nodes));
        } else if (rig_sum(pages, env->nr_nodes, u, 0) != 0) {
            if (!p->outside_bad++)
                snprintf(p->first_bad, sizeof(p->first_bad),
                         "after %llu pages, some outside U (%s)",
                         (unsigned long long)p->done,
                         rig_fmt_pages(pages, env->nr_nodes));
        }
        if (tot != (int64_t)p->done)
            p->tot_bad++;
    }
    nodeaff_nodemap_free(u);
    populating = 0;
    return NULL;
}

int main(int argc, char **argv)
{
    struct rig_env env;
    unsigned int u[RIG_MAX_NODES], nu = 0;
    uint64_t u_bits = 0, base[RIG_MAX_NODES], missing = 0, excess = 0;
    struct setter st[2];
    struct populator pop;
    struct nodeaff_nodemap *um, *got = NULL, *last0, *last1;
    unsigned int flags = 0;
    struct rig_pages pg;
    uint64_t min_free = UINT64_MAX;
    int domid, r;

    rig_env_open(&env, argc, argv);
    if (!env.series) {
        /* Without the series there is no strict mode to race, and no
         * usage query to count with: the refusal is the behaviour. */
        struct nodeaff_nodemap *one = NULL;
        unsigned int mem[RIG_MAX_NODES];

        rig_mem_nodes(&env, mem);
        one = rig_nodemap(env.nr_nodes, 1, mem);
        domid = rig_domain_create(env.xch);
        r = nodeaff_domain_set_affinity(env.h, (uint32_t)domid, one, NODEAFF_STRICT);
        tap_ok(r == -EOPNOTSUPP, "stock Xen: strict set gives %d (-EOPNOTSUPP)", r);
        r = nodeaff_domain_get_usage(env.h, (uint32_t)domid, base, RIG_MAX_NODES);
        tap_ok(r == -EOPNOTSUPP, "stock Xen: usage gives %d (-EOPNOTSUPP)", r);
        rig_domain_destroy(env.xch, (uint32_t)domid);
        nodeaff_nodemap_free(one);
        rig_env_close(&env);
        return tap_done();
    }

    /* U: memory nodes outside Xen's DMA zone, without node 0 if possible. */
    for (unsigned int x = 1; x < env.nr_nodes; x++)
        if (env.mem_bytes[x] && !env.dma_only[x])
            u[nu++] = x;
    if (!nu && env.mem_bytes[0] && !env.dma_only[0])
        u[nu++] = 0;
    if (!nu)
        tap_bail("no memory node outside Xen's DMA zone");
    for (unsigned int i = 0; i < nu; i++) {
        u_bits |= 1ULL << u[i];
        if (rig_free_pages(&env, u[i]) < min_free)
            min_free = rig_free_pages(&env, u[i]);
    }
    /* A preferred set of one node of U must hold every page, with room to
     * spare (Xen's own allocations, an earlier domain's late frees). */
    max_pages = min_free > 2048 ? min_free - 2048 : 0;
    if (max_pages > MAX_PAGES)
        max_pages = MAX_PAGES;
    um = mask_map(&env, u_bits);
    tap_diag("U = {%s}; up to %llu pages in chunks of %d; node 0 %s", rig_fmt(um),
             (unsigned long long)max_pages, CHUNK_PAGES, (u_bits & 1) ? "in U (no other usable node)"
                                                     : "outside U");
    if (!tap_ok(max_pages >= 1024, "every node of U has room: %llu pages free at least",
                (unsigned long long)min_free))
        tap_bail("the placement claim needs room on every node of U");

    rig_free_settled(&env, base);
    domid = rig_domain_create(env.xch);
    if (domid < 0)
        tap_bail("create domain: %s", strerror(-domid));
    r = nodeaff_domain_set_affinity(env.h, (uint32_t)domid, um, 0);
    tap_ok(r == 0, "d%d: preferred U before the race: %d", domid, r);

    memset(st, 0, sizeof(st));
    memset(&pop, 0, sizeof(pop));
    for (int i = 0; i < 2; i++) {
        st[i].env = &env;
        st[i].domid = (uint32_t)domid;
        st[i].flags = i == 0 ? NODEAFF_STRICT : 0;
        st[i].seed = 7919u * (unsigned int)(i + 1);
        st[i].u = u;
        st[i].nu = nu;
        st[i].last_mask = i == 0 ? 0 : u_bits;  /* strict: none yet */
    }
    pop.env = &env;
    pop.domid = (uint32_t)domid;
    pop.u_bits = u_bits;
    pthread_create(&pop.tid, NULL, populate_loop, &pop);
    for (int i = 0; i < 2; i++)
        pthread_create(&st[i].tid, NULL, set_loop, &st[i]);
    pthread_join(pop.tid, NULL);
    for (int i = 0; i < 2; i++)
        pthread_join(st[i].tid, NULL);

    /* overlap > 0: the race took place (the populator runs until both
     * setters are through, unless it ran out of room first). */
    for (int i = 0; i < 2; i++)
        tap_ok(st[i].failed == 0 && st[i].calls == SETS && st[i].overlap > 0,
               "%s setter: %u sets, %u of them while populating, %u failed "
               "(first: call %u, %d)", i == 0 ? "strict" : "preferred", st[i].calls,
               st[i].overlap, st[i].failed, st[i].first_bad, st[i].first_rc);
    tap_ok(pop.pop_rc == 0 && pop.done == (uint64_t)pop.chunks * CHUNK_PAGES,
           "populator: %llu pages in %u chunks, every chunk whole (%d)",
           (unsigned long long)pop.done, pop.chunks, pop.pop_rc);
    tap_ok(pop.usage_bad == 0, "usage counted exactly the pages populated after every "
           "chunk (%d wrong%s%s)", pop.usage_bad, pop.usage_bad ? ": " : "",
           pop.usage_bad ? pop.first_bad : "");
    tap_ok(pop.outside_bad == 0, "no page outside U after any chunk (%d chunks wrong%s%s)",
           pop.outside_bad, pop.outside_bad ? ": " : "",
           pop.outside_bad ? pop.first_bad : "");
    tap_ok(pop.tot_bad == 0, "tot_pages followed the populate (%d chunks off)", pop.tot_bad);

    /* The state is whole: the last set of one thread or the other. */
    last0 = mask_map(&env, st[0].last_mask);
    last1 = mask_map(&env, st[1].last_mask);
    r = nodeaff_domain_get_state(env.h, (uint32_t)domid, &got, &flags);
    tap_ok(r == 0 && ((flags == NODEAFF_STRICT && st[0].last_mask &&
                       nodeaff_nodemap_equal(got, last0) == 1) ||
                      (flags == 0 && nodeaff_nodemap_equal(got, last1) == 1)),
           "final state {%s} flags 0x%x is a whole last set: strict {%s} or preferred {%s}",
           rig_fmt(got), flags, rig_fmt(last0), rig_fmt(last1));

    rig_read_pages(&env, (uint32_t)domid, &pg);
    tap_ok(pg.usage_rc > 0 && pg.tot == (int64_t)rig_sum(pg.usage, env.nr_nodes, NULL, 1) &&
           pg.tot == (int64_t)pop.done && rig_sum(pg.usage, env.nr_nodes, um, 0) == 0,
           "usage sums to tot_pages %lld, none outside U (%s)", (long long)pg.tot,
           rig_fmt_pages(pg.usage, env.nr_nodes));
    tap_ok(pg.key_rc > 0 && pg.key_counters == 1 &&
           memcmp(pg.key, pg.usage, env.nr_nodes * sizeof(uint64_t)) == 0,
           "debug key 'u' agrees, counters match (%s)", rig_fmt_pages(pg.key, env.nr_nodes));

    r = rig_domain_destroy(env.xch, (uint32_t)domid);
    rig_free_missing(env.xch, base, env.nr_nodes, &missing, &excess);
    tap_ok(r == 0 && missing <= RIG_XEN_KEEPS,
           "destroyed; free memory back at baseline (%llu pages missing, %llu above; "
           "Xen may keep %d)", (unsigned long long)missing, (unsigned long long)excess,
           RIG_XEN_KEEPS);
    nodeaff_nodemap_free(got);
    nodeaff_nodemap_free(last0);
    nodeaff_nodemap_free(last1);
    nodeaff_nodemap_free(um);
    rig_env_close(&env);
    return tap_done();
}
