#!/usr/bin/env bash
# Reference upload for scripts/bench.js: the same bytes, the same chunk plan, one curl per chunk.
#   curl-upload.sh FILE UPLOAD_URL CONTENT_TYPE TOTAL START:END:LENGTH ...
# Each chunk is read from FILE by dd (skip/count in bytes) and piped into `curl --data-binary @-`;
# nothing extra is written to disk. `Expect:` is cleared so curl does not wait for 100-continue
# (the package does not send Expect either). Prints, on stdout:
#   T0 <ns>            before the first chunk
#   C <index> <status> per chunk
#   T1 <ns>            after the last answer
#   TIMES <times output>  CPU of the shell and its children (dd, curl)
set -euo pipefail
file=$1 url=$2 type=$3 total=$4
shift 4
echo "T0 $(date +%s%N)"
i=0
for spec in "$@"; do
	IFS=: read -r start end len <<<"$spec"
	code=$(dd if="$file" iflag=skip_bytes,count_bytes skip="$start" count="$len" bs=1M status=none |
		curl -sS -X PUT --data-binary @- \
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
echo "TIMES $(times | tr '\n' ' ')"
