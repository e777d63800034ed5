# bouncecheck.sieve — file backscatter into the "Backscatter" folder, for
# every user, before their own Sieve script (sieve_before in
# 90-bouncecheck.conf). Needs the sieve_extprograms plugin with
# vnd.dovecot.filter enabled for global scripts and a "bouncecheck" program
# in sieve_filter_bin_dir (see README.md). Compile it once as root, since
# the delivering user cannot write beside it: sievec bouncecheck.sieve
#
# bouncecheck --annotate writes the message back with one field added,
# "Bounce-Check: pass|fail|none|unverifiable (...)", and exits 0. When it
# cannot decide (exit 75: GnuPG missing, keyring unreadable...) it writes
# nothing, and the filter test is false: the message goes on exactly as it
# came (the filter action never loses it), and no Bounce-Check field that
# arrived with the message is trusted.

require ["vnd.dovecot.filter", "fileinto", "mailbox"];

if filter "bouncecheck" ["--config", "/etc/bouncesign.conf", "--annotate"] {
  # Only "fail" is backscatter. Match the start of the value: the rest of
  # the field names the bounce's kind, and a genuine bounce says
  # "pass (...); kind=failure", which :contains "fail" would also match.
  if header :matches "Bounce-Check" "fail*" {
    fileinto :create "Backscatter";
    stop;
  }
}
# Everything else (pass, none, unverifiable) goes on to the user's own
# script, and to the inbox.
