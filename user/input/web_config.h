/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* `serve --web-config FILE`: the Prometheus exporters' web configuration (TLS, basic auth). */
#ifndef SLOPROBE_WEB_CONFIG_H
#define SLOPROBE_WEB_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

/* A bcrypt hash: "$2b$", two cost digits, "$", 22 salt and 31 hash characters. */
#define WEB_CONFIG_BCRYPT_LEN 60
#define WEB_CONFIG_WHY_MAX 512

enum web_client_auth {
	WEB_CLIENT_AUTH_NONE,		    /* NoClientCert */
	WEB_CLIENT_AUTH_REQUIRE_AND_VERIFY, /* RequireAndVerifyClientCert */
};

/* In order: a minimum above the maximum is refused by comparing them. */
enum web_tls_version {
	WEB_TLS_DEFAULT = 0, /* not set: TLS 1.2 as the lowest, TLS 1.3 as the highest */
	WEB_TLS12,
	WEB_TLS13,
};

struct web_user {
	char *name;
	char hash[WEB_CONFIG_BCRYPT_LEN + 1];
};

/* The contents of a PEM file tls_server_config names, read whole (NUL-terminated). */
struct web_pem {
	char *text;
	size_t size;
};

struct web_config {
	bool tls; /* tls_server_config given: cert_file and key_file are set */
	/* Paths as resolved against the config file's folder; NULL when not given. */
	char *cert_file, *key_file, *client_ca_file;
	enum web_client_auth client_auth;
	enum web_tls_version min_version, max_version;
	struct web_user *users; /* basic_auth_users; none: no authentication */
	size_t user_count;
	/* Filled by web_config_load, not by web_config_parse. */
	struct web_pem cert, key, client_ca;
};

/*
 * Parses @size bytes of YAML @text, the content of the file @source, into @out, strictly:
 * unknown keys, wrong types, empty values, hashes that are not bcrypt, duplicate users and
 * a client_ca_file without RequireAndVerifyClientCert (or the reverse) are refused. Relative
 * paths are resolved against @source's folder. Returns 0, or -1 with one line in @why
 * ("SOURCE: YAML.PATH: problem"); @out is then empty. Reads no file.
 */
int web_config_parse(const char *text, size_t size, const char *source, struct web_config *out,
		     char *why, size_t why_size);

/* Reads @path, parses it, and reads the PEM files it names into @out: 0, or -1 with @why. */
int web_config_load(const char *path, struct web_config *out, char *why, size_t why_size);

/* Whether @hash has bcrypt's shape ($2a$, $2b$ or $2y$, cost 04 to 31, 53 characters). */
bool web_config_is_bcrypt(const char *hash);

void web_config_free(struct web_config *config);

#endif /* SLOPROBE_WEB_CONFIG_H */
