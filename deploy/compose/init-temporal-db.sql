-- Temporal keeps its own databases (created by temporalio/auto-setup) under its own role.
CREATE ROLE temporal WITH LOGIN PASSWORD 'temporal' CREATEDB;
