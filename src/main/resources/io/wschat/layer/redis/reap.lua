-- ARGV: node, ttl (ms), force ("1": the node itself is leaving). Removes everything of a node that stopped
-- (or is stopping): its connections leave their rooms (announced as usual) and users. Unless forced, only
-- if the node is still silent for longer than ttl (another node may have reaped it, or it came back).
-- ARGV[4]: list limit.
LIST_LIMIT = tonumber(ARGV[4])
local node, ttl, force = ARGV[1], tonumber(ARGV[2]), ARGV[3] == '1'
local seen = redis.call('ZSCORE', P .. 'nodes', node)
if not force and (not seen or tonumber(seen) >= now_ms() - ttl) then
  return 0
end
local prefix = node .. '/'
for _, room in ipairs(redis.call('SMEMBERS', P .. 'node:' .. node .. ':rooms')) do
  local conns = redis.call('HKEYS', rk(room, 'conns'))
  for _, key in ipairs(conns) do
    if string.sub(key, 1, #prefix) == prefix then
      leave_connection(room, node, key)
    end
  end
end
for _, user in ipairs(redis.call('SMEMBERS', P .. 'node:' .. node .. ':users')) do
  redis.call('HDEL', user_key(user), node)
end
redis.call('DEL', P .. 'node:' .. node .. ':rooms', P .. 'node:' .. node .. ':users')
redis.call('ZREM', P .. 'nodes', node)
return 1
