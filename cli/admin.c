/* ecfacts stats | export | routes */
#include <stdio.h>
#include <unistd.h>

#include <jansson.h>

#include "cli/cli.h"
#include "app/config.h"
#include "store/store.h"

static int open_store(const char *cmd, int argc, char **argv, struct config *c, struct store **s,
                      enum config_cmd which, const char *about)
{
    char **pos, err[512], syn[64];
    int npos;
    snprintf(syn, sizeof syn, "%s [--data DIR]", cmd);
    int opened = config_command(c, which, argc, argv, &pos, &npos, syn, about);
    if (opened >= 0)
        return opened == EXIT_OK ? -1 : opened; /* -1: --help answered */
    if (npos) {
        fprintf(stderr, "ecfacts: %s: unexpected argument '%s'\n", cmd, pos[0]);
        return EXIT_USAGE;
    }
    /* Read-only commands never create a store: a mistyped --data is an error. */
    struct store_opts so = {.map_size = c->map_size, .must_exist = true};
    if (store_open(c->data_dir, &so, s, err, sizeof err) != STORE_OK) {
        fprintf(stderr, "ecfacts: %s: %s\n", cmd, err);
        return EXIT_FAIL;
    }
    return EXIT_OK;
}

int cmd_stats(int argc, char **argv)
{
    struct config c;
    struct store *s = NULL;
    int rc = open_store("stats", argc, argv, &c, &s, CMD_STATS,
                        "Prints the store's counts and sizes as one JSON object.");
    if (rc)
        return rc < 0 ? EXIT_OK : rc;
    struct store_txn t;
    struct store_stats st;
    enum store_err e = store_read_begin(s, &t);
    if (e == STORE_OK) {
        e = store_stats(&t, &st);
        store_read_end(&t);
    }
    if (e != STORE_OK) {
        fprintf(stderr, "ecfacts: stats: %s: %s\n", c.data_dir, store_strerror(e));
        store_close(s);
        return EXIT_FAIL;
    }
    printf("{\"articles\":%llu,\"entities\":%llu,\"facts\":%llu,\"sanctions\":%llu,"
           "\"store_bytes\":%llu,\"map_size\":%llu,\"schema_version\":%u}\n",
           (unsigned long long)st.articles, (unsigned long long)st.entities,
           (unsigned long long)st.facts, (unsigned long long)st.sanctions,
           (unsigned long long)st.used_bytes, (unsigned long long)st.map_size, st.schema_version);
    store_close(s);
    return EXIT_OK;
}

int cmd_export(int argc, char **argv)
{
    struct config c;
    struct store *s = NULL;
    int rc = open_store("export", argc, argv, &c, &s, CMD_EXPORT,
                        "Writes the whole knowledge base as JSON lines on stdout, one "
                        "{\"kind\",\"data\"} per article, entity, fact and sanction.");
    if (rc)
        return rc < 0 ? EXIT_OK : rc;
    fflush(stdout);
    enum store_err e = store_export(s, STDOUT_FILENO);
    store_close(s);
    if (e != STORE_OK) {
        fprintf(stderr, "ecfacts: export: %s: %s\n", c.data_dir, store_strerror(e));
        return EXIT_FAIL;
    }
    return EXIT_OK;
}

static const char snapshot_about[] =
    "Writes a compacted, consistent copy of the store to OUTDIR/data.mdb while writers go on. "
    "Publish it to replicas by moving OUTDIR/data.mdb over the replica's data.mdb (a rename on "
    "the same filesystem): `serve --read-only` notices the new file and swaps to it without "
    "dropping requests.";

int cmd_snapshot(int argc, char **argv)
{
    struct config c;
    char **pos, err[512];
    int npos;
    int opened = config_command(&c, CMD_SNAPSHOT, argc, argv, &pos, &npos,
                                "snapshot [--data DIR] OUTDIR", snapshot_about);
    if (opened >= 0)
        return opened;
    if (npos != 1) {
        fprintf(stderr, "ecfacts: snapshot: give exactly one OUTDIR (see --help)\n");
        return EXIT_USAGE;
    }
    struct store *s = NULL;
    /* A snapshot of a store created here would publish an empty knowledge base. */
    struct store_opts so = {.map_size = c.map_size, .must_exist = true};
    if (store_open(c.data_dir, &so, &s, err, sizeof err) != STORE_OK) {
        fprintf(stderr, "ecfacts: snapshot: %s\n", err);
        return EXIT_FAIL;
    }
    enum store_err e = store_snapshot(s, pos[0], err, sizeof err);
    store_close(s);
    if (e != STORE_OK) {
        fprintf(stderr, "ecfacts: snapshot: %s\n", err);
        return EXIT_FAIL;
    }
    printf("%s/data.mdb\n", pos[0]);
    return EXIT_OK;
}
