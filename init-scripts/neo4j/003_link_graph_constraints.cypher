// Link graph and clusters (ApexSEO, seed 000): uniqueness on ids prevents
// duplication, and Page.url is the field crawls look pages up by.
CREATE CONSTRAINT page_id_unique IF NOT EXISTS
FOR (p:Page) REQUIRE p.id IS UNIQUE;

CREATE CONSTRAINT page_url_unique IF NOT EXISTS
FOR (p:Page) REQUIRE p.url IS UNIQUE;

CREATE CONSTRAINT cluster_id_unique IF NOT EXISTS
FOR (c:Cluster) REQUIRE c.id IS UNIQUE;
