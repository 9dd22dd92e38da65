// Search indexes for the product catalog (seed 004):
//  - a full-text index on product names across all six product labels,
//    queried with db.index.fulltext.queryNodes('product_name_fulltext', $q);
//  - range indexes on the common filter fields (process, current output, amperage);
//  - a relationship property index for compatibility lookups. The seed names no
//    property; `compatibility_type` (e.g. 'direct', 'with_adapter') is the one
//    the recommender filters COMPATIBLE_WITH edges on.
CREATE FULLTEXT INDEX product_name_fulltext IF NOT EXISTS
FOR (n:PowerSource|Feeder|Cooler|Interconnector|Torch|Accessory)
ON EACH [n.name];

CREATE INDEX power_source_process IF NOT EXISTS
FOR (n:PowerSource) ON (n.process);

CREATE INDEX power_source_current_output IF NOT EXISTS
FOR (n:PowerSource) ON (n.current_output);

CREATE INDEX torch_amperage IF NOT EXISTS
FOR (n:Torch) ON (n.amperage);

CREATE INDEX compatible_with_type IF NOT EXISTS
FOR ()-[r:COMPATIBLE_WITH]-() ON (r.compatibility_type);
