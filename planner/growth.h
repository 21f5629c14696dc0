/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* Growth over months and what pods cost: the arithmetic of a plan's outlook. Pure. */
#ifndef SLOPROBE_PLANNER_GROWTH_H
#define SLOPROBE_PLANNER_GROWTH_H

#define GROWTH_HOURS_PER_MONTH 730.0 /* 365 x 24 / 12 */

/* @peak_rps grown by @monthly (0.15: 15%) a month for @month months. */
double growth_rps(double peak_rps, double monthly, unsigned int month);

/*
 * The first month in 0..@months whose rate passes @limit_rps (what today's pods sustain
 * under one limit); -1 when none does, or for bad input.
 */
int growth_break_month(double peak_rps, double monthly, unsigned int months, double limit_rps);

/* A month of @pods pods, each requesting @cores and @mib, at prices per core-hour and
 * GiB-hour; -1 for bad input. */
double growth_cost_per_month(unsigned int pods, double cores, double mib, double core_hour,
			     double gib_hour);

#endif /* SLOPROBE_PLANNER_GROWTH_H */
