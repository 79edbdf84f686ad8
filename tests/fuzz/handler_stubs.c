/* tests/fuzz/handler_stubs.c — no-op stand-ins for the handlers, so that
 * fuzz_router can link the real route table (server/routes.c) without the
 * store and everything behind it. A handler added to routes.c without a
 * stand-in here is a link error, never a silently different table. */
#include "handlers/handlers.h"

#define NOOP_HANDLER(name)                                                                         \
    void name(struct request *rq, struct reply *rp)                                                \
    {                                                                                              \
        (void)rq;                                                                                  \
        (void)rp;                                                                                  \
    }

NOOP_HANDLER(h_entities_list)
NOOP_HANDLER(h_entity_get)
NOOP_HANDLER(h_sanctions_list)
NOOP_HANDLER(h_sanction_get)
NOOP_HANDLER(h_chips_list)
NOOP_HANDLER(h_chip_lineage)
NOOP_HANDLER(h_facts_list)
NOOP_HANDLER(h_fact_get)
NOOP_HANDLER(h_articles_list)
NOOP_HANDLER(h_article_get)
NOOP_HANDLER(h_article_post)
NOOP_HANDLER(h_search)
NOOP_HANDLER(h_fetch_post)
NOOP_HANDLER(h_job_get)
NOOP_HANDLER(h_sources_list)
NOOP_HANDLER(h_stats)
NOOP_HANDLER(h_healthz)
NOOP_HANDLER(h_readyz)
NOOP_HANDLER(h_metrics)
NOOP_HANDLER(h_openapi)
NOOP_HANDLER(h_ui_index)
NOOP_HANDLER(h_ui_asset)
