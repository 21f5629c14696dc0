// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* Tail requests to and from JSON, with the capture reader's strictness. */
#include <string.h>
#include "input/capture_fields.h"
#include "model/tail_request.h"

const char *const tail_phase_names[TAIL_PHASES] = { "accept_queue", "recv_queue", "server",
						    "send" };

void tail_list_insert(struct tail_request *list, size_t *count, size_t cap,
		      const struct tail_request *req)
{
	size_t at;

	if (*count == cap && (cap == 0 || req->latency_us <= list[cap - 1].latency_us))
		return;
	at = *count < cap ? (*count)++ : cap - 1;
	while (at > 0 && list[at - 1].latency_us < req->latency_us) {
		list[at] = list[at - 1];
		at--;
	}
	list[at] = *req;
}

static bool add_number(cJSON *obj, const char *name, double value)
{
	return cJSON_AddNumberToObject(obj, name, value) != NULL;
}

bool tail_request_to_json(cJSON *obj, const struct tail_request *req)
{
	cJSON *phases = cJSON_AddObjectToObject(obj, "phases_us");
	bool ok = phases && add_number(obj, "ts", req->ts) &&
		  add_number(obj, "latency_us", req->latency_us) &&
		  add_number(obj, "pid", req->pid) && add_number(obj, "tid", req->tid) &&
		  cJSON_AddStringToObject(obj, "comm", req->comm) &&
		  cJSON_AddStringToObject(obj, "client", req->client) &&
		  add_number(obj, "bytes_in", (double)req->bytes_in) &&
		  add_number(obj, "bytes_out", (double)req->bytes_out) &&
		  add_number(obj, "retransmits", (double)req->retransmits);
	int i;

	for (i = 0; ok && i < TAIL_PHASES; i++)
		ok = add_number(phases, tail_phase_names[i], req->phase_us[i]);
	if (ok && req->service[0])
		ok = cJSON_AddStringToObject(obj, "service", req->service) != NULL;
	if (ok && req->runq_us > 0)
		ok = add_number(obj, "runq_us", req->runq_us);
	if (ok && req->request[0])
		ok = cJSON_AddStringToObject(obj, "request", req->request) != NULL;
	if (ok && req->status)
		ok = add_number(obj, "status", req->status);
	return ok;
}

static int phases_from_json(const cJSON *obj, struct tail_request *out, struct why *why)
{
	const cJSON *phases;
	int i;

	if (field_object(obj, "phases_us", &phases, why))
		return -1;
	if (!phases)
		return refuse(why, "phases_us", "missing");
	for (i = 0; i < TAIL_PHASES; i++)
		if (field_double(phases, tail_phase_names[i], false, &out->phase_us[i], why))
			return -1;
	return 0;
}

int tail_request_from_json(const cJSON *obj, struct tail_request *out, char *why_buf,
			   size_t why_size)
{
	struct why why = { .buf = why_buf, .size = why_size };
	__u64 pid, tid, status;

	memset(out, 0, sizeof(*out));
	if (!cJSON_IsObject(obj))
		return refuse(&why, NULL, "not an object");
	if (field_double(obj, "ts", true, &out->ts, &why) ||
	    field_double(obj, "latency_us", true, &out->latency_us, &why) ||
	    phases_from_json(obj, out, &why) ||
	    field_double(obj, "runq_us", false, &out->runq_us, &why) ||
	    field_uint(obj, "pid", false, LIMIT_U32, &pid, &why) ||
	    field_uint(obj, "tid", false, LIMIT_U32, &tid, &why) ||
	    field_string(obj, "service", out->service, sizeof(out->service), &why) ||
	    field_string(obj, "comm", out->comm, sizeof(out->comm), &why) ||
	    field_string(obj, "client", out->client, sizeof(out->client), &why) ||
	    field_uint(obj, "bytes_in", false, LIMIT_U64, &out->bytes_in, &why) ||
	    field_uint(obj, "bytes_out", false, LIMIT_U64, &out->bytes_out, &why) ||
	    field_uint(obj, "retransmits", false, LIMIT_U64, &out->retransmits, &why) ||
	    field_string(obj, "request", out->request, sizeof(out->request), &why) ||
	    field_uint(obj, "status", false, 1000, &status, &why)) {
		memset(out, 0, sizeof(*out));
		return -1;
	}
	out->pid = (__u32)pid;
	out->tid = (__u32)tid;
	out->status = (__u32)status;
	return 0;
}
