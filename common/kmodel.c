/* common/kmodel.c — the knowledge model's names (kmodel.h). */
#include "common/kmodel.h"

#include <string.h>

const char *const km_type_names[KM_N_TYPES] = {"company",      "agency",  "country",
                                               "organization", "chip",    "product",
                                               "ai_model",     "program", "person"};
const char *const km_pred_names[KM_N_PREDS] = {
    "owns",     "develops",      "manufactures", "uses",
    "supplies", "partners_with", "invests_in",   "leases_compute_from",
    "sues",     "successor_of",  "variant_of",   "rivals",
    "powers",   "process_node"};
const char *const km_measure_names[KM_N_MEASURES] = {
    "entity_listing",    "export_restriction", "shipment_suspension",    "service_withdrawal",
    "data_transfer_ban", "divestiture_order",  "investment_restriction", "procurement_ban"};
const char *const km_status_names[KM_N_STATUSES] = {"asserted", "hedged", "denied"};

int km_find(const char *const *names, int n, const char *s)
{
    if (!s)
        return -1;
    for (int i = 0; i < n; i++)
        if (strcmp(names[i], s) == 0)
            return i;
    return -1;
}
