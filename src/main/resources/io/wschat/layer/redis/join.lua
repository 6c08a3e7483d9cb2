-- ARGV: room, node, connection, wanted name, person, history size, ttl (ms), a new epoch in case the room has none
-- Returns {name, epoch, last offset, presence version, members, history entries (newest first)}.
local room, node = ARGV[1], ARGV[2]
local name = join_connection(room, node, ARGV[3], ARGV[4], ARGV[5])
local state = room_state(room, tonumber(ARGV[6]), tonumber(ARGV[7]), ARGV[8])
table.insert(state, 1, name)
return state
