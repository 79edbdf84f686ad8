/* handlers/handlers.h — one function per route. The dispatcher has already
 * matched the route, checked the method, the query parameter names, auth and
 * the body's size and media type; handlers check values, run one short read
 * transaction and fill the reply. */
#ifndef ECF_HANDLERS_H
#define ECF_HANDLERS_H

struct request;
struct reply;
struct store_txn;

void h_entities_list(struct request *rq, struct reply *rp);
void h_entity_get(struct request *rq, struct reply *rp);
void h_sanctions_list(struct request *rq, struct reply *rp);
void h_sanction_get(struct request *rq, struct reply *rp);
void h_chips_list(struct request *rq, struct reply *rp);
void h_chip_lineage(struct request *rq, struct reply *rp);
void h_facts_list(struct request *rq, struct reply *rp);
void h_fact_get(struct request *rq, struct reply *rp);
void h_articles_list(struct request *rq, struct reply *rp);
void h_article_get(struct request *rq, struct reply *rp);
void h_article_post(struct request *rq, struct reply *rp);
void h_search(struct request *rq, struct reply *rp);
void h_fetch_post(struct request *rq, struct reply *rp);
void h_job_get(struct request *rq, struct reply *rp);
void h_sources_list(struct request *rq, struct reply *rp);
void h_stats(struct request *rq, struct reply *rp);
void h_healthz(struct request *rq, struct reply *rp);
void h_readyz(struct request *rq, struct reply *rp);
void h_metrics(struct request *rq, struct reply *rp);
void h_openapi(struct request *rq, struct reply *rp);
void h_ui_index(struct request *rq, struct reply *rp);
void h_ui_asset(struct request *rq, struct reply *rp);

/* Opens the request's read transaction in *t (the caller's); on failure
 * fills rp (503) and returns 0. The caller ends it with store_read_end()
 * before returning. */
int handler_txn(struct request *rq, struct reply *rp, struct store_txn *t);

#endif
