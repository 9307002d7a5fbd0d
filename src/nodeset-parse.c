/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The nodeset grammar (see nodeaff.h and nodeaff(3)).
 *
 * A single left-to-right pass over the text, no allocation: the result is
 * built in a scratch bitmap on the stack and copied into the map only when
 * the whole text is valid, so a failed parse leaves the map as it was.
 * Every error is reported at the first byte that makes the text invalid.
 */
#include <errno.h>
#include <limits.h>
#include <string.h>

#include "nodemap-private.h"

struct parser {
    const char *text;          /* for columns */
    unsigned int nr_nodes;
    uint64_t *words;           /* scratch result */
    unsigned int nr_words;
    int reason;                /* set on failure */
    const char *where;
};

static int fail(struct parser *ps, int reason, const char *where)
{
    ps->reason = reason;
    ps->where = where;
    switch (reason) {
    case NODEAFF_PARSE_NODE_OUT_OF_RANGE:
        return -ERANGE;
    case NODEAFF_PARSE_NUMBER_OVERFLOW:
        return -EOVERFLOW;
    default:
        return -EINVAL;
    }
}

static inline int is_blank(char c)
{
    return c == ' ' || c == '\t';
}

static inline int is_digit(char c)
{
    return (unsigned char)(c - '0') < 10;
}

/* Letters, digits and '_': what "foo", "0x3" or "all" are made of. */
static inline int is_word(char c)
{
    return is_digit(c) || (unsigned char)((c | 0x20) - 'a') < 26 || c == '_';
}

static inline const char *skip_blanks(const char *p, const char *end)
{
    while (p < end && is_blank(*p))
        p++;
    return p;
}

/* The word starting at p, up to end. */
static const char *word_end(const char *p, const char *end)
{
    while (p < end && is_word(*p))
        p++;
    return p;
}

static int word_is(const char *p, const char *wend, const char *word, size_t len)
{
    return (size_t)(wend - p) == len && memcmp(p, word, len) == 0;
}

/*
 * Reads the decimal number at *pp (a digit is there).  A number glued to
 * letters ("0x3", "3abc") is an unknown word reported at elem, the start of
 * the element.
 */
static int parse_number(struct parser *ps, const char **pp, const char *end,
                        const char *elem, unsigned int *ret)
{
    const char *p = *pp, *start = p;
    uint64_t n = 0;

    do {
        n = n * 10 + (unsigned int)(*p - '0');
        if (n > UINT_MAX) {
            /* Still an unknown word if letters follow the digits. */
            while (p < end && is_digit(*p))
                p++;
            if (p < end && is_word(*p))
                return fail(ps, NODEAFF_PARSE_UNKNOWN_WORD, elem);
            return fail(ps, NODEAFF_PARSE_NUMBER_OVERFLOW, start);
        }
        p++;
    } while (p < end && is_digit(*p));

    if (p < end && is_word(*p))
        return fail(ps, NODEAFF_PARSE_UNKNOWN_WORD, elem);
    if (n >= ps->nr_nodes)
        return fail(ps, NODEAFF_PARSE_NODE_OUT_OF_RANGE, start);
    *pp = p;
    *ret = (unsigned int)n;
    return 0;
}

/*
 * Parses one element at *pp (blanks already skipped, not at end, not at a
 * comma) and applies it to the scratch map.
 */
static int parse_element(struct parser *ps, const char **pp, const char *end)
{
    const char *p = *pp, *elem = p, *wend;
    unsigned int lo, hi;
    int exclude = 0, r;

    if (*p == '^') {
        exclude = 1;
        p++;
    }
    if (p < end && is_digit(*p)) {
        r = parse_number(ps, &p, end, elem, &lo);
        if (r < 0)
            return r;
        hi = lo;
        if (p < end && *p == '-') {
            const char *second = ++p;

            if (p >= end || !is_digit(*p))
                return fail(ps, NODEAFF_PARSE_EXPECTED_NUMBER, p);
            r = parse_number(ps, &p, end, elem, &hi);
            if (r < 0)
                return r;
            if (hi < lo)
                return fail(ps, NODEAFF_PARSE_REVERSED_RANGE, second);
        }
        if (exclude)
            nodemap_words_clear_range(ps->words, lo, hi);
        else
            nodemap_words_set_range(ps->words, lo, hi);
        *pp = p;
        return 0;
    }
    if (p < end && is_word(*p)) {
        wend = word_end(p, end);
        if (word_is(p, wend, "all", 3)) {
            if (exclude)
                return fail(ps, NODEAFF_PARSE_EXCLUDE_ALL, elem);
            nodemap_words_set_range(ps->words, 0, ps->nr_nodes - 1);
            *pp = wend;
            return 0;
        }
        return fail(ps, NODEAFF_PARSE_UNKNOWN_WORD, p);
    }
    return fail(ps, NODEAFF_PARSE_EXPECTED_NUMBER, p);
}

/*
 * elements := element { "," element }, blanks around each, up to end (the
 * end of the text or a string's closing quote).  At least one element.
 */
static int parse_elements(struct parser *ps, const char *p, const char *end)
{
    const char *comma = NULL;
    int r;

    for (;;) {
        p = skip_blanks(p, end);
        if (p >= end)
            return fail(ps, NODEAFF_PARSE_EMPTY_ELEMENT, comma ? comma : p);
        if (*p == ',')
            return fail(ps, NODEAFF_PARSE_EMPTY_ELEMENT, p);
        r = parse_element(ps, &p, end);
        if (r < 0)
            return r;
        p = skip_blanks(p, end);
        if (p >= end)
            return 0;
        if (*p != ',')
            return fail(ps, NODEAFF_PARSE_TRAILING_GARBAGE, p);
        comma = p++;
    }
}

/* list := "[" [ item { "," item } ] "]"; p is just past the '['. */
static int parse_list(struct parser *ps, const char *open, const char *end)
{
    const char *p = skip_blanks(open + 1, end), *comma = NULL;
    unsigned int n;
    int r;

    if (p < end && *p == ']')
        goto closed;
    for (;;) {
        p = skip_blanks(p, end);
        if (p >= end)
            return fail(ps, NODEAFF_PARSE_UNTERMINATED_LIST, open);
        if (*p == ',' || *p == ']')
            return fail(ps, NODEAFF_PARSE_EMPTY_ELEMENT, *p == ',' ? p : comma);
        if (*p == '"') {
            const char *close = memchr(p + 1, '"', (size_t)(end - p - 1));

            if (!close)
                return fail(ps, NODEAFF_PARSE_UNTERMINATED_STRING, p);
            r = parse_elements(ps, p + 1, close);
            if (r < 0)
                return r;
            p = close + 1;
        } else if (is_digit(*p)) {
            r = parse_number(ps, &p, end, p, &n);
            if (r < 0)
                return r;
            ps->words[n / NODEMAP_WORD_BITS] |= UINT64_C(1) << (n % NODEMAP_WORD_BITS);
        } else if (is_word(*p)) {
            return fail(ps, NODEAFF_PARSE_UNKNOWN_WORD, p);
        } else {
            return fail(ps, NODEAFF_PARSE_EXPECTED_NUMBER, p);
        }
        p = skip_blanks(p, end);
        if (p >= end)
            return fail(ps, NODEAFF_PARSE_UNTERMINATED_LIST, open);
        if (*p == ']')
            break;
        if (*p != ',')
            return fail(ps, NODEAFF_PARSE_TRAILING_GARBAGE, p);
        comma = p++;
    }
closed:
    p = skip_blanks(p + 1, end);
    if (p < end)
        return fail(ps, NODEAFF_PARSE_TRAILING_GARBAGE, p);
    return 0;
}

static int parse_nodeset(struct parser *ps, const char *p, const char *end)
{
    const char *wend, *after;

    p = skip_blanks(p, end);
    if (p >= end)
        return 0;                       /* "" and blanks: the empty set */
    if (*p == '[')
        return parse_list(ps, p, end);
    if (*p == 'n') {
        wend = word_end(p, end);
        if (word_is(p, wend, "none", 4)) {
            after = skip_blanks(wend, end);
            if (after < end)
                return fail(ps, NODEAFF_PARSE_TRAILING_GARBAGE, after);
            return 0;
        }
    }
    return parse_elements(ps, p, end);
}

NODEAFF_EXPORT int nodeaff_nodemap_parse(struct nodeaff_nodemap *map,
                                         const char *text,
                                         int *ret_reason,
                                         unsigned int *ret_column)
{
    uint64_t scratch[NODEMAP_MAX_WORDS];
    struct parser ps;
    int r;

    /* A caller's mistake, not a parse failure: no reason, no column. */
    if (!map || !text)
        return -EINVAL;

    ps.text = text;
    ps.nr_nodes = map->nr_nodes;
    ps.words = scratch;
    ps.nr_words = map->nr_words;
    ps.reason = NODEAFF_PARSE_OK;
    ps.where = text;
    memset(scratch, 0, map->nr_words * sizeof(scratch[0]));

    r = parse_nodeset(&ps, text, text + strlen(text));
    if (r < 0) {
        if (ret_reason)
            *ret_reason = ps.reason;
        if (ret_column)
            *ret_column = (unsigned int)(ps.where - text) + 1;
        return r;
    }
    memcpy(map->words, scratch, map->nr_words * sizeof(scratch[0]));
    return 0;
}

NODEAFF_EXPORT const char *nodeaff_parse_reason_str(int reason)
{
    switch (reason) {
    case NODEAFF_PARSE_OK:
        return "no error";
    case NODEAFF_PARSE_EMPTY_ELEMENT:
        return "empty element (two commas in a row, or a leading or trailing comma)";
    case NODEAFF_PARSE_EXPECTED_NUMBER:
        return "expected a decimal node number";
    case NODEAFF_PARSE_REVERSED_RANGE:
        return "range end is below its start";
    case NODEAFF_PARSE_UNKNOWN_WORD:
        return "unknown word (node numbers are decimal; the only words are \"all\" and \"none\")";
    case NODEAFF_PARSE_EXCLUDE_ALL:
        return "\"^all\" excludes everything (write \"none\" instead)";
    case NODEAFF_PARSE_TRAILING_GARBAGE:
        return "unexpected character after an element";
    case NODEAFF_PARSE_NODE_OUT_OF_RANGE:
        return "node number is beyond the map's size";
    case NODEAFF_PARSE_NUMBER_OVERFLOW:
        return "number too large";
    case NODEAFF_PARSE_UNTERMINATED_LIST:
        return "list opened with '[' is not closed with ']'";
    case NODEAFF_PARSE_UNTERMINATED_STRING:
        return "string opened with '\"' is not closed";
    default:
        return "unknown parse error";
    }
}
