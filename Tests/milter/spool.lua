-- A 600 KiB body, over spool-threshold (64k in the test config): gathered in
-- a private spool file, signed, accepted.
dofile(dir .. "/common.lua")
local conn = open_session("10.1.2.3")
local line = string.rep("x", 70) .. "\r\n"
local chunk = string.rep(line, 900)          -- 64,800 bytes
local chunks = {}
for i = 1, 10 do chunks[i] = chunk end
local r = send(conn, "<alice@example.org>", "<bob@example.net>", outgoing("spool"), chunks)
if r ~= SMFIR_CONTINUE and r ~= SMFIR_ACCEPT then fail("not accepted: " .. tostring(r)) end
expect_signed(conn, "spool")
mt.disconnect(conn)
