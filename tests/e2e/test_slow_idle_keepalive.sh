#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# A slow request whose keep-alive connection then stays open and silent is complete only at
# the idle sweep: `slow` sweeps every 100 ms with a 100 ms idle threshold, so it prints the
# request within 200 ms of the response (400 ms allowed here: a shared host delays the sweep thread), while the connection is open.
. "$(dirname "$0")/lib.sh"
require_bpf

slo_server_start web --workers 2 --route /slow=fixed:30
slow_start slow --threshold 20 --json --port "$PORT_web"
# The client times it: from its response to the line appearing, polling every 5 ms.
python3 -u -c '
import http.client, sys, time
c = http.client.HTTPConnection("127.0.0.1", int(sys.argv[1]), timeout=10)
c.request("GET", "/slow")
c.getresponse().read()
answered = time.monotonic()
while time.monotonic() - answered < 3:
    with open(sys.argv[2]) as f:
        if "latency_ms" in f.read():
            print("%.3f" % (time.monotonic() - answered))
            break
    time.sleep(0.005)
else:
    print("none")
c.close()
' "$PORT_web" "$WORK/slow.out" >"$WORK/delay" || fail "client failed"
delay=$(cat "$WORK/delay")
[ "$delay" != none ] || fail "no line within 3 s of the response"
awk -v d="$delay" 'BEGIN { exit !(d <= 0.4) }' || fail "printed $delay s after the response, over 0.4 s"
log "printed $delay s after the response, the connection still open: ok"
slow_stop slow
assert_eq "one request" "$(jq -s '[.[] | select(has("latency_ms"))] | length' "$WORK/slow.out")" 1
