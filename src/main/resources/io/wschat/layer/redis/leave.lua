-- ARGV: room, node, connection
leave_connection(ARGV[1], ARGV[2], ARGV[2] .. '/' .. ARGV[3])
return 1
