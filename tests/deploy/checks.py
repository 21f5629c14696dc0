#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
"""Structural checks of deploy/: python3 checks.py ROOT CHECK [ARGS].

Each check prints one line per problem on stdout and exits 1 if there was any, 0 otherwise.
ROOT is the repository root (or a copy of deploy/ and tests/deploy/ laid out the same way, which
is how tests/deploy/mutations.sh proves each check can fail).
"""
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
    "sloprobe_connections_active",
    "sloprobe_connections_opened_total",
    "sloprobe_connections_closed_total",
    "sloprobe_retransmits_total",
    "sloprobe_dropped_events_total",
}
# Capabilities deploy/daemonset.yaml justifies one by one; anything else is a regression.
CAPS = {"BPF", "PERFMON", "SYS_PTRACE", "DAC_READ_SEARCH"}
PORT = 9464
# A sloprobe_ name not preceded by a word character or ':' (recording rules such as
# service:sloprobe_request_duration_seconds:p99_rate5m are ours, not exported metrics).
METRIC_RE = re.compile(r"(?<![\w:])sloprobe_[A-Za-z0-9_]*")

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


def check_daemonset(root):
    docs = load_yaml_docs(os.path.join(root, "deploy/daemonset.yaml"))
    kinds = {d.get("kind"): d for d in docs}
    for kind in ("Namespace", "ServiceAccount", "DaemonSet", "Service"):
        if kind not in kinds:
            problem(f"no {kind} document")
    if any(v is True for v in find_key(docs, "privileged")):
        problem("privileged: true somewhere: the capabilities below are meant to replace it")
    ds = kinds.get("DaemonSet")
    if not ds:
        return
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
        return
    c = containers[0]
    cmd = (c.get("command") or []) + (c.get("args") or [])
    if "serve" not in cmd or f"0.0.0.0:{PORT}" not in cmd:
        problem(f"container does not run `serve --listen 0.0.0.0:{PORT}`: {cmd}")
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
    for probe in ("readinessProbe", "livenessProbe"):
        get = c.get(probe, {}).get("httpGet", {})
        if get.get("path") != "/metrics" or get.get("port") not in ("metrics", PORT):
            problem(f"{probe} is not an httpGet of /metrics on the metrics port")
    volumes = {v.get("name"): v for v in pod.get("volumes", [])}
    mounts = {m.get("mountPath"): m for m in c.get("volumeMounts", [])}
    btf = mounts.get("/sys/kernel/btf")
    if not btf or btf.get("readOnly") is not True:
        problem("/sys/kernel/btf is not mounted read-only")
    for m in c.get("volumeMounts", []):
        v = volumes.get(m.get("name"), {})
        if "hostPath" in v and m.get("readOnly") is not True:
            problem(f"host path {v['hostPath'].get('path')} mounted writable at {m.get('mountPath')}")
        if m.get("mountPath", "").startswith("/proc"):
            problem("a mount over /proc: with hostPID the container's /proc is already the host's")
    svc = kinds.get("Service", {}).get("spec", {})
    if svc.get("clusterIP") != "None":
        problem("the Service is not headless (clusterIP: None)")
    if not any(p.get("name") == "metrics" and p.get("port") == PORT for p in svc.get("ports", [])):
        problem(f"the Service has no port metrics:{PORT}")


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


def check_scrape(root, promtool_out):
    """Checks deploy/prometheus-scrape.yaml against the DaemonSet, and writes to promtool_out
    the config promtool can check here: Debian's Prometheus is built without Kubernetes
    service discovery, so there the kubernetes_sd_configs block is swapped for a file_sd one
    (everything else, relabeling and rule files included, goes through promtool unchanged)."""
    path = os.path.join(root, "deploy/prometheus-scrape.yaml")
    with open(path) as f:
        cfg = yaml.safe_load(f)
    ds_docs = load_yaml_docs(os.path.join(root, "deploy/daemonset.yaml"))
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
    elif check == "scrape":
        check_scrape(root, sys.argv[3])
    elif check == "dockerfile":
        check_dockerfile(root, sys.argv[3])
    else:
        sys.exit(f"checks.py: unknown check {check}")


if __name__ == "__main__":
    main()
