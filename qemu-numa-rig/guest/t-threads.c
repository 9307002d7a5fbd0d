/* One libnodeaff handle used from several threads at once.
 *
 * The handle is documented as internally locked.  Each thread owns a
 * domain and loops set / get / state / usage / reset on it through the
 * one shared handle, while another lists domains: every call must succeed
 * and every get must return what that thread set (a lost or mixed-up
 * hypercall buffer would show as a wrong set or a failed call). */
#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <unistd.h>

#include "rig-guest.h"
#include "tap.h"

#define THREADS 4
#define ROUNDS 150

struct worker {
    struct rig_env *env;
    uint32_t domid;
    unsigned int seed;
    unsigned int calls, errors, mismatches;
    pthread_t tid;
};

static void *work(void *arg)
{
    struct worker *w = arg;
    struct rig_env *env = w->env;
    unsigned int mem[RIG_MAX_NODES], nm = rig_mem_nodes(env, mem);
    uint64_t pages[RIG_MAX_NODES];

    for (unsigned int i = 0; i < ROUNDS; i++) {
        struct nodeaff_nodemap *set = NULL, *got = NULL;
        unsigned int pick[2], np = 1, flags = 0;
        int r;

        w->seed = w->seed * 1103515245u + 12345u;
        pick[0] = mem[(w->seed >> 8) % nm];
        if (nm > 1 && (w->seed & 1)) {
            pick[1] = mem[(pick[0] == mem[0]) ? nm - 1 : 0];
            np = 2;
            if (pick[1] < pick[0]) {
                unsigned int t = pick[0];

                pick[0] = pick[1];
                pick[1] = t;
            }
        }
        set = rig_nodemap(env->nr_nodes, np, pick);
        r = nodeaff_domain_set_affinity(env->h, w->domid, set, 0);
        w->calls++;
        w->errors += r != 0;
        r = nodeaff_domain_get_affinity(env->h, w->domid, &got);
        w->calls++;
        w->errors += r != 0;
        if (r == 0 && nodeaff_nodemap_equal(got, set) != 1)
            w->mismatches++;
        nodeaff_nodemap_free(got);
        if (env->series) {
            r = nodeaff_domain_get_state(env->h, w->domid, NULL, &flags);
            w->calls++;
            w->errors += r != 0 || flags != 0;
            r = nodeaff_domain_get_usage(env->h, w->domid, pages, RIG_MAX_NODES);
            w->calls++;
            w->errors += r < 0;
        }
        if (i % 10 == 9) {
            r = nodeaff_domain_reset_affinity(env->h, w->domid);
            w->calls++;
            w->errors += r != 0;
        }
        nodeaff_nodemap_free(set);
    }
    return NULL;
}

static volatile int stop_lister;

static void *lister(void *arg)
{
    struct rig_env *env = arg;
    uint32_t ids[64];
    long bad = 0;

    /* Paced: a lister spinning on the handle's lock would starve the
     * workers on a 2-vCPU dom0 (the mutex is not fair), which proves
     * nothing and took 40 s under TCG. */
    while (!stop_lister) {
        int r = nodeaff_domain_list(env->h, ids, 64);

        if (r < 1 + THREADS)
            bad++;
        usleep(2000);
    }
    return (void *)bad;
}

int main(int argc, char **argv)
{
    struct rig_env env;
    struct worker w[THREADS];
    pthread_t lt;
    void *lbad = NULL;
    unsigned int calls = 0, errors = 0, mismatches = 0;

    rig_env_open(&env, argc, argv);
    memset(w, 0, sizeof(w));
    for (int i = 0; i < THREADS; i++) {
        int d = rig_domain_create(env.xch);

        if (d < 0)
            tap_bail("create domain: %s", strerror(-d));
        w[i].env = &env;
        w[i].domid = (uint32_t)d;
        w[i].seed = 17u * (unsigned int)i + 1;
    }
    pthread_create(&lt, NULL, lister, &env);
    for (int i = 0; i < THREADS; i++)
        pthread_create(&w[i].tid, NULL, work, &w[i]);
    for (int i = 0; i < THREADS; i++) {
        pthread_join(w[i].tid, NULL);
        calls += w[i].calls;
        errors += w[i].errors;
        mismatches += w[i].mismatches;
    }
    stop_lister = 1;
    pthread_join(lt, &lbad);

    tap_ok(errors == 0, "%d threads, one handle: %u calls, %u failed", THREADS, calls,
           errors);
    tap_ok(mismatches == 0, "every get returned what its thread had set (%u mismatches)",
           mismatches);
    tap_ok(lbad == NULL, "concurrent domain lists all saw the test domains (%ld bad)",
           (long)lbad);
    for (int i = 0; i < THREADS; i++)
        rig_domain_destroy(env.xch, w[i].domid);
    rig_env_close(&env);
    return tap_done();
}
