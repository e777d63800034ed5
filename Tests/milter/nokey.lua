-- Signing with the key gone: 451 (a temporary failure), never accepted unsigned.
dofile(dir .. "/common.lua")
local conn = open_session("10.1.2.3")
local r = send(conn, "<alice@example.org>", "<bob@example.net>", outgoing("nokey"), {"hello\r\n"})
if r ~= SMFIR_REPLYCODE and r ~= SMFIR_TEMPFAIL then fail("not deferred: " .. tostring(r)) end
if mt.eom_check(conn, MT_HDRINSERT, "Bounce-Signature") then fail("signed without a key?") end
mt.disconnect(conn)
