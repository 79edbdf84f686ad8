/* extractor/gazetteer.h — the known names (data/gazetteer.tsv, format in
 * data/README.md) compiled into one trie over the lowercased folded text,
 * walked from each word start, so a scan costs table steps only where the
 * text follows a name, whatever the number of names. Read-only after
 * gz_new(); shared by threads. */
#ifndef ECF_EX_GAZETTEER_H
#define ECF_EX_GAZETTEER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "extractor/extract.h"
#include "common/compiler.h"

/* Entry kinds beyond the entity types: a demonym ("Chinese") names its
 * country but is not a mention of it. */
#define GZ_DEMONYM EX_T__COUNT

enum gz_flag {
    GZ_F_EXT = 1,       /* a family: model tokens may follow ("Ascend" 910B) */
    GZ_F_NEED = 2,      /* only counts with a model ("Mate" 60) */
    GZ_F_NOMENTION = 4, /* matched (for coref/cues) but not an entity mention */
    GZ_F_OUTLET = 8,    /* a news outlet or research firm: reports, never acts or is referred to */
};

struct gz_entry {
    char *name;
    unsigned type; /* enum ex_type, or GZ_DEMONYM */
    char country[3];
    unsigned flags;
    char *slug;     /* ecf_slug(name) into 128 bytes, computed once ("" when none) */
    char dem_cc[3]; /* GZ_DEMONYM: the country code of the country it names */
};

/* One match: code points [s, e) of the text, the entry it names. */
struct gz_match {
    size_t s, e;
    uint32_t entry;
};

struct gz;

enum ex_err gz_new(const char *data, size_t len, struct gz **out, char *errbuf,
                   size_t errcap) ECF_WUR;
void gz_free(struct gz *g);

const struct gz_entry *gz_entry(const struct gz *g, uint32_t i);
size_t gz_count(const struct gz *g);
/* Entry index of a canonical name (exact, case-insensitive), or -1. */
long gz_find(const struct gz *g, const char *name);

/* All leftmost-longest, non-overlapping matches in the text (low is the
 * lowercased fold, norm the case-kept one, both n long), honouring word
 * boundaries and each alias's case rule, sorted by position. *out is
 * malloc'd (caller frees). */
enum ex_err gz_scan(const struct gz *g, const char *low, const char *norm, size_t n,
                    struct gz_match **out, size_t *nout) ECF_WUR;

#endif
