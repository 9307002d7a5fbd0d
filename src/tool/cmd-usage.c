/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * nodeaff usage [--mib] [DOMID...]: pages each domain owns on each node,
 * numastat-style.  No DOMID means every domain.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tool/commands.h"
#include "tool/common.h"
#include "tool/output.h"

static const char synopsis[] = "usage [--mib] [DOMID...]";

int cmd_usage(int argc, char **argv)
{
    struct nodeaff_handle *handle = NULL;
    struct nodeaff_topology *topology;
    uint32_t *ids = NULL;
    uint64_t *pages = NULL;
    unsigned int nr_ids = 0, nr_nodes, kept = 0, d;
    int i, mib = 0, explicit_ids = 0, opts_done = 0, status, ret;
    char what[64];

    ids = calloc((size_t)argc, sizeof(*ids));
    if (!ids)
        return tool_fail(argv[0], "out of memory", -ENOMEM);
    for (i = 1; i < argc; i++) {
        if (!opts_done && strcmp(argv[i], "--") == 0) {
            opts_done = 1;
        } else if (!opts_done && strcmp(argv[i], "--mib") == 0) {
            mib = 1;
        } else if (!opts_done && strncmp(argv[i], "--", 2) == 0) {
            free(ids);
            return tool_usage(argv[0], "unknown option", synopsis);
        } else {
            status = tool_parse_domid(argv[0], argv[i], &ids[nr_ids]);
            if (status != EXIT_OK) {
                free(ids);
                return status;
            }
            nr_ids++;
            explicit_ids = 1;
        }
    }

    status = tool_open(argv[0], &handle);
    if (status != EXIT_OK)
        goto out;
    if (!(nodeaff_features(handle) & NODEAFF_FEATURE_USAGE)) {
        status = tool_fail(argv[0], "cannot read per-node usage",
                           -EOPNOTSUPP);
        goto out;
    }
    ret = nodeaff_topology_from_host(handle, &topology);
    if (ret < 0) {
        status = tool_fail(argv[0], "cannot read the host topology", ret);
        goto out;
    }
    ret = nodeaff_topology_nr_nodes(topology);
    nodeaff_topology_free(topology);
    if (ret < 0) {
        status = tool_fail(argv[0], "cannot read the host topology", ret);
        goto out;
    }
    nr_nodes = (unsigned int)ret;

    if (!explicit_ids) {
        free(ids);
        ids = NULL;
        ret = tool_list_domains(handle, &ids, &nr_ids);
        if (ret < 0) {
            status = tool_fail(argv[0], "cannot list domains", ret);
            goto out;
        }
    }

    pages = calloc((size_t)(nr_ids ? nr_ids : 1) * nr_nodes, sizeof(*pages));
    if (!pages) {
        status = tool_fail(argv[0], "out of memory", -ENOMEM);
        goto out;
    }
    for (d = 0; d < nr_ids; d++) {
        ret = nodeaff_domain_get_usage(handle, ids[d],
                                       pages + (size_t)kept * nr_nodes,
                                       nr_nodes);
        /* A listed domain may die before we ask; a named one must not. */
        if (ret == -ESRCH && !explicit_ids)
            continue;
        if (ret < 0) {
            snprintf(what, sizeof(what), "domain %u", (unsigned int)ids[d]);
            status = tool_fail(argv[0], what, ret);
            goto out;
        }
        ids[kept++] = ids[d];
    }

    ret = output_usage(stdout, ids, kept, pages, nr_nodes, mib, opt_json);
    status = ret < 0 ? tool_fail(argv[0], "cannot show usage", ret) : EXIT_OK;
out:
    nodeaff_close(handle);
    free(pages);
    free(ids);
    return status;
}
