-- ARGV: room, node, list limit, then (connection, name, person) for each of the node's connections in the room.
-- Makes the room's presence hold exactly these connections of the node (after the node lost touch with
-- Redis): removes the others, adds the missing ones. Returns {connection, name} for each whose name had
-- to change (another person took it meanwhile).
local room, node = ARGV[1], ARGV[2]
LIST_LIMIT = tonumber(ARGV[3])
local prefix = node .. '/'
local wanted = {}
for i = 4, #ARGV, 3 do
  wanted[prefix .. ARGV[i]] = true
end
for _, key in ipairs(redis.call('HKEYS', rk(room, 'conns'))) do
  if string.sub(key, 1, #prefix) == prefix and not wanted[key] then
    leave_connection(room, node, key)
  end
end
local renamed = {}
for i = 4, #ARGV, 3 do
  local name = join_connection(room, node, ARGV[i], ARGV[i + 1], ARGV[i + 2])
  if name ~= ARGV[i + 1] then
    table.insert(renamed, ARGV[i])
    table.insert(renamed, name)
  end
end
return renamed
