/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Rendering for the nodeaff subcommands: pure functions that take data and
 * write a table or JSON to a FILE *, so the unit suite can check them
 * without a hypervisor.  They return 0, or a negative errno if the data
 * could not be read (an invalid topology) or memory ran out.
 */
#ifndef NODEAFF_TOOL_OUTPUT_H
#define NODEAFF_TOOL_OUTPUT_H

#include <stdint.h>
#include <stdio.h>

#include "nodeaff.h"

/* Xen's page size, which usage counts are in. */
#define OUTPUT_PAGE_SIZE 4096U

/* Writes s as a JSON string, quotes included. */
void output_json_string(FILE *out, const char *s);

/* Nodes, memory, free memory, the part of it claimed, vCPUs, CPUs per
 * node, then the distance matrix; features (NODEAFF_FEATURE_* bits of the
 * hypervisor the topology came from) are shown unless negative. */
int output_topology(FILE *out, const struct nodeaff_topology *topology,
                    int features, int json);

/*
 * One domain's affinity.  have_flags says whether flags (NODEAFF_AUTO,
 * NODEAFF_STRICT) are known: without the hypervisor's state feature only
 * the mask is.
 */
int output_affinity(FILE *out, uint32_t domid,
                    const struct nodeaff_nodemap *nodes,
                    int have_flags, unsigned int flags, int json);

/* The result of set (nodes non-NULL) or reset (nodes NULL). */
int output_change(FILE *out, uint32_t domid,
                  const struct nodeaff_nodemap *nodes, unsigned int flags,
                  int json);

/*
 * A numastat-like table: one row per domain, one column per node, in pages
 * or (mib) MiB, with a total column and a total row.  pages holds
 * nr_domains rows of nr_nodes counts.
 */
int output_usage(FILE *out, const uint32_t *domids, unsigned int nr_domains,
                 const uint64_t *pages, unsigned int nr_nodes, int mib,
                 int json);

/*
 * A domain's node claims: pages per node (nr_nodes of them) with MiB and a
 * total, and its host-wide XENMEM_claim_pages claim (pages) when nonzero.
 */
int output_claim(FILE *out, uint32_t domid, const uint64_t *pages,
                 unsigned int nr_nodes, uint64_t host_wide, int json);

#endif
