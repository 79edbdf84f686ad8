#include "common/embedded.h"

#include <string.h>

const struct ecf_embedded *ecf_embedded_find(const char *name)
{
    for (size_t i = 0; i < ecf_embedded_count; i++) {
        if (strcmp(ecf_embedded_files[i].name, name) == 0)
            return &ecf_embedded_files[i];
    }
    return NULL;
}
