#!/bin/sh
# A real stream on screen: S1 sends RTP carrying MPEG-TS (mcscope's send
# payload rtp, 50 pps); the TUI in RX joined to the group shows the
# payload "rtp", a loss of 0 and a jitter in the groups table, and d opens
# the detail with the flow, its RTP line, the PID table and the
# inter-arrival histogram.  Then a TS-only sender (payload mpegts): its
# group reads "mpegts" and its jitter "—" (TS over UDP has no clock to
# measure jitter against).
. "$(dirname "$0")/lib.sh"
tui_init "$@"
lab_up
sender_in S1 ff15::5151 dev lab0 rate 50 payload rtp
sender_in S2 ff15::5252 dev lab0 rate 50 payload mpegts
tui_start RX 160 50 -e "join ff15::5151 dev lab0" -e "join ff15::5252 dev lab0"

expect_screen "PAYLOAD"
expect_screen "JITTER"
sleep 3
row=$(group_row ff15::5151)
printf '%s\n' "$row" | grep -q " rtp " ||
    fail "the RTP group's row shows no payload rtp: $row"
printf '%s\n' "$row" | grep -Eq " 0 +[0-9.]+ ?(ns|µs|us|ms) " ||
    fail "the RTP group's row shows no loss 0 and jitter: $row"
row=$(group_row ff15::5252)
printf '%s\n' "$row" | grep -q " mpegts " ||
    fail "the TS group's row shows no payload mpegts: $row"
printf '%s\n' "$row" | grep -q "—" ||
    fail "the TS group's row shows a loss or jitter it cannot know: $row"
say "ok: payload, loss and jitter in the groups table"

keys d
expect_screen "Flows (1)"
expect_screen "RTP ssrc 0x"
expect_screen "PID"
expect_screen "0x0100"
expect_screen "iat >= "
expect_alive
say "ok: the detail shows the flow, RTP, the PID table and the histogram"
