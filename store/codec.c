/* store/codec.c — records are compact JSON in the API's key order
 * (docs/API.md), so a read is one json_loadb and handlers pass it on; and the
 * knowledge model's names (../shared/spec/knowledge-model.md), a copy of the
 * extractor's tables (same order as the enums in extractor/extract.h) so the
 * store links without the extractor. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "store/store_int.h"

enum store_err rec_parse(const MDB_val *v, json_t **out)
{
    *out = json_loadb(v->mv_data, v->mv_size, 0, NULL);
    return *out ? STORE_OK : STORE_E_CORRUPT;
}

enum store_err rec_get(MDB_txn *txn, MDB_dbi dbi, const char *id, json_t **out)
{
    *out = NULL;
    MDB_val k = store_val(id, strlen(id)), v;
    int rc = mdb_get(txn, dbi, &k, &v);
    if (rc != MDB_SUCCESS)
        return store_err_mdb(rc);
    return rec_parse(&v, out);
}

void rec_put(struct stxn *w, enum store_db db, const char *id, const json_t *rec)
{
    if (w->err != STORE_OK)
        return;
    size_t n = json_dumpb(rec, NULL, 0, STORE_JSON_FLAGS);
    char *buf = n ? malloc(n) : NULL;
    if (!buf) {
        stxn_fail(w, STORE_E_NOMEM);
        return;
    }
    if (json_dumpb(rec, buf, n, STORE_JSON_FLAGS) != n) {
        free(buf);
        stxn_fail(w, STORE_E_NOMEM);
        return;
    }
    struct keybuf k;
    keys_init(&k);
    keys_put_last(&k, id);
    stxn_put(w, db, &k, buf, n, 0);
    free(buf);
}

json_t *rec_entity_ref(const json_t *ent)
{
    return json_pack("{s:O,s:O,s:O}", "id", json_object_get(ent, "id"), "name",
                     json_object_get(ent, "name"), "type", json_object_get(ent, "type"));
}

/* Four decimals: stored numbers print short and compare stably. */
double rec_round(double x)
{
    return round(x * 10000.0) / 10000.0;
}

const char *rec_str(const json_t *o, const char *k)
{
    return json_string_value(json_object_get(o, k));
}

/* ---- vocabulary ---- */

static const char *const type_names[EX_T__COUNT] = {
    [EX_T_COMPANY] = "company",           [EX_T_AGENCY] = "agency",   [EX_T_COUNTRY] = "country",
    [EX_T_ORGANIZATION] = "organization", [EX_T_CHIP] = "chip",       [EX_T_PRODUCT] = "product",
    [EX_T_AI_MODEL] = "ai_model",         [EX_T_PROGRAM] = "program", [EX_T_PERSON] = "person",
};

static const char *const pred_names[EX_P__COUNT] = {
    [EX_P_OWNS] = "owns",
    [EX_P_DEVELOPS] = "develops",
    [EX_P_MANUFACTURES] = "manufactures",
    [EX_P_USES] = "uses",
    [EX_P_SUPPLIES] = "supplies",
    [EX_P_PARTNERS_WITH] = "partners_with",
    [EX_P_INVESTS_IN] = "invests_in",
    [EX_P_LEASES_COMPUTE_FROM] = "leases_compute_from",
    [EX_P_SUES] = "sues",
    [EX_P_SUCCESSOR_OF] = "successor_of",
    [EX_P_VARIANT_OF] = "variant_of",
    [EX_P_RIVALS] = "rivals",
    [EX_P_POWERS] = "powers",
    [EX_P_PROCESS_NODE] = "process_node",
};

static const char *const measure_names[EX_M__COUNT] = {
    [EX_M_ENTITY_LISTING] = "entity_listing",
    [EX_M_EXPORT_RESTRICTION] = "export_restriction",
    [EX_M_SHIPMENT_SUSPENSION] = "shipment_suspension",
    [EX_M_SERVICE_WITHDRAWAL] = "service_withdrawal",
    [EX_M_DATA_TRANSFER_BAN] = "data_transfer_ban",
    [EX_M_DIVESTITURE_ORDER] = "divestiture_order",
    [EX_M_INVESTMENT_RESTRICTION] = "investment_restriction",
};

static const char *const status_names[EX_S__COUNT] = {
    [EX_S_ASSERTED] = "asserted",
    [EX_S_HEDGED] = "hedged",
    [EX_S_DENIED] = "denied",
};

const char *vocab_type(enum ex_type t)
{
    return (unsigned)t < EX_T__COUNT ? type_names[t] : NULL;
}

const char *vocab_pred(enum ex_pred p)
{
    return (unsigned)p < EX_P__COUNT ? pred_names[p] : NULL;
}

const char *vocab_measure(enum ex_measure m)
{
    return (unsigned)m < EX_M__COUNT ? measure_names[m] : NULL;
}

const char *vocab_status(enum ex_status s)
{
    return (unsigned)s < EX_S__COUNT ? status_names[s] : NULL;
}

static bool in_table(const char *const *tab, size_t n, const char *s)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(tab[i], s) == 0)
            return true;
    return false;
}

bool vocab_is_type(const char *s)
{
    return in_table(type_names, EX_T__COUNT, s);
}

bool vocab_is_pred(const char *s)
{
    return in_table(pred_names, EX_P__COUNT, s);
}

bool vocab_is_measure(const char *s)
{
    return in_table(measure_names, EX_M__COUNT, s);
}

/* "denied" iff every evidence is denied, else "asserted" iff any is asserted,
 * else "hedged": each combined status plus one more evidence determines the
 * next, so per-evidence statuses need not be stored. */
const char *vocab_status_merge(const char *cur, enum ex_status add)
{
    const char *a = vocab_status(add);
    if (!cur)
        return a;
    if (strcmp(cur, "asserted") == 0 || add == EX_S_ASSERTED)
        return "asserted";
    if (strcmp(cur, "denied") == 0 && add == EX_S_DENIED)
        return "denied";
    return "hedged";
}
