-- GET one path; count responses with the expected status (args[1], default 200) per thread,
-- then print one summary line for bench.run to parse.
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  expected = tonumber(args[1]) or 200
  ok = 0
  bad = 0
  overflow = 0
end

function response(status, headers, body)
  if status == expected then
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
