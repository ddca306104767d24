/*
 * sen.h - Theil-Sen's slope with Sen's distribution-free interval and
 * Kendall's S, shared by the scaling analysis (scaling.c, which holds the
 * code) and the forecasts (forecast.c).
 */
#ifndef CSTAT_SEN_H
#define CSTAT_SEN_H

#include <stddef.h>

/* A Theil-Sen fit of y on x. */
struct cstat__sen {
	double slope;  /* the median of the pairs' slopes; NaN without pairs */
	double lo, hi; /* Sen's interval; -inf/+inf when too few pairs */
	size_t npairs; /* pairs with different x */
	double s;      /* Kendall's S: concordant less discordant pairs */
	double var_s;  /* its variance under no trend, ties corrected */
};

/*
 * Fits y[i] = a + slope * x[i], i < m (all finite), by Theil-Sen with
 * Sen's (1968) interval at confidence (0 < confidence < 1): the order
 * statistics of the sorted slopes at ranks (N -+ C) / 2, C from the
 * normal approximation to Kendall's S with ties in x and y, widened to
 * whole ranks so as not to undercover.  Memory O(m^2) for the slopes.
 * @return 0 or CSTAT_ENOMEM.
 */
int cstat__sen_fit(const double *x, const double *y, size_t m,
		   double confidence, struct cstat__sen *out);

#endif /* CSTAT_SEN_H */
