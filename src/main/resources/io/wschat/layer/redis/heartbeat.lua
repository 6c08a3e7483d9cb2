-- ARGV: node, ttl (ms). Records that the node is alive. Returns {1 if Redis did not know the node (it was
-- reaped, or Redis lost everything), then the nodes not heard of for longer than ttl}.
local now = now_ms()
local added = redis.call('ZADD', P .. 'nodes', now, ARGV[1])
local silent = redis.call('ZRANGEBYSCORE', P .. 'nodes', '-inf', '(' .. (now - tonumber(ARGV[2])))
table.insert(silent, 1, added)
return silent
