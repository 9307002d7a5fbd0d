/* Minimal TAP producer for the in-guest tests.
 *
 * The guest tests run inside the rig's dom0 but are ordinary programs: on a
 * real Xen host they print the same TAP, so a failure seen in the rig can be
 * reproduced by hand.  The rig's init prefixes each line so the host can
 * pick the TAP out of the console it shares with Xen. */
#ifndef RIG_TAP_H
#define RIG_TAP_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

static int tap_n __attribute__((unused));
static int tap_failed __attribute__((unused));

static inline void tap_plan_late(void)
{
    printf("1..%d\n", tap_n);
    fflush(stdout);
}

__attribute__((format(printf, 2, 3)))
static inline int tap_ok(int cond, const char *fmt, ...)
{
    va_list ap;
    char buf[512];

    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    tap_n++;
    if (!cond)
        tap_failed++;
    /* One printf per line: a line written in one piece reaches the shared
     * console in one piece. */
    printf("%s %d - %s\n", cond ? "ok" : "not ok", tap_n, buf);
    fflush(stdout);
    return cond;
}

__attribute__((format(printf, 1, 2)))
static inline void tap_diag(const char *fmt, ...)
{
    va_list ap;
    char buf[512];

    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    printf("# %s\n", buf);
    fflush(stdout);
}

__attribute__((format(printf, 1, 2)))
static inline void tap_skip(const char *fmt, ...)
{
    va_list ap;
    char buf[512];

    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    tap_n++;
    printf("ok %d - # SKIP %s\n", tap_n, buf);
    fflush(stdout);
}

__attribute__((format(printf, 1, 2), noreturn))
static inline void tap_bail(const char *fmt, ...)
{
    va_list ap;
    char buf[512];

    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    printf("Bail out! %s\n", buf);
    fflush(stdout);
    exit(1);
}

static inline int tap_done(void)
{
    tap_plan_late();
    return tap_failed ? 1 : 0;
}

#endif
