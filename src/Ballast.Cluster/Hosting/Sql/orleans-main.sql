-- Ballast's schema for Orleans' ADO.NET providers on PostgreSQL, part 1: the query table.
--
-- Written for Ballast to the contract of Microsoft.Orleans.Clustering.AdoNet 10.4.2 (see README.md beside this file for
-- where the contract comes from). Orleans issues no SQL of its own: it reads the text of every query it runs from
-- this table, by key, at start. Applied by OrleansSchema at every silo start, in one transaction under an advisory
-- lock, so it is written to be applied again and again (IF NOT EXISTS, CREATE OR REPLACE, upserts).

CREATE TABLE IF NOT EXISTS OrleansQuery
(
    QueryKey varchar(64) NOT NULL,
    QueryText varchar(8000) NOT NULL,

    CONSTRAINT OrleansQuery_Key PRIMARY KEY (QueryKey)
);
