/* common/embedded.h — data files compiled into the binary by tools/embed.py:
 * "gazetteer.tsv", "rules.tsv", "openapi.yaml", "sample/<name>.txt", "ui/<name>".
 * data is NUL-terminated; len excludes the NUL. Immutable, shared freely. */
#ifndef ECF_COMMON_EMBEDDED_H
#define ECF_COMMON_EMBEDDED_H

#include <stddef.h>

struct ecf_embedded {
    const char *name;
    const unsigned char *data;
    size_t len;
};

extern const struct ecf_embedded ecf_embedded_files[];
extern const size_t ecf_embedded_count;

/* The file called name, or NULL. */
const struct ecf_embedded *ecf_embedded_find(const char *name);

#endif
