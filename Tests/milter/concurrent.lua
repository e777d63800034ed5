-- Two sessions at once, interleaved command by command: one signs (client in
-- sign-networks), the other checks an ordinary message (tagged none).
dofile(dir .. "/common.lua")
local a = open_session("10.1.2.3")
local b = open_session("192.0.2.7")
mt.mailfrom(a, "<alice@example.org>"); mt.mailfrom(b, "<carol@example.net>")
mt.rcptto(a, "<bob@example.net>");     mt.rcptto(b, "<alice@example.org>")
local fb = { {"From", "carol@example.net"}, {"To", "alice@example.org"}, {"Subject", "hello"} }
local fa = outgoing("concurrent")
for i = 1, 4 do
  if fa[i] then mt.header(a, fa[i][1], fa[i][2]) end
  if fb[i] then mt.header(b, fb[i][1], fb[i][2]) end
end
mt.eoh(a); mt.eoh(b)
for i = 1, 50 do mt.bodystring(a, "a" .. i .. "\r\n"); mt.bodystring(b, "b" .. i .. "\r\n") end
mt.eom(b); mt.eom(a)
local ra, rb = mt.getreply(a), mt.getreply(b)
if ra ~= SMFIR_CONTINUE and ra ~= SMFIR_ACCEPT then fail("signing session: " .. tostring(ra)) end
if rb ~= SMFIR_CONTINUE and rb ~= SMFIR_ACCEPT then fail("checking session: " .. tostring(rb)) end
expect_signed(a, "concurrent signing session")
if not mt.eom_check(b, MT_HDRINSERT, "Bounce-Check", "none (not a bounce)") then fail("checking session: no Bounce-Check: none") end
mt.disconnect(a); mt.disconnect(b)
