import json
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from components.aws.eks.component import (
    KUBERNETES_VERSION,
    AwsEksKubernetes,
    AwsEksKubernetesArgs,
    kubeconfig,
)
from components.aws.eks.options import EksKubernetesOptions
from opsblocks import blueprint
from opsblocks.errors import BlueprintError
from opsblocks.preview import Graph
from tests.recording import args_of, run, statements

KEY = "arn:aws:kms:us-east-1:123456789012:key/test"
SUBNETS = ["subnet-a", "subnet-b", "subnet-c"]
TABLES = ["rtb-a", "rtb-b", "rtb-c"]
NAME = "fraud-kubernetes"
CLUSTER = f"{NAME}-cluster"


def eks(checked: bool = True, **overrides: object) -> Graph:
    args = {"tags": {"opsblocks:capability": "kubernetes"}, "region": "us-east-1",
            "kms_key_arn": KEY, "vpc_id": "vpc-1", "subnet_ids": SUBNETS,
            "security_group_id": "sg-platform", "cluster_name": "fraud-prod-kubernetes",
            "route_table_ids": TABLES, "availability_zones": 3,
            **overrides}  # fmt: skip
    return run(
        lambda: AwsEksKubernetes(NAME, args_of(AwsEksKubernetesArgs, checked=checked, **args))
    )


@pytest.fixture(scope="module")
def graph() -> Graph:
    return eks(gpu={"instance_type": "g5.xlarge", "max_nodes": 3}, protect=True)


def test_api_endpoint_is_private_unless_cidrs_are_listed(graph: Graph) -> None:
    vpc = graph.named(CLUSTER).inputs["vpcConfig"]
    assert (vpc["endpointPrivateAccess"], vpc["endpointPublicAccess"]) == (True, False)
    assert "publicAccessCidrs" not in vpc
    listed = eks(public_access_cidrs=["203.0.113.0/24"]).named(CLUSTER).inputs["vpcConfig"]
    assert listed["endpointPublicAccess"] is True
    assert listed["publicAccessCidrs"] == ["203.0.113.0/24"]


def test_public_cidrs_are_refused_in_prod_and_the_whole_internet_everywhere(
    tmp_path: Path,
) -> None:
    options = EksKubernetesOptions(public_access_cidrs=["203.0.113.0/24"])
    assert options.environment_problem("dev") is None
    problem = options.environment_problem("prod")
    assert problem is not None and problem[0] == "public_access_cidrs"
    with pytest.raises(ValidationError, match="whole internet"):
        EksKubernetesOptions(public_access_cidrs=["0.0.0.0/0"])
    path = tmp_path / "bp.yaml"
    path.write_text(
        "name: fraud\ncloud: aws\nregion: us-east-1\nenvironment: prod\ncapabilities:\n"
        "  kubernetes: {tool: eks, options: {public_access_cidrs: [203.0.113.0/24]}}\n"
    )
    with pytest.raises(BlueprintError, match=r"public_access_cidrs.*private"):
        blueprint.load(path)


def test_secrets_are_envelope_encrypted_with_the_platform_key(graph: Graph) -> None:
    encryption = graph.named(CLUSTER).inputs["encryptionConfig"]
    assert encryption == {"provider": {"keyArn": KEY}, "resources": ["secrets"]}
    policy = json.loads(graph.named(f"{NAME}-cluster-role", "RolePolicy").inputs["policy"])
    assert [s["Resource"] for s in statements(policy)] == [[KEY]]


def test_control_plane_logs_all_five_types_to_an_encrypted_kept_log_group(graph: Graph) -> None:
    cluster = graph.named(CLUSTER)
    assert sorted(cluster.inputs["enabledClusterLogTypes"]) == sorted(
        ["api", "audit", "authenticator", "controllerManager", "scheduler"]
    )
    logs = graph.named(f"{NAME}-control-plane")
    assert logs.inputs["name"] == "/aws/eks/fraud-prod-kubernetes/cluster"
    assert (logs.inputs["kmsKeyId"], logs.inputs["retentionInDays"]) == (KEY, 30)
    assert logs.urn in cluster.dependencies  # EKS would create it unencrypted otherwise


def test_pods_get_roles_through_pod_identity_and_network_policies_are_enforced(
    graph: Graph,
) -> None:
    addons = {r.inputs["addonName"]: r for r in graph.of_type("aws:eks/addon:Addon")}
    assert set(addons) == {"vpc-cni", "kube-proxy", "eks-pod-identity-agent", "coredns"}
    cni = json.loads(addons["vpc-cni"].inputs["configurationValues"])
    assert cni == {"enableNetworkPolicy": "true"}
    assert graph.named(CLUSTER).inputs["accessConfig"]["authenticationMode"] == "API"
    endpoints = {r.inputs["serviceName"] for r in graph.of_type("aws:ec2/vpcEndpoint:VpcEndpoint")}
    assert "com.amazonaws.us-east-1.eks-auth" in endpoints


def test_nodes_start_after_networking_and_coredns_after_the_nodes(graph: Graph) -> None:
    groups = list(graph.of_type("aws:eks/nodeGroup:NodeGroup"))
    early = {graph.named(f"{NAME}-{a}").urn for a in ("vpc-cni", "eks-pod-identity-agent")}
    volumes = graph.named(f"{NAME}-node-volumes").urn
    for group in groups:
        assert early | {volumes} <= set(group.dependencies), group.name
    assert {g.urn for g in groups} <= set(graph.named(f"{NAME}-coredns").dependencies)


def test_nodes_run_in_the_private_subnets_with_imdsv2_and_encrypted_disks(graph: Graph) -> None:
    template = graph.named(f"{NAME}-nodes").inputs
    assert template["metadataOptions"] == {"httpEndpoint": "enabled", "httpTokens": "required",
                                           "httpPutResponseHopLimit": 1.0}  # fmt: skip
    [disk] = template["blockDeviceMappings"]
    assert (disk["ebs"]["encrypted"], disk["ebs"]["kmsKeyId"]) == ("true", KEY)
    assert "sg-platform" in template["vpcSecurityGroupIds"]
    assert "networkInterfaces" not in template  # no public address asked for
    for group in graph.of_type("aws:eks/nodeGroup:NodeGroup"):
        assert group.inputs["subnetIds"] == SUBNETS
        assert group.inputs["version"] == KUBERNETES_VERSION
    grant = graph.named(f"{NAME}-node-volumes").inputs
    assert grant["granteePrincipal"].endswith("/AWSServiceRoleForAutoScaling")


def test_system_workload_and_gpu_pools_scale_within_their_bounds(graph: Graph) -> None:
    def scaling(pool: str) -> dict[str, Any]:
        found: dict[str, Any] = graph.named(f"{NAME}-{pool}").inputs["scalingConfig"]
        return found

    assert scaling("system") == {"minSize": 2, "maxSize": 2, "desiredSize": 2}
    assert (scaling("workloads")["minSize"], scaling("workloads")["maxSize"]) == (1, 5)
    assert scaling("gpu") == {"minSize": 0, "maxSize": 3, "desiredSize": 0}
    gpu = graph.named(f"{NAME}-gpu")
    assert gpu.inputs["taints"] == [{"key": "nvidia.com/gpu", "value": "present",
                                     "effect": "NO_SCHEDULE"}]  # fmt: skip
    assert gpu.inputs["amiType"] == "AL2023_x86_64_NVIDIA"
    assert "scalingConfig.desiredSize" in graph.named(f"{NAME}-workloads").ignore_changes
    assert not list(eks().of_type("aws:eks/nodeGroup:NodeGroup"))[2:]  # no GPU pool unasked
    with pytest.raises(ValidationError, match="min_nodes"):
        EksKubernetesOptions(min_nodes=6, max_nodes=5)


def test_node_role_has_only_the_managed_policies_nodes_need(graph: Graph) -> None:
    node_role = graph.named(f"{NAME}-node-role").urn
    attached = {r.inputs["policyArn"].rsplit("/", 1)[1]
                for r in graph.of_type("aws:iam/rolePolicyAttachment:RolePolicyAttachment")
                if r.name.startswith(f"{NAME}-node-")}  # fmt: skip
    assert attached == {"AmazonEKSWorkerNodePolicy", "AmazonEC2ContainerRegistryPullOnly",
                        "AmazonEKS_CNI_Policy"}  # fmt: skip
    inline = [r for r in graph.of_type("aws:iam/rolePolicy:RolePolicy") if r.parent == node_role]
    assert not inline


def test_the_cluster_is_protected_in_prod_and_pinned_to_one_version(graph: Graph) -> None:
    cluster = graph.named(CLUSTER)
    assert (cluster.protect, cluster.retain_on_delete) == (True, True)
    assert cluster.inputs["deletionProtection"] is True
    assert cluster.inputs["version"] == KUBERNETES_VERSION
    assert cluster.inputs["upgradePolicy"] == {"supportType": "STANDARD"}
    dev = eks().named(CLUSTER)
    assert (dev.protect, dev.inputs["deletionProtection"]) == (False, False)


def test_the_kubernetes_provider_is_the_components_child(graph: Graph) -> None:
    provider = graph.named(f"{NAME}-kubernetes")
    assert provider.type == "pulumi:providers:kubernetes"
    [component] = graph.of_type("opsblocks:index:AwsEksKubernetes")
    assert provider.parent == component.urn


def test_kubeconfig_asks_aws_for_a_token_and_holds_none() -> None:
    found: list[str] = []

    def build() -> None:
        config = kubeconfig("fraud", "https://api.example", "Q0E=", "eu-west-1", "ml")
        config.apply(found.append)

    run(build)
    config = json.loads(found[0])
    [user] = config["users"]
    assert list(user["user"]) == ["exec"]  # no token, no client key: only the exec plugin
    assert set(user["user"]["exec"]) == {"apiVersion", "command", "args", "env"}
    assert user["user"]["exec"]["command"] == "aws"
    args = ["eks", "get-token", "--cluster-name", "fraud", "--region", "eu-west-1", "--output",
            "json"]  # fmt: skip
    assert user["user"]["exec"]["args"] == args
    assert user["user"]["exec"]["env"] == [{"name": "AWS_PROFILE", "value": "ml"}]
    assert config["clusters"][0]["cluster"]["server"] == "https://api.example"


def test_private_subnets_reach_the_internet_through_nat_in_public_subnets_of_their_own() -> None:
    graph = eks()
    subnets = sorted(graph.of_type("aws:ec2/subnet:Subnet"), key=lambda s: s.name)
    assert sorted(s.inputs["cidrBlock"] for s in subnets) == [
        "10.0.240.0/24", "10.0.241.0/24", "10.0.242.0/24"]  # fmt: skip
    assert [s.inputs["availabilityZone"] for s in subnets] == [
        "us-east-1a", "us-east-1b", "us-east-1c"]  # fmt: skip
    assert all(s.inputs["mapPublicIpOnLaunch"] is False for s in subnets)
    gateway = graph.named(f"{NAME}-internet")
    assert gateway.inputs["vpcId"] == "vpc-1"
    public = graph.named(f"{NAME}-public", "RouteTable").inputs["routes"]
    assert [(r["cidrBlock"], "gatewayId" in r) for r in public] == [("0.0.0.0/0", True)]
    [nat] = graph.of_type("aws:ec2/natGateway:NatGateway")  # one outside prod
    [address] = graph.of_type("aws:ec2/eip:Eip")
    assert (nat.inputs["connectivityType"], address.inputs["domain"]) == ("public", "vpc")
    assert gateway.urn in nat.dependencies
    routes = sorted(graph.of_type("aws:ec2/route:Route"), key=lambda r: r.name)
    assert [r.inputs["routeTableId"] for r in routes] == TABLES
    assert {r.inputs["destinationCidrBlock"] for r in routes} == {"0.0.0.0/0"}
    assert len({r.inputs["natGatewayId"] for r in routes}) == 1
    for group in graph.of_type("aws:eks/nodeGroup:NodeGroup"):
        assert {r.urn for r in routes} <= set(group.dependencies)  # images pull at first boot
    assert not graph.of_type("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")


def test_prod_has_a_nat_gateway_per_zone_and_each_zone_routes_to_its_own() -> None:
    graph = eks(nat_per_zone=True)
    nats = graph.of_type("aws:ec2/natGateway:NatGateway")
    assert len(nats) == len(graph.of_type("aws:ec2/eip:Eip")) == 3
    routes = graph.of_type("aws:ec2/route:Route")
    assert len({r.inputs["natGatewayId"] for r in routes}) == 3


def test_without_internet_egress_nothing_public_is_created() -> None:
    # The component's own behaviour; the options refuse it until images can come from a mirror.
    graph = eks(checked=False, internet_egress=False)
    for token in ("subnet:Subnet", "internetGateway:InternetGateway", "natGateway:NatGateway",
                  "eip:Eip", "route:Route", "routeTable:RouteTable"):  # fmt: skip
        assert not graph.of_type(f"aws:ec2/{token}"), token
    description = EksKubernetesOptions.model_fields["internet_egress"].description or ""
    assert "refused" in description


def test_the_stacks_assumed_role_is_read_from_its_last_entry_and_bad_config_is_refused() -> None:
    from opsblocks.errors import ConfigError
    from opsblocks.tools.aws.eks import assumed_role

    assert assumed_role(None) is None and assumed_role("[]") is None
    chain = '[{"roleArn": "arn:aws:iam::1:role/a"}, {"roleArn": "arn:aws:iam::1:role/b"}]'
    assert assumed_role(chain) == "arn:aws:iam::1:role/b"
    with pytest.raises(ConfigError, match="not a list of roles"):
        assumed_role('{"roleArn": "arn:aws:iam::1:role/a"}')
    with pytest.raises(ConfigError, match="no roleArn"):
        assumed_role('[{"sessionName": "ops"}]')


def test_kubeconfig_signs_as_the_assumed_role_when_there_is_one() -> None:
    found: list[str] = []

    def build() -> None:
        config = kubeconfig("fraud", "https://api.example", "Q0E=", "eu-west-1", None,
                            role_arn="arn:aws:iam::1:role/deployer")  # fmt: skip
        config.apply(found.append)

    run(build)
    [user] = json.loads(found[0])["users"]
    assert user["user"]["exec"]["args"][-2:] == ["--role-arn", "arn:aws:iam::1:role/deployer"]
    assert user["user"]["exec"]["env"] is None


# -- the Cluster Autoscaler -----------------------------------------------------------------

AUTOSCALER = f"{NAME}-autoscaler"


def test_the_autoscaler_chart_is_pinned_and_its_minor_matches_the_cluster(graph: Graph) -> None:
    release = graph.named(AUTOSCALER, "Release")
    sent = release.inputs
    assert (sent["chart"], sent["version"]) == ("cluster-autoscaler", "9.59.0")
    assert sent["repositoryOpts"] == {"repo": "https://kubernetes.github.io/autoscaler"}
    assert (sent["name"], sent["namespace"]) == ("cluster-autoscaler", "kube-system")
    tag = sent["values"]["image"]["tag"]
    assert tag.removeprefix("v").rsplit(".", 1)[0] == KUBERNETES_VERSION
    values = sent["values"]
    assert values["autoDiscovery"] == {"clusterName": "fraud-prod-kubernetes"}
    assert (values["cloudProvider"], values["awsRegion"]) == ("aws", "us-east-1")
    assert values["rbac"]["serviceAccount"]["name"] == "cluster-autoscaler"
    assert values["extraArgs"] == {"balance-similar-node-groups": "true"}
    assert values["nodeSelector"] == {"opsblocks.io/pool": "system"}
    pod, container = values["securityContext"], values["containerSecurityContext"]
    assert pod["runAsNonRoot"] is True and pod["seccompProfile"] == {"type": "RuntimeDefault"}
    assert container["allowPrivilegeEscalation"] is False
    assert container["capabilities"] == {"drop": ["ALL"]}


def test_the_autoscaler_role_resizes_only_the_clusters_own_groups(graph: Graph) -> None:
    policy = json.loads(graph.named(AUTOSCALER, "RolePolicy").inputs["policy"])
    by_action = {action: s for s in statements(policy) for action in s["Action"]}
    for action in ("autoscaling:SetDesiredCapacity",
                   "autoscaling:TerminateInstanceInAutoScalingGroup"):  # fmt: skip
        assert by_action[action]["Condition"] == {"StringEquals": {
            "aws:ResourceTag/k8s.io/cluster-autoscaler/fraud-prod-kubernetes": "owned",
            "aws:ResourceTag/k8s.io/cluster-autoscaler/enabled": "true"}}  # fmt: skip
    unconditioned = {a for a, s in by_action.items() if "Condition" not in s}
    writes = {a for a in unconditioned
              if not a.split(":")[1].startswith(("Describe", "Get"))}  # fmt: skip
    assert writes == set()  # everything unconditioned only reads
    [node_groups] = by_action["eks:DescribeNodegroup"]["Resource"]
    assert node_groups.endswith(":nodegroup/fraud-prod-kubernetes/*/*")
    trust = json.loads(graph.named(AUTOSCALER, "Role").inputs["assumeRolePolicy"])
    [statement] = statements(trust)
    assert statement["Principal"] == {"Service": "pods.eks.amazonaws.com"}
    assert statement["Action"] == ["sts:AssumeRole", "sts:TagSession"]
    assert statement["Condition"]["StringEquals"] == {
        "aws:RequestTag/eks-cluster-name": "fraud-prod-kubernetes",
        "aws:RequestTag/kubernetes-namespace": "kube-system",
        "aws:RequestTag/kubernetes-service-account": "cluster-autoscaler"}  # fmt: skip


def test_the_autoscaler_is_associated_with_its_service_account_before_it_installs(
    graph: Graph,
) -> None:
    association = graph.named(AUTOSCALER, "PodIdentityAssociation")
    sent = association.inputs
    assert (sent["namespace"], sent["serviceAccount"]) == ("kube-system", "cluster-autoscaler")
    assert sent["clusterName"] == "fraud-prod-kubernetes"
    assert graph.named(AUTOSCALER, "RolePolicy").urn in association.dependencies
    release = graph.named(AUTOSCALER, "Release")
    groups = {g.urn for g in graph.of_type("aws:eks/nodeGroup:NodeGroup")}
    assert {association.urn, *groups} <= set(release.dependencies)
    assert release.provider is not None and f"::{NAME}-kubernetes::" in release.provider
    [component] = graph.of_type("opsblocks:index:AwsEksKubernetes")
    assert release.parent == component.urn


def test_private_nodes_reach_ec2_auto_scaling_through_an_endpoint(graph: Graph) -> None:
    endpoint = graph.named(f"{NAME}-autoscaling")
    assert endpoint.inputs["serviceName"] == "com.amazonaws.us-east-1.autoscaling"
    assert endpoint.inputs["vpcEndpointType"] == "Interface"
    assert endpoint.inputs["privateDnsEnabled"] is True
    for group in graph.of_type("aws:eks/nodeGroup:NodeGroup"):
        assert endpoint.urn in group.dependencies


def test_internet_egress_off_is_refused_while_charts_pull_public_images() -> None:
    with pytest.raises(ValidationError, match="internet_egress: false leaves nodes unable"):
        EksKubernetesOptions(internet_egress=False)
