/* server/holder.c: swaps never wait for the old store's users, the last
 * release closes it (ASan's leak check fails the test if one is never
 * closed), generations are never reused, retire withdraws the store. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server/holder.h"
#include "store/store.h"
#include "tests/tap.h"

static struct store *open_dir(const char *base, const char *name)
{
    char dir[512], err[512];
    struct store *s = NULL;
    struct store_opts o = {.map_size = 1u << 20};
    snprintf(dir, sizeof dir, "%s/%s", base, name);
    if (store_open(dir, &o, &s, err, sizeof err) != STORE_OK)
        printf("# store_open %s: %s\n", dir, err);
    return s;
}

int main(void)
{
    char base[] = "/tmp/ecfacts-holder-XXXXXX";
    if (!mkdtemp(base)) {
        skip_all("no temp dir");
        return 0;
    }
    struct store *a = open_dir(base, "a"), *b = open_dir(base, "b"), *c = open_dir(base, "c");
    ok(a && b && c, "three stores open");
    struct store_holder *h = holder_new(a);
    struct holder_ref *r1 = NULL, *r2 = NULL, *r3 = NULL;
    ok(holder_acquire(h, &r1) == a, "acquire: the first store");
    uint64_t g1 = holder_generation(r1);
    is_int(g1, 1, "its generation is 1");
    /* with r1 still held, the swap returns at once (it used to wait for r1) */
    ok(holder_swap(h, b) == 0, "swap while the old store is in use returns");
    is_int(holder_draining(h), 1, "the old store is draining");
    ok(holder_acquire(h, &r2) == b, "new requests get the new store");
    uint64_t g2 = holder_generation(r2);
    ok(g2 > g1, "with a new generation");
    holder_release(h, r1); /* the last user: closes a */
    is_int(holder_draining(h), 0, "the last release closed the old store");
    holder_retire(h);
    ok(holder_acquire(h, &r3) == NULL && r3 == NULL, "after retire, acquire gets no store");
    holder_release(h, r3);
    is_int(holder_draining(h), 1, "the retired store drains while in use");
    holder_release(h, r2);
    is_int(holder_draining(h), 0, "... and is closed by its last user");
    ok(holder_swap(h, c) == 0, "swap after retire installs a store");
    ok(holder_acquire(h, &r3) == c && holder_generation(r3) == g2 + 1,
       "acquire: the store installed after the retire, the next generation");
    holder_release(h, r3);
    holder_free(h); /* closes c */
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", base);
    if (system(cmd) != 0)
        printf("# could not remove %s\n", base);
    return done();
}
