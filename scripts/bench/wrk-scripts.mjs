// wrk Lua scripts, written to a temp dir at run time. Arguments after `--`: token, namespace, then per script.
import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

// every script: per-thread id from setup(), auth headers from init(), one WRKJSON line from done()
const COMMON = `
local threads = {}
function setup(thread)
  table.insert(threads, thread)
  thread:set("tid", #threads)
end

function common_init(args)
  token = args[1]
  ns = args[2]
  headers = { ["Authorization"] = "Bearer " .. token, ["Accept"] = "application/json", ["Content-Type"] = "application/json" }
  payload = string.rep("x", 900)
  n = 0
end

function cm_body(name, extra)
  return '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"' .. name .. '","namespace":"' .. ns ..
    '","labels":{"app":"bench"}},"data":{"payload":"' .. payload .. '","n":"' .. extra .. '"}}'
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('WRKJSON {"requests":%d,"duration_us":%d,"p50_us":%.1f,"p99_us":%.1f,' ..
    '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d}}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    e.connect, e.read, e.write, e.status, e.timeout))
end
`;

const SCRIPTS = {
  // args: token ns prefix quota — POST unique names prefix-<thread>-<n>; with quota > 0 each thread
  // creates exactly quota objects, prints WRKDONE and stops (the caller then interrupts wrk)
  create: `${COMMON}
function init(args)
  common_init(args)
  prefix = args[3]
  quota = tonumber(args[4]) or 0
  path = "/api/v1/namespaces/" .. ns .. "/configmaps"
  -- wrk calls request() once on its first thread to check the script and never sends that one
  limit = quota + ((tid == 1) and 1 or 0)
  answered = 0
  finished = false
end

function request()
  if quota > 0 and n >= limit then
    return wrk.format("GET", "/readyz", headers)
  end
  n = n + 1
  return wrk.format("POST", path, headers, cm_body(prefix .. "-" .. tid .. "-" .. n, n))
end

function response(status, hdrs, body)
  if quota == 0 or finished then return end
  -- /readyz fillers answer 200, creates 201 (or an error status): count only the creates
  if status ~= 200 then answered = answered + 1 end
  if answered >= quota then
    finished = true
    io.write("WRKDONE\\n")
    io.flush()
    wrk.thread:stop()
  end
end
`,
  // args: token ns prefix count — GET prefix-<i>, cycling through count objects
  get: `${COMMON}
function init(args)
  common_init(args)
  prefix = args[3]
  count = tonumber(args[4])
  base = "/api/v1/namespaces/" .. ns .. "/configmaps/" .. prefix .. "-"
end

function request()
  n = n + 1
  return wrk.format("GET", base .. ((n * 7 + tid * 131) % count), headers)
end
`,
  // args: token ns prefix count — unconditional PUT (no resourceVersion); each thread its own half of the objects
  update: `${COMMON}
function init(args)
  common_init(args)
  prefix = args[3]
  count = tonumber(args[4])
  base = "/api/v1/namespaces/" .. ns .. "/configmaps/"
end

function request()
  n = n + 1
  local per = math.floor(count / 2)
  local name = prefix .. "-" .. (((tid - 1) % 2) * per + (n % per))
  return wrk.format("PUT", base .. name, headers, cm_body(name, tid .. "-" .. n))
end
`,
  // args: token ns — LIST one (small) namespace's ConfigMaps
  list: `${COMMON}
function init(args)
  common_init(args)
  path = "/api/v1/namespaces/" .. ns .. "/configmaps"
end

function request()
  return wrk.format("GET", path, headers)
end
`,
};

/** Writes the scripts into dir and returns { create, get, update, list } paths. */
export function writeWrkScripts(dir) {
  mkdirSync(dir, { recursive: true });
  const paths = {};
  for (const [k, src] of Object.entries(SCRIPTS)) {
    paths[k] = join(dir, `${k}.lua`);
    writeFileSync(paths[k], src);
  }
  return paths;
}
