/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* The `sloprobe report` subcommand. */
#ifndef SLOPROBE_REPORT_CMD_H
#define SLOPROBE_REPORT_CMD_H

/* argv[0] is "report". Returns the process exit status. */
int report_main(int argc, char **argv);

#endif /* SLOPROBE_REPORT_CMD_H */
