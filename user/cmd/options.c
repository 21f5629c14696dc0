/* Number parsers shared by every subcommand's flags: strict, with one clear error line. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cmd/top_options.h"

/* A week: anything longer is a typo, and keeps every later multiplication finite. */
#define OPTION_MAX_SECONDS (7 * 24 * 3600.0)

int option_parse_seconds(const char *flag, const char *text, double *out)
{
	char *end;
	double value;

	errno = 0;
	value = strtod(text, &end);
	if (errno || end == text || *end != '\0' || !isfinite(value) || value <= 0 ||
	    value > OPTION_MAX_SECONDS) {
		fprintf(stderr, "sloprobe: %s: '%s' is not a number of seconds in (0, %.0f]\n",
			flag, text, OPTION_MAX_SECONDS);
		return -1;
	}
	/* Below a millisecond the window would be shorter than one read of the maps. */
	if (value < 0.01) {
		fprintf(stderr, "sloprobe: %s: '%s' is shorter than the 0.01 s minimum\n", flag,
			text);
		return -1;
	}
	*out = value;
	return 0;
}

static int option_parse_long(const char *text, long min, long max, long *out)
{
	char *end;
	long value;

	errno = 0;
	value = strtol(text, &end, 10);
	if (errno || end == text || *end != '\0' || value < min || value > max)
		return -1;
	*out = value;
	return 0;
}

int option_parse_ports(const char *flag, const char *text, unsigned int *ports, int *count, int max)
{
	char *copy = strdup(text), *token, *save = NULL;
	int err = 0, before = *count;
	long port;

	if (!copy) {
		fprintf(stderr, "sloprobe: out of memory\n");
		return -1;
	}
	for (token = strtok_r(copy, ",", &save); token; token = strtok_r(NULL, ",", &save)) {
		if (option_parse_long(token, 1, 65535, &port)) {
			fprintf(stderr, "sloprobe: %s: '%s' is not a port number (1-65535)\n", flag,
				token);
			err = -1;
			goto cleanup;
		}
		if (*count == max) {
			fprintf(stderr, "sloprobe: %s: more than %d ports\n", flag, max);
			err = -1;
			goto cleanup;
		}
		ports[(*count)++] = (unsigned int)port;
	}
	if (*count == before) {
		fprintf(stderr, "sloprobe: %s: '%s' names no port\n", flag, text);
		err = -1;
	}
cleanup:
	free(copy);
	return err;
}

int option_parse_count(const char *flag, const char *text, long min, long max, long *out)
{
	if (option_parse_long(text, min, max, out)) {
		fprintf(stderr, "sloprobe: %s: '%s' is not a whole number from %ld to %ld\n", flag,
			text, min, max);
		return -1;
	}
	return 0;
}

int option_parse_pid(const char *flag, const char *text, int *out)
{
	long pid;

	if (option_parse_long(text, 1, 0x3fffffff, &pid)) {
		fprintf(stderr, "sloprobe: %s: '%s' is not a process id\n", flag, text);
		return -1;
	}
	*out = (int)pid;
	return 0;
}
