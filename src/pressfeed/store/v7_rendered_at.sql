-- pressfeed store, schema version 7: the time each published file was rendered at.

-- A feed says nothing later than the time it was built (publish.build.not_ahead
-- clamps dates ahead of it). Rendered again from the same items (a forced
-- build, a file changed on disk), it must clamp to that same time to give the
-- same bytes; the feed's own date stood in for it, which is earlier when no
-- item was ahead, so an agency's date between the two was clamped the second
-- time only. NULL for files recorded before this version: their feed's date
-- still stands in.
ALTER TABLE feed_file ADD COLUMN rendered_at TEXT;
