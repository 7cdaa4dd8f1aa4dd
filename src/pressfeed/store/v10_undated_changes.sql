-- pressfeed store, schema version 10: upstream changes an item made without dating them.

-- An item whose text changes on every fetch without a new date (a board putting
-- its view counter or the fetch time in the description) was taken as an update
-- on every run: readers were told of it again each time, and every version left
-- its dedupe and passage keys (2.1M keys for 6,000 articles after ~150 runs).
-- Upstream's changes without a date of its own are counted since the last it
-- dated, and past pressfeed.merge.UNDATED_CHANGES_MAX they are not taken until
-- upstream dates one (lemon24/reader's HASH_CHANGED_LIMIT). NULL: none counted.
ALTER TABLE article ADD COLUMN undated_changes INTEGER;
