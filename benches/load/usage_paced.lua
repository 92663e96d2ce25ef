-- wrk: usage.lua's batches at a cooperative's pace: each connection waits
-- USAGE_DELAY_MS (default 1000) between two batches (`run.py --soak-pace`).
local here = debug.getinfo(1, "S").source:sub(2):match("(.*/)") or "./"
dofile(here .. "usage.lua")
local pause = tonumber(os.getenv("USAGE_DELAY_MS") or "1000")

delay = function()
  return pause
end
