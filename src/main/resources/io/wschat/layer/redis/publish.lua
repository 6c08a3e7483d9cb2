-- ARGV: room, user, message, ts, messages kept, ttl (ms), a new epoch in case the room has none,
-- client id ('' for none), dedup window (s).
-- Stores the message at the room's next offset and sends it to every node with members there, as one step.
-- Returns {offset, epoch, connections in the room, repeated}: a client id the user already sent in the room
-- within the window is not stored or sent again, and the first send's offset and count come back (repeated 1).
local room, user, message, ts = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local keep, ttl, client_id = tonumber(ARGV[5]), tonumber(ARGV[6]), ARGV[8]
local meta = rk(room, 'meta')
local dedup = nil
if client_id ~= '' then
  dedup = rk(room, 'dedup:' .. user .. ':' .. client_id)
  local first = redis.call('GET', dedup)
  if first then
    local offset, reached = string.match(first, '^(%d+):(%d+)$')
    return { tonumber(offset), redis.call('HGET', meta, 'epoch') or '', tonumber(reached), 1 }
  end
end
redis.call('HSETNX', meta, 'epoch', ARGV[7])
local offset = redis.call('HINCRBY', meta, 'seq', 1)
local epoch = redis.call('HGET', meta, 'epoch')
if keep > 0 then
  redis.call('XADD', rk(room, 'log'), 'MAXLEN', keep, offset .. '-0', 'u', user, 'm', message, 't', ts, 'c', client_id)
end
redis.call('PEXPIRE', meta, ttl)
redis.call('PEXPIRE', rk(room, 'log'), ttl)
publish_room(room, cjson.encode({ t = 'm', room = room, epoch = epoch, offset = offset, user = user,
  message = message, ts = ts, c = client_id }))
local reached = redis.call('HLEN', rk(room, 'conns'))
if dedup then
  redis.call('SET', dedup, offset .. ':' .. reached, 'EX', tonumber(ARGV[9]))
end
return { offset, epoch, reached, 0 }
