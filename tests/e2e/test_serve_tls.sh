#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# `serve --web-config`: a real Prometheus scrapes serve over TLS with basic auth, and over
# mutual TLS, with the exporters' scrape settings (scheme https, tls_config, basic_auth). The
# right credentials: target up, series present. A wrong password: down with a 401. No client
# certificate under mutual TLS: down, and refused to a client of our own; plain HTTP to the TLS
# port fails. Bad web-config files at start: exit 2, one line, no probe attached. A CA, server
# and client certificates and a bcrypt hash are made here, into $WORK.
. "$(dirname "$0")/lib.sh"
require_bpf
PROMETHEUS=${PROMETHEUS:-/usr/bin/prometheus}
[ -x "$PROMETHEUS" ] || skip "no Prometheus at $PROMETHEUS (make deps installs it)"
command -v openssl >/dev/null || skip "no openssl (make deps installs it)"
# Debian's python3-bcrypt is for Debian's python3, which may not be first on PATH.
BCRYPT_PYTHON=/usr/bin/python3
"$BCRYPT_PYTHON" -c 'import bcrypt' 2>/dev/null || skip "no python3-bcrypt (make deps installs it)"

PASSWORD=scrape-secret
pki=$WORK/pki
mkdir -p "$pki"

# make_cert NAME SUBJECT EXTENSIONS: an EC key and a certificate signed by the test CA.
make_cert() {
	openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$pki/$1.key" \
		-out "$pki/$1.csr" -subj "$2" 2>/dev/null &&
		openssl x509 -req -in "$pki/$1.csr" -CA "$pki/ca.crt" -CAkey "$pki/ca.key" \
			-CAcreateserial -days 1 -out "$pki/$1.crt" -extfile <(printf '%s\n' "$3") \
			2>/dev/null || fail "openssl could not make the $1 certificate"
}
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$pki/ca.key" \
	-out "$pki/ca.crt" -days 1 -subj /CN=sloprobe-test-ca 2>/dev/null || fail "openssl: no CA"
make_cert server /CN=127.0.0.1 $'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth'
make_cert client /CN=prometheus 'extendedKeyUsage=clientAuth'
# A key of its own, matching no certificate here.
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$pki/stray.key" 2>/dev/null
hash=$("$BCRYPT_PYTHON" -c 'import bcrypt, sys; print(bcrypt.hashpw(sys.argv[1].encode(), bcrypt.gensalt(10)).decode())' "$PASSWORD")

# Relative paths: they resolve against the web config's folder, not serve's.
cat >"$pki/tls.yml" <<YAML
tls_server_config:
  cert_file: server.crt
  key_file: server.key
basic_auth_users:
  prometheus: $hash
YAML
cat >"$pki/mtls.yml" <<YAML
tls_server_config:
  cert_file: server.crt
  key_file: server.key
  client_auth_type: RequireAndVerifyClientCert
  client_ca_file: ca.crt
basic_auth_users:
  prometheus: '$hash'
YAML

# expect_refused NAME WANT: serve with $pki/NAME.yml exits 2 with one line naming WANT, before
# any BPF program loads.
expect_refused() {
	"$SLOPROBE" serve --listen 127.0.0.1:0 --web-config "$pki/$1.yml" >"$WORK/out" 2>"$WORK/err"
	local rc=$?
	[ "$rc" = 2 ] || fail "$1: exit $rc, expected 2: $(cat "$WORK/err")"
	[ "$(wc -l <"$WORK/err")" = 1 ] || fail "$1: expected one line, got: $(cat "$WORK/err")"
	grep -qF -- "$2" "$WORK/err" || fail "$1: message lacks '$2': $(cat "$WORK/err")"
	! grep -q 'program set' "$WORK/err" || fail "$1: the probe attached"
	log "$1: exit 2: $(cat "$WORK/err")"
}
sed 's/cert_file: server.crt/cert_file: missing.crt/' "$pki/tls.yml" >"$pki/missing-cert.yml"
expect_refused missing-cert "tls_server_config.cert_file $pki/missing.crt: cannot open"
sed 's/key_file: server.key/key_file: stray.key/' "$pki/tls.yml" >"$pki/wrong-key.yml"
expect_refused wrong-key "key_file $pki/stray.key does not match cert_file $pki/server.crt"
printf 'basic_auth_users:\n  prometheus: %s\n' "$PASSWORD" >"$pki/not-bcrypt.yml"
expect_refused not-bcrypt "basic_auth_users.prometheus: not a bcrypt hash"
printf 'tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n  cipher_suites: [x]\n' \
	>"$pki/unknown-key.yml"
expect_refused unknown-key "tls_server_config.cipher_suites: unknown key"

serve_start tls --interval 1 --web-config "$pki/tls.yml"
tls_target=${SERVE_URL#https://}
tls_target=${tls_target%/metrics}
serve_start mtls --interval 1 --web-config "$pki/mtls.yml"
mtls_target=${SERVE_URL#https://}
mtls_target=${mtls_target%/metrics}
log "serve over TLS at $tls_target, over mutual TLS at $mtls_target"

# http_get URL [CERT KEY]: the HTTP status of a GET with the right password, trusting the test
# CA, or the error that stopped it.
http_get() {
	python3 - "$pki/ca.crt" "$PASSWORD" "$@" <<'PY'
import base64, ssl, sys, urllib.error, urllib.request
ca, password, url = sys.argv[1:4]
context = ssl.create_default_context(cafile=ca)
if len(sys.argv) > 4:
    context.load_cert_chain(sys.argv[4], sys.argv[5])
auth = base64.b64encode(b"prometheus:" + password.encode()).decode()
request = urllib.request.Request(url, headers={"Authorization": "Basic " + auth})
try:
    print(urllib.request.urlopen(request, timeout=5, context=context).status)
except urllib.error.HTTPError as e:
    print(e.code)
except Exception as e:
    print("error:", type(e).__name__)
PY
}
assert_eq "TLS with the password" "$(http_get "https://$tls_target/metrics")" 200
status=$(http_get "http://$tls_target/metrics")
[[ $status == error:* ]] || fail "plain HTTP to the TLS port answered $status"
log "plain HTTP to the TLS port: $status: ok"
assert_eq "mutual TLS without a client certificate" "$(http_get "https://$mtls_target/metrics")" 403
assert_eq "mutual TLS with the client certificate" \
	"$(http_get "https://$mtls_target/metrics" "$pki/client.crt" "$pki/client.key")" 200

# scrape_job NAME TARGET PASSWORD [CLIENT]: one job of the Prometheus config, the exporters' way.
scrape_job() {
	cat <<YAML
  - job_name: $1
    scheme: https
    static_configs:
      - targets: ['$2']
    basic_auth:
      username: prometheus
      password: '$3'
    tls_config:
      ca_file: $pki/ca.crt
YAML
	[ -z "${4:-}" ] || printf '      cert_file: %s\n      key_file: %s\n' "$pki/$4.crt" "$pki/$4.key"
}
prom_port=$(free_tcp_port)
prom=http://127.0.0.1:$prom_port
{
	printf 'global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\nscrape_configs:\n'
	scrape_job tls "$tls_target" "$PASSWORD"
	scrape_job tls_wrong_password "$tls_target" wrong-password
	scrape_job mtls "$mtls_target" "$PASSWORD" client
	scrape_job mtls_no_client_cert "$mtls_target" "$PASSWORD"
} >"$WORK/prometheus.yml"
# A plain background command: $! is Prometheus itself, which the cleanup's kill reaches.
"$PROMETHEUS" --config.file="$WORK/prometheus.yml" --storage.tsdb.path="$WORK/tsdb" \
	--web.listen-address="127.0.0.1:$prom_port" >"$WORK/prometheus.log" 2>&1 &
PIDS_TO_KILL+=($!)

# prom_api PATH [QUERY]: Prometheus's JSON answer (urllib, so no curl is needed).
prom_api() {
	python3 - "$prom" "$@" <<'PY'
import sys, urllib.parse, urllib.request
url = sys.argv[1] + sys.argv[2]
if len(sys.argv) > 3:
    url += "?" + urllib.parse.urlencode({"query": sys.argv[3]})
try:
    print(urllib.request.urlopen(url, timeout=5).read().decode())
except Exception as e:
    print("{}")
PY
}
# target JOB FIELD: health or lastError of JOB's target.
target() {
	prom_api /api/v1/targets | jq -r --arg job "$1" \
		".data.activeTargets[]? | select(.labels.job == \$job) | .$2"
}
wait_for "[ \"\$(prom_api /-/ready)\" != '{}' ]" 30 ||
	fail "Prometheus did not become ready: $(tail -5 "$WORK/prometheus.log")"
for job in tls tls_wrong_password mtls mtls_no_client_cert; do
	wait_for "[ -n \"\$(target $job health | grep -v unknown)\" ]" 20 ||
		fail "Prometheus never scraped job $job: $(prom_api /api/v1/targets)"
done

for job in tls mtls; do
	assert_eq "job $job" "$(target $job health)" up
	count=$(prom_api /api/v1/query "sloprobe_build_info{job=\"$job\"}" | jq '.data.result | length')
	assert_eq "sloprobe_build_info series of job $job" "$count" 1
done
assert_eq "job tls_wrong_password" "$(target tls_wrong_password health)" down
error=$(target tls_wrong_password lastError)
[[ $error == *401* ]] || fail "wrong password: lastError '$error' has no 401"
log "wrong password: '$error': ok"
assert_eq "job mtls_no_client_cert" "$(target mtls_no_client_cert health)" down
log "no client certificate: '$(target mtls_no_client_cert lastError)': ok"
