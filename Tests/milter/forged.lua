-- A forged bounce (MAIL FROM:<>, a DSN returning a message we never signed)
-- from an outside client: 550 5.7.1 under check-bounces reject.
dofile(dir .. "/common.lua")
local conn = open_session("192.0.2.7")
local fields = {
  {"From", "Mail Delivery System <MAILER-DAEMON@mx.example.net>"}, {"To", "alice@example.org"},
  {"Subject", "Undelivered Mail Returned to Sender"}, {"MIME-Version", "1.0"},
  {"Content-Type", "multipart/report; report-type=delivery-status; boundary=\"b1\""} }
local body = "--b1\r\nContent-Type: text/plain\r\n\r\nnot delivered\r\n\r\n" ..
  "--b1\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.example.net\r\n\r\n" ..
  "Final-Recipient: rfc822; bob@example.net\r\nAction: failed\r\nStatus: 5.1.1\r\n\r\n" ..
  "--b1\r\nContent-Type: message/rfc822\r\n\r\nFrom: alice@example.org\r\nTo: bob@example.net\r\n" ..
  "Subject: spam\r\nMessage-ID: <spam.1@example.org>\r\n\r\nbuy now\r\n\r\n--b1--\r\n"
local r = send(conn, "<>", "<alice@example.org>", fields, {body})
if r ~= SMFIR_REPLYCODE then fail("forged bounce not rejected: " .. tostring(r)) end
mt.disconnect(conn)
