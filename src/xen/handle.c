/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The handle: opening libxenctrl and libxencall, the lock that serializes
 * calls on one handle, and detecting what the hypervisor offers.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <xencall.h>
#include <xenctrl.h>
#include <xentoollog.h>

#include "xen/backend.h"

/*
 * libxenctrl and libxencall print to stderr when given a NULL logger; the
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
 * still opens and the upstream operations keep working. */
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

    ret = nodeaff_xc_get_affinity(h, 0, bytes);
    if (op_present(ret))
        features |= NODEAFF_FEATURE_AFFINITY;

    /* One patch of the series adds the affinity ops with their mode, so
     * state and strict come and go together; set/get/reset then work
     * through them even if libxenctrl does not match the hypervisor. */
    ret = nodeaff_stable_get_affinity(h, 0, bytes, &flags);
    if (op_present(ret))
        features |= NODEAFF_FEATURE_STATE | NODEAFF_FEATURE_STRICT |
                    NODEAFF_FEATURE_AFFINITY;

    pages = calloc(h->nr_nodes, sizeof(*pages));
    if (pages) {
        ret = nodeaff_stable_get_usage(h, 0, pages, h->nr_nodes);
        if (op_present(ret))
            features |= NODEAFF_FEATURE_USAGE;
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
    if (h->xch)
        xc_interface_close(h->xch);
    free(h);
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

    h->xch = xc_interface_open(&silent_logger, &silent_logger, 0);
    if (!h->xch) {
        ret = nodeaff_xen_errno(-1, errno);
        goto fail;
    }
    h->xcall = xencall_open(&silent_logger, 0);
    if (!h->xcall) {
        ret = nodeaff_xen_errno(-1, errno);
        goto fail;
    }

    ret = nodeaff_xc_nr_nodes(h);
    if (ret < 0)
        goto fail;
    if ((unsigned int)ret > NODEAFF_XEN_FULL_BITS) {
        /* Far beyond any Xen's MAX_NUMNODES (64 on x86). */
        ret = -EOVERFLOW;
        goto fail;
    }
    h->nr_nodes = (unsigned int)ret;

    h->buf_size = nodeaff_stable_buf_size(h->nr_nodes);
    h->buf = xencall_alloc_buffer(h->xcall, h->buf_size);
    if (!h->buf) {
        ret = -ENOMEM;
        goto fail;
    }

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
