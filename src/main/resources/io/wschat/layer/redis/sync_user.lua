-- ARGV: user, node, connections of the user on the node (0 removes the node from the user).
local user, node, count = ARGV[1], ARGV[2], tonumber(ARGV[3])
local key = P .. 'user:' .. user
if count > 0 then
  redis.call('HSET', key, node, count)
  redis.call('SADD', P .. 'node:' .. node .. ':users', user)
else
  redis.call('HDEL', key, node)
  redis.call('SREM', P .. 'node:' .. node .. ':users', user)
end
return 1
