// The three steps of the cache protocol as Lua scripts: Redis runs a script to completion before any
// other command ("no other script or Redis command will be executed while a script is being
// executed"), so a fill can never interleave with an invalidation, and the protocol holds across
// every process sharing the Redis. All keys of one scope share a hash tag, so on Redis Cluster each
// script touches one slot. Key names passed in (see redis-keys.ts):
//   g  the scope's generation token      h  the scope's hold (fills refused while it exists)
//   m  the set of the scope's member entries (for reclaiming memory on invalidation)
//   e  an entry; a member entry's name is suffixed with "@<token>" of the generation it belongs to.

/** KEYS: g, e. ARGV: candidate token, generation TTL (ms), member ('1'/'0'). Returns {1, value} or {0, token}. */
export const LOOKUP = `
if ARGV[3] ~= '1' then
  local value = redis.call('GET', KEYS[2])
  if value then return {1, value} end
end
local token = redis.call('GET', KEYS[1])
if not token then
  token = ARGV[1]
  redis.call('SET', KEYS[1], token, 'PX', ARGV[2])
end
if ARGV[3] == '1' then
  local value = redis.call('GET', KEYS[2] .. '@' .. token)
  if value then return {1, value} end
end
return {0, token}
`;

/**
 * The near tier's read of an item's entry, in one command. KEYS: g, e. ARGV: candidate token,
 * generation TTL (ms). Returns {1, value, the entry's PTTL} or {0, token}.
 */
export const NEAR_READ = `
local value = redis.call('GET', KEYS[2])
if value then return {1, value, redis.call('PTTL', KEYS[2])} end
local token = redis.call('GET', KEYS[1])
if not token then
  token = ARGV[1]
  redis.call('SET', KEYS[1], token, 'PX', ARGV[2])
end
return {0, token}
`;

/** KEYS: g, h, e, m. ARGV: token, value, TTL (ms), member ('1'/'0'). Returns 1 when stored, 0 when refused. */
export const FILL = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
if redis.call('EXISTS', KEYS[2]) == 1 then return 0 end
local key = KEYS[3]
if ARGV[4] == '1' then
  key = key .. '@' .. ARGV[1]
  redis.call('SADD', KEYS[4], key)
  if redis.call('PTTL', KEYS[4]) < tonumber(ARGV[3]) then redis.call('PEXPIRE', KEYS[4], ARGV[3]) end
end
redis.call('SET', key, ARGV[2], 'PX', ARGV[3])
return 1
`;

/** KEYS: g, h, m, entries... ARGV: new token, generation TTL (ms), hold (ms, 0 for none). */
export const INVALIDATE = `
local members = redis.call('SMEMBERS', KEYS[3])
for i = 1, #members do redis.call('DEL', members[i]) end
for i = 3, #KEYS do redis.call('DEL', KEYS[i]) end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
local hold = tonumber(ARGV[3])
if hold > 0 then redis.call('SET', KEYS[2], '1', 'PX', hold) end
return 1
`;
