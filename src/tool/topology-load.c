/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Topology files for `nodeaff place --topology` and `nodeaff topology
 * --topology`.  The library says which line is malformed; this file reads
 * that line again to show it and, where it can tell, why: a NUL byte (and
 * its column), a node id beyond what Xen can have, an empty file.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tool/commands.h"
#include "tool/topology-load.h"

/* Prints the offending line of a malformed topology file. */
static void report_bad_line(const char *cmd, const char *file,
                            unsigned int line)
{
    char *text = NULL, *nul;
    size_t cap = 0;
    ssize_t len = -1;
    unsigned int n = 0, id;
    FILE *f;

    if (line == 0) {
        fprintf(stderr, "nodeaff: %s: %s: no 'node' line: not a topology "
                "file (see nodeaff(1), TOPOLOGY FILES)\n", cmd, file);
        return;
    }
    f = fopen(file, "re");
    while (f && (len = getline(&text, &cap, f)) >= 0)
        if (++n == line)
            break;
    if (f)
        fclose(f);
    if (n != line || len < 0) {
        fprintf(stderr, "nodeaff: %s: %s:%u: malformed topology line\n",
                cmd, file, line);
        free(text);
        return;
    }
    nul = memchr(text, '\0', (size_t)len);
    if (nul) {
        fprintf(stderr, "nodeaff: %s: %s:%u: column %zu: NUL byte in a "
                "topology file\n", cmd, file, line, (size_t)(nul - text) + 1);
    } else {
        text[strcspn(text, "\r\n")] = '\0';
        if (sscanf(text, " node %u", &id) == 1 &&
            id >= NODEAFF_TOPOLOGY_MAX_NODES)
            fprintf(stderr, "nodeaff: %s: %s:%u: node %u: a Xen host has at "
                    "most %d nodes (ids 0-%d)\n", cmd, file, line, id,
                    NODEAFF_TOPOLOGY_MAX_NODES, NODEAFF_TOPOLOGY_MAX_NODES - 1);
        else
            fprintf(stderr, "nodeaff: %s: %s:%u: malformed topology line: "
                    "%s\n  (see nodeaff(1), TOPOLOGY FILES)\n", cmd, file,
                    line, text);
    }
    free(text);
}

int tool_load_topology_file(const char *cmd, const char *file,
                            struct nodeaff_topology **ret)
{
    unsigned int line = 0;
    int r = nodeaff_topology_from_file(file, ret, &line);

    if (r == 0)
        return EXIT_OK;
    if (r == -EINVAL) {
        report_bad_line(cmd, file, line);
        return EXIT_USAGE;
    }
    fprintf(stderr, "nodeaff: %s: cannot read %s: %s\n", cmd, file,
            strerror(-r));
    return r == -ENOMEM ? EXIT_FAILED : EXIT_USAGE;
}
