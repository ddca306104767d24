/*
 * stats.c - sorting, quantiles, quantile confidence intervals and the
 * summaries built on them.
 *
 * This file ports the pieces of go-moremath/stats and golang.org/x/perf
 * benchmath that summarize one sample: Go 1.19's sort.Float64s (pdqsort),
 * the R8 quantile of Sample.Quantile, QuantileCI with its binomial and
 * normal-approximation paths (NormalDist.CDF and Acklam's InvCDF),
 * mathx.Choose, GeoMean, and benchmath's medianSamples and uTestSamples.
 * Under them sit ports of Go's own exp, log, erfc and lgamma, because the
 * C library's differ from Go's in the last bit often enough to move a
 * confidence interval.  Every floating-point expression is written in the
 * order Go evaluates it, and the file is meant to be built with
 * -ffp-contract=off so that no multiply-add is fused: the results are then
 * Go's, bit for bit.
 */
#include "stats.h"

#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

/* Go's math.Pi and math.Sqrt2, rounded to double as Go rounds constants. */
#define GO_PI 3.14159265358979323846264338327950288419716939937510582097494459
#define GO_SQRT2                                                               \
	1.41421356237309504880168872420969807856967187537694807317667974

/* Above this sample size QuantileCI uses the normal approximation. */
#define QUANTILE_CI_APPROX_THRESHOLD 30

/* ---------------------------------------------------------------------
 * Sorting: Go 1.19 sort.Float64s, i.e. sort.Sort(Float64Slice(x)).
 */

/* Float64Slice.Less: NaN sorts before every number. */
static bool
go_less(double a, double b)
{
	return a < b || (isnan(a) && !isnan(b));
}

/* Exchange d[i] and d[j]. */
static void
swap_at(double *d, long i, long j)
{
	double t = d[i];

	d[i] = d[j];
	d[j] = t;
}

/*
 * Sort d[a:b] by straight insertion (stable).  Each value is moved down
 * past the larger ones in one shift rather than by pairwise swaps: a
 * stable sort's result is fixed by its order, so the values (signed zeros
 * and NaNs included) end where Go's swaps put them.
 */
static void
insertion_sort(double *d, long a, long b)
{
	for (long i = a + 1; i < b; i++) {
		double x = d[i];
		long j = i;

		for (; j > a && go_less(x, d[j - 1]); j--)
			d[j] = d[j - 1];
		d[j] = x;
	}
}

/* Restore the heap property of d[first+lo : first+hi] from lo down. */
static void
sift_down(double *d, long lo, long hi, long first)
{
	long root = lo;

	for (;;) {
		long child = 2 * root + 1;

		if (child >= hi)
			return;
		if (child + 1 < hi &&
		    go_less(d[first + child], d[first + child + 1]))
			child++;
		if (!go_less(d[first + root], d[first + child]))
			return;
		swap_at(d, first + root, first + child);
		root = child;
	}
}

/* Sort d[a:b] by heapsort, pdqsort's fallback after too many bad
 * pivots. */
static void
heap_sort(double *d, long a, long b)
{
	long first = a, hi = b - a;

	for (long i = (hi - 1) / 2; i >= 0; i--)
		sift_down(d, i, hi, first);
	for (long i = hi - 1; i >= 0; i--) {
		swap_at(d, first, first + i);
		sift_down(d, 0, i, first);
	}
}

enum sorted_hint { UNKNOWN_HINT, INCREASING_HINT, DECREASING_HINT };

/* Indices x, y of a and b such that d[x] <= d[y], counting swaps. */
static void
order2(const double *d, long *a, long *b, int *swaps)
{
	if (go_less(d[*b], d[*a])) {
		long t = *a;

		(*swaps)++;
		*a = *b;
		*b = t;
	}
}

/* The index of the median of d[a], d[b], d[c]. */
static long
median_of3(const double *d, long a, long b, long c, int *swaps)
{
	order2(d, &a, &b, swaps);
	order2(d, &b, &c, swaps);
	order2(d, &a, &b, swaps);
	return b;
}

/* Pick a pivot in d[a:b] and guess whether the range is sorted. */
static long
choose_pivot(const double *d, long a, long b, enum sorted_hint *hint)
{
	const long shortest_ninther = 50;
	const int max_swaps = 4 * 3;
	long l = b - a;
	int swaps = 0;
	long i = a + l / 4 * 1, j = a + l / 4 * 2, k = a + l / 4 * 3;

	if (l >= 8) {
		if (l >= shortest_ninther) {
			/* Tukey's ninther. */
			i = median_of3(d, i - 1, i, i + 1, &swaps);
			j = median_of3(d, j - 1, j, j + 1, &swaps);
			k = median_of3(d, k - 1, k, k + 1, &swaps);
		}
		j = median_of3(d, i, j, k, &swaps);
	}
	if (swaps == 0)
		*hint = INCREASING_HINT;
	else if (swaps == max_swaps)
		*hint = DECREASING_HINT;
	else
		*hint = UNKNOWN_HINT;
	return j;
}

/* Reverse d[a:b] in place. */
static void
reverse_range(double *d, long a, long b)
{
	for (long i = a, j = b - 1; i < j; i++, j--)
		swap_at(d, i, j);
}

/*
 * Try to finish sorting d[a:b] by fixing at most five adjacent inversions.
 * The left shift runs down to index 1 rather than a + 1, as Go's does.
 */
static bool
partial_insertion_sort(double *d, long a, long b)
{
	const int max_steps = 5;
	const long shortest_shifting = 50;
	long i = a + 1;

	for (int step = 0; step < max_steps; step++) {
		while (i < b && !go_less(d[i], d[i - 1]))
			i++;
		if (i == b)
			return true;
		if (b - a < shortest_shifting)
			return false;
		swap_at(d, i, i - 1);
		if (i - a >= 2) {
			for (long j = i - 1; j >= 1; j--) {
				if (!go_less(d[j], d[j - 1]))
					break;
				swap_at(d, j, j - 1);
			}
		}
		if (b - i >= 2) {
			for (long j = i + 1; j < b; j++) {
				if (!go_less(d[j], d[j - 1]))
					break;
				swap_at(d, j, j - 1);
			}
		}
	}
	return false;
}

/* bits.Len(x): the number of bits needed to represent x. */
static int
bits_len(uint64_t x)
{
	int n = 0;

	while (x != 0) {
		x >>= 1;
		n++;
	}
	return n;
}

/* Scatter three elements with Go 1.19's xorshift seeded by the length. */
static void
break_patterns(double *d, long a, long b)
{
	long length = b - a;

	if (length < 8)
		return;

	uint64_t random = (uint64_t)length;
	uint64_t modulus = (uint64_t)1 << bits_len((uint64_t)length);

	for (long idx = a + (length / 4) * 2 - 1;
	     idx <= a + (length / 4) * 2 + 1; idx++) {
		random ^= random << 13;
		random ^= random >> 17;
		random ^= random << 5;

		long other = (long)(random & (modulus - 1));

		if (other >= length)
			other -= length;
		swap_at(d, idx, a + other);
	}
}

/* One quicksort partition of d[a:b] around d[pivot]. */
static long
partition(double *d, long a, long b, long pivot, bool *already)
{
	swap_at(d, a, pivot);

	long i = a + 1, j = b - 1;

	while (i <= j && go_less(d[i], d[a]))
		i++;
	while (i <= j && !go_less(d[j], d[a]))
		j--;
	if (i > j) {
		swap_at(d, j, a);
		*already = true;
		return j;
	}
	swap_at(d, i, j);
	i++;
	j--;
	for (;;) {
		while (i <= j && go_less(d[i], d[a]))
			i++;
		while (i <= j && !go_less(d[j], d[a]))
			j--;
		if (i > j)
			break;
		swap_at(d, i, j);
		i++;
		j--;
	}
	swap_at(d, j, a);
	*already = false;
	return j;
}

/* Partition d[a:b] into elements equal to d[pivot] and greater ones. */
static long
partition_equal(double *d, long a, long b, long pivot)
{
	swap_at(d, a, pivot);

	long i = a + 1, j = b - 1;

	for (;;) {
		while (i <= j && !go_less(d[a], d[i]))
			i++;
		while (i <= j && go_less(d[a], d[j]))
			j--;
		if (i > j)
			break;
		swap_at(d, i, j);
		i++;
		j--;
	}
	return i;
}

/*
 * Sort d[a:b] by pattern-defeating quicksort as Go 1.19 does it, falling
 * back to heapsort once limit bad pivots have been seen.
 */
static void
pdqsort(double *d, long a, long b, int limit)
{
	const long max_insertion = 12;
	bool was_balanced = true, was_partitioned = true;

	for (;;) {
		long length = b - a;

		if (length <= max_insertion) {
			insertion_sort(d, a, b);
			return;
		}
		if (limit == 0) {
			heap_sort(d, a, b);
			return;
		}
		if (!was_balanced) {
			break_patterns(d, a, b);
			limit--;
		}

		enum sorted_hint hint;
		long pivot = choose_pivot(d, a, b, &hint);

		if (hint == DECREASING_HINT) {
			reverse_range(d, a, b);
			pivot = (b - 1) - (pivot - a);
			hint = INCREASING_HINT;
		}
		if (was_balanced && was_partitioned &&
		    hint == INCREASING_HINT && partial_insertion_sort(d, a, b))
			return;
		if (a > 0 && !go_less(d[a - 1], d[pivot])) {
			a = partition_equal(d, a, b, pivot);
			continue;
		}

		bool already;
		long mid = partition(d, a, b, pivot, &already);
		long left_len = mid - a, right_len = b - mid;
		long balance_threshold = length / 8;

		was_partitioned = already;
		if (left_len < right_len) {
			was_balanced = left_len >= balance_threshold;
			pdqsort(d, a, mid, limit);
			a = mid + 1;
		} else {
			was_balanced = right_len >= balance_threshold;
			pdqsort(d, mid + 1, b, limit);
			b = mid;
		}
	}
}

void
cstat__sort_doubles(double *x, size_t n)
{
	if (n <= 1)
		return;
	pdqsort(x, 0, (long)n, bits_len((uint64_t)n));
}

/*
 * Hoare's partition of d[a:b] (b - a >= 2) around the value at its middle,
 * taken as the median of the first, middle and last.  @return m with
 * d[a:m] <= pivot <= d[m:b], both non-empty.
 */
static long
select_partition(double *d, long a, long b)
{
	long i = a - 1, j = b, mid = a + (b - a) / 2;

	if (d[mid] < d[a])
		swap_at(d, mid, a);
	if (d[b - 1] < d[mid]) {
		swap_at(d, b - 1, mid);
		if (d[mid] < d[a])
			swap_at(d, mid, a);
	}
	double p = d[mid];

	for (;;) {
		do
			i++;
		while (d[i] < p);
		do
			j--;
		while (p < d[j]);
		if (i >= j)
			return j + 1;
		swap_at(d, i, j);
	}
}

/*
 * Puts the k-th smallest of d[0..n) (no NaN) at d[k], with nothing larger
 * before it and nothing smaller after it: quickselect, sorting what is
 * left once the range is small or the pivots have been bad too often.
 */
static void
select_kth(double *d, long n, long k)
{
	long a = 0, b = n;
	int limit = 2 * bits_len((uint64_t)n);

	while (b - a > 12) {
		if (limit-- == 0) {
			pdqsort(d, a, b, bits_len((uint64_t)(b - a)));
			return;
		}
		long m = select_partition(d, a, b);
		if (k < m)
			b = m;
		else
			a = m;
	}
	insertion_sort(d, a, b);
}

/* ---------------------------------------------------------------------
 * Go's math.Exp, math.Log, math.Erfc and math.Lgamma.
 *
 * glibc's exp, log and erfc disagree with Go's in the last bit for a tenth
 * of arguments or so, which is enough to move a left-biased confidence
 * interval by one order statistic.  So these are ports of what Go 1.19 runs
 * on amd64: the assembly Exp (Shibata's method, on its FMA path, which Go
 * takes on every CPU with AVX and FMA) and Log (fdlibm's e_log.c without
 * the subnormal fix-up), and the pure Go Erfc and Lgamma, which are fdlibm's
 * s_erf.c and e_lgamma_r.c calling the two above.  Constants that Go folds
 * from an expression are written as the double it folds them to.
 */

/* The IEEE 754 bits of x. */
static uint64_t
bits_of(double x)
{
	uint64_t u;

	memcpy(&u, &x, sizeof(u));
	return u;
}

/* The double with IEEE 754 bits u. */
static double
from_bits(uint64_t u)
{
	double x;

	memcpy(&x, &u, sizeof(x));
	return x;
}

/* Go's math.NaN(), whose bits differ from C's NAN. */
static double
go_nan(void)
{
	return from_bits(UINT64_C(0x7FF8000000000001));
}

/* CVTSD2SL: round to nearest even, 0x80000000 when out of range. */
static int32_t
cvtsd2sl(double x)
{
	double r = nearbyint(x);

	if (isnan(r) || r < -2147483648.0 || r > 2147483647.0)
		return INT32_MIN;
	return (int32_t)r;
}

/* Go's amd64 math.Exp on a CPU with FMA. */
static double
go_exp(double x)
{
	static const double ln2u = 0x1.62e42fefa3000p-1;
	static const double ln2l = 0x1.3de6af278ece6p-42;
	static const double log2e = 1.4426950408889634073599246810018920;
	static const double overflow = 7.09782712893384e+02;
	static const double c2 = 0.5, c3 = 1.6666666666666666667e-1,
			    c4 = 4.1666666666666666667e-2,
			    c5 = 8.3333333333333333333e-3,
			    c6 = 1.3888888888888888889e-3,
			    c7 = 1.9841269841269841270e-4,
			    c8 = 2.4801587301587301587e-5;
	uint64_t bx = bits_of(x);

	if ((bx & ~(UINT64_C(1) << 63)) >= UINT64_C(0x7FF0000000000000)) {
		if (bx == UINT64_C(0xFFF0000000000000))
			return 0;
		return x; /* NaN or +Inf */
	}
	if (x > overflow)
		return INFINITY;

	int32_t e = cvtsd2sl(log2e * x);
	double k = (double)e;
	double r = fma(-ln2u, k, x);

	r = fma(-ln2l, k, r);
	/* Reduce by 16 and undo it with four doublings of exp(r)-1. */
	r *= 0.0625;

	double t = fma(c8, r, c7);

	t = fma(t, r, c6);
	t = fma(t, r, c5);
	t = fma(t, r, c4);
	t = fma(t, r, c3);
	t = fma(t, r, c2);
	t = fma(t, r, 1.0);
	r = r * t;
	for (int i = 0; i < 3; i++)
		r = r * (r + 2.0);
	r = fma(r, r + 2.0, 1.0);

	/* r * 2**e, by hand as the assembly does it. */
	int64_t be = (int64_t)e + 0x3FF;

	if (be <= 0) {
		if (be < -52)
			return 0;
		r *= from_bits((uint64_t)(be + 0x3FE) << 52);
		be = 1;
	} else if (be >= 0x7FF) {
		return INFINITY;
	}
	return r * from_bits((uint64_t)be << 52);
}

/* Go's amd64 math.Log. */
static double
go_log(double x)
{
	static const double hsqrt2 = 7.07106781186547524401e-01;
	static const double ln2hi = 6.93147180369123816490e-01;
	static const double ln2lo = 1.90821492927058770002e-10;
	static const double l1 = 6.666666666666735130e-01;
	static const double l2 = 3.999999999940941908e-01;
	static const double l3 = 2.857142874366239149e-01;
	static const double l4 = 2.222219843214978396e-01;
	static const double l5 = 1.818357216161805012e-01;
	static const double l6 = 1.531383769920937332e-01;
	static const double l7 = 1.479819860511658591e-01;
	uint64_t bx = bits_of(x);

	if ((bx & ~(UINT64_C(1) << 63)) == 0)
		return -INFINITY;
	if ((int64_t)bx < 0)
		return go_nan();
	if (bx >= UINT64_C(0x7FF0000000000000))
		return x; /* +Inf or NaN */

	/* frexp by bit surgery (subnormals come out wrong, as in Go). */
	double f1 = from_bits((bx & UINT64_C(0x000FFFFFFFFFFFFF)) |
			      UINT64_C(0x3FE0000000000000));
	double k = (double)((int32_t)((bx >> 52) & 0x7FF) - 0x3FE);
	double adj = !(hsqrt2 < f1) ? 1.0 : 0.0;

	k -= adj;
	f1 *= adj + 1.0;

	double f = f1 - 1;
	double s = f / (2.0 + f);
	double s2 = s * s;
	double s4 = s2 * s2;
	double t1 = s2 * (l1 + s4 * (l3 + s4 * (l5 + s4 * l7)));
	double t2 = s4 * (l2 + s4 * (l4 + s4 * l6));
	double big_r = t1 + t2;
	double hfsq = 0.5 * f * f;

	return k * ln2hi - ((hfsq - (s * (hfsq + big_r) + k * ln2lo)) - f);
}

/* Go's math.Erfc (fdlibm s_erf.c). */
static double
go_erfc(double x)
{
	static const double erx = 8.45062911510467529297e-01;
	static const double pp0 = 1.28379167095512558561e-01;
	static const double pp1 = -3.25042107247001499370e-01;
	static const double pp2 = -2.84817495755985104766e-02;
	static const double pp3 = -5.77027029648944159157e-03;
	static const double pp4 = -2.37630166566501626084e-05;
	static const double qq1 = 3.97917223959155352819e-01;
	static const double qq2 = 6.50222499887672944485e-02;
	static const double qq3 = 5.08130628187576562776e-03;
	static const double qq4 = 1.32494738004321644526e-04;
	static const double qq5 = -3.96022827877536812320e-06;
	static const double pa0 = -2.36211856075265944077e-03;
	static const double pa1 = 4.14856118683748331666e-01;
	static const double pa2 = -3.72207876035701323847e-01;
	static const double pa3 = 3.18346619901161753674e-01;
	static const double pa4 = -1.10894694282396677476e-01;
	static const double pa5 = 3.54783043256182359371e-02;
	static const double pa6 = -2.16637559486879084300e-03;
	static const double qa1 = 1.06420880400844228286e-01;
	static const double qa2 = 5.40397917702171048937e-01;
	static const double qa3 = 7.18286544141962662868e-02;
	static const double qa4 = 1.26171219808761642112e-01;
	static const double qa5 = 1.36370839120290507362e-02;
	static const double qa6 = 1.19844998467991074170e-02;
	static const double ra0 = -9.86494403484714822705e-03;
	static const double ra1 = -6.93858572707181764372e-01;
	static const double ra2 = -1.05586262253232909814e+01;
	static const double ra3 = -6.23753324503260060396e+01;
	static const double ra4 = -1.62396669462573470355e+02;
	static const double ra5 = -1.84605092906711035994e+02;
	static const double ra6 = -8.12874355063065934246e+01;
	static const double ra7 = -9.81432934416914548592e+00;
	static const double sa1 = 1.96512716674392571292e+01;
	static const double sa2 = 1.37657754143519042600e+02;
	static const double sa3 = 4.34565877475229228821e+02;
	static const double sa4 = 6.45387271733267880336e+02;
	static const double sa5 = 4.29008140027567833386e+02;
	static const double sa6 = 1.08635005541779435134e+02;
	static const double sa7 = 6.57024977031928170135e+00;
	static const double sa8 = -6.04244152148580987438e-02;
	static const double rb0 = -9.86494292470009928597e-03;
	static const double rb1 = -7.99283237680523006574e-01;
	static const double rb2 = -1.77579549177547519889e+01;
	static const double rb3 = -1.60636384855821916062e+02;
	static const double rb4 = -6.37566443368389627722e+02;
	static const double rb5 = -1.02509513161107724954e+03;
	static const double rb6 = -4.83519191608651397019e+02;
	static const double sb1 = 3.03380607434824582924e+01;
	static const double sb2 = 3.25792512996573918826e+02;
	static const double sb3 = 1.53672958608443695994e+03;
	static const double sb4 = 3.19985821950859553908e+03;
	static const double sb5 = 2.55305040643316442583e+03;
	static const double sb6 = 4.74528541206955367215e+02;
	static const double sb7 = -2.24409524465858183362e+01;
	static const double tiny = 0x1p-56;
	/* Go folds 1/0.35 exactly. */
	static const double inv035 = 0x1.6db6db6db6db7p+1;

	if (isnan(x))
		return go_nan();
	if (isinf(x))
		return x > 0 ? 0 : 2;

	bool sign = false;

	if (x < 0) {
		x = -x;
		sign = true;
	}
	if (x < 0.84375) {
		double temp;

		if (x < tiny) {
			temp = x;
		} else {
			double z = x * x;
			double r = pp0 +
				   z * (pp1 + z * (pp2 + z * (pp3 + z * pp4)));
			double s =
				1 + z * (qq1 +
					 z * (qq2 +
					      z * (qq3 + z * (qq4 + z * qq5))));
			double y = r / s;

			if (x < 0.25)
				temp = x + x * y;
			else
				temp = 0.5 + (x * y + (x - 0.5));
		}
		return sign ? 1 + temp : 1 - temp;
	}
	if (x < 1.25) {
		double s = x - 1;
		double p =
			pa0 +
			s * (pa1 +
			     s * (pa2 +
				  s * (pa3 + s * (pa4 + s * (pa5 + s * pa6)))));
		double q =
			1 +
			s * (qa1 +
			     s * (qa2 +
				  s * (qa3 + s * (qa4 + s * (qa5 + s * qa6)))));

		return sign ? 1 + erx + p / q : 1 - erx - p / q;
	}
	if (x < 28) {
		double s = 1 / (x * x);
		double big_r, big_s;

		if (x < inv035) {
			big_r = ra0 +
				s * (ra1 +
				     s * (ra2 +
					  s * (ra3 +
					       s * (ra4 +
						    s * (ra5 +
							 s * (ra6 +
							      s * ra7))))));
			big_s = 1 +
				s * (sa1 +
				     s * (sa2 +
					  s * (sa3 +
					       s * (sa4 +
						    s * (sa5 +
							 s * (sa6 +
							      s * (sa7 +
								   s * sa8)))))));
		} else {
			if (sign && x > 6)
				return 2;
			big_r = rb0 +
				s * (rb1 +
				     s * (rb2 +
					  s * (rb3 +
					       s * (rb4 +
						    s * (rb5 + s * rb6)))));
			big_s = 1 + s * (sb1 +
					 s * (sb2 +
					      s * (sb3 +
						   s * (sb4 +
							s * (sb5 +
							     s * (sb6 +
								  s * sb7))))));
		}

		/* x with the low 32 bits cleared. */
		double z = from_bits(bits_of(x) & UINT64_C(0xffffffff00000000));
		double r = go_exp(-z * z - 0.5625) *
			   go_exp((z - x) * (z + x) + big_r / big_s);

		return sign ? 2 - r / x : r / x;
	}
	return sign ? 2 : 0;
}

/*
 * Go's math.Lgamma for x > 0 (fdlibm e_lgamma_r.c); cstat only takes it of
 * whole numbers >= 1, so the reflection for negative x is left out and
 * gives NaN.
 */
static double
go_lgamma(double x)
{
	static const double lga[12] = {
		7.72156649015328655494e-02, 3.22467033424113591611e-01,
		6.73523010531292681824e-02, 2.05808084325167332806e-02,
		7.38555086081402883957e-03, 2.89051383673415629091e-03,
		1.19270763183362067845e-03, 5.10069792153511336608e-04,
		2.20862790713908385557e-04, 1.08011567247583939954e-04,
		2.52144565451257326939e-05, 4.48640949618915160150e-05,
	};
	static const double lgr[7] = {
		1.0,
		1.39200533467621045958e+00,
		7.21935547567138069525e-01,
		1.71933865632803078993e-01,
		1.86459191715652901344e-02,
		7.77942496381893596434e-04,
		7.32668430744625636189e-06,
	};
	static const double lgs[7] = {
		-7.72156649015328655494e-02, 2.14982415960608852501e-01,
		3.25778796408930981787e-01,  1.46350472652464452805e-01,
		2.66422703033638609560e-02,  1.84028451407337715652e-03,
		3.19475326584100867617e-05,
	};
	static const double lgt[15] = {
		4.83836122723810047042e-01, -1.47587722994593911752e-01,
		6.46249402391333854778e-02, -3.27885410759859649565e-02,
		1.79706750811820387126e-02, -1.03142241298341437450e-02,
		6.10053870246291332635e-03, -3.68452016781138256760e-03,
		2.25964780900612472250e-03, -1.40346469989232843813e-03,
		8.81081882437654011382e-04, -5.38595305356740546715e-04,
		3.15632070903625950361e-04, -3.12754168375120860518e-04,
		3.35529192635519073543e-04,
	};
	static const double lgu[6] = {
		-7.72156649015328655494e-02, 6.32827064025093366517e-01,
		1.45492250137234768737e+00,  9.77717527963372745603e-01,
		2.28963728064692451092e-01,  1.33810918536787660377e-02,
	};
	static const double lgv[6] = {
		1.0,
		2.45597793713041134822e+00,
		2.12848976379893395361e+00,
		7.69285150456672783825e-01,
		1.04222645593369134254e-01,
		3.21709242282423911810e-03,
	};
	static const double lgw[7] = {
		4.18938533204672725052e-01,  8.33333333333329678849e-02,
		-2.77777777728775536470e-03, 7.93650558643019558500e-04,
		-5.95187557450339963135e-04, 8.36339918996282139126e-04,
		-1.63092934096575273989e-03,
	};
	static const double two58 = 0x1p58;
	static const double tiny = 0x1p-70;
	static const double tc = 1.46163214496836224576e+00;
	static const double tf = -1.21486290535849611461e-01;
	static const double tt = -3.63867699703950536541e-18;
	/* Ymin = 1.461632144968362245 folded into Go's comparison bounds,
	 * and Tc - 1. */
	static const double ymin_m1_p027 = 0x1.76987d0eaed22p-1;
	static const double ymin_m1_m027 = 0x1.88766f1c02f69p-3;
	static const double ymin_p027 = 0x1.bb4c3e8757691p+0;
	static const double ymin_m027 = 0x1.310ecde3805edp+0;
	static const double tc_m1 = 0x1.d8b618d5af8fcp-2;
	double lg;

	if (isnan(x) || isinf(x))
		return x;
	if (x == 0)
		return INFINITY;
	if (x < 0)
		return go_nan();
	if (x < tiny)
		return -go_log(x);
	if (x == 1 || x == 2)
		return 0;

	if (x < 2) {
		double y;
		int i;

		if (x <= 0.9) {
			lg = -go_log(x);
			if (x >= ymin_m1_p027) {
				y = 1 - x;
				i = 0;
			} else if (x >= ymin_m1_m027) {
				y = x - tc_m1;
				i = 1;
			} else {
				y = x;
				i = 2;
			}
		} else {
			lg = 0;
			if (x >= ymin_p027) {
				y = 2 - x;
				i = 0;
			} else if (x >= ymin_m027) {
				y = x - tc;
				i = 1;
			} else {
				y = x - 1;
				i = 2;
			}
		}
		if (i == 0) {
			double z = y * y;
			double p1 =
				lga[0] +
				z * (lga[2] +
				     z * (lga[4] +
					  z * (lga[6] +
					       z * (lga[8] + z * lga[10]))));
			double p2 =
				z *
				(lga[1] +
				 z * (+lga[3] +
				      z * (lga[5] +
					   z * (lga[7] +
						z * (lga[9] + z * lga[11])))));
			double p = y * p1 + p2;

			lg += (p - 0.5 * y);
		} else if (i == 1) {
			double z = y * y;
			double w = z * y;
			double p1 =
				lgt[0] +
				w * (lgt[3] +
				     w * (lgt[6] + w * (lgt[9] + w * lgt[12])));
			double p2 =
				lgt[1] +
				w * (lgt[4] + w * (lgt[7] + w * (lgt[10] +
								 w * lgt[13])));
			double p3 =
				lgt[2] +
				w * (lgt[5] + w * (lgt[8] + w * (lgt[11] +
								 w * lgt[14])));
			double p = z * p1 - (tt - w * (p2 + y * p3));

			lg += (tf + p);
		} else {
			double p1 =
				y *
				(lgu[0] +
				 y * (lgu[1] +
				      y * (lgu[2] +
					   y * (lgu[3] +
						y * (lgu[4] + y * lgu[5])))));
			double p2 =
				1 + y * (lgv[1] +
					 y * (lgv[2] +
					      y * (lgv[3] +
						   y * (lgv[4] + y * lgv[5]))));

			lg += (-0.5 * y + p1 / p2);
		}
		return lg;
	}
	if (x < 8) {
		int i = (int)x;
		double y = x - (double)i;
		double p =
			y * (lgs[0] +
			     y * (lgs[1] +
				  y * (lgs[2] +
				       y * (lgs[3] +
					    y * (lgs[4] +
						 y * (lgs[5] + y * lgs[6]))))));
		double q =
			1 + y * (lgr[1] +
				 y * (lgr[2] +
				      y * (lgr[3] +
					   y * (lgr[4] +
						y * (lgr[5] + y * lgr[6])))));
		double z = 1.0;

		lg = 0.5 * y + p / q;
		/* lgamma(1+s) = log(s) + lgamma(s), unrolled from i down. */
		switch (i) {
		case 7:
			z *= (y + 6);
			/* fall through */
		case 6:
			z *= (y + 5);
			/* fall through */
		case 5:
			z *= (y + 4);
			/* fall through */
		case 4:
			z *= (y + 3);
			/* fall through */
		case 3:
			z *= (y + 2);
			lg += go_log(z);
		}
		return lg;
	}
	if (x < two58) {
		double t = go_log(x);
		double z = 1 / x;
		double y = z * z;
		double w = lgw[0] +
			   z * (lgw[1] +
				y * (lgw[2] +
				     y * (lgw[3] +
					  y * (lgw[4] +
					       y * (lgw[5] + y * lgw[6])))));

		return (x - 0.5) * (t - 1) + w;
	}
	return x * (go_log(x) - 1);
}

/* ---------------------------------------------------------------------
 * Small numeric helpers shared by the ports below.
 */

/*
 * Go's int(x) for a float64 on amd64: truncation toward zero, and the
 * "integer indefinite" value for NaN and out-of-range values, where C would
 * have undefined behaviour.
 */
static long
go_int(double x)
{
	if (isnan(x) || x >= 0x1p63 || x < -0x1p63)
		return LONG_MIN;
	return (long)x;
}

/*
 * Go's math.Pow(x, y) for an integer y >= 0: successive squarings of the
 * fraction of x with the powers of two kept apart, as Go 1.19 computes it.
 * Powers of 0.5, the only ones benchstat takes, are exact either way.
 */
static double
go_pow_int(double x, long y)
{
	if (y == 0 || x == 1)
		return 1;
	if (isnan(x))
		return go_nan();
	if (x == 0)
		return (y & 1) ? x : 0;
	if (isinf(x)) {
		if (x > 0)
			return INFINITY;
		return (y & 1) ? -INFINITY : INFINITY;
	}

	double a1 = 1.0;
	long ae = 0;
	int xe_int;
	double x1 = frexp(x, &xe_int);
	long xe = xe_int;

	for (long i = y; i != 0; i >>= 1) {
		if (xe < -(1L << 12) || (1L << 12) < xe) {
			/* Certain under- or overflow; ldexp saturates. */
			ae += xe;
			break;
		}
		if (i & 1) {
			a1 *= x1;
			ae += xe;
		}
		x1 *= x1;
		xe *= 2; /* Go shifts; C may not shift a negative */
		if (x1 < .5) {
			x1 += x1;
			xe--;
		}
	}
	if (ae > INT_MAX)
		ae = INT_MAX;
	if (ae < INT_MIN)
		ae = INT_MIN;
	return ldexp(a1, (int)ae);
}

/* log C(n, k) through lgamma, as go-moremath's lchoose. */
static double
lchoose(long n, long k)
{
	double a = go_lgamma((double)(n + 1));
	double b = go_lgamma((double)(k + 1));
	double c = go_lgamma((double)(n - k + 1));

	return a - b - c;
}

double
cstat__choose(long n, long k)
{
	/*
	 * Pascal's triangle to n = 20, row n starting at n(n+1)/2.  Go
	 * multiplies out n!/(n-k)! in 64 bits and divides by k!, which is
	 * exact, so the table gives the same doubles without the division.
	 */
	/* clang-format off */
	static const double pascal[21 * 22 / 2] = {
		/* n = 0 */
		1,
		/* n = 1 */
		1, 1,
		/* n = 2 */
		1, 2, 1,
		/* n = 3 */
		1, 3, 3, 1,
		/* n = 4 */
		1, 4, 6, 4, 1,
		/* n = 5 */
		1, 5, 10, 10, 5, 1,
		/* n = 6 */
		1, 6, 15, 20, 15, 6, 1,
		/* n = 7 */
		1, 7, 21, 35, 35, 21, 7, 1,
		/* n = 8 */
		1, 8, 28, 56, 70, 56, 28, 8, 1,
		/* n = 9 */
		1, 9, 36, 84, 126, 126, 84, 36, 9, 1,
		/* n = 10 */
		1, 10, 45, 120, 210, 252, 210, 120, 45, 10, 1,
		/* n = 11 */
		1, 11, 55, 165, 330, 462, 462, 330, 165, 55, 11, 1,
		/* n = 12 */
		1, 12, 66, 220, 495, 792, 924, 792, 495, 220, 66, 12, 1,
		/* n = 13 */
		1, 13, 78, 286, 715, 1287, 1716, 1716, 1287, 715, 286, 78, 13,
		1,
		/* n = 14 */
		1, 14, 91, 364, 1001, 2002, 3003, 3432, 3003, 2002, 1001, 364,
		91, 14, 1,
		/* n = 15 */
		1, 15, 105, 455, 1365, 3003, 5005, 6435, 6435, 5005, 3003, 1365,
		455, 105, 15, 1,
		/* n = 16 */
		1, 16, 120, 560, 1820, 4368, 8008, 11440, 12870, 11440, 8008,
		4368, 1820, 560, 120, 16, 1,
		/* n = 17 */
		1, 17, 136, 680, 2380, 6188, 12376, 19448, 24310, 24310, 19448,
		12376, 6188, 2380, 680, 136, 17, 1,
		/* n = 18 */
		1, 18, 153, 816, 3060, 8568, 18564, 31824, 43758, 48620, 43758,
		31824, 18564, 8568, 3060, 816, 153, 18, 1,
		/* n = 19 */
		1, 19, 171, 969, 3876, 11628, 27132, 50388, 75582, 92378, 92378,
		75582, 50388, 27132, 11628, 3876, 969, 171, 19, 1,
		/* n = 20 */
		1, 20, 190, 1140, 4845, 15504, 38760, 77520, 125970, 167960,
		184756, 167960, 125970, 77520, 38760, 15504, 4845, 1140, 190,
		20, 1,
	};
	/* clang-format on */

	/*
	 * For 21 <= n <= 30, the doubles Go's exp(lgamma...) gives (they are
	 * not whole numbers), as computed by Go 1.19's mathx.Choose; row n
	 * starts at n(n+1)/2 - 231.  They are what lchoose() below computes,
	 * kept in a table because the binomial confidence intervals of samples
	 * this size would otherwise spend a microsecond on them.
	 */
	/* clang-format off */
	static const double go_choose[31 * 32 / 2 - 21 * 22 / 2] = {
		/* n = 21 */
		0x1.0000000000000p+0, 0x1.5000000000027p+4,
		0x1.a40000000001fp+7, 0x1.4c8000000002fp+10,
		0x1.761000000000bp+12, 0x1.3df400000001dp+14,
		0x1.a7f0000000047p+15, 0x1.c638000000040p+16,
		0x1.8d71000000012p+17, 0x1.1f0a800000011p+18,
		0x1.5873000000016p+18, 0x1.5873000000016p+18,
		0x1.1f0a800000011p+18, 0x1.8d71000000006p+17,
		0x1.c63800000004ep+16, 0x1.a7f000000003ap+15,
		0x1.3df400000001dp+14, 0x1.7610000000022p+12,
		0x1.4c8000000002fp+10, 0x1.a40000000002cp+7,
		0x1.5000000000027p+4, 0x1.0000000000000p+0,
		/* n = 22 */
		0x1.0000000000000p+0, 0x1.5ffffffffffecp+4,
		0x1.ce0000000000cp+7, 0x1.8100000000016p+10,
		0x1.c930000000009p+12, 0x1.9b78000000012p+14,
		0x1.237500000000cp+16, 0x1.4d18000000019p+17,
		0x1.3846800000022p+18, 0x1.e5c2fffffffe6p+18,
		0x1.3bbebffffffe6p+19, 0x1.587300000000cp+19,
		0x1.3bbebfffffffap+19, 0x1.e5c2fffffffe6p+18,
		0x1.3846800000018p+18, 0x1.4d18000000023p+17,
		0x1.2375000000003p+16, 0x1.9b78000000012p+14,
		0x1.c930000000025p+12, 0x1.8100000000016p+10,
		0x1.ce0000000001ap+7, 0x1.5ffffffffffecp+4,
		0x1.0000000000000p+0,
		/* n = 23 */
		0x1.0000000000000p+0, 0x1.7000000000000p+4,
		0x1.f9fffffffffd2p+7, 0x1.bac000000001ep+10,
		0x1.14b7ffffffffep+13, 0x1.06e2000000019p+15,
		0x1.8a53000000015p+16, 0x1.ded2800000003p+17,
		0x1.ded2800000030p+18, 0x1.8f04c0000001bp+19,
		0x1.17501fffffffdp+20, 0x1.4a18e00000004p+20,
		0x1.4a18e00000004p+20, 0x1.17501ffffffebp+20,
		0x1.8f04c0000001bp+19, 0x1.ded2800000021p+18,
		0x1.ded2800000012p+17, 0x1.8a53000000009p+16,
		0x1.06e2000000019p+15, 0x1.14b800000000fp+13,
		0x1.bac000000001ep+10, 0x1.f9fffffffffe1p+7,
		0x1.7000000000000p+4, 0x1.0000000000000p+0,
		/* n = 24 */
		0x1.0000000000000p+0, 0x1.7ffffffffffb6p+4,
		0x1.13fffffffffc2p+8, 0x1.f9fffffffff85p+10,
		0x1.4c0ffffffffc0p+13, 0x1.4c0ffffffffd6p+15,
		0x1.06e1fffffffe8p+17, 0x1.51fdfffffffc5p+18,
		0x1.671ddffffffc7p+19, 0x1.3f36fffffffd5p+20,
		0x1.ded27ffffffd8p+20, 0x1.30b47ffffffb7p+21,
		0x1.4a18dffffffbbp+21, 0x1.30b47ffffffcbp+21,
		0x1.ded27ffffffbap+20, 0x1.3f36fffffffd5p+20,
		0x1.671ddffffffbbp+19, 0x1.51fdfffffffd0p+18,
		0x1.06e1fffffffe0p+17, 0x1.4c0ffffffffd6p+15,
		0x1.4c0ffffffffd5p+13, 0x1.f9fffffffff85p+10,
		0x1.13fffffffffcap+8, 0x1.7ffffffffffb6p+4,
		0x1.0000000000000p+0,
		/* n = 25 */
		0x1.0000000000000p+0, 0x1.9000000000059p+4,
		0x1.2bfffffffffffp+8, 0x1.1f8000000000bp+11,
		0x1.8b4ffffffffdep+13, 0x1.9f1400000002dp+15,
		0x1.59e6000000024p+17, 0x1.d56f00000002fp+18,
		0x1.080e700000014p+20, 0x1.f2c5f0000000ap+20,
		0x1.8f04c00000003p+21, 0x1.100ee0000001dp+22,
		0x1.3d66afffffff4p+22, 0x1.3d66affffffe0p+22,
		0x1.100ee0000001dp+22, 0x1.8f04c0000001cp+21,
		0x1.f2c5f0000000ap+20, 0x1.080e70000000cp+20,
		0x1.d56f00000003ep+18, 0x1.59e600000001ap+17,
		0x1.9f1400000002dp+15, 0x1.8b4fffffffff7p+13,
		0x1.1f8000000000bp+11, 0x1.2c00000000009p+8,
		0x1.9000000000059p+4, 0x1.0000000000000p+0,
		/* n = 26 */
		0x1.0000000000000p+0, 0x1.9ffffffffffd7p+4,
		0x1.450000000001dp+8, 0x1.44fffffffffecp+11,
		0x1.d32ffffffffc5p+13, 0x1.00f3fffffffe4p+16,
		0x1.c1ab000000008p+17, 0x1.4130ffffffff7p+19,
		0x1.7d6a30000000bp+20, 0x1.7d6a2ffffffe7p+21,
		0x1.4433dbfffffccp+22, 0x1.d7913ffffffffp+22,
		0x1.26bac7ffffffbp+23, 0x1.3d66affffffafp+23,
		0x1.26bac7ffffffbp+23, 0x1.d7913ffffffffp+22,
		0x1.4433dbfffffe0p+22, 0x1.7d6a2ffffffe7p+21,
		0x1.7d6a2fffffffep+20, 0x1.4131000000001p+19,
		0x1.c1aaffffffff9p+17, 0x1.00f3fffffffe4p+16,
		0x1.d32ffffffffe2p+13, 0x1.44fffffffffecp+11,
		0x1.4500000000028p+8, 0x1.9ffffffffffd7p+4,
		0x1.0000000000000p+0,
		/* n = 27 */
		0x1.0000000000000p+0, 0x1.affffffffffcbp+4,
		0x1.5efffffffffa6p+8, 0x1.6da0000000002p+11,
		0x1.1237fffffffbbp+14, 0x1.3b59fffffffc9p+16,
		0x1.21127ffffffbfp+18, 0x1.b19bbffffffc3p+19,
		0x1.0f0157fffffdep+21, 0x1.1e0fa3fffffd8p+22,
		0x1.017479fffffbap+23, 0x1.8de28dfffffb3p+23,
		0x1.0941b3fffffd8p+24, 0x1.3210bbfffffb1p+24,
		0x1.3210bbfffffc4p+24, 0x1.0941b3fffffd8p+24,
		0x1.8de28dfffffccp+23, 0x1.017479fffffcap+23,
		0x1.1e0fa3fffffd8p+22, 0x1.0f0157fffffd6p+21,
		0x1.b19bbffffffd0p+19, 0x1.21127ffffffb6p+18,
		0x1.3b59fffffffc9p+16, 0x1.1237fffffffccp+14,
		0x1.6da0000000002p+11, 0x1.5efffffffffb1p+8,
		0x1.affffffffffcbp+4, 0x1.0000000000000p+0,
		/* n = 28 */
		0x1.0000000000000p+0, 0x1.c000000000065p+4,
		0x1.7a00000000019p+8, 0x1.9980000000004p+11,
		0x1.3fec000000035p+14, 0x1.7fe8000000013p+16,
		0x1.6fe9000000015p+18, 0x1.21127fffffff6p+20,
		0x1.7b6848000002ap+21, 0x1.a590500000018p+22,
		0x1.907c4c0000001p+23, 0x1.47ab84000000ep+24,
		0x1.d032fb0000003p+24, 0x1.1da937ffffff4p+25,
		0x1.3210bc000002ep+25, 0x1.1da9380000006p+25,
		0x1.d032fb0000020p+24, 0x1.47ab84000000ep+24,
		0x1.907c4c000001ap+23, 0x1.a590500000018p+22,
		0x1.7b6848000001ep+21, 0x1.21127ffffffffp+20,
		0x1.6fe900000000ap+18, 0x1.7fe8000000013p+16,
		0x1.3fec000000049p+14, 0x1.9980000000004p+11,
		0x1.7a00000000025p+8, 0x1.c000000000065p+4,
		0x1.0000000000000p+0,
		/* n = 29 */
		0x1.0000000000000p+0, 0x1.d000000000005p+4,
		0x1.9600000000052p+8, 0x1.c8c0000000036p+11,
		0x1.731bfffffffefp+14, 0x1.cfe300000003bp+16,
		0x1.cfe2fffffffe5p+18, 0x1.7d0cc0000000dp+20,
		0x1.05f8c40000000p+22, 0x1.31a23a0000017p+23,
		0x1.31a239ffffffbp+24, 0x1.07f4d5000001bp+25,
		0x1.8bef3f800000cp+25, 0x1.02e15abffffe6p+26,
		0x1.27dcfa000002dp+26, 0x1.27dcfa000002dp+26,
		0x1.02e15ac000006p+26, 0x1.8bef3f800000cp+25,
		0x1.07f4d5000001bp+25, 0x1.31a23a000000ep+24,
		0x1.31a23a0000017p+23, 0x1.05f8c3ffffff8p+22,
		0x1.7d0cc00000019p+20, 0x1.cfe3000000011p+18,
		0x1.cfe3000000075p+16, 0x1.731c000000006p+14,
		0x1.c8c0000000036p+11, 0x1.960000000005ep+8,
		0x1.d000000000005p+4, 0x1.0000000000000p+0,
		/* n = 30 */
		0x1.0000000000000p+0, 0x1.e000000000013p+4,
		0x1.b300000000007p+8, 0x1.fb80000000090p+11,
		0x1.ac34000000028p+14, 0x1.1654ffffffff1p+17,
		0x1.21ede00000033p+19, 0x1.f105800000025p+20,
		0x1.653bf3ffffff8p+22, 0x1.b49e9c0000000p+23,
		0x1.ca73570000010p+24, 0x1.a0c5f20000031p+25,
		0x1.49f20a4000028p+26, 0x1.c8d8fa7ffffebp+26,
		0x1.155f2a6000022p+27, 0x1.27dcfa0000036p+27,
		0x1.155f2a6000033p+27, 0x1.c8d8fa8000007p+26,
		0x1.49f20a4000028p+26, 0x1.a0c5f20000031p+25,
		0x1.ca7357000002dp+24, 0x1.b49e9c0000000p+23,
		0x1.653bf40000019p+22, 0x1.f105800000035p+20,
		0x1.21ede0000004ep+19, 0x1.1655000000013p+17,
		0x1.ac34000000043p+14, 0x1.fb80000000090p+11,
		0x1.b300000000015p+8, 0x1.e000000000013p+4,
		0x1.0000000000000p+0,
	};
	/* clang-format on */

	if (k == 0 || k == n)
		return 1;
	if (k < 0 || n < k)
		return 0;
	if (n <= 20)
		return pascal[n * (n + 1) / 2 + k];
	if (n <= 30)
		return go_choose[n * (n + 1) / 2 - 21 * 22 / 2 + k];
	return go_exp(lchoose(n, k));
}

/* BinomialDist{N: n, P: p}.PMF(k) for an integer k. */
static double
binomial_pmf(long n, double p, long k)
{
	if (k < 0 || k > n)
		return 0;
	/* With p = 1/2 both powers are exact powers of two, so scaling
	 * C(n, k) by 2**-n once is the same double, and much cheaper. */
	if (p == 0.5 && n <= 1000)
		return cstat__choose(n, k) *
		       from_bits((uint64_t)(1023 - n) << 52);
	return cstat__choose(n, k) * go_pow_int(p, k) *
	       go_pow_int(1 - p, n - k);
}

/* NormalDist{mu, sigma}.CDF(x). */
double
cstat__normal_cdf(double mu, double sigma, double x)
{
	return go_erfc(-(x - mu) / (sigma * GO_SQRT2)) / 2;
}

/*
 * NormalDist{mu, sigma}.InvCDF(p): Peter Acklam's rational approximation
 * followed by one step of Newton-Halley refinement.
 */
static double
normal_inv_cdf(double mu, double sigma, double p)
{
	static const double a1 = -3.969683028665376e+01;
	static const double a2 = 2.209460984245205e+02;
	static const double a3 = -2.759285104469687e+02;
	static const double a4 = 1.383577518672690e+02;
	static const double a5 = -3.066479806614716e+01;
	static const double a6 = 2.506628277459239e+00;

	static const double b1 = -5.447609879822406e+01;
	static const double b2 = 1.615858368580409e+02;
	static const double b3 = -1.556989798598866e+02;
	static const double b4 = 6.680131188771972e+01;
	static const double b5 = -1.328068155288572e+01;

	static const double c1 = -7.784894002430293e-03;
	static const double c2 = -3.223964580411365e-01;
	static const double c3 = -2.400758277161838e+00;
	static const double c4 = -2.549732539343734e+00;
	static const double c5 = 4.374664141464968e+00;
	static const double c6 = 2.938163982698783e+00;

	static const double d1 = 7.784695709041462e-03;
	static const double d2 = 3.224671290700398e-01;
	static const double d3 = 2.445134137142996e+00;
	static const double d4 = 3.754408661907416e+00;

	/* Go folds 1 - plow exactly before rounding: spell it out. */
	static const double plow = 0.02425;
	static const double phigh = 0.97575;

	double x;

	if (p < 0 || p > 1)
		return go_nan();
	if (p == 0)
		return -INFINITY;
	if (p == 1)
		return INFINITY;

	if (p < plow) {
		double q = sqrt(-2 * go_log(p));

		x = (((((c1 * q + c2) * q + c3) * q + c4) * q + c5) * q + c6) /
		    ((((d1 * q + d2) * q + d3) * q + d4) * q + 1);
	} else if (phigh < p) {
		double q = sqrt(-2 * go_log(1 - p));

		x = -(((((c1 * q + c2) * q + c3) * q + c4) * q + c5) * q + c6) /
		    ((((d1 * q + d2) * q + d3) * q + d4) * q + 1);
	} else {
		double q = p - 0.5;
		double r = q * q;

		x = (((((a1 * r + a2) * r + a3) * r + a4) * r + a5) * r + a6) *
		    q /
		    (((((b1 * r + b2) * r + b3) * r + b4) * r + b5) * r + 1);
	}

	double e = 0.5 * go_erfc(-x / GO_SQRT2) - p;
	double u = e * sqrt(2 * GO_PI) * go_exp(x * x / 2);

	x = x - u / (1 + x * u / 2);
	return x * sigma + mu;
}

/* ---------------------------------------------------------------------
 * Quantiles and their confidence intervals.
 */

double
cstat__quantile_sorted(const double *x, size_t n, double q)
{
	if (n == 0)
		return go_nan();
	if (q <= 0)
		return x[0];
	if (q >= 1)
		return x[n - 1];

	double big_n = (double)n;
	double pos = 1 / 3.0 + q * (big_n + 1 / 3.0); /* R8 */
	double kf;
	double frac = modf(pos, &kf);
	long k = go_int(kf);

	if (k <= 0)
		return x[0];
	if ((size_t)k >= n)
		return x[n - 1];
	return x[k - 1] + frac * (x[k] - x[k - 1]);
}

double
cstat__median_select(double *x, size_t n)
{
	double big_n = (double)n, kf;
	long k;

	if (n <= 1)
		return cstat__quantile_sorted(x, n, 0.5);
	/* The order statistics cstat__quantile_sorted() reads for q = 0.5. */
	modf(1 / 3.0 + 0.5 * (big_n + 1 / 3.0), &kf);
	k = go_int(kf);
	if (k <= 0)
		k = 1;
	if ((size_t)k >= n)
		k = (long)n - 1;
	select_kth(x, (long)n, k - 1);
	if ((size_t)k < n) {
		long lo = k;

		/* The smallest of those after x[k - 1] is the next one. */
		for (long i = k + 1; i < (long)n; i++)
			if (x[i] < x[lo])
				lo = i;
		swap_at(x, k, lo);
	}
	return cstat__quantile_sorted(x, n, 0.5);
}

/*
 * QuantileCI for n <= 30: start at the lower mode of Binomial(n, q) and add
 * the larger neighbouring probability, the left one on a tie, until the
 * mass reaches the confidence.  [l, r) are gap indices.
 */
static void
quantile_ci_exact(long n, double q, double confidence,
		  struct cstat__quantile_ci_result *res)
{
	long x = go_int(ceil((double)(n + 1) * q) - 1);

	if (q == 0)
		x = 0;

	double accum = binomial_pmf(n, q, x);
	long l = x, r = x + 1;
	double lp = binomial_pmf(n, q, l - 1), rp = binomial_pmf(n, q, r);

	res->ambiguous = rp == accum;
	while (accum < confidence && (lp > 0 || rp > 0)) {
		res->ambiguous = lp == rp;
		if (lp >= rp) {
			accum += lp;
			l--;
			lp = binomial_pmf(n, q, l - 1);
		} else {
			accum += rp;
			r++;
			rp = binomial_pmf(n, q, r);
		}
	}
	res->confidence = accum;
	res->lo_order = l;
	res->hi_order = r;
}

/* Pr[l <= X < r] under the continuity-corrected normal approximation. */
static double
band_confidence(double mu, double sigma, long l, long r)
{
	return cstat__normal_cdf(mu, sigma, (double)r - 0.5) -
	       cstat__normal_cdf(mu, sigma, (double)l - 0.5);
}

/*
 * QuantileCI for n > 30: the symmetric band of the normal approximation
 * rounded out to whole order statistics, then one narrower on the right if
 * that still reaches the confidence.
 */
static void
quantile_ci_normal(long n, double q, double confidence,
		   struct cstat__quantile_ci_result *res)
{
	double mu = (double)n * q;
	double sigma = sqrt((double)n * q * (1 - q));
	double alpha = (1 - confidence) / 2;
	double l1 = normal_inv_cdf(mu, sigma, alpha);
	double r1 = 2 * mu - l1;
	long l = go_int(floor(floor(l1 - 0.5) + 0.5)) + 1;
	long r = go_int(floor(ceil(r1 - 0.5) + 0.5)) + 1;

	res->ambiguous = false;
	res->confidence = band_confidence(mu, sigma, l, r);

	long r_biased = r - 1;
	double a_biased = band_confidence(mu, sigma, l, r_biased);

	if (a_biased >= confidence && a_biased < res->confidence) {
		res->confidence = a_biased;
		res->ambiguous = true;
		r = r_biased;
	}
	if (l <= 0 && r >= n + 1) {
		/* The band covers everything; the normal tails don't count. */
		res->confidence = 1;
		res->ambiguous = false;
	}
	res->lo_order = l;
	res->hi_order = r;
}

void
cstat__quantile_ci_full(size_t n, double q, double confidence,
			struct cstat__quantile_ci_result *res)
{
	long nl = (long)n;

	if (confidence >= 1) {
		res->confidence = 1;
		res->ambiguous = false;
		res->lo_order = 0;
		res->hi_order = nl + 1;
		return;
	}
	if (nl <= QUANTILE_CI_APPROX_THRESHOLD)
		quantile_ci_exact(nl, q, confidence, res);
	else
		quantile_ci_normal(nl, q, confidence, res);
	if (res->lo_order < 0)
		res->lo_order = 0;
	if (res->hi_order > nl + 1)
		res->hi_order = nl + 1;
}

void
cstat__quantile_ci(size_t n, double q, double confidence, long *lo_order,
		   long *hi_order)
{
	struct cstat__quantile_ci_result res;

	cstat__quantile_ci_full(n, q, confidence, &res);
	*lo_order = res.lo_order;
	*hi_order = res.hi_order;
}

/* ---------------------------------------------------------------------
 * Summaries.
 */

void
cstat__median_summary(const double *sorted, size_t n, double confidence,
		      double *center, double *lo, double *hi)
{
	long lo_order, hi_order;

	cstat__quantile_ci(n, 0.5, confidence, &lo_order, &hi_order);
	*center = cstat__quantile_sorted(sorted, n, 0.5);
	if (lo_order < 1 || (size_t)lo_order > n)
		*lo = -INFINITY;
	else
		*lo = sorted[lo_order - 1];
	/* hi_order < 1 only comes from a NaN confidence, where Go panics. */
	if (hi_order < 1 || (size_t)hi_order > n)
		*hi = INFINITY;
	else
		*hi = sorted[hi_order - 1];
}

void
cstat__mode_summary(const double *sorted, size_t n, double *center, double *lo,
		    double *hi)
{
	if (n == 0) {
		*center = *lo = *hi = go_nan();
		return;
	}

	double val = sorted[0], mode_val = val;
	size_t count = 1, mode_count = 1;

	for (size_t i = 1; i < n; i++) {
		if (sorted[i] == val) {
			count++;
			/* Strictly greater: ties go to the earlier run. */
			if (count > mode_count) {
				mode_val = val;
				mode_count = count;
			}
		} else {
			val = sorted[i];
			count = 1;
		}
	}
	*center = mode_val;
	*lo = sorted[0];
	*hi = sorted[n - 1];
}

double
cstat__geomean(const double *x, size_t n)
{
	if (n == 0)
		return go_nan();

	double m = 0.0;

	for (size_t i = 0; i < n; i++) {
		/* Go tests x <= 0, which lets a NaN through to log(). */
		if (x[i] <= 0)
			return go_nan();
		m += (go_log(x[i]) - m) / (double)(i + 1);
	}
	return go_exp(m);
}

int
cstat__median_samples(double confidence)
{
	const int limit = 50;

	/* An interval needs at least two samples. */
	for (int n = 2; n <= limit; n++) {
		long lo, hi;

		cstat__quantile_ci((size_t)n, 0.5, confidence, &lo, &hi);
		if (0 < lo && hi <= n)
			return n;
	}
	return -1;
}

int
cstat__utest_samples(double alpha)
{
	/* uTestMinP[n]: the smallest p-value of a U test of two samples of
	 * size n (benchmath, generated by mktables.go). */
	static const double min_p[10] = {
		0, /* unused */
		1,
		0.3333333333333333,
		0.1,
		0.02857142857142857,
		0.007936507936507936,
		0.0021645021645021645,
		0.0005827505827505828,
		0.0001554001554001554,
		4.113533525298231e-05,
	};

	for (int n = 1; n < 10; n++)
		if (min_p[n] <= alpha)
			return n;
	return -1;
}
