-- wrk: batches of 100 usage events with ids never sent before (each one is stored,
-- not answered as a duplicate), spread over five demo members.
local members = { "tilleuls", "val-de-loire", "horizon", "cedres", "tilleuls" }
local run = tostring(os.time()) .. "-" .. tostring(math.random(1000000))
local counter = 0

request = function()
  counter = counter + 1
  local events = {}
  for i = 1, 100 do
    events[i] = string.format(
      '{"id":"load-%s-%d-%d","member":"%s","meter":"it.support_hours","quantity":"0.25","occurred_at":"2026-11-10T10:00:00Z"}',
      run, counter, i, members[(i % #members) + 1])
  end
  return wrk.format("POST", nil, nil, '{"events":[' .. table.concat(events, ",") .. ']}')
end
