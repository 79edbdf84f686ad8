/* tests/fuzz/handler_stubs.c — no-op stand-ins for the handlers, so that
 * fuzz_router can link the real route table (server/routes.c) without the
 * store and everything behind it. A handler added to routes.c without a
 * stand-in here is a link error, never a silently different table. */
#include "handlers/handlers.h"

#define STUB(name)                                                                                 \
    void name(struct request *rq, struct reply *rp)                                                \
    {                                                                                              \
        (void)rq;                                                                                  \
        (void)rp;                                                                                  \
    }

STUB(h_entities_list)
STUB(h_entity_get)
STUB(h_sanctions_list)
STUB(h_sanction_get)
STUB(h_chips_list)
STUB(h_chip_lineage)
STUB(h_facts_list)
STUB(h_fact_get)
STUB(h_articles_list)
STUB(h_article_get)
STUB(h_article_post)
STUB(h_search)
STUB(h_fetch_post)
STUB(h_job_get)
STUB(h_sources_list)
STUB(h_stats)
STUB(h_healthz)
STUB(h_readyz)
STUB(h_metrics)
STUB(h_openapi)
STUB(h_ui_index)
STUB(h_ui_asset)
