# The golden cases of make pull and make push source this file (". "$TALLY/tests/http/lib.sh"):
#   serve NAME SCENARIO   start tests/http/server.py on 127.0.0.1 in the
#                         background with SCENARIO (see its usage); sets
#                         PORT, and the server's folder is ./http-NAME
#   served NAME           wait (at most 35 s) for it to exit, then print
#                         its log (the requests it got), ports as PORT
#   pull ARGS...          make pull on ./inbox ./config, TODAY 2026-11-03,
#                         MONTH 2026-10 unless set; its stderr's tally
#                         lines on stdout, ports as PORT, then "exit N"
#   push ARGS...          make push on ./inbox ./config ./out ./state
#                         (./$STATE_DIR when set),
#                         PUSHED_AT 2026-11-04T10:00:00Z: its plan, its
#                         tally lines, "exit N"
# Every secret of tests/http/secrets.env is exported, with the names the
# cases' sources.json use; the server writes each as ${NAME} in its log.
while IFS= read -r line; do
	case $line in ''|'#'*) continue;; esac
	export "${line%%=*}=${line#*=}"
done <"$TALLY/tests/http/secrets.env"
export TEST_SECRET_VARS="KEEPER_BILLING_TOKEN TRUTO_TOKEN AUTOTASK_SECRET AUTOTASK_INTEGRATION_CODE CW_PUBLIC_KEY CW_PRIVATE_KEY CW_BASIC"
export AUTOTASK_USERNAME=api-user@msp.example
export CW_COMPANY=mspco
export CW_CLIENT_ID=4f1d2c3b-client
# waits stay short in tests: a first backoff of 100 ms (README.md, "Tests")
export TALLY_TEST_HTTP_BACKOFF_MS=${TALLY_TEST_HTTP_BACKOFF_MS:-100}

serve() {
	local dir=http-$1
	rm -rf "$dir" && mkdir -p "$dir"
	python3 "$TALLY/tests/http/server.py" "$2" "$dir" 30 &
	echo $! >"$dir/pid"
	for _ in $(seq 200); do
		[ -s "$dir/port" ] && break
		sleep 0.05
	done
	PORT=$(cat "$dir/port")
	export PORT
}

served() {
	local dir=http-$1
	for _ in $(seq 700); do
		[ -e "$dir/done" ] && break
		sleep 0.05
	done
	[ -e "$dir/done" ] || kill "$(cat "$dir/pid")" 2>/dev/null
	sed "s/127\.0\.0\.1:$PORT/127.0.0.1:PORT/g" "$dir/log"
}

# The tally lines of make's stderr on stdout (the port as PORT), then
# "exit N": bin/tally's own exit code, which make shows in its first error
# line ("make[1]: *** [Makefile:306: month-push] Error 1"; make itself
# exits 2 for any failure), 2 for a usage error make stopped at, 0 when
# make succeeded.
make_result() {
	local rc=$1 err=$2
	grep '^tally' "$err" | sed "s/127\.0\.0\.1:${PORT:-0}/127.0.0.1:PORT/g; s|$PWD/||g"
	if [ "$rc" = 0 ]; then
		echo "exit 0"
	elif grep -q '\*\*\* \[.*\] Error [0-9]*$' "$err"; then
		echo "exit $(sed -n 's/.*\*\*\* \[.*\] Error \([0-9]*\)$/\1/p' "$err" | head -1)"
	else
		echo "exit 2 (make: $(grep -o '\*\*\* .*' "$err" | tail -1))"
	fi
}

pull() {
	make -s --no-print-directory -C "$TALLY" pull INBOX="$PWD/inbox" \
		CONFIG="$PWD/config" MONTH="${MONTH:-2026-10}" TODAY="${TODAY:-2026-11-03}" \
		"$@" >/dev/null 2>make.err
	make_result $? make.err
}

# make push: its stdout (the plan) as it is, then its stderr's tally lines
push() {
	make -s --no-print-directory -C "$TALLY" push INBOX="$PWD/inbox" \
		CONFIG="$PWD/config" OUT="$PWD/out" STATE="$PWD/${STATE_DIR:-state}" \
		MONTH="${MONTH:-2026-10}" PUSHED_AT="${PUSHED_AT:-2026-11-04T10:00:00Z}" \
		"$@" >make.out 2>make.err
	local rc=$?
	sed "s/127\.0\.0\.1:${PORT:-0}/127.0.0.1:PORT/g; s|$PWD/||g" make.out
	make_result $rc make.err
}

# psa_sources PSA: config/sources.json's psa (autotask or connectwise)
# at the server on $PORT (not the month's configuration: changing it
# redoes nothing)
psa_sources() {
	if [ "$1" = connectwise ]; then
		cat >config/sources.json <<SRC
{"psa": {"type": "connectwise", "url": "http://127.0.0.1:$PORT/v4_6_release/apis/3.0",
  "company_env": "CW_COMPANY", "public_key_env": "CW_PUBLIC_KEY",
  "private_key_env": "CW_PRIVATE_KEY", "client_id_env": "CW_CLIENT_ID"}}
SRC
	else
		cat >config/sources.json <<SRC
{"psa": {"type": "autotask",
  "zone_lookup_url": "http://127.0.0.1:$PORT/atservicesrest/v1.0/zoneInformation",
  "username_env": "AUTOTASK_USERNAME", "secret_env": "AUTOTASK_SECRET",
  "integration_code_env": "AUTOTASK_INTEGRATION_CODE"}}
SRC
	fi
}

# push_month PSA: a month to push, October of the us-month base (make
# invoice) with a PSA contract units file of integer ids, so that it is
# run and not blocked, for PSA (autotask or connectwise); the case then
# writes the psa/ files it pushes (the layouts of README.md, "PSA files").
push_month() {
	cat >"inbox/PSA units.csv" <<'UNITS'
contract_id,psa_company_id,psa_product_id,units,psa_company_name,psa_product_name,unit_price,service_id
101,1001,KPR-BUS,2,Alpha LLC,Keeper Business,4.00,501
102,1002,KPR-BUS,6,Beta Corp,Keeper Business,3.50,501
102,1002,KPR-SUP,0,Beta Corp,Keeper Dedicated Support,150.00,502
UNITS
	[ "$1" = connectwise ] &&
		printf '{"psa": "connectwise", "calendar": "US", "currency": "USD", "tax_rate": "0.0825"}\n' \
			>config/settings.json
	psa_sources "$1"
	tally_invoice >invoice.out 2>&1 || { echo "make invoice failed:"; cat invoice.out; }
	mkdir -p out/2026-10/psa
}
