-- ARGV: text. Sends it to every live node.
local payload = cjson.encode({ t = 'b', text = ARGV[1] })
for _, node in ipairs(redis.call('ZRANGE', P .. 'nodes', 0, -1)) do
  redis.call('PUBLISH', node_channel(node), payload)
end
return 1
