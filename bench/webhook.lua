-- Replays pre-signed webhooks (one "signature<TAB>body" per line), each thread its share.
-- Arguments: file, threads, path, signature header, content type.
local counter, threads = 0, {}
function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

local reqs, i = {}, 0
function init(args)
  local file, nthreads, n = args[1], tonumber(args[2]), 0
  local path, header = args[3] or "/webhooks/twilio", args[4] or "X-Twilio-Signature"
  local ctype = args[5] or "application/x-www-form-urlencoded"
  for line in io.lines(file) do
    if n % nthreads == id then
      local sig, body = line:match("([^\t]+)\t(.*)")
      reqs[#reqs + 1] = wrk.format("POST", path, {
        ["Content-Type"] = ctype, [header] = sig }, body)
    end
    n = n + 1
  end
end

function request()
  i = i % #reqs + 1
  return reqs[i]
end
