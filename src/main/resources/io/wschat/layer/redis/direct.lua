-- ARGV: from, to, message, ts. Sends the message to every node with connections of the receiver or the
-- sender, unless the receiver has none. Returns how many connections the receiver has.
local from, to = ARGV[1], ARGV[2]
local receivers = redis.call('HGETALL', P .. 'user:' .. to)
local total = 0
local nodes = {}
for i = 1, #receivers, 2 do
  total = total + tonumber(receivers[i + 1])
  nodes[receivers[i]] = true
end
if total == 0 then
  return 0
end
for _, node in ipairs(redis.call('HKEYS', P .. 'user:' .. from)) do
  nodes[node] = true
end
local payload = cjson.encode({ t = 'd', from = from, to = to, message = ARGV[3], ts = ARGV[4] })
for node, _ in pairs(nodes) do
  redis.call('PUBLISH', node_channel(node), payload)
end
return total
