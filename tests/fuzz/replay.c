/* tests/fuzz/replay.c — runs a fuzz target's LLVMFuzzerTestOneInput once on
 * each file, and on each file of each directory, named on the command line
 * (what `out/fuzz_<target> FILE...` does), without libFuzzer: meson builds
 * it with a target under the sanitizers (tests/meson.build), so the seed
 * corpus and the findings in regressions/ are checked by every test run.
 * Each input is handed over in an exact-size heap buffer. */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int one(const char *path)
{
    FILE *f = fopen(path, "rb");
    long n = -1;
    if (f && fseek(f, 0, SEEK_END) == 0)
        n = ftell(f);
    uint8_t *buf = n >= 0 ? malloc(n ? (size_t)n : 1) : NULL;
    if (!buf || fseek(f, 0, SEEK_SET) != 0 || fread(buf, 1, (size_t)n, f) != (size_t)n) {
        fprintf(stderr, "replay: cannot read %s\n", path);
        free(buf);
        if (f)
            (void)fclose(f);
        return 1;
    }
    (void)fclose(f);
    (void)LLVMFuzzerTestOneInput(buf, (size_t)n);
    free(buf);
    printf("%s: ok\n", path);
    return 0;
}

int main(int argc, char **argv)
{
    int bad = argc < 2;
    for (int i = 1; i < argc; i++) {
        struct stat st;
        DIR *d = stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode) ? opendir(argv[i]) : NULL;
        if (!d) {
            bad |= one(argv[i]);
            continue;
        }
        for (struct dirent *e; (e = readdir(d));) {
            char p[4096];
            if (e->d_name[0] != '.' &&
                snprintf(p, sizeof p, "%s/%s", argv[i], e->d_name) < (int)sizeof p)
                bad |= one(p);
        }
        (void)closedir(d);
    }
    return bad;
}
