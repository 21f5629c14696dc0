// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* Tests user/input/web_config.c: good files, every refusal by name, paths against the file's
 * folder, the PEM files read, and hostile YAML (nesting, aliases, huge scalars, cuts, bytes). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>
#include "input/web_config.h"

#define SRC "/etc/sloprobe/web.yml"
#define HASH "$2b$10$qDBvZnyyRpxVIsDykCTrGuWbero4IZVMRChVAdbFJ7kmDkENwUcPe"
#define HASH_Y "$2y$12$qDBvZnyyRpxVIsDykCTrGuWbero4IZVMRChVAdbFJ7kmDkENwUcPe"
/* Every key sloprobe accepts, for cuts to chew on. */
#define RICH                                                                                       \
	"# sloprobe serve --web-config\n"                                                          \
	"tls_server_config:\n"                                                                     \
	"  cert_file: tls/server.crt\n"                                                            \
	"  key_file: /abs/server.key\n"                                                            \
	"  client_auth_type: RequireAndVerifyClientCert\n"                                         \
	"  client_ca_file: \"ca.pem\"\n"                                                           \
	"  min_version: TLS12\n"                                                                   \
	"  max_version: TLS13\n"                                                                   \
	"http_server_config: {}\n"                                                                 \
	"basic_auth_users:\n"                                                                      \
	"  prometheus: " HASH "\n"                                                                 \
	"  'ops team': '" HASH_Y "'\n"

static char why[WEB_CONFIG_WHY_MAX];

static void parse_ok(const char *text, struct web_config *out)
{
	why[0] = '\0';
	if (web_config_parse(text, strlen(text), SRC, out, why, sizeof(why)))
		fail_msg("parse failed: %s", why);
}

/* Refused, with one line that starts with the file's name and contains @want. */
static void refused(const char *text, size_t size, const char *want)
{
	struct web_config c;

	why[0] = '\0';
	if (!web_config_parse(text, size, SRC, &c, why, sizeof(why)))
		fail_msg("accepted: %s", text);
	if (strncmp(why, SRC ": ", strlen(SRC) + 2) || !strstr(why, want) || strchr(why, '\n'))
		fail_msg("for %s\n  got:  %s\n  want: %s", text, why, want);
	assert_null(c.users);
	assert_null(c.cert_file);
}

static void refuse(const char *text, const char *want)
{
	refused(text, strlen(text), want);
}

static void test_rich(void **state)
{
	struct web_config c;

	(void)state;
	parse_ok(RICH, &c);
	assert_true(c.tls);
	assert_string_equal(c.cert_file, "/etc/sloprobe/tls/server.crt");
	assert_string_equal(c.key_file, "/abs/server.key");
	assert_string_equal(c.client_ca_file, "/etc/sloprobe/ca.pem");
	assert_int_equal(c.client_auth, WEB_CLIENT_AUTH_REQUIRE_AND_VERIFY);
	assert_int_equal(c.min_version, WEB_TLS12);
	assert_int_equal(c.max_version, WEB_TLS13);
	assert_int_equal(c.user_count, 2);
	assert_string_equal(c.users[0].name, "prometheus");
	assert_string_equal(c.users[0].hash, HASH);
	assert_string_equal(c.users[1].name, "ops team");
	assert_string_equal(c.users[1].hash, HASH_Y);
	web_config_free(&c);
	assert_null(c.users);
}

static void test_small_files(void **state)
{
	struct web_config c;
	const char *text;

	(void)state;
	/* Nothing configured, as for the exporters: plain HTTP, anyone. */
	parse_ok("", &c);
	assert_false(c.tls);
	assert_int_equal(c.user_count, 0);
	parse_ok("# only a comment\n", &c);
	parse_ok("{}", &c);
	parse_ok("---\n...\n", &c);
	parse_ok("basic_auth_users: {}\n", &c);
	assert_int_equal(c.user_count, 0);
	web_config_free(&c);

	/* A relative source: paths stay relative, to the same folder. */
	why[0] = '\0';
	text = "tls_server_config: {cert_file: c, key_file: k}";
	assert_int_equal(web_config_parse(text, strlen(text), "web.yml", &c, why, sizeof(why)), 0);
	assert_string_equal(c.cert_file, "c");
	assert_int_equal(c.client_auth, WEB_CLIENT_AUTH_NONE);
	assert_int_equal(c.min_version, WEB_TLS_DEFAULT);
	web_config_free(&c);

	/* Aliases are YAML: a hash shared by two users is still two users. */
	parse_ok("basic_auth_users:\n  a: &h '" HASH "'\n  b: *h\n", &c);
	assert_int_equal(c.user_count, 2);
	assert_string_equal(c.users[1].hash, HASH);
	web_config_free(&c);

	parse_ok("tls_server_config: {cert_file: c, key_file: k, client_auth_type: NoClientCert, "
		 "min_version: TLS13}",
		 &c);
	assert_int_equal(c.min_version, WEB_TLS13);
	web_config_free(&c);
}

static void test_refused_keys(void **state)
{
	(void)state;
	refuse("tls_config: {}", "tls_config: unknown key");
	refuse("basic_auth_users: {}\nextra: 1", "extra: unknown key");
	refuse("tls_server_config: {cert_file: c, key_file: k, cipher_suites: [a]}",
	       "tls_server_config.cipher_suites: unknown key");
	refuse("tls_server_config: {cert_file: c, key_file: k, cert: inline}",
	       "tls_server_config.cert: unknown key");
	refuse("http_server_config: {http2: false}", "http_server_config.http2: not supported");
	refuse("http_server_config: {headers: {X: y}}", "http_server_config.headers");
	refuse("basic_auth_users: {}\nbasic_auth_users: {}", "basic_auth_users: duplicate key");
	refuse("tls_server_config: {cert_file: c, cert_file: d, key_file: k}",
	       "tls_server_config.cert_file: duplicate key");
	refuse("basic_auth_users: {u: '" HASH "', u: '" HASH "'}", "basic_auth_users.u: duplicate");
	refuse("? [a, b]\n: 1\n", "(top level): every key must be a string");
	refuse("~: 1\n", "every key must be a string");
}

static void test_refused_values(void **state)
{
	(void)state;
	refuse("[a, b]", "(top level): must be a mapping, got a list");
	refuse("just text", "(top level): must be a mapping, got a scalar");
	refuse("tls_server_config: [a]", "tls_server_config: must be a mapping, got a list");
	refuse("tls_server_config:\n", "tls_server_config: empty value");
	refuse("basic_auth_users: ~\n", "basic_auth_users: empty value");
	refuse("basic_auth_users: alice\n", "basic_auth_users: must be a mapping");
	refuse("http_server_config: !!set {a}\n", "http_server_config: must be a mapping, got one");
	refuse("tls_server_config: {cert_file: [c], key_file: k}",
	       "tls_server_config.cert_file: must be a string, got a list");
	refuse("tls_server_config: {cert_file: {a: b}, key_file: k}", "got a mapping");
	refuse("tls_server_config: {cert_file: , key_file: k}",
	       "tls_server_config.cert_file: empty value");
	refuse("tls_server_config: {cert_file: '', key_file: k}", "cert_file: empty value");
	refuse("tls_server_config: {cert_file: null, key_file: k}", "cert_file: empty value");
	refuse("tls_server_config: {cert_file: !!int 5, key_file: k}", "tagged tag:yaml.org");
	refuse("tls_server_config: {cert_file: \"a\\0b\", key_file: k}", "contains a NUL");
	refuse("tls_server_config: {key_file: k}", "tls_server_config: cert_file is required");
	refuse("tls_server_config: {cert_file: c}", "tls_server_config: key_file is required");
	refuse("tls_server_config: {}", "cert_file is required");
	refuse("tls_server_config: {cert_file: c, key_file: k, client_auth_type: Maybe}",
	       "client_auth_type: unknown value 'Maybe' (NoClientCert or RequireAndVerify");
	refuse("tls_server_config: {cert_file: c, key_file: k, client_auth_type: "
	       "RequestClientCert}",
	       "RequestClientCert is not supported by sloprobe");
	refuse("tls_server_config: {cert_file: c, key_file: k, client_auth_type: "
	       "VerifyClientCertIfGiven, client_ca_file: ca}",
	       "VerifyClientCertIfGiven is not supported");
	refuse("tls_server_config: {cert_file: c, key_file: k, min_version: TLS11}",
	       "tls_server_config.min_version: TLS11 is not supported by sloprobe (TLS12 or "
	       "TLS13)");
	refuse("tls_server_config: {cert_file: c, key_file: k, max_version: 1.3}",
	       "max_version: unknown value '1.3'");
	refuse("tls_server_config: {cert_file: c, key_file: k, min_version: TLS13, max_version: "
	       "TLS12}",
	       "min_version is above max_version");
}

static void test_refused_mutual_tls(void **state)
{
	(void)state;
	refuse("tls_server_config: {cert_file: c, key_file: k, client_ca_file: ca}",
	       "client_ca_file is set but client_auth_type is not RequireAndVerifyClientCert");
	refuse("tls_server_config: {cert_file: c, key_file: k, client_ca_file: ca, "
	       "client_auth_type: NoClientCert}",
	       "client_ca_file is set but");
	refuse("tls_server_config: {cert_file: c, key_file: k, client_auth_type: "
	       "RequireAndVerifyClientCert}",
	       "RequireAndVerifyClientCert needs client_ca_file");
}

static void test_refused_users(void **state)
{
	(void)state;
	refuse("basic_auth_users: {alice: secret}", "basic_auth_users.alice: not a bcrypt hash");
	/* md5-crypt, SHA-512 crypt, a cost too low, too high, one character short or long, a
	 * character outside bcrypt's alphabet, $2x$. */
	refuse("basic_auth_users: {a: '$1$abc$0123456789abcdef'}", "not a bcrypt hash");
	refuse("basic_auth_users: {a: '$6$salt$abc'}", "not a bcrypt hash");
	refuse("basic_auth_users: {a: "
	       "'$2b$03$qDBvZnyyRpxVIsDykCTrGuWbero4IZVMRChVAdbFJ7kmDkENwUcPe'}",
	       "not a bcrypt hash");
	refuse("basic_auth_users: {a: "
	       "'$2b$32$qDBvZnyyRpxVIsDykCTrGuWbero4IZVMRChVAdbFJ7kmDkENwUcPe'}",
	       "not a bcrypt hash");
	refuse("basic_auth_users: {a: "
	       "'$2b$10$qDBvZnyyRpxVIsDykCTrGuWbero4IZVMRChVAdbFJ7kmDkENwUcP'}",
	       "not a bcrypt hash");
	refuse("basic_auth_users: {a: "
	       "'$2b$10$qDBvZnyyRpxVIsDykCTrGuWbero4IZVMRChVAdbFJ7kmDkENwUcPee'}",
	       "not a bcrypt hash");
	refuse("basic_auth_users: {a: "
	       "'$2b$10$qDBvZnyyRpxVIsDykCTrGuWbero4IZVMRChVAdbFJ7kmDkENwUc+e'}",
	       "not a bcrypt hash");
	refuse("basic_auth_users: {a: "
	       "'$2x$10$qDBvZnyyRpxVIsDykCTrGuWbero4IZVMRChVAdbFJ7kmDkENwUcPe'}",
	       "not a bcrypt hash");
	refuse("basic_auth_users: {a: }", "basic_auth_users.a: empty value");
	refuse("basic_auth_users: {a: [x]}", "basic_auth_users.a: must be a string");
	refuse("basic_auth_users: {'a:b': '" HASH "'}", "basic_auth_users.a:b: a user name cannot");
	refuse("basic_auth_users: {\"a\\tb\": '" HASH "'}", "basic_auth_users.a?b: a user name");
	refuse("basic_auth_users: {'': '" HASH "'}", "every key must be a string");

	assert_true(web_config_is_bcrypt(HASH));
	assert_true(web_config_is_bcrypt(HASH_Y));
	assert_false(web_config_is_bcrypt(""));
	assert_false(web_config_is_bcrypt("$2b$"));
}

static void test_refused_text(void **state)
{
	static const char not_utf8[] = "basic_auth_users: {\xff\xfe: x}";

	(void)state;
	refuse("tls_server_config: {cert_file: c\n", "line ");
	refuse("a: b: c", "not valid YAML");
	refuse("tls_server_config:\n  cert_file: c\n key_file: k\n", "not valid YAML");
	refuse("{}\n--- {}\n", "more than one YAML document");
	refuse("{}\n--- [\n", "not valid YAML");
	refused(not_utf8, sizeof(not_utf8) - 1, "not UTF-8");
	refuse("basic_auth_users: {a: *nowhere}", "not valid YAML");
	/* Tabs cannot indent YAML. */
	refuse("tls_server_config:\n\tcert_file: c\n", "not valid YAML");
}

/* A key or value the size of a file: refused with a short message, nothing quoted whole. */
static void test_huge_scalars(void **state)
{
	size_t n = 200000, prefix;
	char *buf = malloc(n + 64);

	(void)state;
	assert_non_null(buf);
	prefix = (size_t)sprintf(buf, "tls_server_config: {key_file: k, cert_file: ");
	memset(buf + prefix, 'x', n);
	strcpy(buf + prefix + n, "}");
	refuse(buf, "cert_file: longer than 4096 bytes");
	assert_true(strlen(why) < 200);

	memset(buf, 'k', n);
	strcpy(buf + n, ": 1");
	/* YAML caps an implicit key at 1024 characters. */
	refuse(buf, "not valid YAML");
	assert_true(strlen(why) < 200);
	/* An explicit key has no such cap: quoted in the message, shortened. */
	memcpy(buf, "? ", 2);
	strcpy(buf + n, "\n: 1");
	refuse(buf, "kkkkkkkk...: unknown key");
	assert_true(strlen(why) < 200);
	free(buf);
}

/* Nesting far deeper than any file: refused, without recursing on the stack. */
static void test_deep_nesting(void **state)
{
	size_t depth = 100000, i;
	char *buf = malloc(depth * 10 + 64), *p;

	(void)state;
	assert_non_null(buf);
	memset(buf, '[', depth * 10);
	buf[depth * 10] = '\0';
	refuse(buf, "(text): nested deeper than 16 levels");

	p = buf + sprintf(buf, "tls_server_config: ");
	for (i = 0; i < depth; i++, p += 4)
		memcpy(p, "{a: ", 4);
	*p++ = '1';
	for (i = 0; i < depth; i++)
		*p++ = '}';
	*p = '\0';
	refuse(buf, "nested deeper than");
	free(buf);
	refuse("tls_server_config: {a: {b: {c: 1}}}", "tls_server_config.a: unknown key");
}

/* Aliases that would expand to 10^9 strings if anything walked them: refused at once. */
static void test_alias_bomb(void **state)
{
	char buf[4096];
	size_t len = 0;
	int level, i;

	(void)state;
	len += (size_t)sprintf(buf + len,
			       "a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
	for (level = 1; level < 9; level++) {
		len += (size_t)sprintf(buf + len, "a%d: &a%d [", level, level);
		for (i = 0; i < 9; i++)
			len += (size_t)sprintf(buf + len, "%s*a%d", i ? ", " : "", level - 1);
		len += (size_t)sprintf(buf + len, "]\n");
	}
	refuse(buf, "a0: unknown key");
	sprintf(buf + len, "basic_auth_users: {u: *a8}\n");
	refuse(buf, "a0: unknown key");
	refuse("basic_auth_users: &u {a: *u}", "basic_auth_users.a: must be a string");
	refuse("tls_server_config: &t {cert_file: c, key_file: k, x: *t}",
	       "tls_server_config.x: unknown key");
}

/* Every prefix of a good file: accepted or refused with a line, never a crash or a leak. */
static void test_truncation(void **state)
{
	const char *text = RICH;
	struct web_config c;
	size_t cut;

	(void)state;
	for (cut = 0; cut < strlen(text); cut++) {
		why[0] = '\0';
		if (web_config_parse(text, cut, SRC, &c, why, sizeof(why)) == 0)
			web_config_free(&c);
		else
			assert_true(why[0] != '\0' && !strchr(why, '\n'));
	}
}

/* A message cut to the buffer, never past it. */
static void test_small_why(void **state)
{
	char small[12] = "untouched!!";
	struct web_config c;

	(void)state;
	assert_int_equal(web_config_parse("x: 1", 4, SRC, &c, small, sizeof(small)), -1);
	assert_int_equal(strlen(small), sizeof(small) - 1);
	assert_int_equal(web_config_parse("x: 1", 4, SRC, &c, NULL, 0), -1);
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	assert_int_equal(fputs(text, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
}

/* The YAML and the PEM files it names, relative to its folder; each missing file named. */
static void test_load(void **state)
{
	char dir[] = "/tmp/test_web_config.XXXXXX", path[256], pem[256];
	struct web_config c;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/web.yml", dir);
	write_file(path, "tls_server_config: {cert_file: s.crt, key_file: s.key, client_auth_type: "
			 "RequireAndVerifyClientCert, client_ca_file: ca.crt}\n");
	assert_int_equal(web_config_load(path, &c, why, sizeof(why)), -1);
	assert_true(strstr(why, ": tls_server_config.cert_file ") && strstr(why, "/s.crt: cannot "
										 "open: No such "
										 "file"));
	snprintf(pem, sizeof(pem), "%s/s.crt", dir);
	write_file(pem, "CERT\n");
	snprintf(pem, sizeof(pem), "%s/s.key", dir);
	write_file(pem, "KEY\n");
	assert_int_equal(web_config_load(path, &c, why, sizeof(why)), -1);
	assert_true(strstr(why, "tls_server_config.client_ca_file ") != NULL);
	snprintf(pem, sizeof(pem), "%s/ca.crt", dir);
	write_file(pem, "CA\n");
	assert_int_equal(web_config_load(path, &c, why, sizeof(why)), 0);
	assert_string_equal(c.cert.text, "CERT\n");
	assert_int_equal(c.key.size, 4);
	assert_string_equal(c.client_ca.text, "CA\n");
	web_config_free(&c);

	write_file(path, "tls_server_config: {cert_file: s.crt}\n");
	assert_int_equal(web_config_load(path, &c, why, sizeof(why)), -1);
	assert_true(!strncmp(why, path, strlen(path)) && strstr(why, "key_file is required"));

	snprintf(pem, sizeof(pem), "%s/s.crt", dir);
	unlink(pem);
	snprintf(pem, sizeof(pem), "%s/s.key", dir);
	unlink(pem);
	snprintf(pem, sizeof(pem), "%s/ca.crt", dir);
	unlink(pem);
	unlink(path);
	assert_int_equal(web_config_load(path, &c, why, sizeof(why)), -1);
	assert_true(!strncmp(why, path, strlen(path)) && strstr(why, "No such file"));
	assert_int_equal(rmdir(dir), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rich),
		cmocka_unit_test(test_small_files),
		cmocka_unit_test(test_refused_keys),
		cmocka_unit_test(test_refused_values),
		cmocka_unit_test(test_refused_mutual_tls),
		cmocka_unit_test(test_refused_users),
		cmocka_unit_test(test_refused_text),
		cmocka_unit_test(test_huge_scalars),
		cmocka_unit_test(test_deep_nesting),
		cmocka_unit_test(test_alias_bomb),
		cmocka_unit_test(test_truncation),
		cmocka_unit_test(test_small_why),
		cmocka_unit_test(test_load),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
