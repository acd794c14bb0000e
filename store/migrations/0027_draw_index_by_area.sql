-- A local draw reads one Area's quarter of each strand. case_strands_draw
-- (0024) ordered its keys strand, finalised_on, area_id, so that read
-- walked the quarter of every Area and kept one Area's entries: on the
-- benchmark's pool, some 17,600 entries to keep 1,257 (4.5 ms for the
-- five strands against 0.25 ms). With the Area before the date, a local
-- draw reads its own entries alone; a national draw names every Area
-- (store.EligiblePools), which reads each Area's part of the window in
-- turn, so a narrow national window stays narrow too.
DROP INDEX case_strands_draw;
CREATE INDEX case_strands_draw ON case_strands (strand, area_id, finalised_on)
    INCLUDE (outcome, victim_group, youth_victim, online_offending, case_id) WHERE drawable;
