-- The draw leaves out every case the panel has given a finding before
-- (store.EligibleCases). findings is keyed by cycle first, so without this
-- index that test read the whole table for every draw; with it, each
-- candidate case is one index probe. On the benchmark's pool of 1,000,000
-- cases with 5% reviewed, a local draw's eligible query went from about
-- 240 ms to about 60 ms (BENCHMARKS.md).
CREATE INDEX findings_case ON findings (case_id);
