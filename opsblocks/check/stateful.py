"""Resources that hold data or identity: losing or replacing one loses what it holds."""

from __future__ import annotations

STATEFUL: frozenset[str] = frozenset({
    # AWS
    "aws:s3/bucket:Bucket",
    "aws:kms/key:Key",
    "aws:ecr/repository:Repository",
    "aws:sagemaker/modelPackageGroup:ModelPackageGroup",
    "aws:sagemaker/mlflowTrackingServer:MlflowTrackingServer",
    "aws:glue/catalogDatabase:CatalogDatabase",
    "aws:cloudwatch/logGroup:LogGroup",
    "aws:eks/cluster:Cluster",  # not a data store, but deleting it deletes all it runs
    "aws:rds/instance:Instance",
    # Azure
    "azure-native:resources:ResourceGroup",
    "azure-native:keyvault:Vault",
    "azure-native:keyvault:Key",
    "azure-native:storage:StorageAccount",
    "azure-native:containerregistry:Registry",
    "azure-native:machinelearningservices:Registry",
    "azure-native:machinelearningservices:Workspace",
    "azure-native:dbforpostgresql:Server",
    "azure-native:dbforpostgresql:Database",
    # Not a data store, but deleting a cluster deletes everything that runs on it.
    "azure-native:containerservice:ManagedCluster",
    # GCP
    "gcp:storage/bucket:Bucket",
    "gcp:kms/cryptoKey:CryptoKey",
    "gcp:kms/keyRing:KeyRing",
    "gcp:bigquery/dataset:Dataset",
    "gcp:artifactregistry/repository:Repository",
    "gcp:sql/databaseInstance:DatabaseInstance",
    # Not a data store, but deleting a cluster deletes everything that runs on it.
    "gcp:container/cluster:Cluster",
})  # fmt: skip

REPLACED_ON_CHANGE: dict[str, tuple[str, ...]] = {
    # What the provider cannot change in place: a new value replaces the resource (the
    # "forces new resource" arguments of each provider's documentation).
    "aws:s3/bucket:Bucket": ("bucket", "bucketPrefix", "objectLockEnabled", "region"),
    "aws:kms/key:Key": ("customerMasterKeySpec", "keySpec", "keyUsage", "multiRegion", "region"),
    "aws:ecr/repository:Repository": ("name", "encryptionConfigurations", "region"),
    "aws:sagemaker/modelPackageGroup:ModelPackageGroup": ("modelPackageGroupName", "region"),
    "aws:sagemaker/mlflowTrackingServer:MlflowTrackingServer": (
        "trackingServerName", "roleArn", "mlflowVersion", "region"),
    "aws:glue/catalogDatabase:CatalogDatabase": ("name", "catalogId", "region"),
    "aws:cloudwatch/logGroup:LogGroup": ("name", "namePrefix", "logGroupClass", "region"),
    "aws:eks/cluster:Cluster": ("name", "roleArn", "bootstrapSelfManagedAddons", "region"),
    "aws:rds/instance:Instance": (
        "identifier", "identifierPrefix", "dbName", "username", "kmsKeyId", "storageEncrypted",
        "availabilityZone", "characterSetName", "timezone", "region"),
    "azure-native:resources:ResourceGroup": ("resourceGroupName", "location"),
    "azure-native:keyvault:Vault": ("vaultName", "resourceGroupName", "location"),
    "azure-native:keyvault:Key": ("keyName", "vaultName", "resourceGroupName"),
    "azure-native:storage:StorageAccount": ("accountName", "resourceGroupName", "location"),
    "azure-native:containerregistry:Registry": ("registryName", "resourceGroupName", "location"),
    "azure-native:machinelearningservices:Registry": (
        "registryName", "resourceGroupName", "location"),
    "azure-native:machinelearningservices:Workspace": (
        "workspaceName", "resourceGroupName", "location"),
    "azure-native:dbforpostgresql:Server": (
        "serverName", "resourceGroupName", "location", "dataEncryption.type"),
    "azure-native:dbforpostgresql:Database": (
        "databaseName", "serverName", "resourceGroupName", "charset", "collation"),
    "azure-native:containerservice:ManagedCluster": (
        "resourceName", "resourceGroupName", "location", "dnsPrefix", "nodeResourceGroup"),
    "gcp:storage/bucket:Bucket": ("name", "location", "project"),
    "gcp:kms/cryptoKey:CryptoKey": ("name", "keyRing", "purpose"),
    "gcp:kms/keyRing:KeyRing": ("name", "location", "project"),
    "gcp:bigquery/dataset:Dataset": ("datasetId", "location", "project"),
    "gcp:artifactregistry/repository:Repository": (
        "repositoryId", "location", "format", "project"),
    "gcp:sql/databaseInstance:DatabaseInstance": (
        "name", "region", "project", "encryptionKeyName"),
    "gcp:container/cluster:Cluster": (
        "name", "location", "project", "network", "subnetwork", "ipAllocationPolicy"),
}  # fmt: skip
