/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Argument reading and error reporting shared by the subcommands that
 * talk to the hypervisor (topology, get, set, reset, usage).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tool/commands.h"
#include "tool/common.h"

#define DOMID_LIMIT 0x7ff0U
#define MIB (UINT64_C(1) << 20)

/* SIZE as in topology files and xl: digits and an optional binary suffix
 * K, M, G or T; a bare number is MiB.  0 on success, -1 if malformed or 0. */
int tool_parse_size(const char *s, uint64_t *ret)
{
    unsigned int shift = 20;
    uint64_t v = 0;
    const char *p = s;

    if (*p < '0' || *p > '9')
        return -1;
    for (; *p >= '0' && *p <= '9'; p++) {
        if (v > (UINT64_MAX - (uint64_t)(*p - '0')) / 10)
            return -1;
        v = v * 10 + (uint64_t)(*p - '0');
    }
    switch (*p) {
    case '\0': break;
    case 'K': case 'k': shift = 10; p++; break;
    case 'M': case 'm': shift = 20; p++; break;
    case 'G': case 'g': shift = 30; p++; break;
    case 'T': case 't': shift = 40; p++; break;
    default: return -1;
    }
    if (*p || v == 0 || v > (UINT64_MAX >> shift))
        return -1;
    *ret = v << shift;
    return 0;
}

/* A size for the text output: MiB, or KiB below 1 MiB so that a small
 * size never reads "0 MiB". */
const char *tool_size_text(uint64_t bytes, char *buf, size_t size)
{
    if (bytes >= MIB || bytes == 0)
        snprintf(buf, size, "%" PRIu64 " MiB", bytes / MIB);
    else
        snprintf(buf, size, "%" PRIu64 " KiB", (bytes + 1023) / 1024);
    return buf;
}


int tool_usage(const char *cmd, const char *message, const char *synopsis)
{
    fprintf(stderr, "nodeaff: %s: %s\nUsage: nodeaff [--json] %s\n", cmd,
            message, synopsis);
    return EXIT_USAGE;
}

int tool_parse_domid(const char *cmd, const char *text, uint32_t *ret_domid)
{
    unsigned long v = 0;
    const char *p;

    /* Decimal digits only: no sign, no 0x, no blanks, no overflow. */
    for (p = text; *p; p++) {
        if (*p < '0' || *p > '9' || v >= DOMID_LIMIT)
            break;
        v = v * 10 + (unsigned long)(*p - '0');
    }
    if (p == text || *p || v >= DOMID_LIMIT) {
        fprintf(stderr, "nodeaff: %s: bad DOMID '%s': expected a decimal "
                "domain id from 0 to %u\n", cmd, text, DOMID_LIMIT - 1);
        return EXIT_USAGE;
    }
    *ret_domid = (uint32_t)v;
    return EXIT_OK;
}

static int parse(const char *cmd, const char *text, unsigned int nr_nodes,
                 struct nodeaff_nodemap **ret_nodes)
{
    struct nodeaff_nodemap *map;
    unsigned int column = 0;
    int reason = NODEAFF_PARSE_OK;
    int ret;

    ret = nodeaff_nodemap_new(nr_nodes, &map);
    if (ret < 0)
        return tool_fail(cmd, "cannot allocate a nodemap", ret);
    ret = nodeaff_nodemap_parse(map, text, &reason, &column);
    if (ret < 0) {
        nodeaff_nodemap_free(map);
        if (ret == -ENOMEM)
            return tool_fail(cmd, "cannot parse NODESET", ret);
        if (ret == -ERANGE && nr_nodes < NODEAFF_NODEMAP_MAX_NODES)
            fprintf(stderr, "nodeaff: %s: bad NODESET '%s' at column %u: "
                    "the host has nodes 0-%u only\n", cmd, text, column,
                    nr_nodes - 1);
        else
            fprintf(stderr, "nodeaff: %s: bad NODESET '%s' at column %u: "
                    "%s\n", cmd, text, column,
                    nodeaff_parse_reason_str(reason));
        return EXIT_USAGE;
    }
    if (ret_nodes)
        *ret_nodes = map;
    else
        nodeaff_nodemap_free(map);
    return EXIT_OK;
}

int tool_check_nodeset(const char *cmd, const char *text)
{
    return parse(cmd, text, NODEAFF_NODEMAP_MAX_NODES, NULL);
}

int tool_parse_nodeset(const char *cmd, const char *text,
                       unsigned int nr_nodes,
                       struct nodeaff_nodemap **ret_nodes)
{
    return parse(cmd, text, nr_nodes, ret_nodes);
}

/*
 * The hypervisor tool_open() opened, for the messages: a version problem
 * is only worth reporting with the version.  One process, one handle.
 */
static struct {
    int opened;
    unsigned int major, minor, domctl;
} seen;

/*
 * The library's table starts at the oldest release it supports; anything
 * it does not know from there on is newer than it.
 */
#define OLDEST_MAJOR 4
#define OLDEST_MINOR 17

static const char *unknown_release_hint(char *buf, size_t size)
{
    char domctl[40];
    int older;

    if (!seen.opened)
        return "this Xen release is unknown to this libnodeaff";
    older = seen.major < OLDEST_MAJOR ||
            (seen.major == OLDEST_MAJOR && seen.minor < OLDEST_MINOR);
    if (seen.domctl)
        snprintf(domctl, sizeof(domctl), "0x%02x", seen.domctl);
    else
        snprintf(domctl, sizeof(domctl), "unknown");
    snprintf(buf, size, "this hypervisor (Xen %u.%u, domctl interface %s) "
             "is %s than this libnodeaff knows (see nodeaff(3), XEN "
             "RELEASES)", seen.major, seen.minor, domctl,
             older ? "older" : "newer");
    return buf;
}

/* The hint for an errno a hypervisor call returned, or NULL; buf holds the
 * text where it needs the version. */
static const char *call_hint(int err, char *buf, size_t size)
{
    switch (-err) {
    case EPROTONOSUPPORT:
        return unknown_release_hint(buf, size);
    case EPROTO:
        return "this hypervisor carries the libnodeaff Xen series at "
               "another interface version than this libnodeaff's "
               "(see nodeaff(1), FEATURES)";
    case EOPNOTSUPP:
        return "this hypervisor lacks the libnodeaff Xen series "
               "(see nodeaff(1), FEATURES)";
    case ESRCH:
        return "no such domain";
    case EPERM:
        return "is this Xen's control domain?";
    case EACCES:
        return "denied by the hypervisor's XSM policy (FLASK)?";
    default:
        return NULL;
    }
}

static int report(const char *cmd, const char *what, int err,
                  const char *hint)
{
    fprintf(stderr, "nodeaff: %s: %s: %s%s%s\n", cmd, what, strerror(-err),
            hint ? "; " : "", hint ? hint : "");
    return EXIT_FAILED;
}

int tool_fail(const char *cmd, const char *what, int err)
{
    char buf[200];

    return report(cmd, what, err, call_hint(err, buf, sizeof(buf)));
}

/* Why nodeaff_open() failed, in the operator's terms. */
static const char *open_hint(int err)
{
    switch (-err) {
    case ENODEV:
        return "this system is not running on Xen";
    case ENOENT:
        return "no /dev/xen/privcmd: is the xen-privcmd module loaded "
               "(modprobe xen-privcmd)?";
    case EACCES:
        return "cannot use /dev/xen/privcmd: run as root";
    case EPERM:
        return "is this Xen's control domain?";
    default:
        return NULL;
    }
}

int tool_open(const char *cmd, struct nodeaff_handle **ret_handle)
{
    int ret = nodeaff_open(0, ret_handle);

    if (ret < 0)
        return report(cmd, "cannot open the hypervisor", ret, open_hint(ret));
    seen.opened = 1;
    /* Filled in even for a release the library does not know. */
    (void)nodeaff_hypervisor_version(*ret_handle, &seen.major, &seen.minor,
                                     &seen.domctl, NULL);
    return EXIT_OK;
}

int tool_list_domains(struct nodeaff_handle *handle, uint32_t **ret_ids,
                      unsigned int *ret_n)
{
    uint32_t *ids = NULL, *grown;
    int n = 0, room = 0;

    for (;;) {
        n = nodeaff_domain_list(handle, ids, (unsigned int)room);
        if (n < 0) {
            free(ids);
            return n;
        }
        if (n <= room)
            break;
        /* Domains may be created between the calls: leave some slack. */
        room = n + 16;
        grown = realloc(ids, (size_t)room * sizeof(*ids));
        if (!grown) {
            free(ids);
            return -ENOMEM;
        }
        ids = grown;
    }
    *ret_ids = ids;
    *ret_n = (unsigned int)n;
    return 0;
}
