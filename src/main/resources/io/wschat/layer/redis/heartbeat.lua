-- ARGV: node, ttl (ms). Records that the node is alive; returns the nodes not heard of for longer than ttl.
local now = now_ms()
redis.call('ZADD', P .. 'nodes', now, ARGV[1])
return redis.call('ZRANGEBYSCORE', P .. 'nodes', '-inf', '(' .. (now - tonumber(ARGV[2])))
