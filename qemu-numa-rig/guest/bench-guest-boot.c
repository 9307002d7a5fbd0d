/* Issue 15's benchmark: time from xc_domain_create to the real guest's
 * marker line, the same Linux PV guest booted ROUNDS times by the
 * reference toolstack's code on node 1 of the host: strict on the patched
 * hypervisor, preferred on the stock one (its best; strict is not there).
 * Not a test: it prints one line per boot and a summary,
 *     RESULT guestboot xen=patched|stock mode=strict|preferred rounds=N
 *            median_s=M min_s=A max_s=B spread=S
 * (spread = (max - min) / median: the A/A noise of repeated identical
 * boots), which tests/bench/run-benchmarks sets side by side.  Needs
 * `rig --guest-payload`. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "real-guest.h"
#include "rig-guest.h"

#define ROUNDS 3

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    struct rig_env env;
    double t[ROUNDS];
    char out[512], why[512], line[256];
    unsigned int flags;
    const char *label = NULL;
    int i;

    rig_env_open(&env, argc, argv);
    if (!real_guest_present() || env.nr_nodes < 2 ||
        real_guest_start_xenstore(out, sizeof(out)) != 0) {
        fprintf(stderr, "bench-guest-boot: no guest, one node, or no xenstored: %s\n", out);
        return 1;
    }
    if (rig_flask_enforcing(env.xch) == 1)
        label = "system_u:system_r:domU_t";
    flags = env.series ? NODEAFF_STRICT : 0;
    for (i = 0; i < ROUNDS; i++) {
        struct pv_guest g;
        struct timespec t1;
        int r = real_guest_boot(env.h, env.xch, 1, 128, 128, flags, label, &g, why,
                                sizeof(why));

        if (r < 0) {
            fprintf(stderr, "bench-guest-boot: boot %d: %s\n", i + 1, why);
            return 1;
        }
        r = pv_guest_wait_line(&g, "@G@ READY", 120000, line, sizeof(line));
        clock_gettime(CLOCK_MONOTONIC, &t1);
        t[i] = (t1.tv_sec - g.created_at.tv_sec) + (t1.tv_nsec - g.created_at.tv_nsec) / 1e9;
        if (r < 0) {
            fprintf(stderr, "bench-guest-boot: boot %d: no marker (%s); console:\n%s\n",
                    i + 1, strerror(-r), pv_guest_console_tail(&g, 20));
            pv_guest_destroy(&g);
            return 1;
        }
        printf("boot %d: %.2f s from xc_domain_create to \"%s\"\n", i + 1, t[i], line);
        pv_guest_destroy(&g);
    }
    qsort(t, ROUNDS, sizeof(t[0]), cmp);
    printf("RESULT guestboot xen=%s mode=%s rounds=%d median_s=%.3f min_s=%.3f max_s=%.3f "
           "spread=%.3f\n", env.series ? "patched" : "stock",
           flags ? "strict" : "preferred", ROUNDS, t[ROUNDS / 2], t[0], t[ROUNDS - 1],
           (t[ROUNDS - 1] - t[0]) / t[ROUNDS / 2]);
    rig_env_close(&env);
    return 0;
}
