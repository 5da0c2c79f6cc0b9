#!/usr/bin/env bash
# Regenerates test/vectors/x509/openssl-fixtures.json with the OpenSSL CLI: keys, certificates, a CSR,
# a CA → leaf chain and PFX files in the modern (PBES2/AES-256, HMAC-SHA256) and legacy (RC2-40 +
# 3DES, HMAC-SHA1) forms. Each entry records the command that made it and what OpenSSL itself says
# about it (subject, serial, fingerprint, dates), so the tests compare against OpenSSL, not against us.
# Needs OpenSSL 3 with the legacy provider (for -legacy). Output differs on every run (fresh keys).
set -euo pipefail
cd "$(dirname "$0")"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
entries="$work/entries.jsonl"
: >"$entries"

# record NAME FILE COMMAND [binary]
record() {
  local name=$1 file=$2 command=$3 kind=${4:-text}
  node -e '
    const fs = require("fs");
    const [name, file, command, kind] = process.argv.slice(1);
    const data = fs.readFileSync(file);
    const value = kind === "binary" ? data.toString("base64") : data.toString("utf8");
    fs.appendFileSync(process.argv[5], JSON.stringify({ name, command, encoding: kind === "binary" ? "base64" : "pem", value }) + "\n");
  ' "$name" "$file" "$command" "$kind" "$entries"
}

# facts NAME CERTFILE: what `openssl x509` reports about a certificate.
facts() {
  local name=$1 file=$2
  local subject serial fingerprint start end
  subject=$(openssl x509 -in "$file" -noout -subject -nameopt RFC2253 | sed 's/^subject=//')
  serial=$(openssl x509 -in "$file" -noout -serial | sed 's/^serial=//')
  fingerprint=$(openssl x509 -in "$file" -noout -fingerprint -sha1 | sed 's/^.*=//; s/://g')
  start=$(openssl x509 -in "$file" -noout -startdate | sed 's/^notBefore=//')
  end=$(openssl x509 -in "$file" -noout -enddate | sed 's/^notAfter=//')
  node -e '
    const fs = require("fs");
    const [name, subject, serial, sha1, start, end, out] = process.argv.slice(1);
    const facts = { subjectRfc2253: subject, serial, sha1: sha1.toLowerCase(), notBefore: new Date(start).toISOString(), notAfter: new Date(end).toISOString() };
    fs.appendFileSync(out, JSON.stringify({ name, facts }) + "\n");
  ' "$name" "$subject" "$serial" "$fingerprint" "$start" "$end" "$entries"
}

SUBJ="/C=US/ST=WA/L=Redmond/O=Contoso/OU=IT/CN=api.myapp.com/emailAddress=admin@myapp.com"
SAN="subjectAltName=DNS:api.myapp.com,DNS:*.myapp.com,email:ops@myapp.com,IP:10.0.0.1,IP:2001:db8::1,URI:https://myapp.com/id,otherName:1.3.6.1.4.1.311.20.2.3;UTF8:user@contoso.com"

cmd="openssl req -x509 -newkey rsa:2048 -nodes -keyout rsa-key.pem -out rsa-cert.pem -days 3650 -subj '$SUBJ' -addext '$SAN' -addext 'keyUsage=critical,digitalSignature,keyEncipherment' -addext 'extendedKeyUsage=serverAuth,clientAuth'"
(cd "$work" && eval "$cmd") 2>/dev/null
record rsa-key "$work/rsa-key.pem" "$cmd"
record rsa-cert "$work/rsa-cert.pem" "$cmd"
facts rsa-cert "$work/rsa-cert.pem"

cmd="openssl pkey -in rsa-key.pem -traditional -out rsa-key-pkcs1.pem"
(cd "$work" && eval "$cmd")
record rsa-key-pkcs1 "$work/rsa-key-pkcs1.pem" "$cmd"

# 2060: notAfter must be a GeneralizedTime (RFC 5280 §4.1.2.5).
cmd="openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-384 -nodes -keyout ec-key.pem -out ec-cert.pem -days 13000 -subj '/CN=ec.myapp.com/O=Contoso' -addext 'keyUsage=critical,digitalSignature' -addext 'subjectAltName=DNS:ec.myapp.com'"
(cd "$work" && eval "$cmd") 2>/dev/null
record ec-key "$work/ec-key.pem" "$cmd"
record ec-cert "$work/ec-cert.pem" "$cmd"
facts ec-cert "$work/ec-cert.pem"

cmd="openssl ecparam -name prime256v1 -genkey -out ec-p256-sec1.pem"
(cd "$work" && eval "$cmd")
record ec-p256-sec1 "$work/ec-p256-sec1.pem" "$cmd"

cmd="openssl req -new -key ec-p256-sec1.pem -out ec.csr -subj '/C=DE/O=Fabrikam/CN=csr.fabrikam.com' -addext 'subjectAltName=DNS:csr.fabrikam.com,DNS:www.fabrikam.com' -addext 'keyUsage=critical,digitalSignature' -addext 'extendedKeyUsage=serverAuth'"
(cd "$work" && eval "$cmd")
record ec-csr "$work/ec.csr" "$cmd"

cmd="openssl req -x509 -newkey rsa:3072 -nodes -keyout ca-key.pem -out ca-cert.pem -days 3650 -subj '/O=Edge Vault Tests/CN=Edge Vault Test Root CA' -addext 'basicConstraints=critical,CA:TRUE' -addext 'keyUsage=critical,keyCertSign,cRLSign'"
(cd "$work" && eval "$cmd") 2>/dev/null
record ca-cert "$work/ca-cert.pem" "$cmd"
facts ca-cert "$work/ca-cert.pem"

printf 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\nsubjectAltName=DNS:leaf.myapp.com\n' >"$work/leaf.ext"
cmd="openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout leaf-key.pem -out leaf.csr -subj '/O=Contoso/CN=leaf.myapp.com' && openssl x509 -req -in leaf.csr -CA ca-cert.pem -CAkey ca-key.pem -set_serial 0x1a2b3c4d5e6f -days 825 -sha384 -extfile leaf.ext -out leaf-cert.pem"
(cd "$work" && eval "$cmd") 2>/dev/null
record leaf-key "$work/leaf-key.pem" "$cmd"
record leaf-cert "$work/leaf-cert.pem" "$cmd"
facts leaf-cert "$work/leaf-cert.pem"

cmd="openssl pkcs12 -export -in leaf-cert.pem -inkey leaf-key.pem -certfile ca-cert.pem -passout pass:test-password -out chain-pbes2.pfx"
(cd "$work" && eval "$cmd")
record chain-pbes2-pfx "$work/chain-pbes2.pfx" "$cmd" binary

cmd="openssl pkcs12 -export -legacy -in leaf-cert.pem -inkey leaf-key.pem -certfile ca-cert.pem -passout pass:test-password -out chain-legacy.pfx"
(cd "$work" && eval "$cmd")
record chain-legacy-pfx "$work/chain-legacy.pfx" "$cmd" binary

cmd="openssl pkcs12 -export -in rsa-cert.pem -inkey rsa-key.pem -certpbe PBE-SHA1-3DES -keypbe PBE-SHA1-3DES -macalg sha1 -passout pass:p\xc3\xa4ssw\xc3\xb6rd -out rsa-3des-unicode.pfx"
(cd "$work" && openssl pkcs12 -export -in rsa-cert.pem -inkey rsa-key.pem -certpbe PBE-SHA1-3DES -keypbe PBE-SHA1-3DES -macalg sha1 -passout "pass:pässwörd" -out rsa-3des-unicode.pfx)
record rsa-3des-unicode-pfx "$work/rsa-3des-unicode.pfx" "$cmd (the password is pässwörd in UTF-8)" binary

cmd="openssl pkcs12 -export -in ec-cert.pem -inkey ec-key.pem -passout pass: -out ec-empty-password.pfx"
(cd "$work" && eval "$cmd")
record ec-empty-password-pfx "$work/ec-empty-password.pfx" "$cmd" binary

cmd="openssl pkcs12 -export -in ec-cert.pem -inkey ec-key.pem -nomac -passout pass:nomac-password -out ec-nomac.pfx"
(cd "$work" && eval "$cmd")
record ec-nomac-pfx "$work/ec-nomac.pfx" "$cmd" binary

node -e '
  const fs = require("fs");
  const lines = fs.readFileSync(process.argv[1], "utf8").trim().split("\n").map((line) => JSON.parse(line));
  const out = { source: "OpenSSL CLI on the development machine: " + process.argv[2], generator: "test/vectors/x509/make-fixtures.sh", files: {}, facts: {} };
  for (const line of lines) {
    if (line.facts) out.facts[line.name] = line.facts;
    else out.files[line.name] = { command: line.command, encoding: line.encoding, value: line.value };
  }
  fs.writeFileSync("openssl-fixtures.json", JSON.stringify(out, null, 2) + "\n");
' "$entries" "$(openssl version)"
echo "wrote $(pwd)/openssl-fixtures.json"
