/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The nodeaff renderers (src/tool/output.c) on hand-made data: exact text
 * for the tables, and JSON whose validity check-json runs through
 * python3 -m json.tool (this program prints it with --emit-json).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "nodeaff-private.h"
#include "tool/output.h"

#define MIB (1024ULL * 1024)

/* Two nodes with 2 CPUs each, node 1 at distance 21, 3 vCPUs on node 0. */
static struct nodeaff_topology *two_nodes(void)
{
    struct nodeaff_topology *t;

    assert_int_equal(nodeaff_topology_new(2, 4, &t), 0);
    assert_int_equal(nodeaff_topology_set_node_memory(t, 0, 1024 * MIB,
                                                      512 * MIB), 0);
    assert_int_equal(nodeaff_topology_set_node_memory(t, 1, 2048 * MIB,
                                                      2000 * MIB), 0);
    assert_int_equal(nodeaff_topology_set_distance(t, 0, 1, 21), 0);
    assert_int_equal(nodeaff_topology_set_distance(t, 1, 0, 21), 0);
    assert_int_equal(nodeaff_topology_set_cpu_node(t, 0, 0), 0);
    assert_int_equal(nodeaff_topology_set_cpu_node(t, 1, 0), 0);
    assert_int_equal(nodeaff_topology_set_cpu_node(t, 2, 1), 0);
    assert_int_equal(nodeaff_topology_set_cpu_node(t, 3, 1), 0);
    assert_int_equal(nodeaff_topology_set_node_vcpus(t, 0, 3), 0);
    assert_int_equal(nodeaff_topology_set_node_claimed(t, 1, 300 * MIB), 0);
    return t;
}

static struct nodeaff_topology *with_offline_node(void)
{
    struct nodeaff_topology *t;

    assert_int_equal(nodeaff_topology_new(3, 2, &t), 0);
    assert_int_equal(nodeaff_topology_set_node_memory(t, 0, 1024 * MIB,
                                                      1024 * MIB), 0);
    assert_int_equal(nodeaff_topology_set_node_memory(t, 2, 1024 * MIB,
                                                      0), 0);
    assert_int_equal(nodeaff_topology_set_node_online(t, 1, 0), 0);
    assert_int_equal(nodeaff_topology_set_cpu_node(t, 0, 0), 0);
    assert_int_equal(nodeaff_topology_set_cpu_node(t, 1, 2), 0);
    return t;
}

static struct nodeaff_nodemap *map_of(const char *text)
{
    struct nodeaff_nodemap *m;

    assert_int_equal(nodeaff_nodemap_new(4, &m), 0);
    assert_int_equal(nodeaff_nodemap_parse(m, text, NULL, NULL), 0);
    return m;
}

static const uint32_t domids[] = { 0, 7 };
static const uint64_t pages[] = { 131072, 0, 10000, 48404 };

/* Runs render into a string. */
#define CAPTURE(buf, call) do {                                   \
        size_t len_ = 0;                                          \
        FILE *out = open_memstream(&(buf), &len_);                \
        assert_non_null(out);                                     \
        assert_int_equal((call), 0);                              \
        fclose(out);                                              \
    } while (0)

static void test_topology_table(void **state)
{
    struct nodeaff_topology *t = two_nodes();
    char *text = NULL;

    (void)state;
    CAPTURE(text, output_topology(out, t, -1, 0));
    assert_string_equal(text,
        "2 nodes, 4 CPUs\n"
        "\n"
        "node   state      memory-MiB     free-MiB  claimed-MiB  vcpus  cpus\n"
        "0      online           1024          512            0      3  0-1\n"
        "1      online           2048         2000          300      0  2-3\n"
        "\n"
        "distance     0     1\n"
        "0           10    21\n"
        "1           21    10\n");
    free(text);
    nodeaff_topology_free(t);
}

static void test_topology_offline(void **state)
{
    struct nodeaff_topology *t = with_offline_node();
    char *text = NULL;

    (void)state;
    CAPTURE(text, output_topology(out, t, -1, 0));
    assert_non_null(strstr(text, "1      offline             -            -"
                                 "            -      0  none\n"));
    free(text);
    CAPTURE(text, output_topology(out, t, -1, 1));
    assert_non_null(strstr(text, "{\"node\":1,\"online\":false,"
                                 "\"memory_bytes\":null,\"free_bytes\":null,"
                                 "\"claimed_bytes\":null,"));
    free(text);
    nodeaff_topology_free(t);
}

static void test_topology_json(void **state)
{
    struct nodeaff_topology *t = two_nodes();
    char *text = NULL;

    (void)state;
    CAPTURE(text, output_topology(out, t, -1, 1));
    assert_string_equal(text,
        "{\"nr_nodes\":2,\"nr_cpus\":4,\"nodes\":["
        "{\"node\":0,\"online\":true,\"memory_bytes\":1073741824,"
        "\"free_bytes\":536870912,\"claimed_bytes\":0,\"vcpus\":3,"
        "\"cpus\":[0,1]},"
        "{\"node\":1,\"online\":true,\"memory_bytes\":2147483648,"
        "\"free_bytes\":2097152000,\"claimed_bytes\":314572800,"
        "\"vcpus\":0,\"cpus\":[2,3]}],"
        "\"distances\":[[10,21],[21,10]]}\n");
    free(text);
    nodeaff_topology_free(t);
}

static void test_topology_features(void **state)
{
    struct nodeaff_topology *t = two_nodes();
    char *text = NULL;

    (void)state;
    CAPTURE(text, output_topology(out, t, NODEAFF_FEATURE_AFFINITY |
                                          NODEAFF_FEATURE_USAGE, 0));
    assert_non_null(strstr(text, "2 nodes, 4 CPUs\n"
                                 "hypervisor features: affinity, usage\n\n"));
    free(text);
    CAPTURE(text, output_topology(out, t, 0, 0));
    assert_non_null(strstr(text, "hypervisor features: none\n"));
    free(text);
    CAPTURE(text, output_topology(out, t, 0xf, 1));
    assert_non_null(strstr(text, "{\"nr_nodes\":2,\"nr_cpus\":4,\"features\":"
                                 "[\"affinity\",\"strict\",\"state\","
                                 "\"usage\"],\"nodes\":["));
    free(text);
    CAPTURE(text, output_topology(out, t, 0x1f, 0));
    assert_non_null(strstr(text, "hypervisor features: affinity, strict, "
                                 "state, usage, claims\n"));
    free(text);
    CAPTURE(text, output_topology(out, t, 0, 1));
    assert_non_null(strstr(text, "\"features\":[],"));
    free(text);
    nodeaff_topology_free(t);
}

static void test_topology_invalid(void **state)
{
    (void)state;
    assert_int_equal(output_topology(stdout, NULL, -1, 0), -EINVAL);
    assert_int_equal(output_topology(stdout, NULL, -1, 1), -EINVAL);
}

static void test_affinity(void **state)
{
    struct nodeaff_nodemap *m = map_of("0,2-3");
    char *text = NULL;

    (void)state;
    CAPTURE(text, output_affinity(out, 7, m, 1, NODEAFF_STRICT, 0));
    assert_string_equal(text, "domain 7: nodes 0,2-3 (explicit, strict)\n");
    free(text);
    CAPTURE(text, output_affinity(out, 7, m, 1, NODEAFF_AUTO, 0));
    assert_string_equal(text, "domain 7: nodes 0,2-3 (automatic, preferred)\n");
    free(text);
    CAPTURE(text, output_affinity(out, 7, m, 0, 0, 0));
    assert_string_equal(text, "domain 7: nodes 0,2-3\n");
    free(text);
    CAPTURE(text, output_affinity(out, 7, m, 1, NODEAFF_STRICT, 1));
    assert_string_equal(text, "{\"domid\":7,\"nodes\":[0,2,3],"
                              "\"mode\":\"explicit\",\"strict\":true}\n");
    free(text);
    CAPTURE(text, output_affinity(out, 7, m, 0, 0, 1));
    assert_string_equal(text, "{\"domid\":7,\"nodes\":[0,2,3],"
                              "\"mode\":null,\"strict\":null}\n");
    free(text);
    nodeaff_nodemap_free(m);
}

static void test_change(void **state)
{
    struct nodeaff_nodemap *m = map_of("1");
    char *text = NULL;

    (void)state;
    CAPTURE(text, output_change(out, 3, m, 0, 0));
    assert_string_equal(text, "domain 3: nodes 1 (explicit, preferred)\n");
    free(text);
    CAPTURE(text, output_change(out, 3, m, NODEAFF_STRICT, 1));
    assert_string_equal(text, "{\"domid\":3,\"nodes\":[1],"
                              "\"mode\":\"explicit\",\"strict\":true}\n");
    free(text);
    CAPTURE(text, output_change(out, 3, NULL, 0, 0));
    assert_string_equal(text, "domain 3: node affinity reset to automatic\n");
    free(text);
    CAPTURE(text, output_change(out, 3, NULL, 0, 1));
    assert_string_equal(text, "{\"domid\":3,\"mode\":\"automatic\","
                              "\"strict\":false}\n");
    free(text);
    nodeaff_nodemap_free(m);
}

static void test_usage_table(void **state)
{
    char *text = NULL;

    (void)state;
    CAPTURE(text, output_usage(out, domids, 2, pages, 2, 0, 0));
    assert_string_equal(text,
        "per-node memory of domains, pages of 4 KiB\n"
        "domain     node0   node1   total\n"
        "0         131072       0  131072\n"
        "7          10000   48404   58404\n"
        "total     141072   48404  189476\n");
    free(text);
}

static void test_usage_mib(void **state)
{
    char *text = NULL;

    (void)state;
    CAPTURE(text, output_usage(out, domids, 2, pages, 2, 1, 0));
    assert_string_equal(text,
        "per-node memory of domains, MiB\n"
        "domain     node0   node1   total\n"
        "0         512.00    0.00  512.00\n"
        "7          39.06  189.08  228.14\n"
        "total     551.06  189.08  740.14\n");
    free(text);
}

static void test_usage_json(void **state)
{
    char *text = NULL;

    (void)state;
    CAPTURE(text, output_usage(out, domids, 2, pages, 2, 0, 1));
    assert_string_equal(text,
        "{\"unit\":\"pages\",\"page_size\":4096,\"nodes\":[0,1],\"domains\":["
        "{\"domid\":0,\"per_node\":[131072,0],\"total\":131072},"
        "{\"domid\":7,\"per_node\":[10000,48404],\"total\":58404}],"
        "\"totals\":{\"per_node\":[141072,48404],\"total\":189476}}\n");
    free(text);
}

static void test_claim(void **state)
{
    static const uint64_t claim[] = { 65536, 0, 300 };
    char *text = NULL;

    (void)state;
    CAPTURE(text, output_claim(out, 3, claim, 3, 0, 0));
    assert_string_equal(text,
        "domain 3: node claims\n"
        "node            pages          MiB\n"
        "0               65536       256.00\n"
        "1                   0         0.00\n"
        "2                 300         1.17\n"
        "total           65836       257.17\n");
    free(text);
    CAPTURE(text, output_claim(out, 3, claim, 2, 12, 0));
    assert_non_null(strstr(text, "total           65536       256.00\n"
                                 "host-wide claim (XENMEM_claim_pages): 12 "
                                 "pages\n"));
    free(text);
    CAPTURE(text, output_claim(out, 3, claim, 3, 12, 1));
    assert_string_equal(text,
        "{\"domid\":3,\"page_size\":4096,\"pages\":[65536,0,300],"
        "\"total_pages\":65836,\"host_wide_pages\":12}\n");
    free(text);
}

static void test_usage_empty(void **state)
{
    char *text = NULL;

    (void)state;
    CAPTURE(text, output_usage(out, NULL, 0, NULL, 2, 0, 0));
    assert_non_null(strstr(text, "total          0       0       0\n"));
    free(text);
    CAPTURE(text, output_usage(out, NULL, 0, NULL, 2, 0, 1));
    assert_non_null(strstr(text, "\"domains\":[]"));
    free(text);
}

static void test_json_string(void **state)
{
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);

    (void)state;
    output_json_string(out, "a\"b\\c\n\x01");
    fclose(out);
    assert_string_equal(text, "\"a\\\"b\\\\c\\n\\u0001\"");
    free(text);
}

/* Every JSON rendering, one document per line, for check-json. */
static int emit_json(void)
{
    struct nodeaff_topology *t = two_nodes(), *off = with_offline_node();
    struct nodeaff_nodemap *m = map_of("0,2-3");
    int ret = 0;

    ret |= output_topology(stdout, t, -1, 1);
    ret |= output_topology(stdout, off, NODEAFF_FEATURE_AFFINITY, 1);
    ret |= output_topology(stdout, t, 0, 1);
    ret |= output_affinity(stdout, 7, m, 1, NODEAFF_AUTO, 1);
    ret |= output_affinity(stdout, 7, m, 0, 0, 1);
    ret |= output_change(stdout, 7, m, NODEAFF_STRICT, 1);
    ret |= output_change(stdout, 7, NULL, 0, 1);
    ret |= output_usage(stdout, domids, 2, pages, 2, 0, 1);
    ret |= output_usage(stdout, domids, 2, pages, 2, 1, 1);
    ret |= output_usage(stdout, NULL, 0, NULL, 2, 1, 1);
    ret |= output_claim(stdout, 3, pages, 4, 0, 1);
    ret |= output_claim(stdout, 3, pages, 1, 7, 1);
    output_json_string(stdout, "quote\" backslash\\ newline\n tab\t");
    fputc('\n', stdout);
    nodeaff_nodemap_free(m);
    nodeaff_topology_free(t);
    nodeaff_topology_free(off);
    return ret ? 1 : 0;
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_topology_table),
        cmocka_unit_test(test_topology_offline),
        cmocka_unit_test(test_topology_json),
        cmocka_unit_test(test_topology_features),
        cmocka_unit_test(test_topology_invalid),
        cmocka_unit_test(test_affinity),
        cmocka_unit_test(test_change),
        cmocka_unit_test(test_usage_table),
        cmocka_unit_test(test_claim),
        cmocka_unit_test(test_usage_mib),
        cmocka_unit_test(test_usage_json),
        cmocka_unit_test(test_usage_empty),
        cmocka_unit_test(test_json_string),
    };

    if (argc > 1 && strcmp(argv[1], "--emit-json") == 0)
        return emit_json();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
