// Product catalog graph (ESAB recommender, seed 004): every product type is
// identified by its GIN (Global Item Number). A uniqueness constraint per label
// rejects duplicates and backs MERGE/lookups by GIN with an index.
// Community-safe: uniqueness constraints only (existence/NOT NULL and node key
// constraints are Enterprise-only).
CREATE CONSTRAINT power_source_gin_unique IF NOT EXISTS
FOR (n:PowerSource) REQUIRE n.gin IS UNIQUE;

CREATE CONSTRAINT feeder_gin_unique IF NOT EXISTS
FOR (n:Feeder) REQUIRE n.gin IS UNIQUE;

CREATE CONSTRAINT cooler_gin_unique IF NOT EXISTS
FOR (n:Cooler) REQUIRE n.gin IS UNIQUE;

CREATE CONSTRAINT interconnector_gin_unique IF NOT EXISTS
FOR (n:Interconnector) REQUIRE n.gin IS UNIQUE;

CREATE CONSTRAINT torch_gin_unique IF NOT EXISTS
FOR (n:Torch) REQUIRE n.gin IS UNIQUE;

CREATE CONSTRAINT accessory_gin_unique IF NOT EXISTS
FOR (n:Accessory) REQUIRE n.gin IS UNIQUE;
