-- Helpers every wschat script starts with (LuaScripts prepends this file). Keys, all under "wschat:":
--   room:R:meta     hash   epoch, seq (last offset)            expires historyTtl after the last message or join
--   room:R:log      stream entries "<offset>-0": u (user), m (message), t (ts), c (client id) same expiry
--   room:R:dedup:U:C  "offset:reached" of user U's message with client id C, for the dedup window
--   direct:U:K      connections reached by the push to user U with idempotency key K, for the dedup window
--   room:R:presence hash   pv (presence version), joins (join order counter)
--   room:R:names    hash   name -> person        room:R:count  hash name -> connections
--   room:R:order    zset   name by join order    room:R:conns  hash "<node>/<connection>" -> name
--   room:R:nodes    hash   node -> connections here (who gets the room's events)
--   rooms           set    rooms with members
--   user:U          hash   node -> connections of U there
--   node:N:rooms, node:N:users   sets: where node N has connections (for reaping a dead node)
--   nodes           zset   node -> last heartbeat (ms, Redis clock)
-- Each node subscribes to the channel node:N, where every event for it arrives in order.
local P = 'wschat:'
-- Names a member list holds at most (wschat.presenceListLimit): scripts that change presence set it.
local LIST_LIMIT = 100

local function rk(room, part)
  return P .. 'room:' .. room .. ':' .. part
end

local function node_channel(node)
  return P .. 'node:' .. node
end

local function user_key(user)
  return P .. 'user:' .. user
end

-- Records how many connections user U has on node N (0: none, and N is no longer one of U's nodes).
local function set_user_on_node(user, node, count)
  if count > 0 then
    redis.call('HSET', user_key(user), node, count)
    redis.call('SADD', P .. 'node:' .. node .. ':users', user)
  else
    redis.call('HDEL', user_key(user), node)
    redis.call('SREM', P .. 'node:' .. node .. ':users', user)
  end
end

local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end

-- Sends an event to every node with connections in the room.
local function publish_room(room, payload)
  for _, node in ipairs(redis.call('HKEYS', rk(room, 'nodes'))) do
    redis.call('PUBLISH', node_channel(node), payload)
  end
end

-- Announces a change with the room's member count after it; a leave that brings the room back to the
-- list limit carries the whole list (members of a larger room were only told the count).
local function presence_event(room, kind, user, from)
  local pv = redis.call('HINCRBY', rk(room, 'presence'), 'pv', 1)
  local count = redis.call('ZCARD', rk(room, 'order'))
  local event = { t = 'p', room = room, kind = kind, user = user, from = from or '', pv = pv, count = count }
  if kind == 'leave' and count == LIST_LIMIT then
    event.members = redis.call('ZRANGE', rk(room, 'order'), 0, LIST_LIMIT - 1)
  end
  publish_room(room, cjson.encode(event))
end

-- Code points of a UTF-8 string; its first n code points.
local function utf8_length(s)
  local _, n = string.gsub(s, '[^\128-\191]', '')
  return n
end

local function utf8_prefix(s, n)
  local count = 0
  for i = 1, #s do
    local b = string.byte(s, i)
    if b < 128 or b >= 192 then
      if count == n then
        return string.sub(s, 1, i - 1)
      end
      count = count + 1
    end
  end
  return s
end

-- The same rule as Names.suffixed: name-2, name-3, ... shortened to 64 code points in all.
local function suffixed(wanted, n)
  local suffix = '-' .. n
  local room = 64 - #suffix
  if utf8_length(wanted) <= room then
    return wanted .. suffix
  end
  return utf8_prefix(wanted, room) .. suffix
end

-- The wanted name, or the first suffixed one, that no other person holds in the room.
local function unused_name(room, wanted, person)
  local n = 1
  while true do
    local candidate = wanted
    if n > 1 then
      candidate = suffixed(wanted, n)
    end
    local holder = redis.call('HGET', rk(room, 'names'), candidate)
    if not holder or holder == person then
      return candidate
    end
    n = n + 1
  end
end

-- One more connection under a name; true if the name is new to the room.
local function add_name(room, name, person)
  if redis.call('HINCRBY', rk(room, 'count'), name, 1) == 1 then
    redis.call('HSET', rk(room, 'names'), name, person)
    redis.call('ZADD', rk(room, 'order'), redis.call('HINCRBY', rk(room, 'presence'), 'joins', 1), name)
    return true
  end
  return false
end

-- One connection less under a name; true if the name has left the room.
local function remove_name(room, name)
  if redis.call('HINCRBY', rk(room, 'count'), name, -1) <= 0 then
    redis.call('HDEL', rk(room, 'count'), name)
    redis.call('HDEL', rk(room, 'names'), name)
    redis.call('ZREM', rk(room, 'order'), name)
    return true
  end
  return false
end

-- Adds a connection of a node to a room under the wanted name (or a suffixed one); returns the name.
local function join_connection(room, node, connection, wanted, person)
  local key = node .. '/' .. connection
  local name = redis.call('HGET', rk(room, 'conns'), key)
  if name then
    return name -- already in (a retried join)
  end
  name = unused_name(room, wanted, person)
  redis.call('HSET', rk(room, 'conns'), key, name)
  redis.call('HINCRBY', rk(room, 'nodes'), node, 1)
  redis.call('SADD', P .. 'node:' .. node .. ':rooms', room)
  redis.call('SADD', P .. 'rooms', room)
  if add_name(room, name, person) then
    presence_event(room, 'join', name)
  end
  return name
end

-- Removes a connection ("node/connection") from a room; announces the name if it left; false if it was not there.
local function leave_connection(room, node, key)
  local name = redis.call('HGET', rk(room, 'conns'), key)
  if not name then
    return false
  end
  redis.call('HDEL', rk(room, 'conns'), key)
  if redis.call('HINCRBY', rk(room, 'nodes'), node, -1) <= 0 then
    redis.call('HDEL', rk(room, 'nodes'), node)
    redis.call('SREM', P .. 'node:' .. node .. ':rooms', room)
  end
  if remove_name(room, name) then
    presence_event(room, 'leave', name)
  end
  if redis.call('HLEN', rk(room, 'conns')) == 0 then
    redis.call('SREM', P .. 'rooms', room)
    redis.call('DEL', rk(room, 'names'), rk(room, 'count'), rk(room, 'order'), rk(room, 'nodes'), rk(room, 'presence'))
  end
  return true
end

-- The room as a joiner sees it: {epoch, last offset, presence version, members (the first LIST_LIMIT),
-- member count, entries (oldest first), recovered}. With since_epoch (not ''), entries are every message after `since` if the stream still has
-- them all, of that epoch, and at most max_recover; recovered is then 1, else 0 and the usual history.
-- Without, recovered is -1.
local function room_state(room, history, ttl, new_epoch, since, since_epoch, max_recover)
  local meta = rk(room, 'meta')
  redis.call('HSETNX', meta, 'epoch', new_epoch)
  redis.call('PEXPIRE', meta, ttl)
  redis.call('PEXPIRE', rk(room, 'log'), ttl)
  local epoch = redis.call('HGET', meta, 'epoch')
  local seq = tonumber(redis.call('HGET', meta, 'seq') or '0')
  local entries = nil
  local recovered = -1
  if since_epoch ~= '' then
    recovered = 0
    local from = tonumber(since)
    if since_epoch == epoch and from >= 0 and from <= seq and seq - from <= max_recover then
      if from == seq then
        entries = {}
      else
        local missed = redis.call('XRANGE', rk(room, 'log'), (from + 1) .. '-0', '+', 'COUNT', seq - from)
        if #missed == seq - from then -- offsets are consecutive: all there iff as many as missed
          entries = missed
        end
      end
      if entries then
        recovered = 1
      end
    end
  end
  if not entries then
    entries = {}
    if history > 0 then
      local newest = redis.call('XREVRANGE', rk(room, 'log'), '+', '-', 'COUNT', history)
      for i = #newest, 1, -1 do
        table.insert(entries, newest[i])
      end
    end
  end
  return {
    epoch,
    seq,
    tonumber(redis.call('HGET', rk(room, 'presence'), 'pv') or '0'),
    redis.call('ZRANGE', rk(room, 'order'), 0, LIST_LIMIT - 1),
    redis.call('ZCARD', rk(room, 'order')),
    entries,
    recovered,
  }
end
