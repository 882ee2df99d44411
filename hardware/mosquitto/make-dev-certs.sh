#!/bin/sh
# Development certificates for the MQTT broker and its clients. NEVER use them in production:
# the CA key sits next to the certificates, unencrypted, and is meant for tests and demos only.
#
#   make-dev-certs.sh OUT_DIR [IDENTITY...]
#
# Creates in OUT_DIR (kept when already there, so that a CA survives re-runs):
#   ca.key, ca.crt            a development CA ("SOSM dev CA")
#   server.key, server.crt    the broker, valid for 127.0.0.1 and localhost
#   IDENTITY.key, IDENTITY.crt  one client certificate per identity, with CN = IDENTITY
#
# Identities are the broker usernames (mosquitto `use_identity_as_username`): a car is
# `sosm-{fleet}-{vehicle}` (its MQTT client id, PROTOCOL.md A), dispatch is `sosm-dispatch`.
# Keys are EC P-256: quick to generate, and accepted by mosquitto and Node's TLS.
set -eu

if [ "$#" -lt 1 ]; then
  echo "usage: $0 OUT_DIR [IDENTITY...]" >&2
  exit 2
fi
command -v openssl >/dev/null 2>&1 || {
  echo "openssl is required (apt-get install -y openssl)" >&2
  exit 1
}

out=$1
shift
days=825
mkdir -p "$out"
umask 077

newkey() {
  openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null
}

# sign NAME SUBJECT EXTFILE: a certificate for NAME.key signed by the dev CA.
sign() {
  openssl req -new -key "$out/$1.key" -subj "$2" -out "$out/$1.csr"
  openssl x509 -req -in "$out/$1.csr" -CA "$out/ca.crt" -CAkey "$out/ca.key" -CAcreateserial \
    -days "$days" -sha256 -extfile "$3" -out "$out/$1.crt" 2>/dev/null
  rm -f "$out/$1.csr"
}

if [ ! -f "$out/ca.key" ] || [ ! -f "$out/ca.crt" ]; then
  newkey "$out/ca.key"
  openssl req -x509 -new -key "$out/ca.key" -subj "/O=SOSM development/CN=SOSM dev CA" \
    -days "$days" -sha256 -out "$out/ca.crt" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign"
fi

ext="$out/.ext.$$"
trap 'rm -f "$ext"' EXIT

if [ ! -f "$out/server.crt" ]; then
  newkey "$out/server.key"
  printf '%s\n' "basicConstraints=CA:FALSE" "keyUsage=critical,digitalSignature" \
    "extendedKeyUsage=serverAuth" "subjectAltName=IP:127.0.0.1,DNS:localhost" >"$ext"
  sign server "/O=SOSM development/CN=localhost" "$ext"
fi

for identity in "$@"; do
  # The CN becomes the broker username and, with use_username_as_clientid, the client id:
  # refuse anything that could not be one (MQTT wildcards, topic separators, spaces).
  case "$identity" in
    *[!A-Za-z0-9_-]* | "")
      echo "invalid identity '$identity': use A-Z a-z 0-9 _ -" >&2
      exit 2
      ;;
  esac
  [ -f "$out/$identity.crt" ] && continue
  newkey "$out/$identity.key"
  printf '%s\n' "basicConstraints=CA:FALSE" "keyUsage=critical,digitalSignature" \
    "extendedKeyUsage=clientAuth" >"$ext"
  sign "$identity" "/O=SOSM development/CN=$identity" "$ext"
done

# Readable by the broker process and the tests that run as another user.
chmod 644 "$out"/*.crt
chmod 600 "$out"/*.key
echo "certificates in $out"
