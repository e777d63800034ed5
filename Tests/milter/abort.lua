-- A connection dropped in the middle of the body; then a new session must
-- still be served (the milter neither hangs nor dies nor leaks the slot).
dofile(dir .. "/common.lua")
local conn = open_session("10.1.2.3")
if mt.mailfrom(conn, "<alice@example.org>") ~= nil then fail("MAIL") end
if mt.rcptto(conn, "<bob@example.net>") ~= nil then fail("RCPT") end
for _, f in ipairs(outgoing("abort")) do mt.header(conn, f[1], f[2]) end
mt.eoh(conn)
mt.bodystring(conn, string.rep("half a body\r\n", 5000))
mt.disconnect(conn, true)
local again = open_session("10.1.2.3")
local r = send(again, "<alice@example.org>", "<bob@example.net>", outgoing("after-abort"), {"whole\r\n"})
if r ~= SMFIR_CONTINUE and r ~= SMFIR_ACCEPT then fail("session after the abort not accepted: " .. tostring(r)) end
expect_signed(again, "after abort")
mt.disconnect(again)
