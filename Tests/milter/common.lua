-- Shared by the miltertest scripts of Tests/mta/milter: open a session and
-- send one message. miltertest (Debian 2.11.0~beta2) crashes on a body
-- replacement reply longer than about 1 KiB, so these run the milter with
-- "proof header" (the body is left as it came); Tests/mta/milter checks proof
-- parts through the real MTAs.
function fail(why) error(why, 0) end

function open_session(client_ip)
  local conn = mt.connect(socket, 40, 0.25)
  if conn == nil then fail("cannot connect to " .. socket) end
  if mt.conninfo(conn, "client.example", client_ip) ~= nil then fail("conninfo") end
  if mt.getreply(conn) ~= SMFIR_CONTINUE then fail("connection refused") end
  return conn
end

-- header fields as { {name, value}, ... }; body as a list of chunks
function send(conn, from, rcpt, fields, chunks)
  if mt.mailfrom(conn, from) ~= nil then fail("MAIL") end
  if mt.rcptto(conn, rcpt) ~= nil then fail("RCPT") end
  for _, f in ipairs(fields) do
    if mt.header(conn, f[1], f[2]) ~= nil then fail("header " .. f[1]) end
  end
  if mt.eoh(conn) ~= nil then fail("EOH") end
  for _, c in ipairs(chunks) do
    if mt.bodystring(conn, c) ~= nil then fail("body") end
  end
  if mt.eom(conn) ~= nil then fail("EOM") end
  return mt.getreply(conn)
end

function outgoing(id)
  return { {"From", "Alice <alice@example.org>"}, {"To", "Bob <bob@example.net>"},
           {"Subject", "miltertest " .. id}, {"Message-ID", "<" .. id .. "@example.org>"} }
end

function expect_signed(conn, what)
  if not mt.eom_check(conn, MT_HDRINSERT, "Bounce-Signature") then fail(what .. ": no Bounce-Signature") end
  if mt.eom_check(conn, MT_BODYCHANGE) then fail(what .. ": body changed under proof header") end
end
