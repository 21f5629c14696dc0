/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* The sloprobe release, as captures and the Prometheus build_info metric report it. */
#ifndef SLOPROBE_VERSION_H
#define SLOPROBE_VERSION_H

#define SLOPROBE_VERSION "0.1.0"

#endif /* SLOPROBE_VERSION_H */
