/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* The `sloprobe plan` subcommand. */
#ifndef SLOPROBE_PLAN_CMD_H
#define SLOPROBE_PLAN_CMD_H

/* argv[0] is "plan". Returns the process exit status. */
int plan_main(int argc, char **argv);

#endif /* SLOPROBE_PLAN_CMD_H */
