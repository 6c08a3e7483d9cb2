-- ARGV: room, history size, ttl (ms), a new epoch in case the room has none, list limit
-- Returns {epoch, last offset, presence version, members, member count, entries (oldest first), -1}.
LIST_LIMIT = tonumber(ARGV[5])
return room_state(ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3]), ARGV[4], '0', '', 0)
