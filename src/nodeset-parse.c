/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The nodeset grammar (see nodeaff.h and nodeaff(3)).
 *
 * A single left-to-right pass over the text with no allocation and no
 * strlen: the result is built in a scratch bitmap on the stack and copied
 * into the map only when the whole text is valid, so a failed parse leaves
 * the map as it was.  Every error is reported at the first byte that makes
 * the text invalid.
 *
 * Speed matters (toolstacks parse a nodeset per domain operation), so the
 * character classes come from one table lookup and the element loop is a
 * single inlined function.  An element list ends at a terminator character:
 * the NUL at the top level, the closing quote inside a list's string item
 * (whose presence is checked before the item is parsed).
 */
#include <errno.h>
#include <limits.h>
#include <string.h>

#include "nodemap-private.h"

enum {
    C_DIGIT = 1 << 0,
    C_WORD  = 1 << 1,   /* letters, digits, '_': what "foo", "0x3" are made of */
    C_BLANK = 1 << 2,
};

#define D (C_DIGIT | C_WORD)
#define W C_WORD
static const unsigned char char_class[256] = {
    ['\t'] = C_BLANK, [' '] = C_BLANK,
    ['0'] = D, ['1'] = D, ['2'] = D, ['3'] = D, ['4'] = D,
    ['5'] = D, ['6'] = D, ['7'] = D, ['8'] = D, ['9'] = D,
    ['_'] = W,
    ['A'] = W, ['B'] = W, ['C'] = W, ['D'] = W, ['E'] = W, ['F'] = W, ['G'] = W,
    ['H'] = W, ['I'] = W, ['J'] = W, ['K'] = W, ['L'] = W, ['M'] = W, ['N'] = W,
    ['O'] = W, ['P'] = W, ['Q'] = W, ['R'] = W, ['S'] = W, ['T'] = W, ['U'] = W,
    ['V'] = W, ['W'] = W, ['X'] = W, ['Y'] = W, ['Z'] = W,
    ['a'] = W, ['b'] = W, ['c'] = W, ['d'] = W, ['e'] = W, ['f'] = W, ['g'] = W,
    ['h'] = W, ['i'] = W, ['j'] = W, ['k'] = W, ['l'] = W, ['m'] = W, ['n'] = W,
    ['o'] = W, ['p'] = W, ['q'] = W, ['r'] = W, ['s'] = W, ['t'] = W, ['u'] = W,
    ['v'] = W, ['w'] = W, ['x'] = W, ['y'] = W, ['z'] = W,
};
#undef D
#undef W

#define IS(c, cls) (char_class[(unsigned char)(c)] & (cls))

/* The hot path is inlined whole: a call costs as much as parsing "0". */
#define HOT static inline __attribute__((always_inline))

struct parser {
    uint64_t *words;           /* scratch result */
    unsigned int nr_nodes;
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

static inline const char *skip_blanks(const char *p)
{
    while (IS(*p, C_BLANK))
        p++;
    return p;
}

static inline const char *word_end(const char *p)
{
    while (IS(*p, C_WORD))
        p++;
    return p;
}

/* The failure for a number at start that overflowed at p. */
static int fail_overflow(struct parser *ps, const char *p, const char *start,
                         const char *elem)
{
    /* Still an unknown word if letters follow the digits ("99999999999x"). */
    while (IS(*p, C_DIGIT))
        p++;
    if (IS(*p, C_WORD))
        return fail(ps, NODEAFF_PARSE_UNKNOWN_WORD, elem);
    return fail(ps, NODEAFF_PARSE_NUMBER_OVERFLOW, start);
}

/*
 * Reads the decimal number at *pp (a digit is there) into *ret.  A number
 * glued to letters ("0x3", "3abc") is an unknown word reported at elem, the
 * start of its element.
 */
HOT int parse_number(struct parser *ps, const char **pp, const char *elem,
                     unsigned int *ret)
{
    const char *p = *pp, *start = p;
    uint64_t n = (unsigned int)(*p++ - '0');

    while (IS(*p, C_DIGIT)) {
        n = n * 10 + (unsigned int)(*p++ - '0');
        if (n > UINT_MAX)
            return fail_overflow(ps, p, start, elem);
    }
    if (IS(*p, C_WORD))
        return fail(ps, NODEAFF_PARSE_UNKNOWN_WORD, elem);
    if (n >= ps->nr_nodes)
        return fail(ps, NODEAFF_PARSE_NODE_OUT_OF_RANGE, start);
    *pp = p;
    *ret = (unsigned int)n;
    return 0;
}

/* An element that is a word: "all" or an error. */
static int parse_word(struct parser *ps, const char **pp, const char *elem,
                      int exclude)
{
    const char *p = *pp, *wend = word_end(p);

    if (wend - p == 3 && memcmp(p, "all", 3) == 0) {
        if (exclude)
            return fail(ps, NODEAFF_PARSE_EXCLUDE_ALL, elem);
        nodemap_words_set_range(ps->words, 0, ps->nr_nodes - 1);
        *pp = wend;
        return 0;
    }
    return fail(ps, NODEAFF_PARSE_UNKNOWN_WORD, p);
}

/*
 * elements := element { "," element }, blanks around each, up to the
 * terminator term.  At least one element.  comma is the comma before p
 * when the caller has read earlier elements, else NULL.  Returns the
 * position of the terminator in *ret_end.
 */
HOT int parse_elements(struct parser *ps, const char *p, char term,
                       const char *comma, const char **ret_end)
{
    const char *elem;
    unsigned int lo, hi;
    int exclude, r;

    for (;;) {
        p = skip_blanks(p);
        elem = p;
        exclude = 0;
        if (*p == '^') {
            exclude = 1;
            p++;
        }
        if (IS(*p, C_DIGIT)) {
            r = parse_number(ps, &p, elem, &lo);
            if (r < 0)
                return r;
            if (*p == '-') {
                const char *second = ++p;

                if (!IS(*p, C_DIGIT))
                    return fail(ps, NODEAFF_PARSE_EXPECTED_NUMBER, p);
                r = parse_number(ps, &p, elem, &hi);
                if (r < 0)
                    return r;
                if (hi < lo)
                    return fail(ps, NODEAFF_PARSE_REVERSED_RANGE, second);
                if (exclude)
                    nodemap_words_clear_range(ps->words, lo, hi);
                else
                    nodemap_words_set_range(ps->words, lo, hi);
            } else if (exclude) {
                ps->words[lo / NODEMAP_WORD_BITS] &= ~(UINT64_C(1) << (lo % NODEMAP_WORD_BITS));
            } else {
                ps->words[lo / NODEMAP_WORD_BITS] |= UINT64_C(1) << (lo % NODEMAP_WORD_BITS);
            }
        } else if (IS(*p, C_WORD)) {
            r = parse_word(ps, &p, elem, exclude);
            if (r < 0)
                return r;
        } else if (!exclude && (*p == ',' || *p == term)) {
            /* The comma that ends or follows the missing element. */
            return fail(ps, NODEAFF_PARSE_EMPTY_ELEMENT,
                        *p == ',' || !comma ? p : comma);
        } else {
            return fail(ps, NODEAFF_PARSE_EXPECTED_NUMBER, p);
        }

        p = skip_blanks(p);
        if (*p == ',') {
            comma = p++;
            continue;
        }
        if (*p == term) {
            *ret_end = p;
            return 0;
        }
        return fail(ps, NODEAFF_PARSE_TRAILING_GARBAGE, p);
    }
}

/* list := "[" [ item { "," item } ] "]"; open points at the '['. */
static int parse_list(struct parser *ps, const char *open)
{
    const char *p = skip_blanks(open + 1), *comma = NULL, *close;
    unsigned int n;
    int r;

    if (*p == ']')
        goto closed;
    for (;;) {
        p = skip_blanks(p);
        if (*p == '"') {
            if (!strchr(p + 1, '"'))
                return fail(ps, NODEAFF_PARSE_UNTERMINATED_STRING, p);
            r = parse_elements(ps, p + 1, '"', NULL, &close);
            if (r < 0)
                return r;
            p = close + 1;
        } else if (IS(*p, C_DIGIT)) {
            r = parse_number(ps, &p, p, &n);
            if (r < 0)
                return r;
            ps->words[n / NODEMAP_WORD_BITS] |= UINT64_C(1) << (n % NODEMAP_WORD_BITS);
        } else if (*p == ',' || *p == ']') {
            return fail(ps, NODEAFF_PARSE_EMPTY_ELEMENT, *p == ',' ? p : comma);
        } else if (*p == '\0') {
            return fail(ps, NODEAFF_PARSE_UNTERMINATED_LIST, open);
        } else if (IS(*p, C_WORD)) {
            return fail(ps, NODEAFF_PARSE_UNKNOWN_WORD, p);
        } else {
            return fail(ps, NODEAFF_PARSE_EXPECTED_NUMBER, p);
        }
        p = skip_blanks(p);
        if (*p == ']')
            break;
        if (*p == '\0')
            return fail(ps, NODEAFF_PARSE_UNTERMINATED_LIST, open);
        if (*p != ',')
            return fail(ps, NODEAFF_PARSE_TRAILING_GARBAGE, p);
        comma = p++;
    }
closed:
    p = skip_blanks(p + 1);
    if (*p != '\0')
        return fail(ps, NODEAFF_PARSE_TRAILING_GARBAGE, p);
    return 0;
}

HOT int parse_nodeset(struct parser *ps, const char *p)
{
    const char *end;

    p = skip_blanks(p);
    if (*p == '\0')
        return 0;                       /* "" and blanks: the empty set */
    if (*p == '[')
        return parse_list(ps, p);
    if (p[0] == 'n' && p[1] == 'o' && p[2] == 'n' && p[3] == 'e' && !IS(p[4], C_WORD)) {
        p = skip_blanks(p + 4);
        if (*p != '\0')
            return fail(ps, NODEAFF_PARSE_TRAILING_GARBAGE, p);
        return 0;
    }
    return parse_elements(ps, p, '\0', NULL, &end);
}

/*
 * The commonest start of a text, a valid "N" or "A-B" element at its very
 * beginning, read without the general machinery.  Returns the position
 * after it, or NULL for anything else (including every error, which the
 * general parser then finds and reports).
 */
HOT const char *parse_first(const struct nodeaff_nodemap *map, const char *p,
                            unsigned int *ret_lo, unsigned int *ret_hi)
{
    unsigned int lo = 0, hi;

    if (!IS(*p, C_DIGIT))
        return NULL;
    /* Bounding by the map's size (at most 65536) also rules out overflow. */
    do {
        lo = lo * 10 + (unsigned int)(*p++ - '0');
        if (lo >= map->nr_nodes)
            return NULL;
    } while (IS(*p, C_DIGIT));
    hi = lo;
    if (*p == '-') {
        p++;
        if (!IS(*p, C_DIGIT))
            return NULL;
        hi = 0;
        do {
            hi = hi * 10 + (unsigned int)(*p++ - '0');
            if (hi >= map->nr_nodes)
                return NULL;
        } while (IS(*p, C_DIGIT));
        if (hi < lo)
            return NULL;
    }
    *ret_lo = lo;
    *ret_hi = hi;
    return p;
}

NODEAFF_EXPORT int nodeaff_nodemap_parse(struct nodeaff_nodemap *map,
                                         const char *text,
                                         int *ret_reason,
                                         unsigned int *ret_column)
{
    uint64_t scratch[NODEMAP_MAX_WORDS];
    struct parser ps;
    const char *after;
    unsigned int lo, hi;
    int r;

    /* A caller's mistake, not a parse failure: no reason, no column. */
    if (!map || !text)
        return -EINVAL;
    ps.words = scratch;
    ps.nr_nodes = map->nr_nodes;
    after = parse_first(map, text, &lo, &hi);

    /* A lone "N" or "A-B" goes straight into the map. */
    if (after && *after == '\0') {
        if (map->nr_words == 1) {
            map->words[0] = (~UINT64_C(0) << lo) &
                            (~UINT64_C(0) >> (NODEMAP_WORD_BITS - 1 - hi));
        } else {
            memset(map->words, 0, map->nr_words * sizeof(map->words[0]));
            nodemap_words_set_range(map->words, lo, hi);
        }
        return 0;
    }

    /* Most maps are one word (64 nodes): no library call for those. */
    if (map->nr_words == 1)
        scratch[0] = 0;
    else
        memset(scratch, 0, map->nr_words * sizeof(scratch[0]));

    if (after && *after == ',') {
        /* "N," or "A-B,": carry on after the first element. */
        nodemap_words_set_range(scratch, lo, hi);
        r = parse_elements(&ps, after + 1, '\0', after, &after);
    } else {
        r = parse_nodeset(&ps, text);
    }
    if (r < 0) {
        if (ret_reason)
            *ret_reason = ps.reason;
        if (ret_column)
            *ret_column = (unsigned int)(ps.where - text) + 1;
        return r;
    }
    if (map->nr_words == 1)
        map->words[0] = scratch[0];
    else
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
