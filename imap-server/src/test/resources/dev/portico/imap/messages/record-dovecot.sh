#!/bin/bash
# Records what Dovecot answers for each corpus message, for DovecotParityTest: one Maildir per
# message, one FETCH per item (the list below must stay the test's ITEMS, in order). Dovecot runs
# by hand, never in the build: apt-get install -y dovecot-imapd, then, as root,
#   ./record-dovecot.sh OUTDIR *.eml   and copy OUTDIR/NAME.dovecot next to NAME.eml.
# Its imap binary runs pre-authenticated as nobody over stdin/stdout; scratch Maildirs go to /tmp/imap-fetch-dc.
set -e
out=$1; shift
items=("ENVELOPE" "BODYSTRUCTURE" "BODY" "RFC822.SIZE" "BODY.PEEK[]" "BODY.PEEK[HEADER]" "BODY.PEEK[TEXT]"
 "BODY.PEEK[HEADER.FIELDS (From Subject X-Missing)]" "BODY.PEEK[HEADER.FIELDS.NOT (Received From to)]"
 "BODY.PEEK[1]" "BODY.PEEK[1.MIME]" "BODY.PEEK[1.HEADER]" "BODY.PEEK[1.TEXT]" "BODY.PEEK[2]" "BODY.PEEK[2.MIME]" "BODY.PEEK[2.HEADER]" "BODY.PEEK[2.TEXT]"
 "BODY.PEEK[2.HEADER.FIELDS (Subject)]" "BODY.PEEK[2.1]" "BODY.PEEK[2.2]" "BODY.PEEK[2.1.MIME]" "BODY.PEEK[1.1]" "BODY.PEEK[1.2]" "BODY.PEEK[1.1.MIME]" "BODY.PEEK[3]" "BODY.PEEK[3.MIME]" "BODY.PEEK[3.TEXT]" "BODY.PEEK[4]" "BODY.PEEK[1.2.1]"
 "BODY.PEEK[]<0.20>" "BODY.PEEK[TEXT]<10.15>" "BODY.PEEK[1]<5.100000>" "BODY.PEEK[]<100000.5>"
 "BINARY.PEEK[1]" "BINARY.SIZE[1]" "BINARY.PEEK[2]" "BINARY.SIZE[2]" "BINARY.PEEK[3]" "BINARY.PEEK[1.1]" "BINARY.PEEK[]" "BINARY.SIZE[]")
for f in "$@"; do
  n=$(basename $f .eml)
  d=/tmp/imap-fetch-dc/$n
  rm -rf $d; mkdir -p $d/m/cur $d/m/new $d/m/tmp
  cp $f "$d/m/cur/1000.M1.host:2,S"
  chown -R nobody:nogroup $d
  {
    printf 'a SELECT INBOX\r\n'
    i=0
    for it in "${items[@]}"; do i=$((i+1)); printf 'f%d FETCH 1 (%s)\r\n' $i "$it"; done
    printf 'z LOGOUT\r\n'
  } | setpriv --reuid=nobody --regid=nogroup --clear-groups env -i HOME=$d USER=nobody PATH=/usr/bin:/bin /usr/lib/dovecot/imap -o mail_location=maildir:$d/m -o log_path=$d/log > $out/$n.dovecot
done
