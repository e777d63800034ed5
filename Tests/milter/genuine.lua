-- A genuine bounce of our own signed mail (the file named by -D bounce=FILE,
-- LF line ends) from an outside client: accepted with Bounce-Check: pass.
-- With -D want=tempfail (key missing, on-temperror tempfail), a 451 instead.
dofile(dir .. "/common.lua")
local f = assert(io.open(bounce, "rb"))
local text = f:read("*a"); f:close()
local head, body = text:match("^(.-)\n\n(.*)$")
local fields = {}
for name, value in (head .. "\n"):gsub("\n[ \t]", " "):gmatch("([^:\n]+):[ \t]*([^\n]*)\n") do
  fields[#fields + 1] = {name, value}
end
local conn = open_session("192.0.2.7")
local r = send(conn, "<>", "<alice@example.org>", fields, {(body:gsub("\n", "\r\n"))})
if want == "tempfail" then
  if r ~= SMFIR_REPLYCODE and r ~= SMFIR_TEMPFAIL then fail("not deferred: " .. tostring(r)) end
else
  if r ~= SMFIR_CONTINUE and r ~= SMFIR_ACCEPT then fail("genuine bounce not accepted: " .. tostring(r)) end
  if not mt.eom_check(conn, MT_HDRINSERT, "Bounce-Check") then fail("no Bounce-Check") end
end
mt.disconnect(conn)
