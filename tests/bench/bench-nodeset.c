/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Parse and format a fixed corpus of realistic node sets with libnodeaff
 * and, when built with it, hwloc's list functions (the anchor), side by
 * side from one run.
 *
 *   bench-nodeset [time]      ns per operation, both libraries
 *   bench-nodeset callgrind   under callgrind: one profile dump per
 *                             library, operation and sample (the wrapper
 *                             run-bench-nodeset turns them into
 *                             instructions per operation)
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "nodeaff.h"

#ifdef HAVE_HWLOC
#include <hwloc.h>
#endif
#ifdef HAVE_CALLGRIND_H
#include <valgrind/callgrind.h>
#endif

#define MAX_TEXT 65536

struct sample {
    unsigned int nr_nodes;
    char *text;
    struct nodeaff_nodemap *ours;
#ifdef HAVE_HWLOC
    hwloc_bitmap_t theirs;
#endif
};

static struct sample corpus[32];
static unsigned int nr_samples;
static char out[MAX_TEXT];

static void add(unsigned int nr_nodes, const char *text)
{
    struct sample *s = &corpus[nr_samples++];

    s->nr_nodes = nr_nodes;
    s->text = strdup(text);
    if (!s->text || nodeaff_nodemap_new(nr_nodes, &s->ours) < 0) {
        fprintf(stderr, "bench-nodeset: out of memory\n");
        exit(1);
    }
#ifdef HAVE_HWLOC
    s->theirs = hwloc_bitmap_alloc();
#endif
}

/* A list of every stride-th node, or stride-th run of len nodes. */
static void add_strided(unsigned int nr_nodes, unsigned int stride, unsigned int len)
{
    char text[MAX_TEXT];
    size_t pos = 0;
    unsigned int n;

    for (n = 0; n + len <= nr_nodes; n += stride) {
        if (len == 1)
            pos += (size_t)snprintf(text + pos, sizeof(text) - pos, "%s%u", pos ? "," : "", n);
        else
            pos += (size_t)snprintf(text + pos, sizeof(text) - pos, "%s%u-%u",
                                    pos ? "," : "", n, n + len - 1);
    }
    add(nr_nodes, text);
}

static void build_corpus(void)
{
    /* What xl configs and operators write on today's hosts (64 nodes)... */
    add(64, "0");
    add(64, "5");
    add(64, "63");
    add(64, "0-3");
    add(64, "32-47");
    add(64, "0-63");
    add(64, "0,2,4,6");
    add(64, "0-7,16-23");
    add(64, "1,3,5-9,12,40-47,63");
    /* ...and on the largest maps Xen's interface allows (4096 nodes). */
    add(4096, "4095");
    add(4096, "0-4095");
    add(4096, "0-1023,2048-3071");
    add_strided(4096, 64, 1);      /* one node per 64: 64 singles */
    add_strided(4096, 256, 16);    /* 16 runs of 16 */
    add_strided(4096, 8, 4);       /* 512 runs of 4: a worst-ish case */
}

static double now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

/* Keeps the compiler from dropping work whose result is unused. */
static volatile size_t sink;

/* Each section is its own function so profiles can name it. */
__attribute__((noinline)) static void ours_parse(unsigned int reps, unsigned int from,
                                                 unsigned int to)
{
    unsigned int r, i;

    for (r = 0; r < reps; r++)
        for (i = from; i < to; i++)
            sink += (size_t)nodeaff_nodemap_parse(corpus[i].ours, corpus[i].text, NULL, NULL);
}

__attribute__((noinline)) static void ours_format(unsigned int reps, unsigned int from,
                                                  unsigned int to)
{
    unsigned int r, i;

    for (r = 0; r < reps; r++)
        for (i = from; i < to; i++)
            sink += (size_t)nodeaff_nodemap_format(corpus[i].ours, NODEAFF_FORMAT_LIST,
                                                   out, sizeof(out));
}

#ifdef HAVE_HWLOC
__attribute__((noinline)) static void hwloc_parse(unsigned int reps, unsigned int from,
                                                  unsigned int to)
{
    unsigned int r, i;

    for (r = 0; r < reps; r++)
        for (i = from; i < to; i++)
            sink += (size_t)hwloc_bitmap_list_sscanf(corpus[i].theirs, corpus[i].text);
}

__attribute__((noinline)) static void hwloc_format(unsigned int reps, unsigned int from,
                                                   unsigned int to)
{
    unsigned int r, i;

    for (r = 0; r < reps; r++)
        for (i = from; i < to; i++)
            sink += (size_t)hwloc_bitmap_list_snprintf(out, sizeof(out), corpus[i].theirs);
}
#endif

static const struct section {
    const char *name;
    void (*run)(unsigned int reps, unsigned int from, unsigned int to);
} sections[] = {
    { "ours-parse", ours_parse },
    { "ours-format", ours_format },
#ifdef HAVE_HWLOC
    { "hwloc-parse", hwloc_parse },
    { "hwloc-format", hwloc_format },
#endif
};

#define NR_SECTIONS (sizeof(sections) / sizeof(sections[0]))

/* Both libraries must read and write the same sets, or the race is unfair. */
static int check_agreement(void)
{
    unsigned int i;
    int bad = 0;

    ours_parse(1, 0, nr_samples);
    for (i = 0; i < nr_samples; i++) {
        char mine[MAX_TEXT];

        nodeaff_nodemap_format(corpus[i].ours, NODEAFF_FORMAT_LIST, mine, sizeof(mine));
#ifdef HAVE_HWLOC
        hwloc_bitmap_list_sscanf(corpus[i].theirs, corpus[i].text);
        hwloc_bitmap_list_snprintf(out, sizeof(out), corpus[i].theirs);
        if (strcmp(mine, out) != 0) {
            fprintf(stderr, "bench-nodeset: sample %u: libnodeaff '%.40s', hwloc '%.40s'\n",
                    i, mine, out);
            bad = 1;
        }
#endif
    }
    return bad;
}

static int run_time(void)
{
    double ns[4] = { 0 };
    unsigned int s, reps = 2000, round;

    printf("nodeset parse/format, %u samples (64 and 4096 nodes), time per operation\n",
           nr_samples);
    /* Best of five rounds: the least disturbed one. */
    for (s = 0; s < NR_SECTIONS; s++) {
        sections[s].run(reps / 10, 0, nr_samples);     /* warm caches */
        for (round = 0; round < 5; round++) {
            double t0 = now_ns(), t;

            sections[s].run(reps, 0, nr_samples);
            t = (now_ns() - t0) / ((double)reps * nr_samples);
            if (round == 0 || t < ns[s])
                ns[s] = t;
        }
    }
    printf("%-8s %14s %14s %8s\n", "op", "libnodeaff ns", "hwloc ns", "ratio");
#ifdef HAVE_HWLOC
    printf("%-8s %14.1f %14.1f %7.2fx\n", "parse", ns[0], ns[2], ns[2] / ns[0]);
    printf("%-8s %14.1f %14.1f %7.2fx\n", "format", ns[1], ns[3], ns[3] / ns[1]);
#else
    printf("%-8s %14.1f %14s %8s\n", "parse", ns[0], "n/a", "n/a");
    printf("%-8s %14.1f %14s %8s\n", "format", ns[1], "n/a", "n/a");
    printf("(hwloc not available at build time: no anchor figures)\n");
#endif
    return 0;
}

/*
 * One profile dump per section and sample, named "SECTION SAMPLE"; stdout
 * says how many operations each dump holds and what each sample is.
 */
static int run_callgrind(void)
{
#ifdef HAVE_CALLGRIND_H
    const unsigned int reps = 100;
    unsigned int s, i;
    char name[64];

    if (!RUNNING_ON_VALGRIND) {
        fprintf(stderr, "bench-nodeset: callgrind mode needs valgrind --tool=callgrind\n");
        return 2;
    }
    printf("reps %u\n", reps);
    for (i = 0; i < nr_samples; i++)
        printf("sample %u %u %.32s%s\n", i, corpus[i].nr_nodes, corpus[i].text,
               strlen(corpus[i].text) > 32 ? "..." : "");
    for (s = 0; s < NR_SECTIONS; s++) {
        for (i = 0; i < nr_samples; i++) {
            /* Outside the measured span: the name, and first-call costs
             * (lazy binding, page faults). */
            snprintf(name, sizeof(name), "%s:%u", sections[s].name, i);
            sections[s].run(1, i, i + 1);
            CALLGRIND_ZERO_STATS;
            sections[s].run(reps, i, i + 1);
            CALLGRIND_DUMP_STATS_AT(name);
        }
    }
    return 0;
#else
    fprintf(stderr, "bench-nodeset: built without <valgrind/callgrind.h>\n");
    return 77;
#endif
}

int main(int argc, char **argv)
{
    const char *mode = argc > 1 ? argv[1] : "time";
    int r;

    build_corpus();
    if (check_agreement())
        return 1;
    if (strcmp(mode, "time") == 0)
        r = run_time();
    else if (strcmp(mode, "callgrind") == 0)
        r = run_callgrind();
    else {
        fprintf(stderr, "usage: bench-nodeset [time|callgrind]\n");
        return 2;
    }
    for (unsigned int i = 0; i < nr_samples; i++) {
        nodeaff_nodemap_free(corpus[i].ours);
#ifdef HAVE_HWLOC
        hwloc_bitmap_free(corpus[i].theirs);
#endif
        free(corpus[i].text);
    }
    return r;
}
