#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
"""Structural checks of deploy/: python3 checks.py ROOT CHECK [ARGS].

Each check prints one line per problem on stdout and exits 1 if there was any, 0 otherwise.
ROOT is the repository root (or a copy of deploy/ and tests/deploy/ laid out the same way, which
is how tests/deploy/mutations.sh proves each check can fail).
"""
import base64
import json
import os
import re
import subprocess
import sys

import yaml

# The metrics `sloprobe serve` exports (issue 3, item 4): everything deploy/ queries must be one.
METRICS = {
    "sloprobe_request_duration_seconds_bucket",
    "sloprobe_request_duration_seconds_sum",
    "sloprobe_request_duration_seconds_count",
    "sloprobe_time_to_first_byte_seconds_bucket",
    "sloprobe_time_to_first_byte_seconds_sum",
    "sloprobe_time_to_first_byte_seconds_count",
    "sloprobe_connections_active",
    "sloprobe_inflight_requests",
    "sloprobe_inflight_requests_peak",
    "sloprobe_inflight_seconds_total",
    "sloprobe_connections_opened_total",
    "sloprobe_connections_closed_total",
    "sloprobe_retransmits_total",
    "sloprobe_dropped_events_total",
    "sloprobe_http_responses_total",
}
# Capabilities deploy/daemonset.yaml justifies one by one; anything else is a regression.
CAPS = {"BPF", "PERFMON", "SYS_PTRACE", "DAC_READ_SEARCH"}
PORT = 9464
DAEMONSET = "deploy/daemonset.yaml"
TLS_DAEMONSET = "deploy/daemonset-tls.yaml"
WEB_CONFIG_SECRET = "deploy/web-config-secret.yaml"
SCRAPE = "deploy/prometheus-scrape.yaml"
TLS_SCRAPE = "deploy/prometheus-scrape-tls.yaml"
# serve's flags (issue 17's agreed interface for the last six): a misspelt one in a manifest
# makes every pod exit 2. The limits take whole numbers above zero.
SERVE_FLAGS = {"--listen", "--interval", "--port", "--backend", "--btf", "--verbose",
               "--web-config", "--max-connections", "--max-client-connections",
               "--header-timeout", "--response-timeout", "--max-request-bytes"}
SERVE_SWITCHES = {"--verbose"}
SERVE_LIMITS = {"--max-connections", "--max-client-connections", "--header-timeout",
                "--response-timeout", "--max-request-bytes"}
# The web-config keys sloprobe accepts (it refuses any other by name, exit 2).
WEB_CONFIG_KEYS = {"tls_server_config", "basic_auth_users", "http_server_config"}
TLS_SERVER_KEYS = {"cert_file", "key_file", "client_auth_type", "client_ca_file",
                   "min_version", "max_version"}
CLIENT_AUTH_TYPES = {"NoClientCert", "RequireAndVerifyClientCert"}
TLS_VERSIONS = {"TLS12", "TLS13"}
# What sloprobe checks with crypt_rn: bcrypt, cost two digits, 22 salt and 31 hash characters.
BCRYPT_RE = re.compile(r"\$2[aby]\$\d\d\$[./A-Za-z0-9]{53}")
# A sloprobe_ name not preceded by a word character or ':' (recording rules such as
# service:sloprobe_request_duration_seconds:p99_rate5m are ours, not exported metrics).
METRIC_RE = re.compile(r"(?<![\w:])sloprobe_[A-Za-z0-9_]*")
# The families `serve --http` exports twice over, the histograms and the responses by class:
# each service's own series (no route label) and one per route (route and method labels). A
# query must select one set or count twice.
ROUTED_RE = re.compile(r"(?<![\w:])(sloprobe_(?:(?:request_duration|time_to_first_byte)_seconds_"
                       r"(?:bucket|sum|count)|http_responses_total))(\{[^}]*\})?")
ROUTE_MATCHER_RE = re.compile(r'(?<![\w])route\s*(=|!=)\s*\\?"\\?"')

problems = []


def problem(msg):
    problems.append(msg)


def load_yaml_docs(path):
    with open(path) as f:
        return [d for d in yaml.safe_load_all(f) if d is not None]


def unknown_metrics(expr):
    return sorted(set(METRIC_RE.findall(expr)) - METRICS)


def find_key(node, key):
    """Every value of `key` anywhere in a parsed YAML/JSON tree."""
    if isinstance(node, dict):
        for k, v in node.items():
            if k == key:
                yield v
            yield from find_key(v, key)
    elif isinstance(node, list):
        for v in node:
            yield from find_key(v, key)


def check_daemonset(root, path=DAEMONSET, tls=False):
    """The security and wiring of a DaemonSet manifest; with tls, of the variant that serves
    HTTPS with basic auth. Returns its documents by kind (None if it has no DaemonSet) and
    serve's flags there."""
    docs = load_yaml_docs(os.path.join(root, path))
    kinds = {d.get("kind"): d for d in docs}
    for kind in ("Namespace", "ServiceAccount", "DaemonSet", "Service"):
        if kind not in kinds:
            problem(f"no {kind} document")
    if any(v is True for v in find_key(docs, "privileged")):
        problem("privileged: true somewhere: the capabilities below are meant to replace it")
    ds = kinds.get("DaemonSet")
    if not ds:
        return None, {}
    ns = kinds.get("Namespace", {}).get("metadata", {}).get("name")
    for d in docs:
        if d.get("kind") != "Namespace" and d.get("metadata", {}).get("namespace") != ns:
            problem(f"{d.get('kind')} is not in namespace {ns}")
    spec = ds.get("spec", {})
    if spec.get("updateStrategy", {}).get("type") != "RollingUpdate":
        problem("updateStrategy.type is not RollingUpdate")
    pod = spec.get("template", {}).get("spec", {})
    meta = spec.get("template", {}).get("metadata", {})
    if pod.get("hostPID") is not True:
        problem("hostPID is not true: /proc would not show the host's processes")
    if pod.get("hostNetwork") is not True:
        problem("hostNetwork is not true")
    if not any(t.get("operator") == "Exists" and "key" not in t for t in pod.get("tolerations", [])):
        problem("no catch-all toleration (operator: Exists): tainted nodes would go unmeasured")
    if pod.get("serviceAccountName") != kinds.get("ServiceAccount", {}).get("metadata", {}).get("name"):
        problem("pod does not use the ServiceAccount defined here")
    sel = spec.get("selector", {}).get("matchLabels", {})
    if not sel or any(meta.get("labels", {}).get(k) != v for k, v in sel.items()):
        problem("selector does not match the pod template's labels")
    ann = meta.get("annotations", {})
    if ann.get("prometheus.io/scrape") != "true" or ann.get("prometheus.io/port") != str(PORT):
        problem(f"pod annotations lack prometheus.io/scrape \"true\" and port \"{PORT}\"")
    containers = pod.get("containers", [])
    if len(containers) != 1:
        problem(f"expected one container, found {len(containers)}")
        return None, {}
    c = containers[0]
    cmd = (c.get("command") or []) + (c.get("args") or [])
    if "serve" not in cmd or f"0.0.0.0:{PORT}" not in cmd:
        problem(f"container does not run `serve --listen 0.0.0.0:{PORT}`: {cmd}")
    flags = serve_flags(c)
    ports = [p for p in c.get("ports", []) if p.get("name") == "metrics"]
    if not ports or ports[0].get("containerPort") != PORT:
        problem(f"no container port named metrics on {PORT}")
    sc = c.get("securityContext", {})
    caps = sc.get("capabilities", {})
    if caps.get("drop") != ["ALL"]:
        problem("capabilities.drop is not [ALL]")
    added = set(caps.get("add", []))
    if added != CAPS:
        problem(f"capabilities.add is {sorted(added)}, expected exactly {sorted(CAPS)}")
    if sc.get("allowPrivilegeEscalation") is not False:
        problem("allowPrivilegeEscalation is not false")
    if sc.get("procMount", "Default") != "Default":
        problem("procMount is not Default: /proc would lose the runtime's masking")
    res = c.get("resources", {})
    for kind in ("requests", "limits"):
        for r in ("cpu", "memory"):
            if r not in res.get(kind, {}):
                problem(f"resources.{kind}.{r} missing")
    check_probes(c, tls)
    volumes = {v.get("name"): v for v in pod.get("volumes", [])}
    mounts = {m.get("mountPath"): m for m in c.get("volumeMounts", [])}
    btf = mounts.get("/sys/kernel/btf")
    if not btf or btf.get("readOnly") is not True:
        problem("/sys/kernel/btf is not mounted read-only")
    for m in c.get("volumeMounts", []):
        v = volumes.get(m.get("name"), {})
        if "hostPath" in v and m.get("readOnly") is not True:
            problem(f"host path {v['hostPath'].get('path')} mounted writable at {m.get('mountPath')}")
        if any(k in v for k in ("secret", "projected", "configMap")) and m.get("readOnly") is not True:
            problem(f"volume {m.get('name')} (Secret or ConfigMap) mounted writable at {m.get('mountPath')}")
        if m.get("mountPath", "").startswith("/proc"):
            problem("a mount over /proc: with hostPID the container's /proc is already the host's")
    svc = kinds.get("Service", {}).get("spec", {})
    if svc.get("clusterIP") != "None":
        problem("the Service is not headless (clusterIP: None)")
    if not any(p.get("name") == "metrics" and p.get("port") == PORT for p in svc.get("ports", [])):
        problem(f"the Service has no port metrics:{PORT}")
    return kinds, flags


def check_probes(c, tls):
    """Plain HTTP: an httpGet of /metrics. With basic auth an httpGet gets 401 (the kubelet
    sends no password, sloprobe has no unauthenticated path): a TCP connect instead."""
    for probe in ("readinessProbe", "livenessProbe"):
        p = c.get(probe, {})
        get = p.get("httpGet", {})
        if tls:
            if get:
                problem(f"{probe} is an httpGet: with basic auth it gets 401; use tcpSocket")
            elif p.get("tcpSocket", {}).get("port") not in ("metrics", PORT):
                problem(f"{probe} is not a tcpSocket probe of the metrics port")
        elif get.get("path") != "/metrics" or get.get("port") not in ("metrics", PORT):
            problem(f"{probe} is not an httpGet of /metrics on the metrics port")


def pod_container(kinds):
    pod = kinds["DaemonSet"]["spec"]["template"]["spec"]
    return pod, pod["containers"][0]


def serve_flags(c, report=True):
    """serve's flags in the container's command line, as {flag: value}; unknown flags, flags
    without a value and limits that are not whole numbers above zero are problems (reported
    only once, by the daemonset checks)."""
    say = problem if report else (lambda msg: None)
    cmd = (c.get("command") or []) + (c.get("args") or [])
    words = [str(w) for w in cmd[cmd.index("serve") + 1:]] if "serve" in cmd else []
    flags = {}
    while words:
        flag = words.pop(0)
        if flag not in SERVE_FLAGS:
            say(f"serve has no flag {flag!r}: every pod would exit 2")
            if words and not words[0].startswith("--"):
                words.pop(0)
            continue
        if flag in SERVE_SWITCHES:
            flags[flag] = True
            continue
        if not words or words[0].startswith("--"):
            say(f"{flag} has no value")
            continue
        flags[flag] = words.pop(0)
        if flag in SERVE_LIMITS and not (flags[flag].isdigit() and int(flags[flag]) > 0):
            say(f"{flag} {flags[flag]!r} is not a whole number above zero")
    return flags


def mounted_file(pod, c, path):
    """(secret name, key) of the Secret item the container sees at path, or None. Secret and
    projected volumes; one without items shows every key of its Secret (key None then)."""
    volumes = {v.get("name"): v for v in pod.get("volumes", [])}
    for m in c.get("volumeMounts", []):
        v = volumes.get(m.get("name"), {})
        if "secret" in v:
            sources = [dict(v["secret"], name=v["secret"].get("secretName"))]
        else:
            sources = [s["secret"] for s in v.get("projected", {}).get("sources", []) if "secret" in s]
        for s in sources:
            items = s.get("items")
            if items is None and os.path.dirname(path) == m.get("mountPath"):
                return s.get("name"), None
            for item in items or []:
                if os.path.join(m.get("mountPath", ""), item.get("path", "")) == path:
                    return s.get("name"), item.get("key")
    return None


def first_difference(a, b, other, where=""):
    """The first place where a differs from b (read from the file other), or None."""
    if isinstance(a, dict) and isinstance(b, dict):
        for k in sorted(set(a) | set(b), key=str):
            d = first_difference(a.get(k), b.get(k), other, f"{where}.{k}")
            if d:
                return d
        return None
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        for i, (x, y) in enumerate(zip(a, b)):
            d = first_difference(x, y, other, f"{where}[{i}]")
            if d:
                return d
        return None
    return None if a == b else f"{where or '.'}: {a!r} here, {b!r} in {other}"


def without_tls(kinds, plain_volumes):
    """The TLS manifest less what TLS changes: serve's flags, the probes, the scheme
    annotation, and the volumes the plain manifest does not have."""
    kinds = yaml.safe_load(yaml.safe_dump(kinds))
    template = kinds["DaemonSet"]["spec"]["template"]
    template["metadata"].get("annotations", {}).pop("prometheus.io/scheme", None)
    pod, c = pod_container(kinds)
    for key in ("args", "readinessProbe", "livenessProbe"):
        c.pop(key, None)
    c["volumeMounts"] = [m for m in c.get("volumeMounts", []) if m.get("name") in plain_volumes]
    pod["volumes"] = [v for v in pod.get("volumes", []) if v.get("name") in plain_volumes]
    return kinds


def check_daemonset_tls(root):
    kinds, flags = check_daemonset(root, TLS_DAEMONSET, tls=True)
    if not kinds:
        return
    pod, c = pod_container(kinds)
    path = flags.get("--web-config")
    if not path:
        problem("serve runs without --web-config: plain HTTP and no password on every interface")
    elif not os.path.isabs(path) or not mounted_file(pod, c, path):
        problem(f"--web-config {path} is not an absolute path into a mounted Secret")
    ann = kinds["DaemonSet"]["spec"]["template"]["metadata"].get("annotations", {})
    if ann.get("prometheus.io/scheme") != "https":
        problem("pod annotation prometheus.io/scheme is not https")
    plain = {d.get("kind"): d for d in load_yaml_docs(os.path.join(root, DAEMONSET))}
    plain_volumes = {v.get("name") for v in pod_container(plain)[0].get("volumes", [])}
    tls_kinds, plain_kinds = without_tls(kinds, plain_volumes), without_tls(plain, plain_volumes)
    for kind in sorted(set(tls_kinds) | set(plain_kinds), key=str):
        d = first_difference(tls_kinds.get(kind), plain_kinds.get(kind), DAEMONSET, kind)
        if d:
            problem(f"drifted from the plain DaemonSet beyond TLS: {d}")


def web_config_text(root, secret_name, key):
    """The web config the Secret in deploy/web-config-secret.yaml holds under key."""
    secrets = [d for d in load_yaml_docs(os.path.join(root, WEB_CONFIG_SECRET)) if d.get("kind") == "Secret"]
    if len(secrets) != 1 or secrets[0].get("metadata", {}).get("name") != secret_name:
        problem(f"{WEB_CONFIG_SECRET} does not hold exactly one Secret named {secret_name}")
        return None
    secret = secrets[0]
    if secret["metadata"].get("namespace") != "sloprobe":
        problem(f"the Secret {secret_name} is not in namespace sloprobe")
    if key in secret.get("stringData", {}):
        return secret["stringData"][key]
    if key in secret.get("data", {}):
        return base64.b64decode(secret["data"][key]).decode()
    problem(f"the Secret {secret_name} has no key {key}")
    return None


def check_web_config_keys(cfg):
    """The keys sloprobe accepts, as agreed for issue 17; it refuses the others at start."""
    if not isinstance(cfg, dict):
        problem("the web config is not a YAML mapping")
        return {}
    for k in set(cfg) - WEB_CONFIG_KEYS:
        problem(f"web config key {k!r}: sloprobe refuses it")
    if cfg.get("http_server_config"):
        problem("http_server_config has keys: sloprobe accepts none")
    tls = cfg.get("tls_server_config") or {}
    for k in set(tls) - TLS_SERVER_KEYS:
        problem(f"tls_server_config key {k!r}: sloprobe refuses it")
    for k in ("cert_file", "key_file"):
        if not tls.get(k):
            problem(f"tls_server_config has no {k}: serve would speak plain HTTP")
    if tls.get("client_auth_type", "NoClientCert") not in CLIENT_AUTH_TYPES:
        problem(f"client_auth_type {tls['client_auth_type']!r} is not one of {sorted(CLIENT_AUTH_TYPES)}")
    if tls.get("client_auth_type") == "RequireAndVerifyClientCert" and not tls.get("client_ca_file"):
        problem("RequireAndVerifyClientCert without client_ca_file")
    for k in ("min_version", "max_version"):
        if k in tls and tls[k] not in TLS_VERSIONS:
            problem(f"{k} {tls[k]!r} is not one of {sorted(TLS_VERSIONS)}")
    users = cfg.get("basic_auth_users") or {}
    if not users:
        problem("basic_auth_users is empty: anyone who completes a TLS handshake can scrape")
    for user, hash_ in users.items():
        if not BCRYPT_RE.fullmatch(str(hash_)):
            problem(f"basic_auth_users {user}: not a bcrypt hash ($2y$NN$ and 53 characters)")
    return tls


def check_web_config(root):
    """deploy/web-config-secret.yaml: what the TLS DaemonSet's --web-config reads, and that
    the files it names are mounted from the TLS Secrets."""
    kinds = {d.get("kind"): d for d in load_yaml_docs(os.path.join(root, TLS_DAEMONSET))}
    pod, c = pod_container(kinds)
    path = serve_flags(c, report=False).get("--web-config")
    where = mounted_file(pod, c, path) if path else None
    if not where:
        problem(f"{TLS_DAEMONSET} mounts no Secret at its --web-config path {path}")
        return
    text = web_config_text(root, where[0], where[1] or os.path.basename(path))
    if text is None:
        return
    tls = check_web_config_keys(yaml.safe_load(text))
    # Relative paths resolve against the web config's folder, as in the exporter toolkit.
    wanted = {"cert_file": "tls.crt", "key_file": "tls.key", "client_ca_file": None}
    for k, key in wanted.items():
        if not tls.get(k):
            continue
        file = os.path.join(os.path.dirname(path), tls[k])
        got = mounted_file(pod, c, file)
        if not got:
            problem(f"{k} {file} is not mounted from a Secret")
        elif key and got[1] not in (key, None):
            problem(f"{k} {file} is key {got[1]} of Secret {got[0]}, not its {key} (kubernetes.io/tls)")


def check_scrape_tls(root, cfg, job):
    """The HTTPS job: verified TLS, a password from a file for a user the web config knows,
    and otherwise the plain job unchanged."""
    if job.get("scheme") != "https":
        problem(f"the TLS job's scheme is {job.get('scheme', 'http')!r}, not https")
    tls = job.get("tls_config") or {}
    if not tls.get("ca_file"):
        problem("tls_config has no ca_file: the certificate would be checked against the system CAs")
    if tls.get("insecure_skip_verify") is not False:
        problem("tls_config.insecure_skip_verify is not false")
    if not tls.get("server_name"):
        problem("tls_config has no server_name: targets are node IPs, which the certificate does not name")
    auth = job.get("basic_auth") or {}
    if "password" in auth or not auth.get("password_file"):
        problem("basic_auth does not read its password from password_file")
    text = web_config_text(root, "sloprobe-web-config", "web-config.yml") or "{}"
    users = (yaml.safe_load(text) or {}).get("basic_auth_users") or {}
    if auth.get("username") not in users:
        problem(f"basic_auth username {auth.get('username')!r} is not in the web config's basic_auth_users")
    with open(os.path.join(root, SCRAPE)) as f:
        plain = yaml.safe_load(f)
    tls_cfg = yaml.safe_load(yaml.safe_dump(cfg))
    for j in tls_cfg.get("scrape_configs", []):
        for k in ("scheme", "tls_config", "basic_auth"):
            j.pop(k, None)
    d = first_difference(tls_cfg, plain, SCRAPE)
    if d:
        problem(f"drifted from {SCRAPE} beyond TLS: {d}")


def check_dashboard(root, rules_out):
    """Checks deploy/grafana-dashboard.json; writes its queries as recording rules to rules_out
    so that promtool parses every one of them."""
    path = os.path.join(root, "deploy/grafana-dashboard.json")
    try:
        with open(path) as f:
            dash = json.load(f)
    except (OSError, ValueError) as e:
        problem(f"{path}: {e}")
        return
    if not isinstance(dash.get("schemaVersion"), int) or dash["schemaVersion"] < 36:
        problem(f"schemaVersion {dash.get('schemaVersion')!r} is older than 36 (Grafana 9)")
    variables = {v.get("name"): v for v in dash.get("templating", {}).get("list", [])}
    if variables.get("datasource", {}).get("type") != "datasource":
        problem("no `datasource` template variable")
    for name in ("instance", "service"):
        if name not in variables:
            problem(f"no `{name}` template variable")
    ids, exprs = set(), []
    panels = dash.get("panels", [])
    for p in panels:
        if p.get("id") in ids:
            problem(f"panel id {p.get('id')} used twice")
        ids.add(p.get("id"))
        if "gridPos" not in p:
            problem(f"panel {p.get('title')!r} has no gridPos")
        if p.get("type") == "row":
            continue
        targets = p.get("targets") or []
        if not targets:
            problem(f"panel {p.get('title')!r} has no targets")
        for ds in [p.get("datasource")] + [t.get("datasource") for t in targets]:
            if not ds or ds.get("uid") != "${datasource}":
                problem(f"panel {p.get('title')!r} does not use the ${{datasource}} variable")
        for t in targets:
            expr = t.get("expr", "")
            if not expr.strip():
                problem(f"panel {p.get('title')!r} has a target without expr")
                continue
            exprs.append(expr)
            bad = unknown_metrics(expr)
            if bad:
                problem(f"panel {p.get('title')!r} queries metrics sloprobe does not export: {bad}")
            if not METRIC_RE.search(expr):
                problem(f"panel {p.get('title')!r} queries no sloprobe metric: {expr}")
            bad = unselected_route_series(expr)
            if bad:
                problem(f"panel {p.get('title')!r} sums services' and routes' series together: {bad}")
    for v in variables.values():
        q = v.get("query")
        q = q.get("query", "") if isinstance(q, dict) else (q or "")
        if v.get("type") == "query":
            bad = unknown_metrics(q)
            if bad or not METRIC_RE.search(q):
                problem(f"variable {v.get('name')} queries {q!r}")
    # What the dashboard is for: each of these must be asked by some panel.
    wanted = {
        "requests/s (rate of _count)": r"rate\(sloprobe_request_duration_seconds_count\b",
        "connections active": r"sloprobe_connections_active\b",
        "connection opens": r"rate\(sloprobe_connections_opened_total\b",
        "connection closes": r"rate\(sloprobe_connections_closed_total\b",
        "retransmits": r"rate\(sloprobe_retransmits_total\b",
        "drops": r"rate\(sloprobe_dropped_events_total\b",
        "the 5xx share of HTTP responses": (r"rate\(sloprobe_http_responses_total\{[^}]*class=\"5xx\"[^)]*"
                                            r"\)\)\s*/\s*sum by \(service\) \(rate\(sloprobe_http_responses_total\b"),
    }
    for q in ("0.5", "0.95", "0.99"):
        wanted[f"quantile {q}"] = (r"histogram_quantile\(\s*" + re.escape(q) +
                                   r"\s*,\s*sum by \(le, service\) \(rate\(sloprobe_request_duration_seconds_bucket\b")
    for what, pattern in wanted.items():
        if not any(re.search(pattern, e) for e in exprs):
            problem(f"no panel shows {what}")
    # Grafana's variables are not PromQL: substitute values so that promtool can parse.
    rules = []
    for i, e in enumerate(exprs):
        e = e.replace("$__rate_interval", "1m").replace("$__interval", "1m")
        e = re.sub(r"\$\{?\w+\}?", ".*", e)
        rules.append({"record": f"dashboard:query_{i}", "expr": e})
    with open(rules_out, "w") as f:
        yaml.safe_dump({"groups": [{"name": "dashboard", "rules": rules}]}, f)


def unselected_route_series(expr):
    """The routed histograms @expr queries without route="" or route!=\"\"."""
    return sorted({m.group(1) for m in ROUTED_RE.finditer(expr)
                   if not ROUTE_MATCHER_RE.search(m.group(2) or "")})


def check_rules_routes(root):
    docs = load_yaml_docs(os.path.join(root, "deploy/prometheus-rules.yaml"))
    for expr in find_key(docs, "expr"):
        bad = unselected_route_series(str(expr))
        if bad:
            problem(f"rule sums services' and routes' series together (select route=\"\" or "
                    f"route!=\"\"): {bad}")
    alerts = {rule.get("alert") for rules in find_key(docs, "rules") for rule in rules}
    for a in ("SloprobeTTFBAboveSLO", "SloprobeRouteP95AboveSLO", "SloprobeRouteTTFBAboveSLO",
              "SloprobeErrorRateAboveSLO", "SloprobeRouteErrorRateAboveSLO"):
        if a not in alerts:
            problem(f"no alert {a}")


def check_rules_metrics(root):
    docs = load_yaml_docs(os.path.join(root, "deploy/prometheus-rules.yaml"))
    for expr in find_key(docs, "expr"):
        bad = unknown_metrics(str(expr))
        if bad:
            problem(f"rule queries metrics sloprobe does not export: {bad}")
    alerts = {rule.get("alert") for rules in find_key(docs, "rules") for rule in rules}
    for a in ("SloprobeP99AboveSLO", "SloprobeDroppedEvents"):
        if a not in alerts:
            problem(f"no alert {a}")


HPA_RULES = "deploy/prometheus-hpa-rules.yaml"
ADAPTER = "deploy/prometheus-adapter.yaml"
# The sources of the names the adapter must agree with: the real repository's, also when ROOT
# is a mutated copy of deploy/.
SOURCE_ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
# Series from kube-state-metrics the per-pod rule joins with.
KUBE_METRICS = {"kube_pod_info"}


def serve_labels():
    """The label names `sloprobe serve` writes (write_label calls and the service's own)."""
    with open(os.path.join(SOURCE_ROOT, "user/output/metrics_text.c")) as f:
        text = f.read()
    return set(re.findall(r'write_label\(out, "(\w+)"', text)) | {"service", "port", "netns"}


def plan_hpa_metric():
    with open(os.path.join(SOURCE_ROOT, "user/analysis/plan_hpa.h")) as f:
        return re.search(r'#define PLAN_HPA_RPS_METRIC "(\w+)"', f.read()).group(1)


def check_hpa_adapter(root):
    """The adapter serves, under the name plan's HPA asks for, the series the recording rule
    writes, with the labels that rule keeps; the rule reads only what serve exports."""
    rules = [r for g in load_yaml_docs(os.path.join(root, HPA_RULES))[0]["groups"]
             for r in g["rules"]]
    records = {r["record"]: str(r["expr"]) for r in rules if "record" in r}
    for name, expr in records.items():
        bad = sorted(set(m.group(0) for m in METRIC_RE.finditer(expr)) - METRICS)
        if bad:
            problem(f"{name} queries metrics sloprobe does not export: {bad}")
        if unselected_route_series(expr):
            problem(f"{name} counts services' and routes' series together: select route=\"\"")
        used = set(re.findall(r'(\w+)\s*(?:=|!=|=~)\s*"', expr.split("label_replace")[0]))
        used |= set(re.findall(r"on \(([\w, ]+)\)", expr)[0].replace(" ", "").split(",")
                    if "on (" in expr else [])
        missing = sorted(used - serve_labels() - {"__name__"})
        if missing:
            problem(f"{name} selects labels serve does not write: {missing}")
    adapter = load_yaml_docs(os.path.join(root, ADAPTER))[0]["rules"]
    served = {r["name"]["as"]: r for r in adapter}
    want = plan_hpa_metric()
    if want not in served:
        problem(f"no adapter rule serves {want}, the metric plan's HPA names (have {sorted(served)})")
        return
    rule = served[want]
    series = re.match(r"\s*'?(\w+)", rule["seriesQuery"]).group(1)
    if series not in records:
        problem(f"adapter rule for {want} reads {series}, which no rule of {HPA_RULES} records")
        return
    if not re.fullmatch(rule["name"]["matches"], series):
        problem(f"adapter name.matches {rule['name']['matches']!r} does not match {series}")
    kept = re.search(r"sum by \(([\w, ]+)\)", records[series])
    kept = set(kept.group(1).replace(" ", "").split(",")) if kept else set()
    overrides = rule["resources"]["overrides"]
    for label, res in overrides.items():
        if label not in kept:
            problem(f"adapter maps label {label} to {res}, but {series} has only {sorted(kept)}")
    if {o["resource"] for o in overrides.values()} != {"namespace", "pod"}:
        problem("adapter rule must map labels to the namespace and pod resources")


def check_scrape(root, promtool_out, path=SCRAPE, ds_path=DAEMONSET, tls=False):
    """Checks a scrape config (deploy/prometheus-scrape.yaml, or with tls its HTTPS variant)
    against its DaemonSet, and writes to promtool_out
    the config promtool can check here: Debian's Prometheus is built without Kubernetes
    service discovery, so there the kubernetes_sd_configs block is swapped for a file_sd one
    (everything else, relabeling and rule files included, goes through promtool unchanged)."""
    path = os.path.join(root, path)
    with open(path) as f:
        cfg = yaml.safe_load(f)
    ds_docs = load_yaml_docs(os.path.join(root, ds_path))
    ns = next((d["metadata"]["name"] for d in ds_docs if d.get("kind") == "Namespace"), None)
    jobs = [j for j in cfg.get("scrape_configs", []) if j.get("job_name") == "sloprobe"]
    if not jobs:
        problem("no scrape job named sloprobe (the alert rules' up{job=\"sloprobe\"} needs it)")
        return
    job = jobs[0]
    sds = job.get("kubernetes_sd_configs") or []
    if not any(sd.get("role") == "pod" and ns in sd.get("namespaces", {}).get("names", []) for sd in sds):
        problem(f"no kubernetes_sd_configs of role pod in namespace {ns}")
    keeps = {}
    for r in job.get("relabel_configs", []):
        if r.get("action") == "keep":
            for label in r.get("source_labels", []):
                keeps[label] = r.get("regex")
    if keeps.get("__meta_kubernetes_pod_annotation_prometheus_io_scrape") != "true":
        problem("no keep on the prometheus.io/scrape annotation")
    if keeps.get("__meta_kubernetes_pod_container_port_name") != "metrics":
        problem("no keep on the container port named metrics")
    if tls:
        check_scrape_tls(root, cfg, job)
    if promtool_supports_kubernetes_sd():
        promtool_cfg = cfg
    else:
        for j in cfg.get("scrape_configs", []):
            if "kubernetes_sd_configs" in j:
                del j["kubernetes_sd_configs"]
                j["file_sd_configs"] = [{"files": ["targets/*.json"]}]
        promtool_cfg = cfg
    # Rule files are relative to the config file: make them absolute for the copy.
    promtool_cfg["rule_files"] = [os.path.join(os.path.dirname(os.path.abspath(path)), r)
                                  for r in promtool_cfg.get("rule_files", [])]
    if not promtool_cfg["rule_files"]:
        problem("the scrape config loads no rule files")
    with open(promtool_out, "w") as f:
        yaml.safe_dump(promtool_cfg, f)


def promtool_supports_kubernetes_sd():
    probe = "scrape_configs:\n  - job_name: x\n    kubernetes_sd_configs: [{role: pod}]\n"
    tmp = os.path.join(os.environ.get("TMPDIR", "/tmp"), f"sloprobe-k8s-sd-{os.getpid()}.yaml")
    with open(tmp, "w") as f:
        f.write(probe)
    try:
        return subprocess.run(["promtool", "check", "config", tmp], capture_output=True).returncode == 0
    finally:
        os.unlink(tmp)


def check_dockerfile(root, binary):
    """Every library the built binary links directly must come from a package the image
    installs."""
    path = os.path.join(root, "deploy/Dockerfile")
    with open(path) as f:
        text = f.read()
    if not re.search(r"^FROM debian:bookworm-slim\b", text, re.M):
        problem("the image is not based on debian:bookworm-slim")
    if not re.search(r"^COPY build/sloprobe\s", text, re.M):
        problem("the image does not copy build/sloprobe")
    installed = set()
    # A package list may go on over continuation lines.
    for m in re.finditer(r"apt-get install ([^&\n]*)", text.replace("\\\n", " ")):
        installed.update(w for w in m.group(1).split() if not w.startswith("-"))
    dynamic = subprocess.run(["readelf", "-d", binary], capture_output=True, text=True, check=True).stdout
    needed = re.findall(r"\(NEEDED\).*\[(.+)\]", dynamic)
    resolved = dict(re.findall(r"^\s*(\S+) => (\S+)", subprocess.run(
        ["ldd", binary], capture_output=True, text=True).stdout, re.M))
    for lib in needed:
        if lib not in resolved:
            problem(f"{binary} needs {lib}, which ldd cannot resolve")
            continue
        owner = subprocess.run(["dpkg", "-S", os.path.realpath(resolved[lib])],
                               capture_output=True, text=True).stdout.split(":")[0]
        # libc6 is in every Debian image.
        if owner and owner != "libc6" and owner not in installed:
            problem(f"{binary} needs {lib} from package {owner}, which the Dockerfile does not install")


def main():
    root, check = sys.argv[1], sys.argv[2]
    try:
        run(root, check)
    except (OSError, ValueError, yaml.YAMLError, AttributeError, KeyError, TypeError,
            subprocess.CalledProcessError) as e:
        # A file that does not parse, or parses to the wrong shape, is a failed check too.
        problem(f"{check}: {type(e).__name__}: {e}")
    for p in problems:
        print(p)
    sys.exit(1 if problems else 0)


def run(root, check):
    if check == "daemonset":
        check_daemonset(root)
    elif check == "dashboard":
        check_dashboard(root, sys.argv[3])
    elif check == "rules-metrics":
        check_rules_metrics(root)
    elif check == "rules-routes":
        check_rules_routes(root)
    elif check == "scrape":
        check_scrape(root, sys.argv[3])
    elif check == "daemonset-tls":
        check_daemonset_tls(root)
    elif check == "web-config":
        check_web_config(root)
    elif check == "scrape-tls":
        check_scrape(root, sys.argv[3], TLS_SCRAPE, TLS_DAEMONSET, tls=True)
    elif check == "hpa-adapter":
        check_hpa_adapter(root)
    elif check == "dockerfile":
        check_dockerfile(root, sys.argv[3])
    else:
        sys.exit(f"checks.py: unknown check {check}")


if __name__ == "__main__":
    main()
