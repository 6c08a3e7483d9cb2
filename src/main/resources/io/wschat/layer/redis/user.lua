-- ARGV: user, node, change (+1 or -1): one connection of the user more or less on the node.
local user, node, change = ARGV[1], ARGV[2], tonumber(ARGV[3])
set_user_on_node(user, node, redis.call('HINCRBY', user_key(user), node, change))
return 1
