/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The topology file parser: the presets in tests/placement/topologies/ and
 * the rig's, then one row per way a file can be malformed, each with the
 * line number it must report. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <dirent.h>
#include <cmocka.h>

#include "topology-private.h"

#define GIB (UINT64_C(1) << 30)
#define MIB (UINT64_C(1) << 20)
#define SENTINEL_PTR ((void *)0x5a5a)
#define SENTINEL_LINE 4242u

static const char *topo_dir(void)
{
    const char *d = getenv("TOPO_DIR");

    return d ? d : ".";
}

static struct nodeaff_topology *load(const char *name)
{
    struct nodeaff_topology *t = NULL;
    unsigned int line = SENTINEL_LINE;
    char path[4096];

    snprintf(path, sizeof(path), "%s/topologies/%s", topo_dir(), name);
    assert_int_equal(nodeaff_topology_from_file(path, &t, &line), 0);
    assert_int_equal(line, SENTINEL_LINE);
    assert_non_null(t);
    return t;
}

/* Writes text to a temporary file and parses it. */
static int parse_text(const char *text, struct nodeaff_topology **ret,
                      unsigned int *line)
{
    char path[] = "/tmp/nodeaff-topo-XXXXXX";
    int fd = mkstemp(path), r;
    size_t len = strlen(text);

    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, len), (ssize_t)len);
    close(fd);
    r = nodeaff_topology_from_file(path, ret, line);
    unlink(path);
    return r;
}

static void test_two_nodes(void **state)
{
    struct nodeaff_topology *t = load("2node.topo");
    uint64_t size, fr;

    (void)state;
    assert_int_equal(nodeaff_topology_nr_nodes(t), 2);
    assert_int_equal(nodeaff_topology_nr_cpus(t), 4);
    assert_int_equal(nodeaff_topology_node_memory(t, 1, &size, &fr), 0);
    assert_true(size == GIB && fr == GIB);
    assert_int_equal(nodeaff_topology_cpu_node(t, 3), 1);
    assert_int_equal(nodeaff_topology_distance(t, 1, 0), 20);
    assert_int_equal(nodeaff_topology_distance(t, 0, 0), 10);
    nodeaff_topology_free(t);
}

static void test_epyc(void **state)
{
    struct nodeaff_topology *t = load("epyc-2s-nps4.topo");
    uint64_t size, fr;

    (void)state;
    assert_int_equal(nodeaff_topology_nr_nodes(t), 8);
    assert_int_equal(nodeaff_topology_nr_cpus(t), 64);
    assert_int_equal(nodeaff_topology_node_memory(t, 3, &size, &fr), 0);
    assert_true(size == 64 * GIB && fr == 8 * GIB);
    assert_int_equal(nodeaff_topology_node_vcpus(t, 7), 20);
    assert_int_equal(nodeaff_topology_node_vcpus(t, 4), 0);
    assert_int_equal(nodeaff_topology_distance(t, 6, 2), 32);
    assert_int_equal(nodeaff_topology_distance(t, 6, 5), 12);
    assert_int_equal(nodeaff_topology_cpu_node(t, 63), 7);
    nodeaff_topology_free(t);
}

static void test_cxl_asym(void **state)
{
    struct nodeaff_topology *t = load("cxl-asym.topo");
    struct nodeaff_nodemap *cpus;
    uint64_t size, fr;

    (void)state;
    assert_int_equal(nodeaff_topology_nr_nodes(t), 4);
    assert_int_equal(nodeaff_topology_nr_cpus(t), 5);
    assert_int_equal(nodeaff_topology_node_memory(t, 0, &size, &fr), 0);
    assert_true(size == 4 * GIB && fr == 3 * GIB);
    assert_int_equal(nodeaff_topology_node_memory(t, 3, &size, &fr), 0);
    assert_true(size == 0 && fr == 0);
    assert_int_equal(nodeaff_topology_node_cpus(t, 2, &cpus), 0);
    assert_int_equal(nodeaff_nodemap_count(cpus), 0);
    nodeaff_nodemap_free(cpus);
    assert_int_equal(nodeaff_topology_distance(t, 0, 2), 14);
    assert_int_equal(nodeaff_topology_distance(t, 2, 0), 16);
    assert_int_equal(nodeaff_topology_distance(t, 2, 1), 30);
    assert_int_equal(nodeaff_topology_node_vcpus(t, 1), 1);
    nodeaff_topology_free(t);
}

/* Every rig preset parses too (the C parser and the rig share the format). */
static void test_rig_presets(void **state)
{
    char dir[4096], path[8192];
    struct dirent *e;
    DIR *d;
    unsigned int n = 0;

    (void)state;
    snprintf(dir, sizeof(dir), "%s/../../qemu-numa-rig/topologies", topo_dir());
    d = opendir(dir);
    if (!d)
        skip();
    while ((e = readdir(d))) {
        struct nodeaff_topology *t = NULL;
        unsigned int line = 0;
        size_t len = strlen(e->d_name);
        int r;

        if (len < 5 || strcmp(e->d_name + len - 5, ".topo") != 0)
            continue;
        snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
        r = nodeaff_topology_from_file(path, &t, &line);
        if (r != 0)
            fail_msg("%s: %d at line %u", path, r, line);
        nodeaff_topology_free(t);
        n++;
    }
    closedir(d);
    assert_true(n > 0);
}

static void test_sizes(void **state)
{
    struct nodeaff_topology *t;
    uint64_t size, fr;
    unsigned int line = SENTINEL_LINE;

    (void)state;
    assert_int_equal(parse_text("node 0 mem=3 free=2048K\n"
                                "node 1 mem=2t free=1g\n"
                                "node 2 mem=0512M\n", &t, &line), 0);
    assert_int_equal(nodeaff_topology_node_memory(t, 0, &size, &fr), 0);
    assert_true(size == 3 * MIB && fr == 2 * MIB);
    assert_int_equal(nodeaff_topology_node_memory(t, 1, &size, &fr), 0);
    assert_true(size == 2048 * GIB && fr == GIB);
    assert_int_equal(nodeaff_topology_node_memory(t, 2, &size, &fr), 0);
    assert_true(size == 512 * MIB && fr == 512 * MIB);
    assert_int_equal(nodeaff_topology_nr_cpus(t), 0);
    nodeaff_topology_free(t);
    assert_int_equal(line, SENTINEL_LINE);
}

/* claimed= is part of free= (default mem=), 0 when absent. */
static void test_claimed(void **state)
{
    struct nodeaff_topology *t;
    uint64_t claimed = 1;
    unsigned int line = SENTINEL_LINE;

    (void)state;
    assert_int_equal(parse_text("node 0 mem=1G free=512M claimed=512M\n"
                                "node 1 mem=1G claimed=4K\n"
                                "node 2 mem=1G\n"
                                "node 3 mem=0 claimed=0\n", &t, &line), 0);
    assert_int_equal(nodeaff_topology_node_claimed(t, 0, &claimed), 0);
    assert_true(claimed == 512 * MIB);
    assert_int_equal(nodeaff_topology_node_claimed(t, 1, &claimed), 0);
    assert_true(claimed == 4096);
    assert_int_equal(nodeaff_topology_node_claimed(t, 2, &claimed), 0);
    assert_true(claimed == 0);
    claimed = 1;
    assert_int_equal(nodeaff_topology_node_claimed(t, 3, &claimed), 0);
    assert_true(claimed == 0);
    nodeaff_topology_free(t);
    assert_int_equal(line, SENTINEL_LINE);
}

static void test_comments_blanks(void **state)
{
    struct nodeaff_topology *t;
    unsigned int line = 0;

    (void)state;
    assert_int_equal(parse_text("\n   \n# only a comment\n\t\r\n"
                                "distance 1 0 40 # before the nodes\r\n"
                                "node 1 mem=1G cpus=1,3#no space\n"
                                "node 0 mem=1G cpus=0,2 vcpus=3\n"
                                "xen a b c d e f g h i j k l m n o p q r s t u v\n",
                                &t, &line), 0);
    assert_int_equal(nodeaff_topology_distance(t, 0, 1), 40);
    assert_int_equal(nodeaff_topology_cpu_node(t, 3), 1);
    assert_int_equal(nodeaff_topology_cpu_node(t, 2), 0);
    assert_int_equal(nodeaff_topology_node_vcpus(t, 0), 3);
    nodeaff_topology_free(t);
}

static const struct {
    const char *text;
    unsigned int line;
} malformed[] = {
    { "", 0 },                                         /* no node */
    { "# nothing\n\ndom0 mem=1G\n", 0 },
    { "node 0 mem=1G\nbogus 1\n", 2 },                 /* unknown keyword */
    { "node\n", 1 },
    { "node x mem=1G\n", 1 },
    { "node -1 mem=1G\n", 1 },
    { "node 0x1 mem=1G\n", 1 },
    { "node 65536 mem=1G\n", 1 },
    { "node 0\n", 1 },                                 /* mem= missing */
    { "node 0 cpus=0\n", 1 },
    { "node 0 mem=\n", 1 },
    { "node 0 mem=1X\n", 1 },
    { "node 0 mem=G\n", 1 },
    { "node 0 mem=-1G\n", 1 },
    { "node 0 mem=1.5G\n", 1 },
    { "node 0 mem=99999999999999999999\n", 1 },       /* overflow */
    { "node 0 mem=16777216T\n", 1 },                   /* 2^64 bytes */
    { "node 0 mem=1G mem=2G\n", 1 },                   /* repeated key */
    { "node 0 mem=1G size=2G\n", 1 },                  /* unknown key */
    { "node 0 mem=1G free\n", 1 },
    { "node 0 mem=1G free=2G\n", 1 },                  /* free > mem */
    { "node 0 mem=0 free=1M\n", 1 },
    { "node 0 mem=1G claimed=2G\n", 1 },               /* claimed > mem */
    { "node 0 mem=1G free=100M claimed=101M\n", 1 },   /* claimed > free */
    { "node 0 mem=0 claimed=4K\n", 1 },
    { "node 0 mem=1G claimed=\n", 1 },
    { "node 0 mem=1G claimed=-1\n", 1 },
    { "node 0 mem=1G claimed=1M claimed=1M\n", 1 },    /* repeated key */
    { "node 0 mem=1G\nnode 1 mem=1G claimed=1x\n", 2 },
    { "node 0 mem=1G vcpus=-1\n", 1 },
    { "node 0 mem=1G vcpus=2147483648\n", 1 },
    { "node 0 mem=1G cpus=3-1\n", 1 },
    { "node 0 mem=1G cpus=all\n", 1 },
    { "node 0 mem=1G cpus=0,,1\n", 1 },
    { "node 0 mem=1G cpus=65536\n", 1 },
    { "node 0 mem=1G\nnode 0 mem=1G\n", 2 },           /* duplicate id */
    { "node 0 mem=1G\n\nnode 2 mem=1G\n", 3 },         /* ids not 0..N-1 */
    { "node 1 mem=1G\n", 1 },
    { "node 0 mem=1G cpus=0-1\nnode 1 mem=1G cpus=1-2\n", 2 }, /* CPU twice */
    { "node 0 mem=1G cpus=0\nnode 1 mem=1G cpus=2\n", 2 },     /* CPU 1 on no node */
    { "node 0 mem=1G cpus=1\n", 1 },                           /* CPU 0 on no node */
    { "node 0 mem=1G\nnode 1 mem=1G\ndistance 0 1\n", 3 },
    { "node 0 mem=1G\nnode 1 mem=1G\ndistance 0 1 20 both\n", 3 },
    { "node 0 mem=1G\nnode 1 mem=1G\ndistance 0 1 20 oneway x\n", 3 },
    { "node 0 mem=1G\nnode 1 mem=1G\ndistance 0 0 10\n", 3 },  /* A == B */
    { "node 0 mem=1G\nnode 1 mem=1G\ndistance 0 1 9\n", 3 },
    { "node 0 mem=1G\nnode 1 mem=1G\ndistance 0 1 256\n", 3 },
    { "node 0 mem=1G\nnode 1 mem=1G\ndistance 0 1 x\n", 3 },
    { "node 0 mem=1G\nnode 1 mem=1G\ndistance 0 2 20\n", 3 },  /* no node 2 */
    { "node 0 mem=1G\ndom0 mem=lots\n", 2 },
    { "node 0 mem=1G\ndom0 512M\n", 2 },
    { "node 0 mem=1G a b c d e f g h i j k l m n o p\n", 1 },  /* too many tokens */
};

static void test_malformed(void **state)
{
    unsigned int i;

    (void)state;
    for (i = 0; i < NODEAFF_ARRAY_SIZE(malformed); i++) {
        struct nodeaff_topology *t = SENTINEL_PTR;
        unsigned int line = SENTINEL_LINE;
        int r = parse_text(malformed[i].text, &t, &line);

        if (r != -EINVAL || line != malformed[i].line)
            fail_msg("row %u \"%s\": got %d line %u, want -EINVAL line %u",
                     i, malformed[i].text, r, line, malformed[i].line);
        assert_ptr_equal(t, SENTINEL_PTR);
    }
    /* ret_line is optional. */
    {
        struct nodeaff_topology *t = SENTINEL_PTR;

        assert_int_equal(parse_text("node 0\n", &t, NULL), -EINVAL);
        assert_ptr_equal(t, SENTINEL_PTR);
    }
}

static void test_errors(void **state)
{
    struct nodeaff_topology *t = SENTINEL_PTR;
    unsigned int line = SENTINEL_LINE;

    (void)state;
    assert_int_equal(nodeaff_topology_from_file(NULL, &t, &line), -EINVAL);
    assert_int_equal(nodeaff_topology_from_file("/nonexistent/x.topo", NULL, &line), -EINVAL);
    assert_int_equal(nodeaff_topology_from_file("/nonexistent/x.topo", &t, &line), -ENOENT);
    assert_int_equal(nodeaff_topology_from_file("/", &t, &line), -EISDIR);
    assert_ptr_equal(t, SENTINEL_PTR);
    assert_int_equal(line, SENTINEL_LINE);   /* only set for a malformed file */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_two_nodes),
        cmocka_unit_test(test_epyc),
        cmocka_unit_test(test_cxl_asym),
        cmocka_unit_test(test_rig_presets),
        cmocka_unit_test(test_sizes),
        cmocka_unit_test(test_claimed),
        cmocka_unit_test(test_comments_blanks),
        cmocka_unit_test(test_malformed),
        cmocka_unit_test(test_errors),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
