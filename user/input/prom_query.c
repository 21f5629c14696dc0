// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* What `plan --prometheus` asks Prometheus: its range, its selector, the query in a URL. */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "input/prom_query.h"

int prom_duration_parse(const char *text, double *seconds)
{
	static const char units[] = "smhdw";
	static const double unit_s[] = { 1, 60, 3600, 86400, 7 * 86400 };
	size_t digits = strspn(text, "0123456789");
	const char *unit;
	double value = 0;
	size_t i;

	/* No sign, no leading zero, no fraction, no blank: one spelling of each range. */
	if (digits == 0 || digits > 7 || text[0] == '0' || !text[digits] || text[digits + 1])
		return -1;
	unit = strchr(units, text[digits]);
	if (!unit)
		return -1;
	for (i = 0; i < digits; i++)
		value = value * 10 + (text[i] - '0');
	value *= unit_s[unit - units];
	if (value > PROM_RANGE_MAX_S)
		return -1;
	*seconds = value;
	return 0;
}

int prom_match_parse(const char *text, char *inner, size_t size, char *why, size_t why_size)
{
	size_t len = strlen(text), i;

	if (len >= 2 && text[0] == '{' && text[len - 1] == '}') {
		text++;
		len -= 2;
	}
	if (len == 0 || len > PROM_MATCH_MAX || len >= size) {
		snprintf(why, why_size, "--match: %s, e.g. 'job=\"sloprobe\"'",
			 len ? "longer than 512 bytes" : "empty");
		return -1;
	}
	for (i = 0; i < len; i++)
		if ((unsigned char)text[i] < 0x20 || text[i] == 0x7f || text[i] == '{' ||
		    text[i] == '}') {
			snprintf(why, why_size,
				 "--match: label matchers only (no braces inside, no control "
				 "bytes), e.g. 'job=\"sloprobe\",env=\"prod\"'");
			return -1;
		}
	memcpy(inner, text, len);
	inner[len] = '\0';
	return 0;
}

double prom_step_for(double range_s)
{
	double step = range_s / PROM_MAX_STEPS;

	if (range_s < 600)
		step = fmax(range_s / 6, PROM_MIN_STEP_S);
	else if (step < 60)
		step = 60;
	return ceil(step);
}

int prom_selector(const char *inner, char *buf, size_t size)
{
	int n = snprintf(buf, size,
			 "{__name__=~\"sloprobe_(request_duration_seconds_(bucket|sum)|"
			 "connections_active|process_cpu_seconds_total|"
			 "process_resident_memory_bytes|service_listening|inflight_seconds_total|"
			 "inflight_requests_peak)\",route=\"\"%s%s}",
			 inner[0] ? "," : "", inner);

	return n < 0 || (size_t)n >= size ? -1 : 0;
}

int prom_match_instance(const char *inner, const char *instance, char *buf, size_t size)
{
	int n = snprintf(buf, size, "%s%sinstance=\"", inner, inner[0] ? "," : "");
	size_t used;

	if (n < 0 || (size_t)n >= size)
		return -1;
	for (used = (size_t)n; *instance; instance++) {
		const char *escaped = *instance == '\\'	  ? "\\\\"
				      : *instance == '"'  ? "\\\""
				      : *instance == '\n' ? "\\n"
							  : NULL;
		size_t len = escaped ? 2 : 1;

		if (used + len + 2 > size)
			return -1;
		if (escaped)
			memcpy(buf + used, escaped, 2);
		else
			buf[used] = *instance;
		used += len;
	}
	memcpy(buf + used, "\"", 2);
	return 0;
}

int prom_threads_query(const char *inner, double step_s, char *buf, size_t size)
{
	int n = snprintf(buf, size,
			 "label_replace(max_over_time(sloprobe_serving_threads{%s}[%.0fs]), "
			 "\"__name__\", \"sloprobe_serving_threads\", \"\", \"\")",
			 inner, step_s);

	return n < 0 || (size_t)n >= size ? -1 : 0;
}

int prom_url_encode(const char *text, char *buf, size_t size)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t used = 0;

	for (; *text; text++) {
		unsigned char c = (unsigned char)*text;

		if (used + 4 > size)
			return -1;
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    strchr("-._~", c)) {
			buf[used++] = (char)c;
			continue;
		}
		buf[used++] = '%';
		buf[used++] = hex[c >> 4];
		buf[used++] = hex[c & 15];
	}
	buf[used] = '\0';
	return 0;
}
