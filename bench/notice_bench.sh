#!/usr/bin/env bash
# Notice benchmark (issue 4): 1,000 invitations to a local SMTP server (aiosmtpd, as in the
# tests). kenesd's sender (4 lanes, each reusing its SMTP connection) against curl --mail-rcpt,
# one process per message, on the same files. Target: >= 200 messages a second for kenesd.
# usage: bench/notice_bench.sh [BUILD_DIR] [COUNT]
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
count=${2:-1000}
scripts/install-deps.sh --test --bench >/dev/null
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" -j"$(nproc)" --target kenesd bench_notice_send >/dev/null
work=$(mktemp -d)
# The sinks start inside $(...), so their PIDs are kept in files for the trap.
trap 'kill $(cat "$work"/*.pid 2>/dev/null) 2>/dev/null || true; rm -rf "$work"' EXIT

# The messages: check --emit on COUNT meetings, each with one representative.
mkdir -p "$work/cal"
/usr/bin/python3 - "$work/cal" "$count" <<'PY'
import sys, datetime
folder, count = sys.argv[1], int(sys.argv[2])
with open(f"{folder}/all.ics", "w") as f:
    f.write("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//kenes//bench//EN\r\n")
    day = datetime.date(2027, 1, 8)  # a Friday
    for i in range(count):
        d = day + datetime.timedelta(weeks=i % 8)
        h = 9 + (i % 3)
        f.write(f"BEGIN:VEVENT\r\nUID:bench-{i}\r\nDTSTAMP:20261101T000000Z\r\nCREATED:20261101T000000Z\r\n"
                f"DTSTART;TZID=Asia/Almaty:{d:%Y%m%d}T{h:02d}0000\r\nDTEND;TZID=Asia/Almaty:{d:%Y%m%d}T{h+1:02d}0000\r\n"
                f"SUMMARY:Совещание по вопросам бюджета № {i}\r\nDESCRIPTION:Повестка: 1. Исполнение бюджета.\r\n"
                "ORGANIZER:mailto:vice.minister8@minfin.gov.kz\r\nATTENDEE:mailto:vice.minister17@economy.gov.kz\r\n"
                "END:VEVENT\r\n")
    f.write("END:VCALENDAR\r\n")
PY
"$build/daemon/kenesd" --config config/demo/kenes.json check --now 2026-11-24T09:00:00+05:00 --emit "$work/eml" "$work/cal" >/dev/null || true
ls "$work/eml"/*.eml | head -n "$count" >"$work/list"
n=$(wc -l <"$work/list")
mkdir -p "$work/only"
while read -r f; do cp "$f" "$work/only/"; done <"$work/list"
echo "messages: $n (from kenesd check --emit), $(du -sh "$work/only" | cut -f1)"

sink() { # sink FOLDER -> port on stdout
  /usr/bin/python3 tests/support/smtp_sink.py "$1" >"$1.port" 2>/dev/null &
  echo $! >"$1.pid"
  for _ in $(seq 100); do [ -s "$1.port" ] && break; sleep 0.05; done
  head -1 "$1.port"
}

port=$(sink "$work/sink-kenes")
kenes_line=$("$build/bench/bench_notice_send" "$work/only" vice.minister17@economy.gov.kz "smtp://127.0.0.1:$port" "$work/state" 2>"$work/sender.log")
echo "kenesd sender:        $kenes_line"

port2=$(sink "$work/sink-curl")
t0=$(date +%s.%N)
while read -r f; do
  curl -s --url "smtp://127.0.0.1:$port2" --mail-from kenes@gov.kz --mail-rcpt vice.minister17@economy.gov.kz \
    --upload-file "$f" || { echo "curl failed on $f" >&2; exit 2; }
done <"$work/list"
t1=$(date +%s.%N)
curl_s=$(echo "$t1 - $t0" | bc -l)
curl_rate=$(echo "$n / $curl_s" | bc -l)
printf 'curl, one per message: sent=%d seconds=%.3f rate=%.1f\n' "$n" "$curl_s" "$curl_rate"
got_k=$(ls "$work/sink-kenes"/*.eml | wc -l)
got_c=$(ls "$work/sink-curl"/*.eml | wc -l)
echo "received: kenesd $got_k, curl $got_c"
kenes_rate=$(sed 's/.*rate=//' <<<"$kenes_line")
printf 'ratio=%.2f (kenesd rate / curl rate)\n' "$(echo "$kenes_rate / $curl_rate" | bc -l)"
if (($(echo "$kenes_rate >= 200" | bc -l))) && [ "$got_k" -eq "$n" ]; then
  echo "rate=$kenes_rate (target >= 200 messages/s) PASS"
else
  echo "rate=$kenes_rate (target >= 200 messages/s) FAIL"
  exit 1
fi
