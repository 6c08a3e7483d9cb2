-- ARGV: room, node, connection, wanted name, person, list limit. Returns the name the connection goes by.
LIST_LIMIT = tonumber(ARGV[6])
local room, key, wanted, person = ARGV[1], ARGV[2] .. '/' .. ARGV[3], ARGV[4], ARGV[5]
local old = redis.call('HGET', rk(room, 'conns'), key)
if not old then
  return wanted -- not (or no longer) in the room
end
local name = unused_name(room, wanted, person)
if name == old then
  return name
end
redis.call('HSET', rk(room, 'conns'), key, name)
local gone = remove_name(room, old)
local new = add_name(room, name, person)
if gone and new then
  presence_event(room, 'rename', name, old)
else
  if gone then
    presence_event(room, 'leave', old)
  end
  if new then
    presence_event(room, 'join', name)
  end
end
return name
