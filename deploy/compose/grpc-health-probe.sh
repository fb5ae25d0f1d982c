#!/usr/bin/env bash
# A gRPC health probe with nothing but bash and coreutils, for containers
# whose image holds no probe binary: calls grpc.health.v1.Health/Check over
# plaintext HTTP/2 (ahpl-server's --health_listen port, or a loopback main
# port) and exits 0 only when the answer is SERVING.
#   grpc-health-probe.sh HOST:PORT [SERVICE]     (SERVICE "" is the server)
# Exit codes: 0 SERVING, 1 anything else (NOT_SERVING, unknown service, no
# answer), 2 wrong arguments.
set -euo pipefail

if (($# < 1 || $# > 2)) || [[ $1 != *:* ]]; then
  echo "usage: grpc-health-probe.sh HOST:PORT [SERVICE]" >&2
  exit 2
fi
host=${1%:*}
port=${1##*:}
service=${2:-}
# Names go into printf formats and single-byte lengths: keep them plain and short.
if [[ ! $service =~ ^[A-Za-z0-9._]{0,100}$ || ! $host =~ ^[A-Za-z0-9.-]{1,100}$ ]]; then
  echo "grpc-health-probe: unexpected host or service name" >&2
  exit 2
fi

# printf escapes for a byte and for a 24-bit big-endian length.
byte() { printf '\\x%02x' "$1"; }
len24() { printf '\\x%02x\\x%02x\\x%02x' $(($1 >> 16 & 255)) $(($1 >> 8 & 255)) $(($1 & 255)); }
# An HPACK string literal (no Huffman coding; every string here is < 127 bytes).
hstr() { printf '%s%s' "$(byte ${#1})" "$1"; }

path=/grpc.health.v1.Health/Check
# Header block, HPACK: indexed :method POST (3) and :scheme http (6); literal
# values without indexing for :path (4), :authority (1), content-type (31,
# which takes a second byte past the 4-bit prefix) and the new name te.
headers="\\x83\\x86\\x04$(hstr "$path")\\x01$(hstr "$host")\\x0f\\x10$(hstr application/grpc)"
headers+="\\x00$(hstr te)$(hstr trailers)"
headers_len=$(printf "$headers" | wc -c)

# HealthCheckRequest{service}: field 1, length-delimited; behind gRPC's
# 5-byte prefix (not compressed, 32-bit length).
message=""
if [[ -n $service ]]; then message="\\x0a$(hstr "$service")"; fi
message_len=$(printf "$message" | wc -c)
data="\\x00\\x00\\x00\\x00$(byte "$message_len")$message"
data_len=$((5 + message_len))

request="PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
request+="\\x00\\x00\\x00\\x04\\x00\\x00\\x00\\x00\\x00"                          # SETTINGS
request+="$(len24 "$headers_len")\\x01\\x04\\x00\\x00\\x00\\x01$headers"       # HEADERS, END_HEADERS
request+="$(len24 "$data_len")\\x00\\x01\\x00\\x00\\x00\\x01$data"             # DATA, END_STREAM

exec 3<>"/dev/tcp/$host/$port" || exit 1
printf "$request" >&3
# The server keeps the connection open: read what it sends for a moment.
answer=$(timeout 2 cat <&3 | od -An -v -tx1 | tr -d ' \n' || true)
exec 3>&-

# A SERVING answer is the message HealthCheckResponse{status: SERVING}:
# gRPC prefix 00 00000002, then field 1 varint 1.
if [[ $answer == *00000000020801* ]]; then
  exit 0
fi
echo "grpc-health-probe: ${service:-the server} at $1 is not SERVING" >&2
exit 1
