/* The nodeaff command on a live hypervisor: the operator's view.
 *
 * Runs nodeaff (from PATH: the rig puts it in dom0's /usr/bin) against a
 * domain this program creates, and checks exit statuses (0 success, 1 a
 * failed operation, 2 bad usage or input) and the gist of the output,
 * text and --json.  The series-only commands must fail cleanly on stock
 * Xen: exit 1 with a message, nothing on stdout. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "rig-guest.h"
#include "tap.h"

static char out[65536];

/* Runs "nodeaff ARGS" with stderr to stdout; returns the exit status. */
__attribute__((format(printf, 1, 2)))
static int run(const char *fmt, ...)
{
    char cmd[512], args[400];
    va_list ap;
    size_t len = 0, n;
    FILE *f;
    int st;

    va_start(ap, fmt);
    vsnprintf(args, sizeof(args), fmt, ap);
    va_end(ap);
    snprintf(cmd, sizeof(cmd), "nodeaff %s 2>&1", args);
    out[0] = '\0';
    f = popen(cmd, "r");
    if (!f)
        return -1;
    while (len < sizeof(out) - 1 && (n = fread(out + len, 1, sizeof(out) - 1 - len, f)) > 0)
        len += n;
    out[len] = '\0';
    st = pclose(f);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* The first line of the last output, for messages. */
static const char *first_line(void)
{
    static char line[160];
    size_t n = strcspn(out, "\n");

    if (n >= sizeof(line))
        n = sizeof(line) - 1;
    memcpy(line, out, n);
    line[n] = '\0';
    return line;
}

int main(int argc, char **argv)
{
    struct rig_env env;
    unsigned int last;
    uint64_t done;
    int domid, st;
    char want[64];

    rig_env_open(&env, argc, argv);
    /* The highest node with memory (strict needs memory to bind to). */
    last = 0;
    for (unsigned int x = 0; x < env.nr_nodes; x++)
        if (env.mem_bytes[x])
            last = x;
    domid = rig_domain_create(env.xch);
    if (domid < 0)
        tap_bail("create domain: %s", strerror(-domid));

    st = run("topology");
    snprintf(want, sizeof(want), "%u nodes", env.nr_nodes);
    tap_ok(st == 0 && strstr(out, want), "topology: exit %d, '%s'", st, first_line());
    st = run("--json topology");
    tap_ok(st == 0 && out[0] == '{', "--json topology: exit %d, a JSON object", st);

    st = run("set %d %u", domid, last);
    tap_ok(st == 0, "set %d %u: exit %d %s", domid, last, st, first_line());
    st = run("get %d", domid);
    snprintf(want, sizeof(want), "nodes %u", last);
    tap_ok(st == 0 && strstr(out, want), "get: exit %d, '%s'", st, first_line());
    st = run("--json get %d", domid);
    tap_ok(st == 0 && out[0] == '{', "--json get: exit %d, '%s'", st, first_line());

    st = run("set %d %u --strict", domid, last);
    if (env.series) {
        tap_ok(st == 0, "set --strict: exit %d %s", st, first_line());
        st = run("get %d", domid);
        tap_ok(st == 0 && strstr(out, "strict"), "get shows strict: '%s'", first_line());
    } else {
        tap_ok(st == 1 && strstr(out, "nodeaff"),
               "stock Xen: set --strict exits 1 with a message: '%s'", first_line());
    }

    rig_populate(env.xch, (uint32_t)domid, 1024, &done);
    st = run("usage %d", domid);
    if (env.series)
        tap_ok(st == 0 && strstr(out, "1024"), "usage %d: exit %d, shows 1024 pages", domid,
               st);
    else
        tap_ok(st == 1, "stock Xen: usage exits 1: '%s'", first_line());
    st = run("--json usage %d", domid);
    tap_ok(env.series ? (st == 0 && out[0] == '{') : st == 1, "--json usage: exit %d", st);

    st = run("reset %d", domid);
    tap_ok(st == 0, "reset: exit %d %s", st, first_line());
    st = run("get %d", domid);
    tap_ok(st == 0 && (!env.series || strstr(out, "auto")), "get after reset: '%s'",
           first_line());

    st = run("get 32000");
    tap_ok(st == 1, "get on a domain that does not exist: exit %d '%s'", st, first_line());
    st = run("set %d 0,,1", domid);
    tap_ok(st == 2, "set with a malformed nodeset: exit %d '%s'", st, first_line());
    st = run("set %d none", domid);
    tap_ok(st == 2, "set with an empty nodeset: exit %d '%s'", st, first_line());
    st = run("set %d 64", domid);
    tap_ok(st == 2, "set with node 64 (beyond the host): exit %d '%s'", st, first_line());
    st = run("frobnicate");
    tap_ok(st == 2, "unknown command: exit %d", st);

    st = run("place --memory 64M --vcpus 1");
    tap_ok(st == 0, "place on the live host: exit %d '%s'", st, first_line());

    rig_domain_destroy(env.xch, (uint32_t)domid);
    rig_env_close(&env);
    return tap_done();
}
