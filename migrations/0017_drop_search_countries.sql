-- A search's country facets are counted from its matches grouped by their
-- whole set of countries (`search_facets.countries`, a few dozen distinct
-- sets in a corpus), split into countries after the statement
-- (`search::facets::per_country`). Joining every match to its countries
-- one by one, which this table was for, took half of a search for 峰 at
-- 100x. Nothing else reads it; the other tables are unchanged, so the
-- data need not be written again.
DROP TABLE search_countries;
