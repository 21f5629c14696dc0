/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* `sloprobe report`'s flags, parsed apart from running the report so they can be fuzzed alone. */
#ifndef SLOPROBE_REPORT_OPTIONS_H
#define SLOPROBE_REPORT_OPTIONS_H

#include <stdbool.h>
#include "cmd/options.h"

enum report_format { FORMAT_TEXT, FORMAT_JSON, FORMAT_MARKDOWN, FORMAT_HTML };

struct report_options {
	const char *slo_path;
	const char *output_path;
	enum report_format format;
	bool windows;
	char **files;
	int nfiles;
};

/* argv[0] is "report". */
enum options_result report_options_parse(int argc, char **argv, struct report_options *out);

#endif /* SLOPROBE_REPORT_OPTIONS_H */
