-- SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
-- wrk script: counts requests sent as well as completed, so the test knows what was in flight.
-- `-- DEPTH` pipelines DEPTH requests in each write (wrk counts the requests in what request()
-- returns and waits for as many responses); without it, one.
local threads = {}

function setup(thread)
	table.insert(threads, thread)
end

function init(args)
	depth = tonumber(args[1]) or 1
	local requests = {}
	for i = 1, depth do
		requests[i] = wrk.format(nil, nil)
	end
	pipelined = table.concat(requests)
	sent = 0
end

function request()
	sent = sent + depth
	return pipelined
end

function done(summary, latency, requests)
	local total = 0
	for _, thread in ipairs(threads) do
		total = total + thread:get("sent")
	end
	io.write(string.format("WRK_SENT %d\nWRK_COMPLETED %d\n", total, summary.requests))
end
