/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * A projection's outlook beyond its one rate: pods as a range (low/mid/high values), cost per
 * month (with a price), and for a growth rate the pods month by month and the month each
 * judged target breaks at today's pod count.
 */
#ifndef SLOPROBE_PLAN_GROWTH_H
#define SLOPROBE_PLAN_GROWTH_H

#include <stdbool.h>
#include "analysis/plan_compute.h"

struct plan_month {
	unsigned int month; /* 0: today's peak */
	char label[24];	    /* "2027-03": the calendar month, counted from the captures */
	double rps;
	struct sizing sizing;
	double cost; /* per month; 0 without a price */
};

/* One limit of today's pods under growth. */
struct plan_break {
	bool capacity; /* the plan's capacity (every limit); else one target: */
	int part;      /* the target's part (-1: the response time) */
	enum plan_quantile quantile;
	double limit_rps; /* what today's pods sustain under it, all serving */
	int month;	  /* the first month past it; -1: not within the months */
	char label[24];
};

struct plan_outlook {
	bool ranged;
	double rps_low, rps_high;
	struct sizing low, high;
	bool priced;
	double cost, cost_low, cost_high; /* per month */
	struct plan_month *months;	  /* growth only */
	size_t nmonths;
	unsigned int today_pods; /* growth: the plan's pods at today's measured peak */
	struct plan_break *breaks;
	size_t nbreaks;
};

/* @r's outlook, when it has a range, a price or a growth; NULL otherwise. 0 or -ENOMEM. */
int plan_outlook_of(const struct plan *plan, const struct plan_service *ps,
		    struct plan_projection_result *r);
void plan_outlook_free(struct plan_outlook *outlook);

#endif /* SLOPROBE_PLAN_GROWTH_H */
