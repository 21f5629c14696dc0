// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* Per-request checks of serve: the client certificate against the client CA, and basic auth
 * passwords against bcrypt hashes, with recent successes remembered because bcrypt is slow. */
#include <crypt.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <gnutls/crypto.h>
#include <gnutls/x509.h>
#include <gnutls/gnutls.h>
#include "base/clock.h"
#include "output/metrics_auth.h"

/* A scrape every 15 s pays bcrypt (50-100 ms at cost 10) about once a minute, not each time;
 * a password removed from the file stops working at the next restart anyway. */
#define METRICS_AUTH_CACHE_SECONDS 60.0
#define METRICS_AUTH_CACHE_SLOTS 16
#define METRICS_AUTH_DIGEST_BYTES 32 /* SHA-256 */
#define METRICS_AUTH_SALT_BYTES 16

/* A (user, password) pair that passed, kept only as a salted digest. */
struct metrics_auth_slot {
	unsigned char digest[METRICS_AUTH_DIGEST_BYTES];
	double expires_s; /* CLOCK_MONOTONIC; 0: empty */
};

struct metrics_auth {
	const struct web_config *config;
	pthread_mutex_t lock; /* over the slots */
	unsigned char salt[METRICS_AUTH_SALT_BYTES];
	struct metrics_auth_slot slots[METRICS_AUTH_CACHE_SLOTS];
};

struct metrics_auth *metrics_auth_new(const struct web_config *config)
{
	unsigned char salt[METRICS_AUTH_SALT_BYTES];
	struct metrics_auth *auth;

	/* Per process, so a digest in a core dump cannot be matched against a word list made
	 * in advance. */
	if (gnutls_rnd(GNUTLS_RND_NONCE, salt, sizeof(salt)) < 0)
		return NULL;
	auth = calloc(1, sizeof(*auth));
	if (!auth)
		return NULL;
	auth->config = config;
	memcpy(auth->salt, salt, sizeof(salt));
	pthread_mutex_init(&auth->lock, NULL);
	return auth;
}

void metrics_auth_free(struct metrics_auth *auth)
{
	if (!auth)
		return;
	pthread_mutex_destroy(&auth->lock);
	explicit_bzero(auth, sizeof(*auth));
	free(auth);
}

/* Time independent of where two equal-length buffers differ. */
static bool metrics_auth_equal(const void *a, const void *b, size_t size)
{
	const volatile unsigned char *x = a, *y = b;
	unsigned char diff = 0;
	size_t i;

	for (i = 0; i < size; i++)
		diff |= x[i] ^ y[i];
	return diff == 0;
}

/* Valid certificates only, and only those meant for TLS clients (when they say). */
static bool metrics_auth_client_verified(struct MHD_Connection *connection)
{
	const union MHD_ConnectionInfo *info =
		MHD_get_connection_info(connection, MHD_CONNECTION_INFO_GNUTLS_SESSION);
	gnutls_typed_vdata_st purpose = { .type = GNUTLS_DT_KEY_PURPOSE_OID,
					  .data = (unsigned char *)GNUTLS_KP_TLS_WWW_CLIENT };
	unsigned int status = 0;

	if (!info || !info->tls_session)
		return false;
	/* Fails with GNUTLS_E_NO_CERTIFICATE_FOUND when the client sent none. */
	if (gnutls_certificate_verify_peers((gnutls_session_t)info->tls_session, &purpose, 1,
					    &status) < 0)
		return false;
	return status == 0;
}

/* SHA-256 of the salt, the user with its NUL ("ab"+"c" is not "a"+"bc") and the password. */
static int metrics_auth_digest(const struct metrics_auth *auth, const char *user,
			       const char *password, unsigned char *out)
{
	gnutls_hash_hd_t hash;

	if (gnutls_hash_init(&hash, GNUTLS_DIG_SHA256) < 0)
		return -1;
	if (gnutls_hash(hash, auth->salt, sizeof(auth->salt)) < 0 ||
	    gnutls_hash(hash, user, strlen(user) + 1) < 0 ||
	    gnutls_hash(hash, password, strlen(password)) < 0) {
		gnutls_hash_deinit(hash, NULL);
		return -1;
	}
	gnutls_hash_deinit(hash, out);
	return 0;
}

static bool metrics_auth_cached(struct metrics_auth *auth, const unsigned char *digest, double now)
{
	bool hit = false;
	int i;

	pthread_mutex_lock(&auth->lock);
	for (i = 0; i < METRICS_AUTH_CACHE_SLOTS; i++) {
		if (auth->slots[i].expires_s > now &&
		    metrics_auth_equal(auth->slots[i].digest, digest, METRICS_AUTH_DIGEST_BYTES))
			hit = true;
	}
	pthread_mutex_unlock(&auth->lock);
	return hit;
}

/* Into an expired slot, else over the one closest to expiring. */
static void metrics_auth_remember(struct metrics_auth *auth, const unsigned char *digest,
				  double now)
{
	int i, oldest = 0;

	pthread_mutex_lock(&auth->lock);
	for (i = 1; i < METRICS_AUTH_CACHE_SLOTS; i++) {
		if (auth->slots[i].expires_s < auth->slots[oldest].expires_s)
			oldest = i;
	}
	memcpy(auth->slots[oldest].digest, digest, METRICS_AUTH_DIGEST_BYTES);
	auth->slots[oldest].expires_s = now + METRICS_AUTH_CACHE_SECONDS;
	pthread_mutex_unlock(&auth->lock);
}

static bool metrics_auth_bcrypt(const char *password, const char *hash)
{
	struct crypt_data *data = calloc(1, sizeof(*data));
	const char *out;
	bool ok = false;

	if (!data)
		return false;
	out = crypt_rn(password, hash, data, sizeof(*data));
	if (out && strlen(out) == WEB_CONFIG_BCRYPT_LEN)
		ok = metrics_auth_equal(out, hash, WEB_CONFIG_BCRYPT_LEN);
	explicit_bzero(data, sizeof(*data));
	free(data);
	return ok;
}

static bool metrics_auth_password_ok(struct metrics_auth *auth, const char *user,
				     const char *password)
{
	const struct web_config *config = auth->config;
	const struct web_user *found = NULL;
	unsigned char digest[METRICS_AUTH_DIGEST_BYTES];
	double now = clock_seconds(CLOCK_MONOTONIC);
	bool have_digest, ok;
	size_t i;

	for (i = 0; i < config->user_count; i++) {
		if (!strcmp(config->users[i].name, user))
			found = &config->users[i];
	}
	have_digest = !metrics_auth_digest(auth, user, password, digest);
	if (found && have_digest && metrics_auth_cached(auth, digest, now))
		return true;
	/* An unknown user costs a bcrypt too, so timing does not tell which users exist. */
	ok = metrics_auth_bcrypt(password, found ? found->hash : config->users[0].hash) && found;
	if (ok && have_digest)
		metrics_auth_remember(auth, digest, now);
	return ok;
}

static bool metrics_auth_user_ok(struct metrics_auth *auth, struct MHD_Connection *connection)
{
	char *password = NULL;
	char *user = MHD_basic_auth_get_username_password(connection, &password);
	bool ok = user && password && metrics_auth_password_ok(auth, user, password);

	if (password) {
		explicit_bzero(password, strlen(password));
		MHD_free(password);
	}
	if (user)
		MHD_free(user);
	return ok;
}

unsigned int metrics_auth_check(struct metrics_auth *auth, struct MHD_Connection *connection)
{
	if (!auth)
		return 0;
	if (auth->config->client_auth == WEB_CLIENT_AUTH_REQUIRE_AND_VERIFY &&
	    !metrics_auth_client_verified(connection))
		return MHD_HTTP_FORBIDDEN;
	if (auth->config->user_count && !metrics_auth_user_ok(auth, connection))
		return MHD_HTTP_UNAUTHORIZED;
	return 0;
}
