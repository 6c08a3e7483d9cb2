-- ARGV: from, to, message, ts, idempotency key ('' for none), dedup window (s).
-- Sends the message to every node with connections of the receiver or the sender, unless the receiver has
-- none. Returns how many connections the receiver has; for a key already sent to this receiver within the
-- window (and received), the first answer, without sending again.
local from, to, key = ARGV[1], ARGV[2], ARGV[5]
local seen = nil
if key ~= '' then
  seen = P .. 'direct:' .. to .. ':' .. key
  local first = redis.call('GET', seen)
  if first then
    return tonumber(first)
  end
end
local receivers = redis.call('HGETALL', user_key(to))
local total = 0
local nodes = {}
for i = 1, #receivers, 2 do
  total = total + tonumber(receivers[i + 1])
  nodes[receivers[i]] = true
end
if total == 0 then
  return 0
end
for _, node in ipairs(redis.call('HKEYS', user_key(from))) do
  nodes[node] = true
end
local payload = cjson.encode({ t = 'd', from = from, to = to, message = ARGV[3], ts = ARGV[4] })
for node, _ in pairs(nodes) do
  redis.call('PUBLISH', node_channel(node), payload)
end
if seen then
  redis.call('SET', seen, total, 'EX', tonumber(ARGV[6]))
end
return total
