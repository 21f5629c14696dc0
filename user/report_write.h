/* Writers of `sloprobe report`: each takes the finished report and only formats it. */
#ifndef SLOPROBE_REPORT_WRITE_H
#define SLOPROBE_REPORT_WRITE_H

#include <stdbool.h>
#include <stdio.h>
#include "report_model.h"

void report_write_text(FILE *out, const struct report *report, bool markdown);
int report_write_json(FILE *out, const struct report *report);

#endif /* SLOPROBE_REPORT_WRITE_H */
