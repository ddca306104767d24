/*
 * plotframe.h - the frame of the analyses' SVG plots (-correlate's
 * scatter plots and -scaling's log-log plots): data bounds mapped onto
 * x 60..460 and y 20..260 of a 480 x 300 picture, y growing upwards.
 * Private.
 */
#ifndef CSTAT_PLOTFRAME_H
#define CSTAT_PLOTFRAME_H

/* The data bounds the plot area shows. */
struct frame {
	double x0, x1, y0, y1;
};

/* x's place across the plot area. */
static inline double
px(const struct frame *f, double x)
{
	return 60 + 400 * (x - f->x0) / (f->x1 - f->x0);
}

/* y's place down the plot area (larger y higher). */
static inline double
py(const struct frame *f, double y)
{
	return 260 - 240 * (y - f->y0) / (f->y1 - f->y0);
}

#endif
