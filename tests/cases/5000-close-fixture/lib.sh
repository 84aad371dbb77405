# sourced by the cmd of cases 5001-5009: the shared inputs and make close
cp -r "$TALLY/tests/cases/5000-close-fixture/inbox" "$TALLY/tests/cases/5000-close-fixture/config" .
tally_close() {
	make -s --no-print-directory -C "$TALLY" close \
		INBOX="$PWD/inbox" CONFIG="$PWD/config" OUT="$PWD/out" \
		STATE="$PWD/state" MONTH="${MONTH:-2026-10}" \
		CLOSED_AT="${CLOSED_AT:-2026-11-05T09:12:00Z}" "$@"
}
check_ledger() { bash "$TALLY/tests/cases/5000-close-fixture/check-ledger" state; }
# sha256 of every file of the month's outputs, to show what a run changed
# (.tally/ is make's bookkeeping, with absolute paths: left out)
sums() { (cd out/2026-10 && find . -path ./.tally -prune -o -type f -print | LC_ALL=C sort | xargs -d '\n' sha256sum); }
