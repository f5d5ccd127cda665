"""Kubernetes capability on Azure: an AKS cluster, the host tools running on Kubernetes
install onto, and the Kubernetes provider that reaches it (`provider`).

Secure by default:
- API server: API Server VNet Integration (it sits in a subnet of the cluster's VNet, which
  a KMS key in a private vault requires); private in prod; in dev and staging public only
  for `public_access_cidrs`, private too when that list is empty. Run command is disabled.
- Sign-in: Entra ID only, authorization by Azure RBAC, local accounts disabled (no static
  credential exists); whoever runs `pulumi up` holds "Azure Kubernetes Service RBAC Cluster
  Admin" on this cluster only, and the provider signs in as them through kubelogin once the
  grant has had time to propagate (RBAC_PROPAGATION, waited when the grant is created).
- Secrets: KMS etcd encryption with the foundation's key (its newest version, read at each
  `up`), reached through a private link (`keyVaultNetworkAccess: Private`). The cluster's
  control-plane identity holds "Key Vault Crypto User" on that one key, "Key Vault
  Contributor" on the vault (AKS creates the private link with it) and "Network Contributor"
  on the cluster's two subnets, all granted before the cluster exists.
- Workload identity: the OIDC issuer and the workload identity webhook are on; a tool binds a
  Kubernetes service account to a managed identity with a federated credential for
  `oidc_issuer_url`.
- Nodes: in the platform's VNet in prod (a subnet of their own, `network.py`), no public IPs,
  encryption at host (OS, data and temp disks and caches encrypted), Azure Linux; a system
  pool that only the cluster's own pods run on, an autoscaling workload pool and an optional
  GPU pool tainted `nvidia.com/gpu=present:NoSchedule`. The kubelet identity AKS creates gets
  no role here.
- Network: Azure CNI Overlay with the Cilium dataplane, which enforces network policies.
- Logs: the API server, audit (admin), controller manager, scheduler, autoscaler and guard
  logs go to the foundation's Log Analytics workspace.
- Prod: the Standard tier (financially backed API server SLA), three system nodes, and the
  cluster `protect`ed and retained: deleting it deletes everything that runs on it.

Version and upgrades: `KUBERNETES_VERSION` pins the minor version (AKS runs its newest patch,
and the `patch` auto-upgrade channel keeps it there; node images follow `NodeImage`). To
upgrade, raise the constant one minor version at a time, within AKS's supported versions
(`az aks get-upgrades`): `pulumi up` updates the cluster first (the control plane and the
system pool), then the workload and GPU pools, which depend on it. Read the Kubernetes
release's deprecated APIs before raising it.

Rotation: the foundation rotates its key every 90 days; the next `up` moves the cluster to the
new version (AKS re-encrypts its data encryption key). Run `up` well within a year of a
rotation: key versions expire after a year, and a cluster whose KMS key has expired cannot
read its secrets.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pulumi
import pulumi_azure_native as azure_native
import pulumi_kubernetes as k8s
import pulumiverse_time as time

from components.azure.aks.kubeconfig import from_user_credentials
from components.azure.aks.network import cluster_network
from components.azure.aks.options import AksOptions, GpuPool
from components.azure.shared.common import once

KUBERNETES_VERSION = "1.37"
"""AKS GA October 2026, supported until October 2027 ("AKS Kubernetes release calendar")."""
RBAC_PROPAGATION = "5m"
"""How long a new Azure RBAC role assignment may take to reach the cluster's authorization
server ("up to five minutes", Use Azure RBAC for Kubernetes Authorization). Waited once,
when the deployer's grant is created; later `up`s do not wait."""
GPU_TAINT = "nvidia.com/gpu=present:NoSchedule"
SYSTEM_TAINT = "CriticalAddonsOnly=true:NoSchedule"
LOG_CATEGORIES = ("kube-apiserver", "kube-audit-admin", "kube-controller-manager",
                  "kube-scheduler", "cluster-autoscaler", "guard")  # fmt: skip
"""Control-plane logs ("Monitor AKS": resource logs); kube-audit-admin is the audit log
without get and list events, which the full kube-audit adds at many times the volume."""
ROLES = {
    # Built-in role definition ids, the same in every tenant ("Azure built-in roles").
    "Network Contributor": "4d97b98b-1d4f-4787-a291-c67834d212e7",
    "Key Vault Crypto User": "12338af0-0e69-4776-bea7-57ae8d297424",
    "Key Vault Contributor": "f25e0fa2-a7c8-4377-a976-54943a77a395",
    "Azure Kubernetes Service RBAC Cluster Admin": "b1ff04bb-8a4e-4dc4-8eb5-8693973ce19b",
}
POD_CIDR, SERVICE_CIDR, DNS_SERVICE_IP = "192.168.0.0/16", "172.16.0.0/16", "172.16.0.10"
OUTPUTS = ("cluster_name", "cluster_id", "oidc_issuer_url", "vnet_id", "subnet_id")
cs = azure_native.containerservice


@dataclass(frozen=True, kw_only=True)
class AzureAksKubernetesArgs:
    tags: Mapping[str, str]
    resource_group_name: pulumi.Input[str]
    location: str
    cluster_name: str
    """The cluster's name, also its DNS prefix (at most 54 characters)."""
    tenant_id: pulumi.Input[str]
    key_vault_id: pulumi.Input[str]
    """The foundation's vault (RBAC authorization): its key encrypts the cluster's secrets."""
    key_name: pulumi.Input[str]
    log_workspace_id: pulumi.Input[str]
    vnet_id: pulumi.Input[str] | None = None
    """The platform's private VNet (prod), known once its subnet exists; None: a VNet of the
    cluster's own."""
    endpoint_subnet_id: pulumi.Input[str] | None = None
    """The platform's private-endpoint subnet (with `vnet_id`)."""
    vnet_cidr: str = "10.20.0.0/16"
    private_api: bool = True
    """No public API server endpoint (always in prod), whatever `public_access_cidrs` says."""
    protect: bool = False
    """Prod: protect and retain the cluster, Standard tier, three system nodes."""
    options: AksOptions = field(default_factory=AksOptions)


def role_id(scope: pulumi.Input[str], role: str) -> pulumi.Output[str]:
    """The id of the built-in `role` in the subscription of the resource `scope`."""
    guid = ROLES[role]
    return pulumi.Output.from_input(scope).apply(
        lambda s: (
            f"/subscriptions/{s.split('/')[2]}/providers/Microsoft.Authorization/"
            f"roleDefinitions/{guid}"
        )
    )


class AzureAksKubernetes(pulumi.ComponentResource):
    cluster_name: pulumi.Output[str]
    cluster_id: pulumi.Output[str]
    oidc_issuer_url: pulumi.Output[str]
    """The cluster's OIDC issuer: the issuer of the federated credentials workload identity
    uses."""
    vnet_id: pulumi.Output[str]
    """The VNet the nodes run in: the tools' private DNS zones link to it."""
    subnet_id: pulumi.Output[str]
    """The subnet where tools put the private endpoints of the services their pods use."""
    provider: k8s.Provider
    """The Kubernetes provider of the cluster (kubelogin, no static token)."""

    def __init__(
        self, name: str, args: AzureAksKubernetesArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("opsblocks:index:AzureAksKubernetes", name, {}, opts)
        child = pulumi.ResourceOptions(parent=self)
        rg, tags, options = args.resource_group_name, dict(args.tags), args.options
        public = not args.private_api and bool(options.public_access_cidrs)

        net = cluster_network(name, vnet_id=args.vnet_id,
                              endpoint_subnet_id=args.endpoint_subnet_id,
                              vnet_cidr=args.vnet_cidr, resource_group_name=rg,
                              location=args.location, tags=tags, parent=self)  # fmt: skip
        identity = azure_native.managedidentity.UserAssignedIdentity(
            f"{name}-identity", resource_group_name=rg, location=args.location, tags=tags,
            opts=child,
        )  # fmt: skip

        def grant(role_name: str, role: str, scope: pulumi.Input[str],
                  principal: pulumi.Input[str], kind: str = "ServicePrincipal",
                  ) -> azure_native.authorization.RoleAssignment:  # fmt: skip
            return azure_native.authorization.RoleAssignment(
                f"{name}-{role_name}", scope=scope, role_definition_id=role_id(scope, role),
                principal_id=principal, description=f"opsblocks: {role}",
                # Skips the directory lookup that fails while a new identity replicates.
                principal_type=azure_native.authorization.PrincipalType(kind), opts=child,
            )  # fmt: skip

        key_id = pulumi.Output.concat(args.key_vault_id, "/keys/", args.key_name)
        grants = [
            grant("nodes-network", "Network Contributor", net.node_subnet_id,
                  identity.principal_id),
            grant("api-server-network", "Network Contributor", net.api_server_subnet_id,
                  identity.principal_id),
            grant("kms-key", "Key Vault Crypto User", key_id, identity.principal_id),
            grant("kms-private-link", "Key Vault Contributor", args.key_vault_id,
                  identity.principal_id),
        ]  # fmt: skip
        vault_name = pulumi.Output.from_input(args.key_vault_id).apply(
            lambda v: v.rsplit("/", 1)[-1]
        )
        key = azure_native.keyvault.get_key_output(
            key_name=args.key_name, vault_name=vault_name, resource_group_name=rg,
            opts=pulumi.InvokeOutputOptions(parent=self),
        )  # fmt: skip

        # `resource_name` is the Pulumi name; the cluster's own name is `resource_name_`.
        cluster = cs.ManagedCluster(
            f"{name}-cluster", resource_name_=args.cluster_name, dns_prefix=args.cluster_name,
            resource_group_name=rg, location=args.location, tags=tags,
            node_resource_group=f"{args.cluster_name}-nodes",
            kubernetes_version=KUBERNETES_VERSION,
            sku=cs.ManagedClusterSKUArgs(
                name=cs.ManagedClusterSKUName.BASE,
                tier=cs.ManagedClusterSKUTier.STANDARD if args.protect
                else cs.ManagedClusterSKUTier.FREE),
            identity=cs.ManagedClusterIdentityArgs(
                type=cs.ResourceIdentityType.USER_ASSIGNED,
                user_assigned_identities=[identity.id]),
            aad_profile=cs.ManagedClusterAADProfileArgs(
                managed=True, enable_azure_rbac=True, tenant_id=args.tenant_id),
            enable_rbac=True,
            disable_local_accounts=True,
            oidc_issuer_profile=cs.ManagedClusterOIDCIssuerProfileArgs(enabled=True),
            security_profile=cs.ManagedClusterSecurityProfileArgs(
                workload_identity=cs.ManagedClusterSecurityProfileWorkloadIdentityArgs(
                    enabled=True),
                azure_key_vault_kms=cs.AzureKeyVaultKmsArgs(
                    enabled=True, key_id=key.key_uri_with_version,
                    key_vault_network_access=cs.KeyVaultNetworkAccessTypes.PRIVATE,
                    key_vault_resource_id=args.key_vault_id),
            ),
            api_server_access_profile=cs.ManagedClusterAPIServerAccessProfileArgs(
                enable_private_cluster=not public,
                enable_vnet_integration=True,
                subnet_id=net.api_server_subnet_id,
                authorized_ip_ranges=list(options.public_access_cidrs) if public else None,
                disable_run_command=True,
            ),
            network_profile=cs.ContainerServiceNetworkProfileArgs(
                network_plugin=cs.NetworkPlugin.AZURE,
                network_plugin_mode=cs.NetworkPluginMode.OVERLAY,
                network_dataplane=cs.NetworkDataplane.CILIUM,
                network_policy=cs.NetworkPolicy.CILIUM,
                pod_cidr=POD_CIDR, service_cidr=SERVICE_CIDR, dns_service_ip=DNS_SERVICE_IP,
                outbound_type=cs.OutboundType.LOAD_BALANCER,
                load_balancer_sku=cs.LoadBalancerSku.STANDARD,
            ),
            agent_pool_profiles=[cs.ManagedClusterAgentPoolProfileArgs(
                name="system", mode=cs.AgentPoolMode.SYSTEM, vm_size=options.system_vm_size,
                count=3 if args.protect else 1, type=cs.AgentPoolType.VIRTUAL_MACHINE_SCALE_SETS,
                os_type=cs.OSType.LINUX, os_sku=cs.OSSKU.AZURE_LINUX,
                orchestrator_version=KUBERNETES_VERSION, vnet_subnet_id=net.node_subnet_id,
                enable_node_public_ip=False, enable_encryption_at_host=True,
                # Only the cluster's own pods (CoreDNS, metrics, CSI) run on the system pool.
                node_taints=[SYSTEM_TAINT], tags=tags,
            )],
            auto_upgrade_profile=cs.ManagedClusterAutoUpgradeProfileArgs(
                upgrade_channel=cs.UpgradeChannel.PATCH,
                node_os_upgrade_channel=cs.NodeOSUpgradeChannel.NODE_IMAGE),
            opts=pulumi.ResourceOptions(parent=self, protect=args.protect,
                                        retain_on_delete=args.protect, depends_on=grants),
        )  # fmt: skip

        def pool(
            role: str, vm_size: str, low: int, high: int, taints: list[str] | None,
            labels: dict[str, str] | None,
        ) -> azure_native.containerservice.AgentPool:  # fmt: skip
            return cs.AgentPool(
                f"{name}-{role}-pool", agent_pool_name=role, resource_name_=cluster.name,
                resource_group_name=rg, mode=cs.AgentPoolMode.USER, vm_size=vm_size,
                enable_auto_scaling=True, min_count=low, max_count=high, count=low,
                type=cs.AgentPoolType.VIRTUAL_MACHINE_SCALE_SETS, os_type=cs.OSType.LINUX,
                os_sku=cs.OSSKU.AZURE_LINUX, orchestrator_version=KUBERNETES_VERSION,
                vnet_subnet_id=net.node_subnet_id, enable_node_public_ip=False,
                enable_encryption_at_host=True, node_taints=taints, node_labels=labels,
                tags=tags,
                # The autoscaler owns the node count between min and max.
                opts=pulumi.ResourceOptions(parent=self, ignore_changes=["count"]),
            )  # fmt: skip

        pool("workload", options.vm_size, options.min_nodes, options.max_nodes, None, None)
        if options.gpu is not None:
            gpu: GpuPool = options.gpu
            pool("gpu", gpu.vm_size, 0, gpu.max_nodes, [GPU_TAINT], {"opsblocks/pool": "gpu"})

        azure_native.monitor.DiagnosticSetting(
            f"{name}-diagnostics", name="opsblocks-audit", resource_uri=cluster.id,
            workspace_id=args.log_workspace_id,
            log_analytics_destination_type="Dedicated",
            logs=[azure_native.monitor.DiagnosticsLogSettingsArgs(category=c, enabled=True)
                  for c in LOG_CATEGORIES],
            opts=child,
        )  # fmt: skip
        # Whoever runs `pulumi up` installs the tools onto the cluster: cluster admin through
        # Azure RBAC on this cluster only (Azure refuses a principal type that does not match).
        deployer = azure_native.authorization.get_client_config_output(
            opts=pulumi.InvokeOutputOptions(parent=self)
        )
        admin = grant("deployer-admin", "Azure Kubernetes Service RBAC Cluster Admin",
                      cluster.id, deployer.object_id, kind=options.deployer_type)  # fmt: skip
        # The grant exists at once but the cluster honours it only once it has propagated:
        # the provider's first call before then is refused (403).
        propagated = time.Sleep(
            f"{name}-deployer-admin-propagation", create_duration=RBAC_PROPAGATION,
            triggers={"grant": admin.id},
            opts=pulumi.ResourceOptions(parent=self, depends_on=[admin]),
        )  # fmt: skip

        credentials = cs.list_managed_cluster_user_credentials_output(
            resource_group_name=rg, resource_name=once(cluster.name, admin, propagated),
            opts=pulumi.InvokeOutputOptions(parent=self),
        )  # fmt: skip
        kubeconfig = credentials.kubeconfigs.apply(
            lambda found: from_user_credentials(args.cluster_name, found[0].value)
        )
        # Not secret: the server and its certificate authority, no credential.
        self.provider = k8s.Provider(
            f"{name}-kubernetes", kubeconfig=kubeconfig,
            opts=pulumi.ResourceOptions(parent=self, depends_on=[propagated]),
        )  # fmt: skip

        self.cluster_name = cluster.name
        self.cluster_id = cluster.id
        self.oidc_issuer_url = cluster.oidc_issuer_profile.apply(
            lambda profile: profile.issuer_url if profile and profile.issuer_url else ""
        )
        self.vnet_id = net.vnet_id
        self.subnet_id = net.endpoint_subnet_id
        self.register_outputs({output: getattr(self, output) for output in OUTPUTS})
