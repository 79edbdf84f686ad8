/* tests/fuzz/fuzz_jraw.c — common/jbuf.c: the compact-object scanner the
 * store uses to splice members out of stored records (jraw_member,
 * jraw_members), the array counter the ingest merge uses (jraw_array_len)
 * and the JSON string writer (jbuf_put_jstr), with jansson as the oracle.
 *
 * Properties: no crash and no read outside the input (an exact-size copy);
 * a found member lies inside the input; when jansson parses the input as an
 * object without duplicate keys, every member jansson sees is found and its
 * raw bytes parse to an equal value, and no other key is found;
 * jraw_members agrees with jraw_member key by key; jraw_array_len equals
 * jansson's size for every array jansson parses; jbuf_put_jstr of valid
 * UTF-8 is byte-identical to jansson's compact dump of the same string. */
#include <stdint.h>

#include <jansson.h>

#include "common/jbuf.h"
#include "common/util.h"
#include "fuzz_common.h"

static const char *const KEYS[] = {"id",       "name", "type", "subject", "object",
                                   "evidence", "a",    "",     "title",   "x"};
enum { NKEYS = sizeof KEYS / sizeof *KEYS };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *o = malloc(size ? size : 1); /* not NUL-terminated: over-reads are ASan's */
    if (!o)
        abort();
    if (size)
        memcpy(o, data, size);

    const char *mv[NKEYS];
    size_t mvn[NKEYS];
    bool all = jraw_members(o, size, KEYS, NKEYS, mv, mvn);
    /* jansson accepts a raw NUL between tokens ({"x":true\0}), which JSON
     * (RFC 8259) does not and stored records never contain: no oracle then. */
    json_t *doc = memchr(o, '\0', size) ? NULL : json_loadb(o, size, JSON_REJECT_DUPLICATES, NULL);
    for (size_t k = 0; k < NKEYS; k++) {
        const char *v = NULL;
        size_t vn = 0;
        bool found = jraw_member(o, size, KEYS[k], &v, &vn);
        if (found)
            FUZZ_CHECK(v >= o && v + vn <= o + size && vn > 0, "member '%s' outside", KEYS[k]);
        if (all)
            FUZZ_CHECK(found == (mvn[k] > 0) && (!found || (mv[k] == v && mvn[k] == vn)),
                       "jraw_members disagrees on '%s'", KEYS[k]);
        if (json_is_object(doc)) {
            json_t *want = json_object_get(doc, KEYS[k]);
            FUZZ_CHECK(found == (want != NULL), "'%s': found %d, jansson %d", KEYS[k], found,
                       want != NULL);
            if (found) {
                json_t *got = json_loadb(v, vn, JSON_DECODE_ANY, NULL);
                FUZZ_CHECK(got && json_equal(got, want), "'%s': raw value differs", KEYS[k]);
                json_decref(got);
            }
        }
    }
    FUZZ_CHECK(!json_is_object(doc) || all, "a valid object failed jraw_members");
    json_decref(doc);

    /* jraw_array_len: jansson's count on every array it parses */
    size_t alen = jraw_array_len(o, size);
    json_t *arr = memchr(o, '\0', size) ? NULL : json_loadb(o, size, 0, NULL);
    if (json_is_array(arr))
        FUZZ_CHECK(alen == json_array_size(arr), "array length %zu, jansson %zu", alen,
                   json_array_size(arr));
    json_decref(arr);

    if (ecf_utf8_valid(o, size, NULL)) {
        struct jbuf b = JBUF_INIT;
        jbuf_put_jstr(&b, o, size);
        json_t *s = json_stringn(o, size);
        char *want = s ? json_dumps(s, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;
        FUZZ_CHECK(want && !b.failed && b.len == strlen(want) && memcmp(b.p, want, b.len) == 0,
                   "jstr differs from jansson");
        free(want);
        json_decref(s);
        jbuf_free(&b);
    }
    free(o);
    return 0;
}
