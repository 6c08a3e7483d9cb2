-- ARGV: room, node, connection, wanted name, person, history size, ttl (ms), a new epoch in case the room
-- has none, resume offset, resume epoch ('' for none), max messages to recover, list limit.
-- Returns {name, epoch, last offset, presence version, members, member count, entries (oldest first), recovered}.
LIST_LIMIT = tonumber(ARGV[12])
local room, node = ARGV[1], ARGV[2]
local name = join_connection(room, node, ARGV[3], ARGV[4], ARGV[5])
local state = room_state(room, tonumber(ARGV[6]), tonumber(ARGV[7]), ARGV[8], ARGV[9], ARGV[10], tonumber(ARGV[11]))
table.insert(state, 1, name)
return state
