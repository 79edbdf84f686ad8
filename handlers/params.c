#include "handlers/params.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/kmodel.h"
#include "common/util.h"
#include "server/http.h"
#include "server/reply.h"
#include "store/store.h"

bool param_uint(struct request *rq, struct reply *rp, const char *name, unsigned long min,
                unsigned long max, unsigned long def, unsigned long *out)
{
    const char *v = request_query(rq, name);
    *out = def;
    if (!v)
        return true;
    if (!value_uint(v, min, max, out)) {
        reply_problem(rp, 400, name, "%s must be a whole number from %lu to %lu", name, min, max);
        return false;
    }
    return true;
}

bool param_str(struct request *rq, struct reply *rp, const char *name, size_t maxlen,
               const char **out)
{
    const char *v = request_query(rq, name);
    *out = NULL;
    if (!v)
        return true;
    size_t n = ecf_utf8_count(v, strlen(v));
    if (n == 0 || n > maxlen) {
        reply_problem(rp, 400, name, "%s must be 1 to %zu characters long", name, maxlen);
        return false;
    }
    *out = v;
    return true;
}

bool param_id(struct request *rq, struct reply *rp, const char *name, const char **out)
{
    const char *v = request_query(rq, name);
    *out = NULL;
    if (!v)
        return true;
    if (!id_valid(v)) {
        reply_problem(rp, 400, name, "%s must be an id: letters, digits, '-', '_', '.'", name);
        return false;
    }
    *out = v;
    return true;
}

enum vocab { V_TYPE, V_PRED, V_MEASURE };

static bool param_vocab(struct request *rq, struct reply *rp, const char *name, enum vocab k,
                        const char **out)
{
    const char *v = request_query(rq, name);
    *out = NULL;
    if (!v)
        return true;
    int i = k == V_TYPE   ? km_find(km_type_names, KM_N_TYPES, v)
            : k == V_PRED ? km_find(km_pred_names, KM_N_PREDS, v)
                          : km_find(km_measure_names, KM_N_MEASURES, v);
    if (i < 0) {
        static const char *what[] = {"an entity type", "a predicate", "a sanction measure"};
        reply_problem(rp, 400, name, "%s '%.64s' is not %s of the knowledge model", name, v,
                      what[k]);
        return false;
    }
    *out = v;
    return true;
}

bool param_type(struct request *rq, struct reply *rp, const char *name, const char **out)
{
    return param_vocab(rq, rp, name, V_TYPE, out);
}

bool param_predicate(struct request *rq, struct reply *rp, const char *name, const char **out)
{
    return param_vocab(rq, rp, name, V_PRED, out);
}

bool param_measure(struct request *rq, struct reply *rp, const char *name, const char **out)
{
    return param_vocab(rq, rp, name, V_MEASURE, out);
}

bool param_date(struct request *rq, struct reply *rp, const char *name, const char **out)
{
    const char *v = request_query(rq, name);
    *out = NULL;
    if (!v)
        return true;
    if (!value_date(v)) {
        reply_problem(rp, 400, name, "%s must be a date: YYYY, YYYY-MM or YYYY-MM-DD", name);
        return false;
    }
    *out = v;
    return true;
}

bool param_country(struct request *rq, struct reply *rp, const char *name, const char **out)
{
    const char *v = request_query(rq, name);
    *out = NULL;
    if (!v)
        return true;
    if (!value_country(v)) {
        reply_problem(rp, 400, name, "%s must be an ISO 3166-1 alpha-2 code such as CN", name);
        return false;
    }
    *out = v;
    return true;
}
