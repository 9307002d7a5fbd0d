/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libFuzzer target for the config value, nodeaff_config_nodes().
 *
 * Input: byte 0 picks the topology's node count and which nodes are
 * offline, byte 1 the memory size, vCPU count and flags, the rest is the
 * value (NUL-terminated at its first NUL).  Checked against the header's
 * contract:
 *  - the result is EXPLICIT, AUTO or a documented errno, and *ret_nodes is
 *    written on success only, with a non-empty set of online nodes;
 *  - reason and column are written on a parse failure only, the column
 *    inside the value;
 *  - a plain value (no quotes, no surrounding blanks, not "auto") gives
 *    exactly what nodeaff_nodemap_parse() and the online check give;
 *  - blanks around the value, and quotes around a plain value, change
 *    nothing but the column, which moves by what was added in front;
 *  - an explicit set formatted as a list or JSON is read back equal.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "nodeaff.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* abort() is what fuzzers and the replay driver both catch. */
#define CHECK(cond) do { if (!(cond)) abort(); } while (0)

#define GiB (1024ULL * 1024 * 1024)

static const unsigned int node_counts[] = { 1, 2, 4, 8, 16, 32, 63, 64 };
static const uint64_t memories[] = { 1ULL << 20, 512ULL << 20, 2 * GiB, 16 * GiB,
                                     1ULL << 40, UINT64_MAX };
static const unsigned int vcpu_counts[] = { 1, 4 };

/* A sentinel *ret_nodes: the call must not write it on failure. */
static struct nodeaff_nodemap *const untouched =
    (struct nodeaff_nodemap *)&node_counts;

struct result {
    int ret;
    struct nodeaff_nodemap *nodes;
    int reason;
    unsigned int column;
};

static void call(const char *value, const struct nodeaff_topology *topo,
                 uint64_t memory, unsigned int vcpus, unsigned int flags,
                 struct result *r)
{
    r->nodes = untouched;
    r->reason = -1;
    r->column = 0;
    r->ret = nodeaff_config_nodes(value, topo, memory, vcpus, flags,
                                  &r->nodes, &r->reason, &r->column);
}

static void release(struct result *r)
{
    if (r->nodes != untouched)
        nodeaff_nodemap_free(r->nodes);
    r->nodes = untouched;
}

/* Every node of a 4 GiB node is free except for a node-dependent part, so
 * placement has ties to break and nodes that cannot fit; every third node
 * has no CPU; nodes 1, 5, 9, ... have half their free memory claimed, so
 * placement meets claims too. */
static struct nodeaff_topology *make_topology(unsigned int nr_nodes, uint8_t offline)
{
    struct nodeaff_topology *topo = NULL;
    unsigned int n, cpu = 0;

    CHECK(nodeaff_topology_new(nr_nodes, nr_nodes, &topo) == 0);
    for (n = 0; n < nr_nodes; n++) {
        CHECK(nodeaff_topology_set_node_memory(topo, n, 4 * GiB,
                                               (uint64_t)(n % 5) * GiB) == 0);
        if (n % 4 == 1)
            CHECK(nodeaff_topology_set_node_claimed(topo, n,
                                                    (uint64_t)(n % 5) * GiB / 2) == 0);
        if (n % 3 != 2)
            CHECK(nodeaff_topology_set_cpu_node(topo, cpu++, n) == 0);
        if (n < 8 && (offline & (1u << n)))
            CHECK(nodeaff_topology_set_node_online(topo, n, 0) == 0);
    }
    return topo;
}

static int is_documented_errno(int ret)
{
    return ret == -EINVAL || ret == -ERANGE || ret == -EOVERFLOW ||
           ret == -ENOENT || ret == -ENOSPC || ret == -ENOMEM;
}

/* The first result's contract on its own. */
static void check_contract(const struct result *r, const char *value,
                           const struct nodeaff_nodemap *online,
                           unsigned int nr_nodes)
{
    if (r->ret >= 0) {
        CHECK(r->ret == NODEAFF_CONFIG_EXPLICIT || r->ret == NODEAFF_CONFIG_AUTO);
        CHECK(r->nodes != untouched && r->nodes != NULL);
        CHECK(r->reason == -1 && r->column == 0);
        CHECK(nodeaff_nodemap_size(r->nodes) == (int)nr_nodes);
        CHECK(nodeaff_nodemap_count(r->nodes) > 0);
        CHECK(nodeaff_nodemap_is_subset(r->nodes, online) == 1);
        if (r->ret == NODEAFF_CONFIG_AUTO)
            CHECK(strstr(value, "auto") != NULL);
        return;
    }
    CHECK(is_documented_errno(r->ret));
    CHECK(r->nodes == untouched);
    if (r->reason != -1) {
        /* A parse failure: only the parser's errors, with a column. */
        CHECK(r->ret == -EINVAL || r->ret == -ERANGE || r->ret == -EOVERFLOW);
        CHECK(r->reason > 0 && r->reason <= NODEAFF_PARSE_UNTERMINATED_STRING);
        CHECK(r->column >= 1 && r->column <= strlen(value) + 1);
    } else {
        CHECK(r->column == 0);
    }
}

/* b is a with prefix characters added in front: same outcome, and a parse
 * failure's column moves by prefix. */
static void check_same(const struct result *a, const struct result *b,
                       unsigned int prefix)
{
    CHECK(a->ret == b->ret);
    CHECK(a->reason == b->reason);
    if (a->column == 0)
        CHECK(b->column == 0);
    else
        CHECK(b->column == a->column + prefix);
    if (a->ret >= 0)
        CHECK(nodeaff_nodemap_equal(a->nodes, b->nodes) == 1);
}

static int is_plain(const char *value)
{
    size_t len = strlen(value);

    if (len == 0)
        return 1;
    if (strchr(value, '"') || strcmp(value, "auto") == 0)
        return 0;
    return !strchr(" \t\r\n", value[0]) && !strchr(" \t\r\n", value[len - 1]);
}

/* A plain value is a nodeset for the topology's node count: the reference
 * is the parser itself plus the documented checks. */
static void check_plain(const struct result *r, const char *value,
                        const struct nodeaff_nodemap *online, unsigned int nr_nodes)
{
    struct nodeaff_nodemap *ref = NULL;
    unsigned int column = 0;
    int reason = -1, p;

    CHECK(nodeaff_nodemap_new(nr_nodes, &ref) == 0);
    p = nodeaff_nodemap_parse(ref, value, &reason, &column);
    if (p < 0) {
        CHECK(r->ret == p && r->reason == reason && r->column == column);
    } else if (nodeaff_nodemap_count(ref) == 0) {
        CHECK(r->ret == -EINVAL && r->reason == -1);
    } else if (nodeaff_nodemap_is_subset(ref, online) != 1) {
        CHECK(r->ret == -ENOENT);
    } else {
        CHECK(r->ret == NODEAFF_CONFIG_EXPLICIT);
        CHECK(nodeaff_nodemap_equal(r->nodes, ref) == 1);
    }
    nodeaff_nodemap_free(ref);
}

/* text made of before + value + after, in a new string. */
static char *wrap(const char *before, const char *value, const char *after)
{
    size_t a = strlen(before), v = strlen(value), b = strlen(after);
    char *s = malloc(a + v + b + 1);

    CHECK(s);
    memcpy(s, before, a);
    memcpy(s + a, value, v);
    memcpy(s + a + v, after, b + 1);
    return s;
}

/* The set formatted in a format the config value accepts reads back equal. */
static void check_readback(const struct result *r, enum nodeaff_format format,
                           const struct nodeaff_topology *topo,
                           uint64_t memory, unsigned int vcpus, unsigned int flags)
{
    struct result back;
    int len = nodeaff_nodemap_format(r->nodes, format, NULL, 0);
    char *text;

    CHECK(len > 0);
    text = malloc((size_t)len + 1);
    CHECK(text);
    CHECK(nodeaff_nodemap_format(r->nodes, format, text, (size_t)len + 1) == len);
    call(text, topo, memory, vcpus, flags, &back);
    CHECK(back.ret == NODEAFF_CONFIG_EXPLICIT);
    CHECK(nodeaff_nodemap_equal(back.nodes, r->nodes) == 1);
    release(&back);
    free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct nodeaff_topology *topo;
    struct nodeaff_nodemap *online = NULL;
    struct result r, w;
    unsigned int nr_nodes, vcpus, flags;
    uint64_t memory;
    char *value, *wrapped;

    if (size < 2)
        return 0;
    nr_nodes = node_counts[data[0] % (sizeof(node_counts) / sizeof(node_counts[0]))];
    memory = memories[(data[1] & 0x0f) % (sizeof(memories) / sizeof(memories[0]))];
    vcpus = vcpu_counts[(data[1] >> 4) & 1];
    flags = (data[1] & 0x20) ? NODEAFF_STRICT : 0;
    /* Byte 0's high bits also take nodes 0..7 offline, but only when its
     * low bits allow it: most inputs keep every node online. */
    topo = make_topology(nr_nodes, (data[0] & 0x08) ? data[0] : 0);
    CHECK(nodeaff_topology_online_nodes(topo, &online) == 0);

    value = malloc(size - 1);
    CHECK(value);
    memcpy(value, data + 2, size - 2);
    value[size - 2] = '\0';

    if (data[1] & 0x40) {
        /* Unknown flags are refused before anything is read. */
        call(value, topo, memory, vcpus, flags | 0x40000000u, &r);
        CHECK(r.ret == -EINVAL && r.nodes == untouched);
        CHECK(r.reason == -1 && r.column == 0);
    }

    call(value, topo, memory, vcpus, flags, &r);
    check_contract(&r, value, online, nr_nodes);
    if (is_plain(value))
        check_plain(&r, value, online, nr_nodes);

    /* Blanks around the value. */
    wrapped = wrap(" \t", value, "\r\n ");
    call(wrapped, topo, memory, vcpus, flags, &w);
    check_same(&r, &w, 2);
    release(&w);
    free(wrapped);

    /* Quotes around a plain value. */
    if (is_plain(value) && value[0] != '\0') {
        wrapped = wrap("\"", value, "\"");
        call(wrapped, topo, memory, vcpus, flags, &w);
        check_same(&r, &w, 1);
        release(&w);
        free(wrapped);
    }

    if (r.ret == NODEAFF_CONFIG_EXPLICIT) {
        check_readback(&r, NODEAFF_FORMAT_LIST, topo, memory, vcpus, flags);
        check_readback(&r, NODEAFF_FORMAT_JSON, topo, memory, vcpus, flags);
    }

    release(&r);
    free(value);
    nodeaff_nodemap_free(online);
    nodeaff_topology_free(topo);
    return 0;
}
