/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The nodemap's text formats: the canonical list, hex and JSON.
 *
 * The writer counts every byte it would write and stores only those that
 * fit, which gives snprintf's semantics without a second pass.  Runs are
 * found a word at a time (count trailing zeros of the word and of its
 * complement), so a map of 4096 nodes with one range costs a few dozen
 * word operations, not 4096 bit tests.
 */
#include <errno.h>
#include <string.h>

#include "nodemap-private.h"

struct writer {
    char *buf;
    size_t size;   /* room in buf including the NUL */
    size_t len;    /* length of the full text so far */
};

static inline void put(struct writer *w, const char *s, size_t n)
{
    if (w->len + n < w->size) {
        memcpy(w->buf + w->len, s, n);
    } else if (w->len + 1 < w->size) {
        memcpy(w->buf + w->len, s, w->size - 1 - w->len);
    }
    w->len += n;
}

static inline void put_char(struct writer *w, char c)
{
    if (w->len + 1 < w->size)
        w->buf[w->len] = c;
    w->len++;
}

/* Appends n in decimal, optionally preceded by sep (0 for none). */
static inline void put_uint(struct writer *w, char sep, unsigned int n)
{
    char tmp[12];
    char *p = tmp + sizeof(tmp);

    do {
        *--p = (char)('0' + n % 10);
        n /= 10;
    } while (n);
    if (sep)
        *--p = sep;
    put(w, p, (size_t)(tmp + sizeof(tmp) - p));
}

/*
 * Finds the next run of set bits at or after *pos: returns 0 and sets
 * *ret_lo and *ret_hi, or returns -1 when there is none.
 */
static inline int next_run(const struct nodeaff_nodemap *map, unsigned int pos,
                           unsigned int *ret_lo, unsigned int *ret_hi)
{
    unsigned int i = pos / NODEMAP_WORD_BITS, lo;
    uint64_t word;

    if (i >= map->nr_words)
        return -1;
    word = map->words[i] & (~UINT64_C(0) << (pos % NODEMAP_WORD_BITS));
    while (!word) {
        if (++i >= map->nr_words)
            return -1;
        word = map->words[i];
    }
    lo = i * NODEMAP_WORD_BITS + (unsigned int)__builtin_ctzll(word);

    /* The run ends at the first clear bit above lo. */
    word = ~map->words[i] & (~UINT64_C(0) << (lo % NODEMAP_WORD_BITS));
    while (!word) {
        if (++i >= map->nr_words) {
            /* Unreachable for a partial last word: its spare bits are 0. */
            *ret_lo = lo;
            *ret_hi = map->nr_words * NODEMAP_WORD_BITS - 1;
            return 0;
        }
        word = ~map->words[i];
    }
    *ret_lo = lo;
    *ret_hi = i * NODEMAP_WORD_BITS + (unsigned int)__builtin_ctzll(word) - 1;
    return 0;
}

static void format_list(const struct nodeaff_nodemap *map, struct writer *w)
{
    unsigned int lo, hi, pos = 0;
    char sep = 0;

    while (next_run(map, pos, &lo, &hi) == 0) {
        put_uint(w, sep, lo);
        if (hi > lo)
            put_uint(w, '-', hi);
        sep = ',';
        pos = hi + 1;
    }
    if (!sep)
        put(w, "none", 4);
}

static void format_json(const struct nodeaff_nodemap *map, struct writer *w)
{
    unsigned int lo, hi, pos = 0, n;
    char sep = 0;

    put_char(w, '[');
    while (next_run(map, pos, &lo, &hi) == 0) {
        for (n = lo; n <= hi; n++) {
            put_uint(w, sep, n);
            sep = ',';
        }
        pos = hi + 1;
    }
    put_char(w, ']');
}

static void format_hex(const struct nodeaff_nodemap *map, struct writer *w)
{
    static const char digits[] = "0123456789abcdef";
    unsigned int i = map->nr_words, nibbles;
    char tmp[16];

    while (i > 0 && !map->words[i - 1])
        i--;
    if (i == 0) {
        put(w, "0x0", 3);
        return;
    }
    put(w, "0x", 2);
    /* The highest word without its leading zeros, then every word in full. */
    nibbles = (64U - (unsigned int)__builtin_clzll(map->words[i - 1]) + 3) / 4;
    while (i-- > 0) {
        uint64_t word = map->words[i];
        unsigned int k;

        for (k = 0; k < 16; k++)
            tmp[15 - k] = digits[(word >> (4 * k)) & 0xf];
        put(w, tmp + 16 - nibbles, nibbles);
        nibbles = 16;
    }
}

NODEAFF_EXPORT int nodeaff_nodemap_format(const struct nodeaff_nodemap *map,
                                          enum nodeaff_format format,
                                          char *buf, size_t size)
{
    struct writer w = { buf, size, 0 };

    if (!map || (!buf && size > 0))
        return -EINVAL;

    switch (format) {
    case NODEAFF_FORMAT_LIST:
        format_list(map, &w);
        break;
    case NODEAFF_FORMAT_HEX:
        format_hex(map, &w);
        break;
    case NODEAFF_FORMAT_JSON:
        format_json(map, &w);
        break;
    default:
        return -EINVAL;
    }
    if (size > 0)
        buf[w.len < size ? w.len : size - 1] = '\0';
    return (int)w.len;
}
