// A plain exact top-10 scan in C, the yardstick of bench/vector-graph.bench.mjs: for each query,
// the dot product with every (filtered: every matching) row of a float32 matrix (SIMD through
// gcc's vectorizer), keeping the 10 best in a sorted array. The bench writes unit-length vectors, so the dot product ranks as cosine.
// Build: gcc -O3 -march=native -o scan scan.c -lm
// Run:   scan DATA QUERIES MASK N DIM Q  (DATA: N*DIM float32, QUERIES: Q*DIM float32,
//        MASK: N bytes, 1 where the row matches the filter). Prints one JSON line: the mean
//        milliseconds per query unfiltered and filtered, and the first query's top-10 row numbers.
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define K 10

static void *slurp(const char *path, size_t bytes) {
  FILE *f = fopen(path, "rb");
  if (!f) { perror(path); exit(1); }
  void *buf = aligned_alloc(64, (bytes + 63) / 64 * 64);
  if (fread(buf, 1, bytes, f) != bytes) { fprintf(stderr, "%s: short read\n", path); exit(1); }
  fclose(f);
  return buf;
}

static double now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

// Top-K by descending dot product; ties keep the lower row first.
static void scan(const float *data, const float *q, const unsigned char *mask, long n, int dim,
                 long *best, float *score) {
  int have = 0;
  for (long i = 0; i < n; i++) {
    if (mask && !mask[i]) continue;
    const float *row = data + (size_t)i * dim;
    // 16 independent partial sums (two AVX registers' worth), so gcc vectorizes the loop
    // without -ffast-math; the remainder is added one by one.
    float lane[16] = {0};
    int j = 0;
    for (; j + 16 <= dim; j += 16)
      for (int l = 0; l < 16; l++) lane[l] += row[j + l] * q[j + l];
    float dot = 0;
    for (int l = 0; l < 16; l++) dot += lane[l];
    for (; j < dim; j++) dot += row[j] * q[j];
    if (have == K && dot <= score[K - 1]) continue;
    int at = have < K ? have++ : K - 1;
    while (at > 0 && score[at - 1] < dot) {
      score[at] = score[at - 1];
      best[at] = best[at - 1];
      at--;
    }
    score[at] = dot;
    best[at] = i;
  }
}

int main(int argc, char **argv) {
  if (argc != 7) { fprintf(stderr, "usage: scan DATA QUERIES MASK N DIM Q\n"); return 2; }
  long n = atol(argv[4]);
  int dim = atoi(argv[5]);
  int nq = atoi(argv[6]);
  const float *data = slurp(argv[1], (size_t)n * dim * sizeof(float));
  const float *queries = slurp(argv[2], (size_t)nq * dim * sizeof(float));
  const unsigned char *mask = slurp(argv[3], (size_t)n);
  long best[K], first[K];
  float score[K];
  double ms[2];
  for (int filtered = 0; filtered < 2; filtered++) {
    scan(data, queries, filtered ? mask : NULL, n, dim, best, score);  // warm the page cache
    double t = now_ms();
    for (int qi = 0; qi < nq; qi++) {
      scan(data, queries + (size_t)qi * dim, filtered ? mask : NULL, n, dim, best, score);
      if (qi == 0 && !filtered) for (int k = 0; k < K; k++) first[k] = best[k];
    }
    ms[filtered] = (now_ms() - t) / nq;
  }
  printf("{\"unfilteredMs\":%.4f,\"filteredMs\":%.4f,\"firstTop\":[", ms[0], ms[1]);
  for (int k = 0; k < K; k++) printf("%s%ld", k ? "," : "", first[k]);
  printf("]}\n");
  return 0;
}
