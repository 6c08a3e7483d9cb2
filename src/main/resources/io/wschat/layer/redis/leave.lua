-- ARGV: room, node, connection, list limit
LIST_LIMIT = tonumber(ARGV[4])
leave_connection(ARGV[1], ARGV[2], ARGV[2] .. '/' .. ARGV[3])
return 1
