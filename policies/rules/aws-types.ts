/** AWS resource type tokens (@pulumi/aws 7.x) the production policies check. */
export const AWS = {
  rdsInstance: "aws:rds/instance:Instance",
  rdsCluster: "aws:rds/cluster:Cluster",
  rdsClusterInstance: "aws:rds/clusterInstance:ClusterInstance",
  rdsParameterGroup: "aws:rds/parameterGroup:ParameterGroup",
  rdsClusterParameterGroup: "aws:rds/clusterParameterGroup:ClusterParameterGroup",
  cacheReplicationGroup: "aws:elasticache/replicationGroup:ReplicationGroup",
  cacheCluster: "aws:elasticache/cluster:Cluster",
  cacheServerless: "aws:elasticache/serverlessCache:ServerlessCache",
  memorydbCluster: "aws:memorydb/cluster:Cluster",
  docdbCluster: "aws:docdb/cluster:Cluster",
  docdbClusterInstance: "aws:docdb/clusterInstance:ClusterInstance",
  docdbClusterParameterGroup: "aws:docdb/clusterParameterGroup:ClusterParameterGroup",
  opensearchDomain: "aws:opensearch/domain:Domain",
  elasticsearchDomain: "aws:elasticsearch/domain:Domain",
  securityGroup: "aws:ec2/securityGroup:SecurityGroup",
  securityGroupRule: "aws:ec2/securityGroupRule:SecurityGroupRule",
  securityGroupIngressRule: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
} as const;

/** OpenSearch TLS security policies that require TLS 1.2 or newer. */
export const TLS12_POLICIES = /TLS-1-[23]/;
