-- A client in sign-networks sends a body in 300 chunks of one line each:
-- accepted with the Bounce-Signature inserted.
dofile(dir .. "/common.lua")
local conn = open_session("10.1.2.3")
local chunks = {}
for i = 1, 300 do chunks[i] = "line " .. i .. " of a body sent in many chunks\r\n" end
local r = send(conn, "<alice@example.org>", "<bob@example.net>", outgoing("chunks"), chunks)
if r ~= SMFIR_CONTINUE and r ~= SMFIR_ACCEPT then fail("not accepted: " .. tostring(r)) end
expect_signed(conn, "chunks")
mt.disconnect(conn)
