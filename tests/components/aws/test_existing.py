import pytest
from pydantic import ValidationError

from components.aws.existing.component import AwsExistingKubernetes, AwsExistingKubernetesArgs
from components.aws.existing.options import ExistingKubernetesOptions
from opsblocks.preview import record
from opsblocks.tools.aws.existing import TOOL
from tests.recording import TEST_INVOKES, args_of, fake_outputs, run


def test_nothing_but_the_kubernetes_provider_is_created() -> None:
    graph = run(lambda: AwsExistingKubernetes(
        "fraud-kubernetes", args_of(AwsExistingKubernetesArgs, cluster_name="ml")))  # fmt: skip
    custom = [r for r in graph.resources if r.custom]
    assert [(r.type, r.name) for r in custom] == [
        ("pulumi:providers:kubernetes", "fraud-kubernetes-kubernetes")
    ]
    [component] = graph.of_type("opsblocks:index:AwsExistingKubernetes")
    assert custom[0].parent == component.urn


def test_the_provider_gets_the_stacks_kubernetes_settings() -> None:
    options = ExistingKubernetesOptions(cluster_name="ml")

    def program() -> dict[str, object]:
        import pulumi

        from opsblocks.wiring.aws import AwsSite

        class Site:  # all the tool reads of its site
            name = "fraud-kubernetes"
            opts = pulumi.ResourceOptions()

        site: AwsSite = Site()  # type: ignore[assignment]
        contract = TOOL.build(site, options)
        return {"cluster": contract.cluster_name}

    graph = record(program, stack="test", invokes=TEST_INVOKES, outputs=fake_outputs,
                   config={"kubernetes:context": "arn:aws:eks:us-east-1:1:cluster/ml",
                           "kubernetes:namespace": "ml"})  # fmt: skip
    provider = graph.named("fraud-kubernetes-kubernetes").inputs
    assert provider["context"] == "arn:aws:eks:us-east-1:1:cluster/ml"
    assert provider["namespace"] == "ml"


def test_options_name_the_cluster_and_may_name_the_node_group() -> None:
    with pytest.raises(ValidationError, match="cluster_name"):
        ExistingKubernetesOptions()  # type: ignore[call-arg]
    with pytest.raises(ValidationError, match="node_security_group_id"):
        ExistingKubernetesOptions(cluster_name="ml", node_security_group_id="0123456789abcdef0")
