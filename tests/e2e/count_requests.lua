-- SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
-- wrk script: counts requests sent as well as completed, so the test knows what was in flight.
local threads = {}

function setup(thread)
	table.insert(threads, thread)
end

function init(args)
	sent = 0
end

function request()
	sent = sent + 1
	return wrk.request()
end

function done(summary, latency, requests)
	local total = 0
	for _, thread in ipairs(threads) do
		total = total + thread:get("sent")
	end
	io.write(string.format("WRK_SENT %d\nWRK_COMPLETED %d\n", total, summary.requests))
end
