/* Destroying a domain while other threads query it.
 *
 * Per round: a domain with some memory and an explicit affinity; two
 * queriers loop on it through the one shared handle (one the usage query,
 * one get_state and get_affinity) while the main thread destroys it at a
 * moment that moves from round to round (stock Xen: get_affinity only,
 * the series' queries being -EOPNOTSUPP there).  Asserted:
 *  - every query returns 0 or -ESRCH (the series checks the domain's
 *    existence, then XSM, then whether it is dying: -ESRCH), never
 *    anything else;
 *  - once a querier has seen -ESRCH it never sees 0 again (no query
 *    reaches a dying domain's counters), and a query after destroy has
 *    returned gives -ESRCH;
 *  - while it succeeds, usage never counts more than was populated;
 *  - the loops are bounded (no hang), per-node free memory is back at its
 *    baseline after every round, and a fresh domain works afterwards. */
#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <unistd.h>

#include "rig-guest.h"
#include "tap.h"

#define ROUNDS 8
#define MAX_QUERIES 20000       /* per querier per round: bounds a hang */
#define AFTER 20                /* queries after the destroy returned */

struct querier {
    struct rig_env *env;
    uint32_t domid;
    int kind;                   /* 0: usage; 1: get_state + get_affinity */
    uint64_t populated;
    unsigned int calls, ok, esrch, other, revived, over, after;
    int other_rc;
    pthread_t tid;
};

static volatile int destroyed;

static int query(struct querier *q)
{
    uint64_t pages[RIG_MAX_NODES];
    struct nodeaff_nodemap *m = NULL;
    unsigned int flags;
    int r;

    if (q->kind == 0) {
        r = nodeaff_domain_get_usage(q->env->h, q->domid, pages, RIG_MAX_NODES);
        if (r > 0) {
            if (rig_sum(pages, (unsigned int)r, NULL, 1) > q->populated)
                q->over++;
            r = 0;
        }
        return r;
    }
    if ((q->calls & 1) && q->env->series) {
        r = nodeaff_domain_get_state(q->env->h, q->domid, &m, &flags);
    } else {
        r = nodeaff_domain_get_affinity(q->env->h, q->domid, &m);
    }
    nodeaff_nodemap_free(m);
    return r;
}

static void *query_loop(void *arg)
{
    struct querier *q = arg;

    while (q->calls < MAX_QUERIES && q->after < AFTER) {
        int gone = destroyed, r = query(q);

        q->calls++;
        if (gone)
            q->after++;
        if (r == 0) {
            q->ok++;
            if (q->esrch)
                q->revived++;
        } else if (r == -ESRCH) {
            q->esrch++;
        } else if (!q->other++) {
            q->other_rc = r;
        }
    }
    return NULL;
}

int main(int argc, char **argv)
{
    struct rig_env env;
    unsigned int mem[RIG_MAX_NODES], nm;
    uint64_t base[RIG_MAX_NODES], worst = 0, missing, excess;
    unsigned int calls = 0, ok = 0, esrch = 0, other = 0, revived = 0, over = 0;
    unsigned int capped = 0, late_ok = 0, bad_rounds = 0, no_ok = 0;
    int other_rc = 0, destroy_bad = 0;
    const char *step = NULL;

    rig_env_open(&env, argc, argv);
    nm = rig_mem_nodes(&env, mem);
    rig_free_settled(&env, base);

    for (int round = 0; round < ROUNDS; round++) {
        struct querier q[2];
        struct nodeaff_nodemap *set = rig_nodemap(env.nr_nodes, 1, &mem[nm - 1]);
        uint64_t populated = 0, pages[RIG_MAX_NODES];
        int domid = rig_domain_create(env.xch), r;

        if (domid < 0)
            tap_bail("round %d: create: %s", round, strerror(-domid));
        /* Enough pages that destroying takes a while (relinquish). */
        rig_populate(env.xch, (uint32_t)domid, 1024 + 512 * (uint64_t)round, &populated);
        nodeaff_domain_set_affinity(env.h, (uint32_t)domid, set,
                                    env.series && (round & 1) ? NODEAFF_STRICT : 0);
        nodeaff_nodemap_free(set);
        set = NULL;

        destroyed = 0;
        memset(q, 0, sizeof(q));
        for (int i = 0; i < 2; i++) {
            q[i].env = &env;
            q[i].domid = (uint32_t)domid;
            q[i].kind = i;
            q[i].populated = populated;
            if (i == 0 && !env.series)
                q[i].kind = 1;   /* stock Xen: no usage query to race */
            pthread_create(&q[i].tid, NULL, query_loop, &q[i]);
        }
        /* Destroy at a different point each round: after 0, 5, 10 ...
         * queries of the first querier (bounded wait). */
        for (int w = 0; w < 2000 && q[0].calls < (unsigned int)round * 5; w++)
            usleep(1000);
        r = rig_domain_destroy(env.xch, (uint32_t)domid);
        destroyed = 1;
        destroy_bad += r != 0;
        for (int i = 0; i < 2; i++) {
            pthread_join(q[i].tid, NULL);
            calls += q[i].calls;
            ok += q[i].ok;
            esrch += q[i].esrch;
            revived += q[i].revived;
            over += q[i].over;
            capped += q[i].after < AFTER;
            if (q[i].other && !other++)
                other_rc = q[i].other_rc;
            other += q[i].other ? q[i].other - 1 : 0;
        }
        if (round > 0 && q[0].ok == 0)
            no_ok++;
        /* After destroy returned: gone for every query. */
        if (env.series)
            r = nodeaff_domain_get_usage(env.h, (uint32_t)domid, pages, RIG_MAX_NODES);
        else
            r = nodeaff_domain_get_affinity(env.h, (uint32_t)domid, &set);
        if (r != -ESRCH)
            late_ok++;
        rig_free_missing(env.xch, base, env.nr_nodes, &missing, &excess);
        if (missing > worst)
            worst = missing;
        if (missing > RIG_XEN_KEEPS)
            bad_rounds++;
        tap_diag("round %d: d%d, %llu pages, destroy returned after %u/%u queries; "
                 "%u ok, %u -ESRCH; %llu pages missing after", round, domid,
                 (unsigned long long)populated, q[0].calls - q[0].after,
                 q[1].calls - q[1].after, q[0].ok + q[1].ok, q[0].esrch + q[1].esrch,
                 (unsigned long long)missing);
    }

    tap_ok(destroy_bad == 0, "%d domains destroyed under query (%d failed)", ROUNDS,
           destroy_bad);
    tap_ok(other == 0, "%u queries: %u gave 0, %u -ESRCH, %u anything else (first %d)",
           calls, ok, esrch, other, other_rc);
    tap_ok(revived == 0, "no query succeeded after one had said -ESRCH (%u did)", revived);
    tap_ok(over == 0, "usage never counted more than was populated (%u times)", over);
    tap_ok(capped == 0, "every querier reached its %d queries after the destroy within "
           "%d calls (%u did not)", AFTER, MAX_QUERIES, capped);
    tap_ok(no_ok == 0, "each round but the first queried the live domain first "
           "(%u rounds did not)", no_ok);
    tap_ok(late_ok == 0, "a query after destroy returned gives -ESRCH (%u rounds not)",
           late_ok);
    tap_ok(bad_rounds == 0, "free memory back at baseline after every round (worst: "
           "%llu pages missing; Xen may keep %d)", (unsigned long long)worst, RIG_XEN_KEEPS);
    {
        int r = rig_fresh_domain_works(&env, &step);

        tap_ok(r == 0, "hypervisor healthy: a fresh domain works (%s: %d)", step, r);
    }
    rig_free_missing(env.xch, base, env.nr_nodes, &missing, &excess);
    tap_ok(missing <= RIG_XEN_KEEPS, "free memory at baseline at the end (%llu missing, "
           "%llu above)", (unsigned long long)missing, (unsigned long long)excess);
    rig_env_close(&env);
    return tap_done();
}
