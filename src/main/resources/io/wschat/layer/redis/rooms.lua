-- Returns {room, members, room, members, ...} for every room with members.
local out = {}
for _, room in ipairs(redis.call('SMEMBERS', P .. 'rooms')) do
  table.insert(out, room)
  table.insert(out, redis.call('ZCARD', rk(room, 'order')))
end
return out
