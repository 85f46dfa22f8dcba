-- POST each open attempt of a pre-made pool exactly once, with its owner's session cookie.
-- args: <pool file> <wrk threads> <User-Agent>. Pool lines: "<attempt id>\t<cookie>\t<body>".
-- Thread t takes lines t, t+n, t+2n... so no attempt is submitted twice. A 302 to the review
-- page counts as ok. If a thread runs out, it re-posts its last attempt (a cheap no-op) and
-- counts an overflow: bench.run then flags the figure as invalid.
local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("tid", #threads)
end

function init(args)
  local path, nthreads = args[1], tonumber(args[2])
  user_agent = args[3]
  items = {}
  local i = 0
  for line in io.lines(path) do
    if i % nthreads == tid - 1 then
      local id, cookie, body = line:match("^(%d+)\t([^\t]+)\t(.*)$")
      items[#items + 1] = {path = "/quiz/attempt/" .. id, cookie = cookie, body = body}
    end
    i = i + 1
  end
  cursor = 0
  ok = 0
  bad = 0
  overflow = 0
end

function request()
  cursor = cursor + 1
  local item = items[cursor]
  if item == nil then
    overflow = overflow + 1
    item = items[#items]
  end
  return wrk.format("POST", item.path, {
    ["Cookie"] = "session=" .. item.cookie,
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["User-Agent"] = user_agent,
  }, item.body)
end

function response(status, headers, body)
  local location = headers["Location"] or ""
  if status == 302 and location:find("/review", 1, true) then
    ok = ok + 1
  else
    bad = bad + 1
  end
end

function done(summary, latency, requests)
  local total_ok, total_bad, total_overflow = 0, 0, 0
  for _, thread in ipairs(threads) do
    total_ok = total_ok + thread:get("ok")
    total_bad = total_bad + thread:get("bad")
    total_overflow = total_overflow + thread:get("overflow")
  end
  io.write(string.format("BENCH ok=%d bad=%d overflow=%d p50_us=%d p99_us=%d\n",
    total_ok, total_bad, total_overflow, latency:percentile(50), latency:percentile(99)))
end
