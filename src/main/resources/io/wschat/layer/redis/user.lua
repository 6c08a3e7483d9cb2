-- ARGV: user, node, change (+1 or -1): one connection of the user more or less on the node.
local user, node, change = ARGV[1], ARGV[2], tonumber(ARGV[3])
local key = P .. 'user:' .. user
if redis.call('HINCRBY', key, node, change) > 0 then
  redis.call('SADD', P .. 'node:' .. node .. ':users', user)
else
  redis.call('HDEL', key, node)
  redis.call('SREM', P .. 'node:' .. node .. ':users', user)
end
return 1
