// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* The exporters' web configuration file, parsed strictly with libyaml's document API, and the
 * PEM files it names read into memory. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>
#include "input/json_input.h"
#include "input/web_config.h"

/* Longer values are not paths or user names anyone writes; refusing them keeps messages short. */
#define WEB_MAX_PATH 4096
#define WEB_MAX_USER 256
#define WEB_QUOTE_MAX 40
#define WEB_YAML_PATH_MAX 128
/* A web config is three levels deep; a little room for YAML written oddly. */
#define WEB_MAX_DEPTH 16

struct web_parse {
	yaml_document_t *doc;
	const char *source;
	char *why;
	size_t why_size;
	struct web_config *out;
};

static int web_fail_text(const struct web_parse *p, const char *path, const char *text)
{
	if (p->why && p->why_size)
		snprintf(p->why, p->why_size, "%s: %s: %s", p->source, path, text);
	return -1;
}

/* A macro for the reason json_fail is one (clang-tidy and va_start). */
#define web_fail(p, path, ...)                                                                     \
	({                                                                                         \
		char web_fail_text_[256];                                                          \
                                                                                                   \
		snprintf(web_fail_text_, sizeof(web_fail_text_), __VA_ARGS__);                     \
		web_fail_text(p, path, web_fail_text_);                                            \
	})

/* A user's text on one line of a message: shortened, anything but printable ASCII as '?'. */
static void web_quote(const char *text, size_t len, char *buf, size_t size)
{
	size_t i, n = len < WEB_QUOTE_MAX ? len : WEB_QUOTE_MAX;

	if (n >= size)
		n = size - 1;
	for (i = 0; i < n; i++)
		buf[i] = text[i] >= 0x20 && text[i] < 0x7f ? text[i] : '?';
	buf[n] = '\0';
	if (n < len && n + 3 < size)
		memcpy(buf + n, "...", 4);
}

static const char *web_kind(const yaml_node_t *node)
{
	if (node->type == YAML_MAPPING_NODE)
		return "a mapping";
	return node->type == YAML_SEQUENCE_NODE ? "a list" : "a scalar";
}

/* "key: ~", "key: null" and "key:" alike: YAML's null, which sloprobe never takes as a value. */
static bool web_is_null(const yaml_node_t *node)
{
	static const char *const nulls[] = { "", "~", "null", "Null", "NULL" };
	size_t i;

	if (node->type != YAML_SCALAR_NODE || node->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return false;
	for (i = 0; i < sizeof(nulls) / sizeof(nulls[0]); i++) {
		if (!strcmp((const char *)node->data.scalar.value, nulls[i]))
			return true;
	}
	return false;
}

/* A string value: a scalar without an explicit tag other than !!str, not null, no NUL. */
static int web_string(const struct web_parse *p, const yaml_node_t *node, const char *path,
		      size_t max, const char **out)
{
	const char *value = (const char *)node->data.scalar.value;
	size_t len = node->data.scalar.length;

	if (node->type != YAML_SCALAR_NODE)
		return web_fail(p, path, "must be a string, got %s", web_kind(node));
	if (web_is_null(node) || !len)
		return web_fail(p, path, "empty value");
	if (strcmp((const char *)node->tag, YAML_STR_TAG) != 0)
		return web_fail(p, path, "must be a string, got a value tagged %.40s",
				(const char *)node->tag);
	if (strlen(value) != len)
		return web_fail(p, path, "contains a NUL character");
	if (len > max)
		return web_fail(p, path, "longer than %zu bytes", max);
	*out = value;
	return 0;
}

static int web_mapping(const struct web_parse *p, const yaml_node_t *node, const char *path)
{
	if (web_is_null(node))
		return web_fail(p, path, "empty value (an empty mapping is {})");
	if (node->type != YAML_MAPPING_NODE)
		return web_fail(p, path, "must be a mapping, got %s", web_kind(node));
	if (strcmp((const char *)node->tag, YAML_MAP_TAG) != 0)
		return web_fail(p, path, "must be a mapping, got one tagged %.40s",
				(const char *)node->tag);
	return 0;
}

/*
 * The key of @pair as a string, with "PARENT.KEY" into @path; NULL after refusing a key that is
 * not a plain string or one that appears earlier in the mapping (libyaml keeps both).
 */
static const char *web_key(const struct web_parse *p, const yaml_node_t *map,
			   const yaml_node_pair_t *pair, const char *parent, char *path,
			   size_t path_size)
{
	const yaml_node_t *node = yaml_document_get_node(p->doc, pair->key), *other;
	const yaml_node_pair_t *prev;
	char quoted[WEB_QUOTE_MAX + 4];
	const char *key;

	if (!node || node->type != YAML_SCALAR_NODE || web_is_null(node) ||
	    !node->data.scalar.length) {
		web_fail(p, parent, "every key must be a string");
		return NULL;
	}
	key = (const char *)node->data.scalar.value;
	web_quote(key, node->data.scalar.length, quoted, sizeof(quoted));
	snprintf(path, path_size, "%s%s%s", parent[0] == '(' ? "" : parent,
		 parent[0] == '(' ? "" : ".", quoted);
	if (strlen(key) != node->data.scalar.length) {
		web_fail(p, path, "key contains a NUL character");
		return NULL;
	}
	for (prev = map->data.mapping.pairs.start; prev < pair; prev++) {
		other = yaml_document_get_node(p->doc, prev->key);
		if (other && other->type == YAML_SCALAR_NODE &&
		    !strcmp((const char *)other->data.scalar.value, key)) {
			web_fail(p, path, "duplicate key");
			return NULL;
		}
	}
	return key;
}

/* @value relative to the folder of the config file, as the exporter toolkit resolves it. */
static int web_path(const struct web_parse *p, const yaml_node_t *node, const char *path,
		    char **out)
{
	const char *value, *slash = strrchr(p->source, '/');
	int dir_len = slash ? (int)(slash - p->source) + 1 : 0;

	if (web_string(p, node, path, WEB_MAX_PATH, &value))
		return -1;
	if (value[0] == '/')
		dir_len = 0;
	if (asprintf(out, "%.*s%s", dir_len, p->source, value) < 0) {
		*out = NULL;
		return web_fail(p, path, "out of memory");
	}
	return 0;
}

/* The index of @value among @names, else -1 after a message listing @accepted. */
static int web_choice(const struct web_parse *p, const yaml_node_t *node, const char *path,
		      const char *const *names, int count, const char *const *unsupported,
		      const char *accepted)
{
	const char *value;
	char quoted[WEB_QUOTE_MAX + 4];
	int i;

	if (web_string(p, node, path, WEB_MAX_USER, &value))
		return -1;
	for (i = 0; i < count; i++) {
		if (!strcmp(value, names[i]))
			return i;
	}
	web_quote(value, strlen(value), quoted, sizeof(quoted));
	for (i = 0; unsupported[i]; i++) {
		if (!strcmp(value, unsupported[i]))
			return web_fail(p, path, "%s is not supported by sloprobe (%s)", quoted,
					accepted);
	}
	return web_fail(p, path, "unknown value '%s' (%s)", quoted, accepted);
}

static int web_client_auth(const struct web_parse *p, const yaml_node_t *node, const char *path)
{
	static const char *const names[] = { "NoClientCert", "RequireAndVerifyClientCert" };
	static const char *const unsupported[] = { "RequestClientCert", "RequireAnyClientCert",
						   "VerifyClientCertIfGiven", NULL };
	int i = web_choice(p, node, path, names, 2, unsupported,
			   "NoClientCert or RequireAndVerifyClientCert");

	if (i < 0)
		return -1;
	p->out->client_auth = (enum web_client_auth)i;
	return 0;
}

static int web_version(const struct web_parse *p, const yaml_node_t *node, const char *path,
		       enum web_tls_version *out)
{
	static const char *const names[] = { "TLS12", "TLS13" };
	static const char *const unsupported[] = { "TLS10", "TLS11", NULL };
	int i = web_choice(p, node, path, names, 2, unsupported, "TLS12 or TLS13");

	if (i < 0)
		return -1;
	*out = i ? WEB_TLS13 : WEB_TLS12;
	return 0;
}

static int web_tls_field(const struct web_parse *p, const char *key, const yaml_node_t *value,
			 const char *path)
{
	struct web_config *c = p->out;

	if (!strcmp(key, "cert_file"))
		return web_path(p, value, path, &c->cert_file);
	if (!strcmp(key, "key_file"))
		return web_path(p, value, path, &c->key_file);
	if (!strcmp(key, "client_ca_file"))
		return web_path(p, value, path, &c->client_ca_file);
	if (!strcmp(key, "client_auth_type"))
		return web_client_auth(p, value, path);
	if (!strcmp(key, "min_version"))
		return web_version(p, value, path, &c->min_version);
	if (!strcmp(key, "max_version"))
		return web_version(p, value, path, &c->max_version);
	return web_fail(p, path,
			"unknown key (sloprobe accepts cert_file, key_file, client_auth_type, "
			"client_ca_file, min_version, max_version)");
}

/* What the fields mean together: a certificate and its key, client checks set both ways. */
static int web_tls_check(const struct web_parse *p)
{
	const struct web_config *c = p->out;
	const char *path = "tls_server_config";

	if (!c->cert_file)
		return web_fail(p, path, "cert_file is required");
	if (!c->key_file)
		return web_fail(p, path, "key_file is required");
	if (c->client_ca_file && c->client_auth != WEB_CLIENT_AUTH_REQUIRE_AND_VERIFY)
		return web_fail(p, path,
				"client_ca_file is set but client_auth_type is not "
				"RequireAndVerifyClientCert");
	if (!c->client_ca_file && c->client_auth == WEB_CLIENT_AUTH_REQUIRE_AND_VERIFY)
		return web_fail(p, path,
				"client_auth_type RequireAndVerifyClientCert needs client_ca_file");
	if (c->min_version && c->max_version && c->min_version > c->max_version)
		return web_fail(p, path, "min_version is above max_version");
	return 0;
}

static int web_tls(const struct web_parse *p, const yaml_node_t *map)
{
	const yaml_node_pair_t *pair;
	char path[WEB_YAML_PATH_MAX];
	const char *key;

	if (web_mapping(p, map, "tls_server_config"))
		return -1;
	for (pair = map->data.mapping.pairs.start; pair < map->data.mapping.pairs.top; pair++) {
		key = web_key(p, map, pair, "tls_server_config", path, sizeof(path));
		if (!key ||
		    web_tls_field(p, key, yaml_document_get_node(p->doc, pair->value), path))
			return -1;
	}
	p->out->tls = true;
	return web_tls_check(p);
}

bool web_config_is_bcrypt(const char *hash)
{
	static const char alphabet[] =
		"./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
	int cost;
	size_t i;

	if (strlen(hash) != WEB_CONFIG_BCRYPT_LEN || hash[0] != '$' || hash[1] != '2' ||
	    !strchr("aby", hash[2]) || hash[3] != '$' || hash[6] != '$')
		return false;
	if (hash[4] < '0' || hash[4] > '9' || hash[5] < '0' || hash[5] > '9')
		return false;
	cost = (hash[4] - '0') * 10 + (hash[5] - '0');
	if (cost < 4 || cost > 31)
		return false;
	for (i = 7; i < WEB_CONFIG_BCRYPT_LEN; i++) {
		if (!memchr(alphabet, hash[i], sizeof(alphabet) - 1))
			return false;
	}
	return true;
}

/* One user: a name basic auth can carry (no ':', no control characters) and a bcrypt hash. */
static int web_user(const struct web_parse *p, const char *name, const yaml_node_t *value,
		    const char *path)
{
	struct web_config *c = p->out;
	struct web_user *user;
	const char *hash, *s;

	for (s = name; *s; s++) {
		if (*s == ':' || (unsigned char)*s < 0x20 || *s == 0x7f)
			return web_fail(p, path,
					"a user name cannot hold ':' or control characters");
	}
	if (strlen(name) > WEB_MAX_USER)
		return web_fail(p, path, "user name longer than %d bytes", WEB_MAX_USER);
	if (web_string(p, value, path, WEB_MAX_PATH, &hash))
		return -1;
	if (!web_config_is_bcrypt(hash))
		return web_fail(p, path,
				"not a bcrypt hash ($2a$, $2b$ or $2y$, a cost of 04 to 31, 53 "
				"characters: htpasswd -nbB USER PASSWORD makes one)");
	user = &c->users[c->user_count];
	user->name = strdup(name);
	if (!user->name)
		return web_fail(p, path, "out of memory");
	memcpy(user->hash, hash, sizeof(user->hash));
	c->user_count++;
	return 0;
}

static int web_users(const struct web_parse *p, const yaml_node_t *map)
{
	const yaml_node_pair_t *pair;
	char path[WEB_YAML_PATH_MAX];
	size_t count;
	const char *key;

	if (web_mapping(p, map, "basic_auth_users"))
		return -1;
	count = (size_t)(map->data.mapping.pairs.top - map->data.mapping.pairs.start);
	p->out->users = calloc(count ? count : 1, sizeof(*p->out->users));
	if (!p->out->users)
		return web_fail(p, "basic_auth_users", "out of memory");
	for (pair = map->data.mapping.pairs.start; pair < map->data.mapping.pairs.top; pair++) {
		key = web_key(p, map, pair, "basic_auth_users", path, sizeof(path));
		if (!key)
			return -1;
		if (web_user(p, key, yaml_document_get_node(p->doc, pair->value), path))
			return -1;
	}
	return 0;
}

/* Accepted only empty: HTTP/2 and extra headers are not something serve does. */
static int web_http(const struct web_parse *p, const yaml_node_t *map)
{
	char path[WEB_YAML_PATH_MAX];

	if (web_mapping(p, map, "http_server_config"))
		return -1;
	if (map->data.mapping.pairs.top == map->data.mapping.pairs.start)
		return 0;
	if (!web_key(p, map, map->data.mapping.pairs.start, "http_server_config", path,
		     sizeof(path)))
		return -1;
	return web_fail(p, path,
			"not supported: sloprobe serves HTTP/1.1 without extra headers, so "
			"http_server_config takes no keys");
}

static int web_root(const struct web_parse *p, const yaml_node_t *root)
{
	const yaml_node_pair_t *pair;
	const yaml_node_t *value;
	char path[WEB_YAML_PATH_MAX];
	const char *key;
	int err;

	if (web_mapping(p, root, "(top level)"))
		return -1;
	for (pair = root->data.mapping.pairs.start; pair < root->data.mapping.pairs.top; pair++) {
		key = web_key(p, root, pair, "(top level)", path, sizeof(path));
		if (!key)
			return -1;
		value = yaml_document_get_node(p->doc, pair->value);
		if (!strcmp(key, "tls_server_config"))
			err = web_tls(p, value);
		else if (!strcmp(key, "basic_auth_users"))
			err = web_users(p, value);
		else if (!strcmp(key, "http_server_config"))
			err = web_http(p, value);
		else
			err = web_fail(p, path,
				       "unknown key (sloprobe accepts tls_server_config, "
				       "basic_auth_users, http_server_config)");
		if (err)
			return err;
	}
	return 0;
}

static int web_yaml_error(const struct web_parse *p, const yaml_parser_t *parser)
{
	char where[64];

	snprintf(where, sizeof(where), "line %zu, column %zu", parser->problem_mark.line + 1,
		 parser->problem_mark.column + 1);
	if (parser->error == YAML_READER_ERROR)
		return web_fail(p, "(text)", "not UTF-8 text: %.80s at byte %zu",
				parser->problem ? parser->problem : "unreadable",
				parser->problem_offset);
	return web_fail(p, where, "not valid YAML: %.80s%s%.80s",
			parser->problem ? parser->problem : "cannot parse",
			parser->context ? " " : "", parser->context ? parser->context : "");
}

/*
 * libyaml's scanner costs time in proportion to the nesting depth on every token, so a file of
 * brackets would take minutes: a first pass over the events refuses depth before any loading.
 */
static int web_check_depth(const struct web_parse *p, const char *text, size_t size)
{
	yaml_parser_t parser;
	yaml_event_t event;
	int depth = 0, err = 0;
	bool done = false;

	if (!yaml_parser_initialize(&parser))
		return web_fail(p, "(text)", "out of memory");
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, size);
	while (!done && !err) {
		if (!yaml_parser_parse(&parser, &event)) {
			err = web_yaml_error(p, &parser);
			break;
		}
		if (event.type == YAML_SEQUENCE_START_EVENT ||
		    event.type == YAML_MAPPING_START_EVENT)
			depth++;
		else if (event.type == YAML_SEQUENCE_END_EVENT ||
			 event.type == YAML_MAPPING_END_EVENT)
			depth--;
		done = event.type == YAML_STREAM_END_EVENT;
		if (depth > WEB_MAX_DEPTH)
			err = web_fail(p, "(text)", "nested deeper than %d levels", WEB_MAX_DEPTH);
		yaml_event_delete(&event);
	}
	yaml_parser_delete(&parser);
	return err;
}

/* Loads the one document of @text into @doc; a second document is refused, not ignored. */
static int web_load(const struct web_parse *p, const char *text, size_t size, yaml_document_t *doc)
{
	yaml_document_t next;
	yaml_parser_t parser;
	int err = -1;

	if (web_check_depth(p, text, size))
		return -1;
	if (!yaml_parser_initialize(&parser))
		return web_fail(p, "(text)", "out of memory");
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, size);
	if (!yaml_parser_load(&parser, doc)) {
		web_yaml_error(p, &parser);
		goto cleanup;
	}
	if (!yaml_parser_load(&parser, &next)) {
		web_yaml_error(p, &parser);
		yaml_document_delete(doc);
		goto cleanup;
	}
	err = 0;
	if (yaml_document_get_root_node(&next)) {
		err = web_fail(p, "(text)", "more than one YAML document");
		yaml_document_delete(doc);
	}
	yaml_document_delete(&next);
cleanup:
	yaml_parser_delete(&parser);
	return err;
}

int web_config_parse(const char *text, size_t size, const char *source, struct web_config *out,
		     char *why, size_t why_size)
{
	struct web_parse p = { .source = source, .why = why, .why_size = why_size, .out = out };
	yaml_document_t doc;
	yaml_node_t *root;
	int err;

	memset(out, 0, sizeof(*out));
	if (web_load(&p, text, size, &doc))
		return -1;
	p.doc = &doc;
	root = yaml_document_get_root_node(&doc);
	/* An empty file configures nothing, as for the exporters: plain HTTP, no users. */
	err = root && !web_is_null(root) ? web_root(&p, root) : 0;
	yaml_document_delete(&doc);
	if (err)
		web_config_free(out);
	return err;
}

/* Reads the PEM file at @file (from the config's @key) into @out, naming both when it fails. */
static int web_read_pem(const char *source, const char *key, const char *file, struct web_pem *out,
			char *why, size_t why_size)
{
	char name[WEB_CONFIG_WHY_MAX];
	struct json_input in = { .source = name, .why = why, .why_size = why_size };

	if (!file)
		return 0;
	snprintf(name, sizeof(name), "%s: tls_server_config.%s %s", source, key, file);
	out->text = json_read_file(&in, file);
	if (!out->text)
		return -1;
	out->size = strlen(out->text);
	return 0;
}

int web_config_load(const char *path, struct web_config *out, char *why, size_t why_size)
{
	struct json_input in = { .source = path, .why = why, .why_size = why_size };
	char *text = json_read_file(&in, path);
	int err;

	memset(out, 0, sizeof(*out));
	if (!text)
		return -1;
	err = web_config_parse(text, strlen(text), path, out, why, why_size);
	free(text);
	if (err)
		return -1;
	if (web_read_pem(path, "cert_file", out->cert_file, &out->cert, why, why_size) ||
	    web_read_pem(path, "key_file", out->key_file, &out->key, why, why_size) ||
	    web_read_pem(path, "client_ca_file", out->client_ca_file, &out->client_ca, why,
			 why_size)) {
		web_config_free(out);
		return -1;
	}
	return 0;
}

void web_config_free(struct web_config *config)
{
	size_t i;

	if (!config)
		return;
	for (i = 0; i < config->user_count; i++)
		free(config->users[i].name);
	free(config->users);
	free(config->cert_file);
	free(config->key_file);
	free(config->client_ca_file);
	free(config->cert.text);
	/* The private key does not linger in freed memory. */
	if (config->key.text)
		explicit_bzero(config->key.text, config->key.size);
	free(config->key.text);
	free(config->client_ca.text);
	memset(config, 0, sizeof(*config));
}
