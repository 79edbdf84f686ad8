/* The static route table: every endpoint of openapi.yaml, no other. A test
 * (tests/integration/test_contract.py) checks the two list the same routes. */
#include "handlers/handlers.h"
#include "server/router.h"

#define PAGE "limit,cursor"

const struct route router_routes[] = {
    {HTTP_GET, "/v1/entities", h_entities_list, 0, "type,country,q," PAGE},
    {HTTP_GET, "/v1/entities/{id}", h_entity_get, 0, NULL},
    {HTTP_GET, "/v1/sanctions", h_sanctions_list, 0, "imposer,target,measure,since,until," PAGE},
    {HTTP_GET, "/v1/sanctions/{id}", h_sanction_get, 0, NULL},
    {HTTP_GET, "/v1/chips", h_chips_list, 0, "q," PAGE},
    {HTTP_GET, "/v1/chips/{id}/lineage", h_chip_lineage, 0, "depth"},
    {HTTP_GET, "/v1/facts", h_facts_list, 0, "subject,predicate,object," PAGE},
    {HTTP_GET, "/v1/facts/{id}", h_fact_get, 0, NULL},
    {HTTP_GET, "/v1/articles", h_articles_list, 0, PAGE},
    {HTTP_POST, "/v1/articles", h_article_post,
     ROUTE_AUTH | ROUTE_BODY | ROUTE_TEXT_OK | ROUTE_WRITE, NULL},
    {HTTP_GET, "/v1/articles/{id}", h_article_get, 0, NULL},
    {HTTP_GET, "/v1/search", h_search, 0, "q,limit"},
    {HTTP_POST, "/v1/fetch", h_fetch_post, ROUTE_AUTH | ROUTE_BODY | ROUTE_TEXT_OK | ROUTE_WRITE,
     NULL},
    {HTTP_GET, "/v1/jobs/{id}", h_job_get, ROUTE_MEMORY, NULL},
    {HTTP_GET, "/v1/sources", h_sources_list, 0, PAGE},
    {HTTP_GET, "/v1/stats", h_stats, 0, NULL},
    {HTTP_GET, "/healthz", h_healthz, ROUTE_NO_CACHE, NULL},
    {HTTP_GET, "/readyz", h_readyz, ROUTE_NO_CACHE, NULL},
    {HTTP_GET, "/metrics", h_metrics, ROUTE_NO_CACHE, NULL},
    {HTTP_GET, "/openapi.yaml", h_openapi, 0, NULL},
    {HTTP_GET, "/", h_ui_index, ROUTE_ANY_QUERY, NULL},
    {HTTP_GET, "/ui/{asset}", h_ui_asset, ROUTE_ANY_QUERY, NULL},
};

const size_t router_nroutes = sizeof router_routes / sizeof router_routes[0];
