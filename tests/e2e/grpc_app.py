#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
"""gRPC over h2c for the end-to-end tests, with Debian's python3-grpcio and no generated code.

server PORT_FILE: serves demo.Echo on an ephemeral loopback port (written to PORT_FILE):
  Unary (echoes its bytes), Stream (STREAM_MESSAGES replies STREAM_GAP_S apart, the first at
  once), Fail (aborts with INTERNAL). Runs until killed.
client PORT UNARY STREAMS FAILS: calls each method that many times on one channel, one call at
  a time, and prints a JSON summary of what it saw.
"""
import json
import sys
import time
from concurrent import futures

import grpc

SERVICE = "demo.Echo"
STREAM_MESSAGES = 4
STREAM_GAP_S = 0.05


def unary(request, context):
    return request


def stream(request, context):
    for i in range(STREAM_MESSAGES):
        if i:
            time.sleep(STREAM_GAP_S)
        yield request + str(i).encode()


def fail(request, context):
    context.abort(grpc.StatusCode.INTERNAL, "failing on purpose")


def serve(port_file):
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=4))
    handler = grpc.method_handlers_generic_handler(SERVICE, {
        "Unary": grpc.unary_unary_rpc_method_handler(unary),
        "Stream": grpc.unary_stream_rpc_method_handler(stream),
        "Fail": grpc.unary_unary_rpc_method_handler(fail),
    })
    server.add_generic_rpc_handlers((handler,))
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    with open(port_file + ".tmp", "w") as f:
        f.write(str(port))
    import os
    os.rename(port_file + ".tmp", port_file)
    server.wait_for_termination()


def client(port, unary_calls, stream_calls, fail_calls):
    summary = {"unary": 0, "stream": 0, "stream_messages": 0, "failed": 0, "errors": []}
    with grpc.insecure_channel("127.0.0.1:%d" % port) as channel:
        call_unary = channel.unary_unary("/%s/Unary" % SERVICE)
        call_stream = channel.unary_stream("/%s/Stream" % SERVICE)
        call_fail = channel.unary_unary("/%s/Fail" % SERVICE)
        for _ in range(unary_calls):
            if call_unary(b"ping", timeout=10) == b"ping":
                summary["unary"] += 1
        for _ in range(stream_calls):
            summary["stream_messages"] += sum(1 for _ in call_stream(b"m", timeout=10))
            summary["stream"] += 1
        for _ in range(fail_calls):
            try:
                call_fail(b"x", timeout=10)
                summary["errors"].append("Fail succeeded")
            except grpc.RpcError as err:
                if err.code() == grpc.StatusCode.INTERNAL:
                    summary["failed"] += 1
                else:
                    summary["errors"].append(str(err.code()))
    print(json.dumps(summary))
    return 0 if not summary["errors"] else 1


if __name__ == "__main__":
    if sys.argv[1] == "server":
        serve(sys.argv[2])
    else:
        sys.exit(client(int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])))
