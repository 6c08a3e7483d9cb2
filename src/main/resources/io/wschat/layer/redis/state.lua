-- ARGV: room, history size, ttl (ms), a new epoch in case the room has none
-- Returns {epoch, last offset, presence version, members, entries (oldest first), -1}.
return room_state(ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3]), ARGV[4], '0', '', 0)
