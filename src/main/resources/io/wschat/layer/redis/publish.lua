-- ARGV: room, user, message, ts, messages kept, ttl (ms), a new epoch in case the room has none
-- Stores the message at the room's next offset and sends it to every node with members there, as one step.
-- Returns {offset, epoch, connections in the room}.
local room, user, message, ts = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local keep, ttl = tonumber(ARGV[5]), tonumber(ARGV[6])
local meta = rk(room, 'meta')
redis.call('HSETNX', meta, 'epoch', ARGV[7])
local offset = redis.call('HINCRBY', meta, 'seq', 1)
local epoch = redis.call('HGET', meta, 'epoch')
if keep > 0 then
  redis.call('XADD', rk(room, 'log'), 'MAXLEN', keep, offset .. '-0', 'u', user, 'm', message, 't', ts)
end
redis.call('PEXPIRE', meta, ttl)
redis.call('PEXPIRE', rk(room, 'log'), ttl)
publish_room(room, cjson.encode({ t = 'm', room = room, epoch = epoch, offset = offset, user = user, message = message, ts = ts }))
return { offset, epoch, redis.call('HLEN', rk(room, 'conns')) }
