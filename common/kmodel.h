/* common/kmodel.h — the knowledge model's vocabulary
 * (../shared/spec/knowledge-model.md): the names of entity types,
 * predicates, sanction measures and statuses. One table for the extractor
 * (its enums index these arrays in this order) and the store (which takes
 * and checks names, never the extractor's enums). */
#ifndef ECF_KMODEL_H
#define ECF_KMODEL_H

#define KM_N_TYPES    9
#define KM_N_PREDS    14
#define KM_N_MEASURES 8
#define KM_N_STATUSES 3

extern const char *const km_type_names[KM_N_TYPES];
extern const char *const km_pred_names[KM_N_PREDS];
extern const char *const km_measure_names[KM_N_MEASURES];
extern const char *const km_status_names[KM_N_STATUSES]; /* "asserted", "hedged", "denied" */

/* The index of s in names[0..n), or -1 (also for s == NULL). */
int km_find(const char *const *names, int n, const char *s);

#endif
