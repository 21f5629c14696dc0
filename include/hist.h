/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* Log-linear latency histogram bucket math, shared by the BPF programs and userspace. */
#ifndef SLOPROBE_HIST_H
#define SLOPROBE_HIST_H

/*
 * Values are microseconds. Values below 2^HIST_SUB_BITS get one bucket each; every power-of-two
 * range [2^k, 2^(k+1)) above that is split into 2^HIST_SUB_BITS equal sub-buckets, so a bucket
 * is at most 1/64 (1.6%) of its lower edge wide. The last power range ends at 2^27 us (134 s),
 * above the 100 s the design asks for; anything larger lands in the overflow bucket.
 */
#define HIST_SUB_BITS 6
#define HIST_SUB_COUNT (1U << HIST_SUB_BITS)
#define HIST_MAX_POWER 26
#define HIST_POWER_RANGES (HIST_MAX_POWER - HIST_SUB_BITS + 1)
#define HIST_OVERFLOW_BUCKET (HIST_SUB_COUNT + HIST_POWER_RANGES * HIST_SUB_COUNT)
#define HIST_BUCKETS (HIST_OVERFLOW_BUCKET + 1)
#define HIST_OVERFLOW_US (1ULL << (HIST_MAX_POWER + 1))

#ifndef __always_inline
#define __always_inline inline __attribute__((always_inline))
#endif

/* Index of the highest set bit; branchy halving because the BPF side has no loops to spare. */
static __always_inline unsigned int hist_log2(unsigned long long v)
{
	unsigned int r = 0;

	if (v >> 32) {
		v >>= 32;
		r += 32;
	}
	if (v >> 16) {
		v >>= 16;
		r += 16;
	}
	if (v >> 8) {
		v >>= 8;
		r += 8;
	}
	if (v >> 4) {
		v >>= 4;
		r += 4;
	}
	if (v >> 2) {
		v >>= 2;
		r += 2;
	}
	if (v >> 1)
		r += 1;
	return r;
}

/*
 * @ns in whole microseconds, as ns / 1000: a multiply and a shift below 2^32 ns (4.29 s), where
 * the BPF side's 64-bit division takes tens of cycles. Exact there: 274877907 * 1000 is
 * 2^38 + 56, so ns * 274877907 / 2^38 is ns / 1000 plus less than 2^32 * 56 / (1000 * 2^38),
 * under 1/1000, and ns / 1000's fraction is at most 999/1000: the floor is the quotient.
 * Longer spans, rare, divide.
 */
static __always_inline unsigned long long hist_ns_to_us(unsigned long long ns)
{
	return ns < (1ULL << 32) ? (ns * 274877907ULL) >> 38 : ns / 1000;
}

/*
 * A log-linear layout with 2^@bits sub-buckets per power of two, overflowing at
 * HIST_OVERFLOW_US into bucket @overflow: the latency and the phase histograms differ only in
 * @bits. Called with constants, so the BPF side inlines plain arithmetic.
 */
static __always_inline unsigned int loglin_index(unsigned long long value_us, unsigned int bits,
						 unsigned int overflow)
{
	unsigned int power, sub;

	if (value_us < (1ULL << bits))
		return (unsigned int)value_us;
	if (value_us >= HIST_OVERFLOW_US)
		return overflow;
	power = hist_log2(value_us);
	sub = (unsigned int)(value_us >> (power - bits)) - (1U << bits);
	return (1U << bits) + (power - bits) * (1U << bits) + sub;
}

static inline unsigned long long loglin_lower_us(unsigned int index, unsigned int bits,
						 unsigned int overflow)
{
	unsigned int power, sub;

	if (index < (1U << bits))
		return index;
	if (index >= overflow)
		return HIST_OVERFLOW_US;
	power = (index - (1U << bits)) / (1U << bits) + bits;
	sub = (index - (1U << bits)) % (1U << bits);
	return (unsigned long long)((1U << bits) + sub) << (power - bits);
}

static __always_inline unsigned int hist_bucket_index(unsigned long long value_us)
{
	return loglin_index(value_us, HIST_SUB_BITS, HIST_OVERFLOW_BUCKET);
}

/* Smallest value that lands in bucket @index. */
static inline unsigned long long hist_bucket_lower_us(unsigned int index)
{
	return loglin_lower_us(index, HIST_SUB_BITS, HIST_OVERFLOW_BUCKET);
}

/* One past the largest value of bucket @index; the overflow bucket has no upper edge. */
static inline unsigned long long hist_bucket_upper_us(unsigned int index)
{
	if (index >= HIST_OVERFLOW_BUCKET)
		return ~0ULL;
	return hist_bucket_lower_us(index + 1);
}

/*
 * The phases of a request (receive-queue wait, server time, send time) get a coarser layout of
 * the same shape: 4 sub-buckets per power of two (a bucket at most 25% of its lower edge wide),
 * 1 us to 134 s, 105 buckets; per service and CPU that is 420 bytes a phase, not 5.6 KiB.
 */
#define PHASE_SUB_BITS 2
#define PHASE_SUB_COUNT (1U << PHASE_SUB_BITS)
#define PHASE_POWER_RANGES (HIST_MAX_POWER - PHASE_SUB_BITS + 1)
#define PHASE_OVERFLOW_BUCKET (PHASE_SUB_COUNT + PHASE_POWER_RANGES * PHASE_SUB_COUNT)
#define PHASE_BUCKETS (PHASE_OVERFLOW_BUCKET + 1)

static __always_inline unsigned int phase_bucket_index(unsigned long long value_us)
{
	return loglin_index(value_us, PHASE_SUB_BITS, PHASE_OVERFLOW_BUCKET);
}

static inline unsigned long long phase_bucket_lower_us(unsigned int index)
{
	return loglin_lower_us(index, PHASE_SUB_BITS, PHASE_OVERFLOW_BUCKET);
}

#endif /* SLOPROBE_HIST_H */
