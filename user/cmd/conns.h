/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* `sloprobe conns`: who holds the connections of each service, from one walk of the sockets. */
#ifndef SLOPROBE_CONNS_H
#define SLOPROBE_CONNS_H

/* argv[0] is "conns". Returns the exit status: 0, 1 (failed while running) or 2 (bad input). */
int conns_main(int argc, char **argv);

#endif /* SLOPROBE_CONNS_H */
