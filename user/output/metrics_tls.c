// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* The web config's TLS files checked with GnuTLS before serve starts, then handed to
 * libmicrohttpd from memory. */
#include <stdio.h>
#include <string.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include "output/metrics_tls.h"

static void metrics_tls_priorities(const struct web_config *config, char *out, size_t size)
{
	/* The exporter toolkit's default: nothing older than TLS 1.2. */
	enum web_tls_version min = config->min_version ? config->min_version : WEB_TLS12;
	enum web_tls_version max = config->max_version ? config->max_version : WEB_TLS13;

	snprintf(out, size, "NORMAL:-VERS-ALL%s%s", max >= WEB_TLS13 ? ":+VERS-TLS1.3" : "",
		 min <= WEB_TLS12 ? ":+VERS-TLS1.2" : "");
}

static gnutls_datum_t metrics_tls_datum(const struct web_pem *pem)
{
	gnutls_datum_t datum = { .data = (unsigned char *)pem->text,
				 .size = (unsigned int)pem->size };

	return datum;
}

/* GnuTLS refuses a key that does not belong to the certificate when both are loaded. */
static int metrics_tls_check_pair(gnutls_certificate_credentials_t creds,
				  const struct web_config *config, const char *source, char *why,
				  size_t why_size)
{
	gnutls_datum_t cert = metrics_tls_datum(&config->cert),
		       key = metrics_tls_datum(&config->key);
	int ret = gnutls_certificate_set_x509_key_mem(creds, &cert, &key, GNUTLS_X509_FMT_PEM);

	if (ret == GNUTLS_E_CERTIFICATE_KEY_MISMATCH)
		snprintf(why, why_size, "%s: key_file %s does not match cert_file %s", source,
			 config->key_file, config->cert_file);
	else if (ret < 0)
		snprintf(why, why_size, "%s: cert_file %s or key_file %s: %s", source,
			 config->cert_file, config->key_file, gnutls_strerror(ret));
	return ret < 0 ? -1 : 0;
}

static int metrics_tls_check_ca(gnutls_certificate_credentials_t creds,
				const struct web_config *config, const char *source, char *why,
				size_t why_size)
{
	gnutls_datum_t ca = metrics_tls_datum(&config->client_ca);
	int ret;

	if (!config->client_ca_file)
		return 0;
	ret = gnutls_certificate_set_x509_trust_mem(creds, &ca, GNUTLS_X509_FMT_PEM);
	if (ret > 0)
		return 0;
	snprintf(why, why_size, "%s: client_ca_file %s: %s", source, config->client_ca_file,
		 ret < 0 ? gnutls_strerror(ret) : "no PEM certificate in it");
	return -1;
}

int metrics_tls_check(const struct web_config *config, const char *source, char *why,
		      size_t why_size)
{
	gnutls_certificate_credentials_t creds = NULL;
	gnutls_priority_t priority = NULL;
	char priorities[METRICS_TLS_PRIORITIES_MAX];
	int err = -1;

	if (!config->tls)
		return 0;
	if (MHD_is_feature_supported(MHD_FEATURE_TLS) != MHD_YES) {
		snprintf(why, why_size, "%s: this libmicrohttpd was built without TLS (GnuTLS)",
			 source);
		return -1;
	}
	metrics_tls_priorities(config, priorities, sizeof(priorities));
	if (gnutls_priority_init(&priority, priorities, NULL) < 0) {
		snprintf(why, why_size, "%s: GnuTLS refuses the TLS versions (%s)", source,
			 priorities);
		return -1;
	}
	if (gnutls_certificate_allocate_credentials(&creds) < 0) {
		snprintf(why, why_size, "%s: out of memory", source);
		goto cleanup;
	}
	if (metrics_tls_check_pair(creds, config, source, why, why_size) ||
	    metrics_tls_check_ca(creds, config, source, why, why_size))
		goto cleanup;
	err = 0;
cleanup:
	if (creds)
		gnutls_certificate_free_credentials(creds);
	gnutls_priority_deinit(priority);
	return err;
}

void metrics_tls_options(const struct web_config *config, struct metrics_tls *out)
{
	size_t n = 0;

	memset(out, 0, sizeof(*out));
	out->options[0].option = MHD_OPTION_END;
	if (!config || !config->tls)
		return;
	out->flags = MHD_USE_TLS;
	metrics_tls_priorities(config, out->priorities, sizeof(out->priorities));
	out->options[n++] =
		(struct MHD_OptionItem){ MHD_OPTION_HTTPS_MEM_CERT, 0, config->cert.text };
	out->options[n++] =
		(struct MHD_OptionItem){ MHD_OPTION_HTTPS_MEM_KEY, 0, config->key.text };
	out->options[n++] =
		(struct MHD_OptionItem){ MHD_OPTION_HTTPS_PRIORITIES, 0, out->priorities };
	/* With a trust list libmicrohttpd asks for a client certificate; metrics_auth checks it
	 * on every request, since a client may send none. */
	if (config->client_auth == WEB_CLIENT_AUTH_REQUIRE_AND_VERIFY)
		out->options[n++] = (struct MHD_OptionItem){ MHD_OPTION_HTTPS_MEM_TRUST, 0,
							     config->client_ca.text };
	out->options[n].option = MHD_OPTION_END;
}
