/* handlers/params.h — query parameter syntax, shared by every handler. Each
 * function returns true with *out set (or left at the default when the
 * parameter is absent), or false after filling rp with a 400 problem that
 * names the parameter and says why. */
#ifndef ECF_HANDLERS_PARAMS_H
#define ECF_HANDLERS_PARAMS_H

#include <stdbool.h>
#include <stddef.h>

struct request;
struct reply;

bool param_uint(struct request *rq, struct reply *rp, const char *name, unsigned long min,
                unsigned long max, unsigned long def, unsigned long *out);

/* A free string of 1..maxlen bytes (NULL when absent). */
bool param_str(struct request *rq, struct reply *rp, const char *name, size_t maxlen,
               const char **out);

/* An entity/fact/sanction id: [a-z0-9._-]{1,127} (NULL when absent). */
bool param_id(struct request *rq, struct reply *rp, const char *name, const char **out);

/* Knowledge-model vocabulary: an entity type, a predicate, a measure. */
bool param_type(struct request *rq, struct reply *rp, const char *name, const char **out);
bool param_predicate(struct request *rq, struct reply *rp, const char *name, const char **out);
bool param_measure(struct request *rq, struct reply *rp, const char *name, const char **out);

/* "YYYY", "YYYY-MM" or "YYYY-MM-DD" with a real month and day. */
bool param_date(struct request *rq, struct reply *rp, const char *name, const char **out);

/* ISO 3166-1 alpha-2, upper case. */
bool param_country(struct request *rq, struct reply *rp, const char *name, const char **out);

/* Whether s is a plausible record id (used for path captures too). */
bool id_valid(const char *s);

/* The value syntax alone, without a request (unit tests and fuzzing). */
bool value_uint(const char *v, unsigned long min, unsigned long max, unsigned long *out);
bool value_date(const char *v);    /* YYYY, YYYY-MM or YYYY-MM-DD, real month and day */
bool value_country(const char *v); /* two upper-case ASCII letters */

#endif
