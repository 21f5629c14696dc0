// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* libFuzzer target: serve's --web-config YAML through web_config_parse and its bcrypt check. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "fuzz_input.h"
#include "input/web_config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_input_text(data, size), why[WEB_CONFIG_WHY_MAX];
	struct web_config config;
	size_t i;

	if (!text)
		return 0;
	/* The size, not strlen: libyaml is given the bytes, NULs included. */
	if (!web_config_parse(text, size, "/fuzz/web.yml", &config, why, sizeof(why))) {
		for (i = 0; i < config.user_count; i++) {
			if (!web_config_is_bcrypt(config.users[i].hash))
				abort();
		}
		if (config.tls && (!config.cert_file || !config.key_file))
			abort();
		web_config_free(&config);
	} else if (!memchr(why, '\0', sizeof(why)) || strchr(why, '\n')) {
		abort(); /* the one error line */
	}
	free(text);
	return 0;
}
