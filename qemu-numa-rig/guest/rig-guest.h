/* Toolstack-side helpers for the in-guest tests.
 *
 * What a toolstack does with libxenctrl and libnodeaff leaves alone lives
 * here: creating and destroying domains, populating their memory, reading
 * per-node free memory, and reading Xen's own per-domain per-node page
 * counts from debug key 'u' (the independent witness for the usage query).
 * Everything about node affinity itself goes through libnodeaff's public
 * API in the tests. */
#ifndef RIG_GUEST_H
#define RIG_GUEST_H

#include <stdint.h>
#include <xenctrl.h>

#include "nodeaff.h"

#define RIG_MAX_NODES 64

/* Opens libxenctrl or bails out of the TAP stream. */
xc_interface *rig_xc_open(void);

/* Creates an empty PV domain (one vCPU, never started) with unlimited
 * maxmem, labelled domU_t under FLASK.  Returns its id, or -errno. */
int rig_domain_create(xc_interface *xch);

/* The same with FLASK label ssidref (0: the hypervisor's default, which
 * FLASK refuses with -EACCES).  Returns its id, or -errno. */
int rig_domain_create_sid(xc_interface *xch, uint32_t ssidref);

/* Destroys domid.  Returns 0 or -errno. */
int rig_domain_destroy(xc_interface *xch, uint32_t domid);

/* Populates nr pages (order 0) in chunks, stopping at the first failure.
 * *ret_done gets the pages populated.  Returns 0 if all were, else -errno
 * of the failing chunk (after retrying it page by page, so *ret_done is
 * exact). */
int rig_populate(xc_interface *xch, uint32_t domid, uint64_t nr,
                 uint64_t *ret_done);

/* The domain's total pages (tot_pages), or -errno. */
int64_t rig_domain_tot_pages(xc_interface *xch, uint32_t domid);

/* Per-node free and total memory, in pages, for nodes 0..*ret_nr-1 (node
 * ids that are offline get UINT64_MAX).  Returns 0 or -errno. */
int rig_numainfo(xc_interface *xch, uint64_t *ret_free, uint64_t *ret_size,
                 unsigned int *ret_nr);

/* Waits (up to about 3 s) until every node's free memory is back to at
 * least base, as freed pages may be returned a little after a domain is
 * destroyed.  *ret_diff gets the pages still missing beyond RIG_XEN_KEEPS:
 * Xen's own allocator may keep a page or two for itself (its xmalloc
 * pools grow and keep their pages; under FLASK the AVC cache grows too;
 * 1 page seen), which no domain accounts for. */
#define RIG_XEN_KEEPS 8
int rig_wait_free_equals(xc_interface *xch, const uint64_t *base,
                         unsigned int nr, uint64_t *ret_diff);

/* Xen's own count of domid's pages per node, from debug key 'u'
 * (dump_numa()).  Returns the number of nodes found, -ENOENT if the domain
 * was not in the dump, or -errno.  *ret_counters (optional) gets what the
 * series' cross-check line under the domain says: 1 "counters match the
 * page list", -1 "counters MISMATCH", 0 no such line (stock Xen). */
int rig_debugkey_usage(xc_interface *xch, uint32_t domid, uint64_t *ret_pages,
                       unsigned int nr, int *ret_counters);

/* Presses debug key `key` and copies what follows `prefix` on its line in
 * that dump (a newer one than before the press) into out (n bytes).
 * Returns 0; -ENOENT if the dump has no such line; -errno from
 * libxenctrl. */
int rig_debugkey_line(xc_interface *xch, char key, const char *prefix,
                      char *out, size_t n);

/* What debug key 'u' says about node claims (patch 0008): per domain
 * "nodeaff: claims on nodes: 0:N 1:M (total T, host-wide claim G)", and
 * for the host "nodeaff: host claims on nodes: ... (node claims T, all
 * claims A)" followed by "claim counters match the domains' claims" (or
 * "... MISMATCH ..."). */
struct rig_claims_line {
    int found;                          /* the line was in the dump */
    uint64_t pages[RIG_MAX_NODES];      /* by node id */
    uint64_t total;                     /* T */
    uint64_t other;                     /* G (domain) or A (host) */
};

/* Presses 'u' once and reads, from one dump, the claims line of each of
 * the nd domains in domids (ret_doms[i]) and the host's (*ret_host).
 * *ret_match: 1 "match", -1 "MISMATCH", 0 no verdict line.  Returns 0;
 * -ENOENT if the dump has no host claims line; -errno from libxenctrl. */
int rig_debugkey_claims(xc_interface *xch, const uint32_t *domids, unsigned int nd,
                        struct rig_claims_line *ret_doms,
                        struct rig_claims_line *ret_host, int *ret_match);

/* A nodemap of size bits holding the nodes listed; NULL on failure. */
struct nodeaff_nodemap *rig_nodemap(unsigned int size, unsigned int count,
                                    const unsigned int *nodes);

/* A nodemap as "0,2-3" in a static buffer (for messages). */
const char *rig_fmt(const struct nodeaff_nodemap *map);

/* Everything a test needs about the host it runs on, read once. */
struct rig_env {
    xc_interface *xch;
    struct nodeaff_handle *h;
    int features;                    /* nodeaff_features() */
    int series;                      /* the carried series is present */
    struct nodeaff_topology *file;   /* the topology file the host booted */
    struct nodeaff_topology *host;   /* nodeaff_topology_from_host() */
    unsigned int nr_nodes;           /* nodes in the file = nodes Xen has */
    unsigned int nr_cpus;
    /* Xen numbers nodes in SRAT order (the CPUs' proximity domains first,
     * then the memory ranges'), not by proximity domain: file node p is
     * Xen node xen_of[p]. */
    unsigned int xen_of[RIG_MAX_NODES];
    unsigned int file_of[RIG_MAX_NODES];
    uint64_t mem_bytes[RIG_MAX_NODES];  /* by Xen node id, from the file */
    unsigned int ncpus_of[RIG_MAX_NODES];   /* CPUs per Xen node */
    unsigned int first_cpu_of[RIG_MAX_NODES];
    /* Where QEMU puts each node's memory (by Xen node id), and Xen's DMA
     * zone: memory below 2^dma_bits is handed out only after every node's
     * memory above it, so preferred affinity cannot keep a domain on a
     * node that lies entirely below (dma_only[node]). */
    uint64_t start[RIG_MAX_NODES], end[RIG_MAX_NODES];
    unsigned int dma_bits;
    int dma_only[RIG_MAX_NODES];
};

/* Opens everything and fills env, or bails out.  path is the topology
 * file (argv[1]; the rig passes /rig/topology.topo). */
void rig_env_open(struct rig_env *env, int argc, char **argv);
void rig_env_close(struct rig_env *env);

/* Xen nodes with memory, in id order; returns how many. */
unsigned int rig_mem_nodes(const struct rig_env *env, unsigned int *ret_nodes);

/* Current free pages of node. */
uint64_t rig_free_pages(const struct rig_env *env, unsigned int node);

/* Pages the library reports for domid, per node; -errno as
 * nodeaff_domain_get_usage(). */
int rig_usage(struct nodeaff_handle *h, uint32_t domid, uint64_t *ret_pages,
              unsigned int nr);

/* Where a domain's pages are, by every witness at hand. */
struct rig_pages {
    int usage_rc;                       /* nodeaff_domain_get_usage() */
    uint64_t usage[RIG_MAX_NODES];
    int key_rc;                         /* rig_debugkey_usage() */
    int key_counters;                   /* its cross-check line: 1, -1, 0 */
    uint64_t key[RIG_MAX_NODES];
    int64_t tot;                        /* tot_pages */
};

int rig_read_pages(const struct rig_env *env, uint32_t domid,
                   struct rig_pages *ret);

/* Sum of v[0..nr-1] over the nodes in set (inside != 0) or not in it. */
uint64_t rig_sum(const uint64_t *v, unsigned int nr,
                 const struct nodeaff_nodemap *set, int inside);

/* Free pages per node now (UINT64_MAX for none). */
void rig_free_now(const struct rig_env *env, uint64_t *ret_free);

/* Free pages per node once they stop moving: a destroyed domain's last
 * pages (struct domain and friends) come back through RCU a little later,
 * so a baseline taken right after an earlier test would be low. */
void rig_free_settled(const struct rig_env *env, uint64_t *ret_free);

/* "n0=12 n1=0 ..." for the first nr nodes, in a static buffer. */
const char *rig_fmt_pages(const uint64_t *v, unsigned int nr);

/* Node sets worth trying on this host: each memory node alone (at most 4),
 * pairs, all memory nodes.  Fills up to max maps; returns the count. */
unsigned int rig_node_sets(const struct rig_env *env,
                           struct nodeaff_nodemap **ret_sets, unsigned int max);

/* Fault-suite helpers (t-fault-*, t-stress, t-eperm). */

/* Quiet, for loops: waits (up to about 3 s, polling every 20 ms) until no
 * node's free memory is below base.  *ret_missing gets the pages still
 * missing then, summed over nodes (not reduced by RIG_XEN_KEEPS: the
 * caller decides), *ret_excess (optional) the pages above base.  Returns
 * 0 or -errno. */
int rig_free_missing(xc_interface *xch, const uint64_t *base, unsigned int nr,
                     uint64_t *ret_missing, uint64_t *ret_excess);

/* The hypervisor still works: a fresh domain can be created, its affinity
 * set and read back, its usage read (with the series), 64 pages populated
 * and counted, and it can be destroyed.  Returns 0, or -errno of the first
 * step that failed, with that step's name in *ret_step (optional). */
int rig_fresh_domain_works(struct rig_env *env, const char **ret_step);

/* FLASK, enforcing: 1; FLASK permissive: 0; no FLASK (dummy XSM answers
 * the xsm_op with -ENOSYS): -ENOSYS; else -errno. */
int rig_flask_enforcing(xc_interface *xch);

/* Runs a shell command with stdout and stderr in out (optional).
 * Returns its exit status, or -1. */
int rig_sh(char *out, size_t len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
