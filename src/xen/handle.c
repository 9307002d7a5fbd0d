/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The handle: opening libxencall, finding the running Xen release and the
 * interface versions it speaks, the lock that serializes calls on one
 * handle, and detecting what the hypervisor offers.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <xencall.h>
#include <xentoollog.h>

#include "xen/backend.h"

/*
 * libxencall prints to stderr when given a NULL logger; the
 * library must not.  A logger that drops every message is the only way to
 * keep them quiet (xtl_createlogger_stdiostream always writes somewhere).
 * It has no state, so one instance serves every handle and thread.
 */
static void silent_vmessage(struct xentoollog_logger *logger,
                            xentoollog_level level, int errnoval,
                            const char *context, const char *format,
                            va_list al)
{
    (void)logger; (void)level; (void)errnoval; (void)context;
    (void)format; (void)al;
}

static void silent_progress(struct xentoollog_logger *logger,
                            const char *context, const char *doing_what,
                            int percent, unsigned long done,
                            unsigned long total)
{
    (void)logger; (void)context; (void)doing_what; (void)percent;
    (void)done; (void)total;
}

static void silent_destroy(struct xentoollog_logger *logger)
{
    (void)logger;
}

static xentoollog_logger silent_logger = {
    .vmessage = silent_vmessage,
    .progress = silent_progress,
    .destroy = silent_destroy,
};

NODEAFF_HOT
void nodeaff_xen_lock(struct nodeaff_handle *h)
{
    pthread_mutex_lock(&h->lock);
}

NODEAFF_HOT
void nodeaff_xen_unlock(struct nodeaff_handle *h)
{
    pthread_mutex_unlock(&h->lock);
}

/* An op exists if it ran: succeeded, or got as far as looking up the
 * domain or asking XSM.  A hypervisor without the carried series answers
 * -EACCES (interface version mismatch) or -ENOSYS/-EOPNOTSUPP (unknown
 * command); those and any other failure count as absent, so that a handle
 * still opens and the upstream operations keep working.  On a release
 * this library does not know, the upstream get answers
 * NODEAFF_ERR_UNKNOWN_RELEASE without a hypercall: absent too, and the
 * calls then say why (domain.c). */
static int op_present(int ret)
{
    return ret == 0 || ret == -ESRCH || ret == -EPERM;
}

/*
 * Probes each feature with a read-only call on domain 0, which exists on
 * every host a toolstack runs on.  Nothing is changed on the hypervisor.
 */
static unsigned int detect_features(struct nodeaff_handle *h)
{
    unsigned int features = 0;
    uint8_t bytes[NODEAFF_XEN_FULL_BITS / 8];
    unsigned int flags;
    uint64_t *pages;
    int ret;

    ret = nodeaff_up_get_affinity(h, 0, bytes);
    if (op_present(ret))
        features |= NODEAFF_FEATURE_AFFINITY;

    /* One patch of the series adds the affinity ops with their mode, so
     * state and strict come and go together; set/get/reset then work
     * through them on any release, known to this library or not. */
    ret = nodeaff_stable_get_affinity(h, 0, bytes, &flags);
    if (op_present(ret))
        features |= NODEAFF_FEATURE_STATE | NODEAFF_FEATURE_STRICT |
                    NODEAFF_FEATURE_AFFINITY;
    else if (ret == -EACCES && h->spoken_domctl &&
             nodeaff_stable_probe_version(h, h->spoken_domctl) == -EACCES)
        /* Stamped with the version Xen's own check accepts, a command in
         * the series' range still got -EACCES: the series' check refused
         * it, so the series is there, at another version than ours. */
        h->series_err = NODEAFF_ERR_SERIES_VERSION;

    pages = calloc(h->nr_nodes, sizeof(*pages));
    if (pages) {
        ret = nodeaff_stable_get_usage(h, 0, pages, h->nr_nodes);
        if (op_present(ret))
            features |= NODEAFF_FEATURE_USAGE;
        /* Claims came later (patch 0008): a series without them answers
         * -EOPNOTSUPP for the command, no series at all -EACCES. */
        ret = nodeaff_stable_get_claim(h, 0, pages, NULL);
        if (op_present(ret))
            features |= NODEAFF_FEATURE_CLAIMS;
        free(pages);
    }
    return features;
}

static void handle_free(struct nodeaff_handle *h)
{
    if (h->buf)
        xencall_free_buffer(h->xcall, h->buf);
    if (h->xcall)
        xencall_close(h->xcall);
    free(h);
}

/* The Linux side of "is this Xen?": sysfs names the hypervisor, and a Xen
 * kernel has /dev/xen or /proc/xen even when privcmd is missing. */
static int running_on_xen(void)
{
    char type[16] = "";
    FILE *f = fopen("/sys/hypervisor/type", "re");

    if (f) {
        if (!fgets(type, sizeof(type), f))
            type[0] = 0;
        fclose(f);
        if (strncmp(type, "xen", 3) == 0)
            return 1;
    }
    return access("/dev/xen", F_OK) == 0 || access("/proc/xen", F_OK) == 0;
}

/*
 * libxencall fails with ENOENT when neither /dev/xen/privcmd nor
 * /proc/xen/privcmd exists: on a Xen kernel that is a missing privcmd
 * (-ENOENT), elsewhere there is no Xen at all (-ENODEV).
 */
static int open_privcmd(struct nodeaff_handle *h)
{
    int saved;

    h->xcall = xencall_open(&silent_logger, 0);
    if (h->xcall)
        return 0;
    saved = errno;
    if (saved == ENOENT && !running_on_xen())
        return -ENODEV;
    return nodeaff_xen_errno(-1, saved);
}

/*
 * Asks the hypervisor its version and takes the interface versions from
 * the release table.  A release the table lacks still opens: the upstream
 * ops then fail with NODEAFF_ERR_UNKNOWN_RELEASE.  For the message, the
 * domctl version it speaks is looked for with a read-only getdomaininfo of
 * domain 0 (-EACCES: not this one), from the oldest version Xen 4.x used
 * for domctls with a node affinity (0x08, Xen 4.2) to a margin past the
 * newest known.
 */
static int find_release(struct nodeaff_handle *h)
{
    unsigned int v, last;
    int ret;

    ret = nodeaff_up_xen_version(h, &h->xen_major, &h->xen_minor);
    if (ret < 0)
        return ret;
    h->release = nodeaff_xen_release_find(h->xen_major, h->xen_minor);
    if (h->release) {
        h->spoken_domctl = h->release->domctl_version;
        return 0;
    }
    last = nodeaff_xen_release_newest()->domctl_version + 0x40;
    for (v = 0x08; v <= last; v++) {
        ret = nodeaff_up_probe_domctl(h, v);
        if (ret != -EACCES) {
            h->spoken_domctl = v;
            break;
        }
    }
    return 0;
}

/* Known release: numainfo.  Unknown: the series' usage op, if present;
 * without either the node count stays 0 and every call that needs it
 * fails with NODEAFF_ERR_UNKNOWN_RELEASE. */
static int find_nr_nodes(struct nodeaff_handle *h)
{
    int ret;

    if (h->release)
        ret = nodeaff_up_nr_nodes(h);
    else {
        ret = nodeaff_stable_nr_nodes(h);
        if (ret < 0)
            return 0;
    }
    if (ret < 0)
        return ret;
    if ((unsigned int)ret > NODEAFF_XEN_FULL_BITS)
        return -EOVERFLOW;     /* far beyond any Xen's MAX_NUMNODES (64) */
    h->nr_nodes = (unsigned int)ret;
    return 0;
}

/* (Re)allocates the hypercall buffer for h->nr_nodes nodes. */
static int alloc_buf(struct nodeaff_handle *h)
{
    if (h->buf)
        xencall_free_buffer(h->xcall, h->buf);
    h->buf_size = nodeaff_stable_buf_size(h->nr_nodes);
    h->buf = xencall_alloc_buffer(h->xcall, h->buf_size);
    return h->buf ? 0 : -ENOMEM;
}

NODEAFF_EXPORT int nodeaff_open(unsigned int flags,
                                struct nodeaff_handle **ret_handle)
{
    struct nodeaff_handle *h;
    int ret;

    if (flags != 0 || !ret_handle)
        return -EINVAL;

    h = calloc(1, sizeof(*h));
    if (!h)
        return -ENOMEM;
    h->series_err = -EOPNOTSUPP;

    ret = open_privcmd(h);
    if (ret < 0)
        goto fail;
    /* A buffer for the domctls of the probes, then one sized for the host. */
    if ((ret = alloc_buf(h)) < 0 ||
        (ret = find_release(h)) < 0 ||
        (ret = find_nr_nodes(h)) < 0 ||
        (ret = alloc_buf(h)) < 0)
        goto fail;

    ret = pthread_mutex_init(&h->lock, NULL);
    if (ret) {
        ret = -ret;
        goto fail;
    }

    h->features = detect_features(h);
    *ret_handle = h;
    return 0;

fail:
    handle_free(h);
    return ret;
}

NODEAFF_EXPORT void nodeaff_close(struct nodeaff_handle *handle)
{
    if (!handle)
        return;
    pthread_mutex_destroy(&handle->lock);
    handle_free(handle);
}

NODEAFF_EXPORT int nodeaff_features(struct nodeaff_handle *handle)
{
    if (!handle)
        return -EINVAL;
    return (int)handle->features;
}

NODEAFF_EXPORT int nodeaff_hypervisor_version(struct nodeaff_handle *handle,
                                              unsigned int *ret_major,
                                              unsigned int *ret_minor,
                                              unsigned int *ret_domctl,
                                              unsigned int *ret_sysctl)
{
    if (!handle)
        return -EINVAL;
    if (ret_major)
        *ret_major = handle->xen_major;
    if (ret_minor)
        *ret_minor = handle->xen_minor;
    if (ret_domctl)
        *ret_domctl = handle->spoken_domctl;
    if (ret_sysctl)
        *ret_sysctl = handle->release ? handle->release->sysctl_version : 0;
    return handle->release ? 0 : NODEAFF_ERR_UNKNOWN_RELEASE;
}
