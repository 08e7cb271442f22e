/*
 * Naive baseline for the fixed-weight monthly calendar backtest.
 *
 * Same shape as the .NET benchmark: N assets x T rows of synthetic prices (row-major), equal target weights,
 * 5 bps proportional costs, a rebalance to target every 21 rows ("month boundary"), NAV computed every row and
 * a running sum of per-row returns kept so the loop cannot be optimised away. No calendar, no metrics beyond
 * that, no cost fixed-point: this is the floor a straightforward compiled loop reaches, not an equivalent engine.
 *
 * Build: gcc -O2 -o monthly monthly.c -lm
 * Run:   ./monthly            (runs 10 x 5000 and 100 x 5000)
 *        ./monthly N T        (one shape)
 *        ./monthly sweep P N T  (whole-process counterpart of a P-policy sweep: generate N x T prices once, then run
 *                                the backtest P times, once each, and exit; time the process from outside)
 */
#define _POSIX_C_SOURCE 199309L
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define REBALANCE_EVERY 21
#define COST_RATE 0.0005 /* 5 bps */

static uint64_t rng_state = 0x9E3779B97F4A7C15ull;

static double next_uniform(void)
{
    /* xorshift64* */
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return (double)((rng_state * 2685821657736338717ull) >> 11) * (1.0 / 9007199254740992.0);
}

static double next_normal(void)
{
    /* Box-Muller; one of the pair is enough here. */
    double u1 = next_uniform(), u2 = next_uniform();
    if (u1 < 1e-300) u1 = 1e-300;
    return sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2);
}

static void make_prices(double *prices, int n, int t_rows)
{
    for (int i = 0; i < n; i++) prices[i] = 100.0;
    for (int t = 1; t < t_rows; t++) {
        double market = next_normal();
        for (int i = 0; i < n; i++) {
            double vol = 0.05 + 0.15 * (double)i / (double)(n > 1 ? n - 1 : 1);
            double shock = 0.5 * market + 0.866 * next_normal();
            double r = (0.06 - 0.5 * vol * vol) / 252.0 + vol / sqrt(252.0) * shock;
            prices[(size_t)t * n + i] = prices[(size_t)(t - 1) * n + i] * exp(r);
        }
    }
}

/* One backtest. Returns the sum of per-row returns (a checksum); *final_nav gets the last NAV. */
static double backtest(const double *prices, const double *targets, double *units, int n, int t_rows, double capital, double *final_nav)
{
    /* Row 0: invest at targets, paying costs on the whole amount. */
    double investable = capital / (1.0 + COST_RATE);
    double cash = capital - investable * (1.0 + COST_RATE);
    for (int i = 0; i < n; i++) units[i] = targets[i] * investable / prices[i];
    double nav = investable + cash;
    double return_sum = 0.0;

    for (int t = 1; t < t_rows; t++) {
        const double *p = prices + (size_t)t * n;
        double value = cash;
        for (int i = 0; i < n; i++) value += units[i] * p[i];

        if (t % REBALANCE_EVERY == 0 && t != t_rows - 1) {
            double turnover = 0.0;
            for (int i = 0; i < n; i++) turnover += fabs(targets[i] * value - units[i] * p[i]);
            double cost = turnover * COST_RATE;
            double after = value - cost;
            for (int i = 0; i < n; i++) units[i] = targets[i] * after / p[i];
            cash = 0.0;
            value = after;
        }

        return_sum += value / nav - 1.0;
        nav = value;
    }

    *final_nav = nav;
    return return_sum;
}

static double now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static void run(int n, int t_rows)
{
    double *prices = malloc(sizeof(double) * (size_t)n * (size_t)t_rows);
    double *targets = malloc(sizeof(double) * (size_t)n);
    double *units = malloc(sizeof(double) * (size_t)n);
    if (!prices || !targets || !units) {
        fprintf(stderr, "out of memory\n");
        exit(1);
    }

    make_prices(prices, n, t_rows);
    for (int i = 0; i < n; i++) targets[i] = 1.0 / n;

    /* Warm up, then repeat until at least 0.5 s has passed; report the fastest and the median-ish mean. */
    double final_nav = 0.0, checksum = 0.0;
    for (int w = 0; w < 20; w++) checksum += backtest(prices, targets, units, n, t_rows, 1e6, &final_nav);

    double best = 1e300, total = 0.0;
    int reps = 0;
    double start = now_ns();
    while (now_ns() - start < 5e8 || reps < 50) {
        double t0 = now_ns();
        checksum += backtest(prices, targets, units, n, t_rows, 1e6, &final_nav);
        double elapsed = now_ns() - t0;
        if (elapsed < best) best = elapsed;
        total += elapsed;
        reps++;
    }

    double cells = (double)n * (double)t_rows;
    printf("%4d assets x %5d rows: best %.3f ns/asset-row, mean %.3f ns/asset-row (%d runs, %.1f us per run best; final NAV %.2f, checksum %.6g)\n",
           n, t_rows, best / cells, total / reps / cells, reps, best / 1e3, final_nav, checksum);

    free(prices);
    free(targets);
    free(units);
}

/* P backtests of the same N x T table, once each: the asset-rows of a P-policy sweep, timed from outside. */
static int sweep(int p, int n, int t_rows)
{
    double *prices = malloc(sizeof(double) * (size_t)n * (size_t)t_rows);
    double *targets = malloc(sizeof(double) * (size_t)n);
    double *units = malloc(sizeof(double) * (size_t)n);
    if (!prices || !targets || !units) {
        fprintf(stderr, "out of memory\n");
        return 1;
    }

    make_prices(prices, n, t_rows);
    for (int i = 0; i < n; i++) targets[i] = 1.0 / n;
    double final_nav = 0.0, checksum = 0.0;
    double start = now_ns();
    for (int k = 0; k < p; k++) checksum += backtest(prices, targets, units, n, t_rows, 1e6, &final_nav);
    double elapsed = now_ns() - start;
    printf("sweep %d policies x %d assets x %d rows: %.3f s in the loops, %.3f ns/asset-row (final NAV %.2f, checksum %.6g)\n",
           p, n, t_rows, elapsed / 1e9, elapsed / ((double)p * n * t_rows), final_nav, checksum);
    free(prices);
    free(targets);
    free(units);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 5 && strcmp(argv[1], "sweep") == 0) {
        int p = atoi(argv[2]), n = atoi(argv[3]), t_rows = atoi(argv[4]);
        if (p < 1 || n < 1 || t_rows < 2) {
            fprintf(stderr, "usage: %s sweep policies assets rows\n", argv[0]);
            return 2;
        }
        return sweep(p, n, t_rows);
    }

    if (argc == 3) {
        int n = atoi(argv[1]), t_rows = atoi(argv[2]);
        if (n < 1 || t_rows < 2) {
            fprintf(stderr, "usage: %s [assets rows]\n", argv[0]);
            return 2;
        }
        run(n, t_rows);
        return 0;
    }

    if (argc != 1) {
        fprintf(stderr, "usage: %s [assets rows | sweep policies assets rows]\n", argv[0]);
        return 2;
    }

    run(10, 5000);
    run(100, 5000);
    return 0;
}
