-- ARGV: user, node, connections of the user on the node (0 removes the node from the user).
local user, node, count = ARGV[1], ARGV[2], tonumber(ARGV[3])
set_user_on_node(user, node, count)
return 1
