-- wrk script: GET one tenant's audit records, rotating over the seeded tenants, with the bench token.
-- Non-2xx answers are printed, so a run of refusals cannot pass for a fast run.
local tenants = {}
for line in io.lines(os.getenv("TENANTS_FILE")) do tenants[#tenants + 1] = line end
local token = os.getenv("TOKEN")
local counter = 0

request = function()
  counter = counter + 1
  local tenant = tenants[(counter % #tenants) + 1]
  return wrk.format("GET", "/api/v1/tenants/" .. tenant .. "/audit-records?pageSize=50", { ["Authorization"] = "Bearer " .. token })
end

done = function(summary, latency, requests)
  io.write(string.format("non-2xx: %d (of %d)\n", summary.errors.status, summary.requests))
  io.write(string.format("requests/s: %.0f  p50: %.2f ms  p99: %.2f ms\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
