-- Throttle usage history (issue 19, docs/portal.md "Throttling"): the units each bucket admitted in each of the last
-- 60 finished 10-second windows, a bounded ring. `slot` = (window_start / 10) mod 60, so a window overwrites the slot
-- of the one 60 windows before it and the table never holds more than 60 rows per bucket. A window is written once,
-- when the bucket's next window begins (the counter in `throttle_windows` already holds the current one).
CREATE TABLE throttle_usage (
  bucket TEXT NOT NULL,
  slot INTEGER NOT NULL,
  window_start INTEGER NOT NULL,
  used INTEGER NOT NULL,
  PRIMARY KEY (bucket, slot)
) WITHOUT ROWID;
