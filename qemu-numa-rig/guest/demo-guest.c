/* The demo's real-guest row (issue 15): a Linux PV guest built by the
 * reference toolstack's code with strict affinity to node 1, ballooned
 * from 128 to 192 MiB once it reached its marker; where its pages are, in
 * demo-pages' format:
 *     ROW|case|pages node 0|pages node 1|result|source of the counts
 *     GUEST|what the guest printed (its balloon and hypercall lines)
 * On stock Xen strict affinity is refused (-EOPNOTSUPP), and the row says
 * so.  Needs `rig --guest-payload`. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "real-guest.h"
#include "rig-guest.h"

#define WHAT "Linux guest, strict {1}, ballooned 128->192 MiB"

int main(int argc, char **argv)
{
    struct rig_env env;
    struct pv_guest g;
    struct rig_pages pg;
    char why[512], ready[256], calls[256] = "", bal[256] = "", out[512];
    const char *label = NULL;
    const uint64_t *v;
    int r;

    rig_env_open(&env, argc, argv);
    if (!real_guest_present() || env.nr_nodes < 2) {
        printf("ROW|%s|-|-|no guest in this dom0 or one node|-\n", WHAT);
        return 1;
    }
    if (real_guest_start_xenstore(out, sizeof(out)) != 0) {
        printf("ROW|%s|-|-|xenstored did not start|-\n", WHAT);
        return 1;
    }
    if (rig_flask_enforcing(env.xch) == 1)
        label = "system_u:system_r:domU_t";
    r = real_guest_boot(env.h, env.xch, 1, 128, 192, NODEAFF_STRICT, label, &g, why,
                        sizeof(why));
    if (r < 0) {
        printf("ROW|%s|-|-|%s|-\n", WHAT, r == -EOPNOTSUPP ?
               "set: not supported (-EOPNOTSUPP)" : why);
        return r == -EOPNOTSUPP ? 0 : 1;
    }
    r = pv_guest_wait_line(&g, "@G@ CALLS", 120000, calls, sizeof(calls));
    if (r == 0)
        r = pv_guest_wait_line(&g, "@G@ READY", 120000, ready, sizeof(ready));
    if (r == 0)
        r = pv_guest_send(&g, "balloon 196608\n");
    if (r == 0)
        r = pv_guest_wait_line(&g, "@G@ BALLOON", 120000, bal, sizeof(bal));
    if (r < 0) {
        printf("ROW|%s|-|-|the guest did not answer: %s|-\n", WHAT, strerror(-r));
        printf("GUEST|%s\n", pv_guest_console_tail(&g, 1));
        pv_guest_destroy(&g);
        return 1;
    }
    rig_read_pages(&env, g.domid, &pg);
    v = pg.usage_rc > 0 ? pg.usage : pg.key;
    printf("ROW|%s|%llu|%llu|%s|%s\n", WHAT, (unsigned long long)v[0],
           (unsigned long long)v[1], v[0] == 0 ? "booted, ballooned, all on node 1" :
           "PAGES OFF NODE 1", pg.usage_rc > 0 ? "usage query" : "debug key 'u'");
    printf("GUEST|%s; %s\n", bal, calls);
    pv_guest_destroy(&g);
    rig_env_close(&env);
    return 0;
}
