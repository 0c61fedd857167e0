#!/bin/bash
# Captures the WebDAV answers of a running Radicale or Xandikos into data/<server>/ (see README.md).
# usage: capture.sh radicale|xandikos PORT
set -euo pipefail
server=$1
port=$2
here=$(cd "$(dirname "$0")" && pwd)
req=$here/requests
out=$here/$server
mkdir -p "$out"
base=http://127.0.0.1:$port
if [ "$server" = radicale ]; then
  auth=(-u alice:x) # --auth-type=none takes any user; the principal is /alice/
  principal=/alice/
  home=/alice/
else
  auth=()
  principal=/user/
  home=/user/calendars/
fi
cal=${home}work/
: >"$out/statuses.txt"

# dav NAME METHOD PATH DEPTH [curl args...]: body to NAME.xml, "NAME STATUS" to statuses.txt
dav() {
  local name=$1 method=$2 path=$3 depth=$4
  shift 4
  local status
  status=$(curl -s "${auth[@]}" -X "$method" -H "Depth: $depth" -H 'Content-Type: application/xml; charset=utf-8' \
    -o "$out/$name.xml" -w '%{http_code} %{content_type}' "$@" "$base$path")
  echo "$name $status" >>"$out/statuses.txt"
  case $status in *xml*) ;; *) mv "$out/$name.xml" "$out/$name.txt" ;; esac # not XML: keep it, named so
}
put() { # put HREF-PATH UID SUMMARY
  printf 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//kenes//capture//EN\r\nBEGIN:VEVENT\r\nUID:%s\r\nDTSTAMP:20261101T000000Z\r\nDTSTART:20261204T040000Z\r\nDTEND:20261204T050000Z\r\nSUMMARY:%s\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n' \
    "$2" "$3" | curl -s -o /dev/null -w "PUT $1 %{http_code}\n" "${auth[@]}" -X PUT -H 'Content-Type: text/calendar; charset=utf-8' \
    --data-binary @- "$base$1" >>"$out/statuses.txt"
}
token_of() { sed -n 's|.*<\([a-zA-Z0-9]*:\)\{0,1\}sync-token>\([^<]*\)</.*|\2|p' "$1" | tail -1; }

curl -s -o /dev/null -w "PROPFIND %{http_code}\n" "${auth[@]}" -X PROPFIND "$base$principal" >>"$out/statuses.txt" # autocreates Radicale's /alice/
curl -s -o /dev/null -w "MKCALENDAR %{http_code}\n" "${auth[@]}" -X MKCALENDAR -H 'Content-Type: application/xml' --data-binary \
  '<?xml version="1.0" encoding="utf-8"?><C:mkcalendar xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:set><D:prop><D:displayname>Работа</D:displayname><C:supported-calendar-component-set><C:comp name="VEVENT"/></C:supported-calendar-component-set></D:prop></D:set></C:mkcalendar>' \
  "$base$cal" >>"$out/statuses.txt"
put "${cal}meeting-ru.ics" kenes-capture-1 'Совещание по бюджету'
put "${cal}other%20event.ics" kenes-capture-2 'Briefing & review'

dav propfind_principal PROPFIND / 0 --data-binary @"$req/propfind_principal.xml"
dav propfind_home PROPFIND "$principal" 0 --data-binary @"$req/propfind_home.xml"
dav propfind_home_depth1 PROPFIND "$home" 1 --data-binary @"$req/propfind_collections.xml"
dav sync_initial REPORT "$cal" 0 --data-binary @"$req/sync_collection_initial.xml"
dav sync_initial_data REPORT "$cal" 0 --data-binary @"$req/sync_collection_initial_data.xml"
dav calendar_query REPORT "$cal" 1 --data-binary @"$req/calendar_query.xml"
dav calendar_query_data REPORT "$cal" 1 --data-binary @"$req/calendar_query_data.xml"
dav multiget REPORT "$cal" 0 --data-binary \
  "<?xml version=\"1.0\" encoding=\"UTF-8\"?>
<c:calendar-multiget xmlns:d=\"DAV:\" xmlns:c=\"urn:ietf:params:xml:ns:caldav\"><d:prop><d:getetag/><c:calendar-data/></d:prop><d:href>${cal}meeting-ru.ics</d:href><d:href>${cal}other%20event.ics</d:href></c:calendar-multiget>"

token=$(token_of "$out/sync_initial.xml")
put "${cal}meeting-ru.ics" kenes-capture-1 'Совещание по бюджету (перенесено)'
curl -s -o /dev/null -w "DELETE %{http_code}\n" "${auth[@]}" -X DELETE "$base${cal}other%20event.ics" >>"$out/statuses.txt"
dav sync_after_change REPORT "$cal" 0 --data-binary @<(sed "s|@TOKEN@|$token|" "$req/sync_collection_token.xml")
dav sync_invalid_token REPORT "$cal" 0 --data-binary @<(sed "s|@TOKEN@|${token}x|" "$req/sync_collection_token.xml")
echo "initial token: $token" >>"$out/statuses.txt"
