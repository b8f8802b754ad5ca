#!/usr/bin/env bash
# Second reference upload for scripts/bench.js (after node-upload.js): the same bytes, the same chunk
# plan, one curl per chunk.
#   curl-upload.sh MODE FILE UPLOAD_URL CONTENT_TYPE TOTAL START:END:LENGTH ...
# Each chunk is read from FILE by dd (skip/count in bytes) and piped into curl; nothing extra is
# written to disk. MODE:
#   stream  `curl -X PUT -T -` with the explicit Content-Length (and no chunked encoding): curl sends while
#           dd reads, the fastest a per-chunk curl gets (what bench.js runs)
#   data    `curl -X PUT --data-binary @-`: curl reads the whole chunk from the pipe into memory, then sends
# `Expect:` is cleared so curl does not wait for 100-continue (the package does not send Expect either).
# Prints, on stdout:
#   T0 <ns>            before the first chunk
#   C <index> <status> per chunk
#   T1 <ns>            after the last answer
#   TIMES              then bash's `times`: CPU of the shell, then of its children (dd, curl)
set -euo pipefail
mode=$1 file=$2 url=$3 type=$4 total=$5
shift 5
case $mode in
data) body=(--data-binary @-) ;;
stream) body=(-T - -H "Transfer-Encoding:") ;;
*) echo "unknown mode $mode" >&2; exit 2 ;;
esac
echo "T0 $(date +%s%N)"
i=0
for spec in "$@"; do
	IFS=: read -r start end len <<<"$spec"
	code=$(dd if="$file" iflag=skip_bytes,count_bytes skip="$start" count="$len" bs=1M status=none |
		curl -sS -X PUT "${body[@]}" \
			-H "Content-Type: $type" \
			-H "Content-Range: bytes $start-$end/$total" \
			-H "Content-Length: $len" \
			-H "Expect:" \
			-o /dev/null -w '%{http_code}' "$url")
	echo "C $i $code"
	case $code in
	206 | 201) ;;
	*) echo "chunk $i answered HTTP $code" >&2; exit 1 ;;
	esac
	i=$((i + 1))
done
echo "T1 $(date +%s%N)"
echo TIMES
times
