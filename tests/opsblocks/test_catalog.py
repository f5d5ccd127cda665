import dataclasses
import sys

import pytest

from opsblocks import catalog, contracts
from opsblocks.contracts import Alerts, Contract, QualityGate, Released
from opsblocks.contracts import aws as contracts_aws
from opsblocks.contracts import azure as contracts_azure
from opsblocks.contracts import gcp as contracts_gcp
from opsblocks.errors import OpsblocksError
from opsblocks.model import Capability, Cloud

TOOLS = catalog.tools()


def test_aws_offers_a_tool_for_every_capability() -> None:
    assert {t.capability for t in catalog.tools(Cloud.aws)} == set(Capability)


def test_tool_names_are_unique_per_cloud_and_capability() -> None:
    keys = [(t.cloud, t.capability, t.name) for t in TOOLS]
    assert len(keys) == len(set(keys))


@pytest.mark.parametrize("tool", TOOLS, ids=lambda t: f"{t.cloud}-{t.name}")
def test_the_component_takes_the_validated_options_model_and_no_copy_of_it(
    tool: catalog.Tool,
) -> None:
    component = tool.load()
    args = vars(sys.modules[component.__module__])[f"{component.__name__}Args"]
    fields = {f.name: f for f in dataclasses.fields(args)}
    assert fields["options"].type == tool.options.__name__
    assert vars(sys.modules[args.__module__])[tool.options.__name__] is tool.options
    copies = sorted(set(fields) & set(tool.options.model_fields))
    assert not copies, f"{args.__name__} declares options again: {copies}"


@pytest.mark.parametrize("tool", TOOLS, ids=lambda t: f"{t.cloud}-{t.name}")
def test_every_tool_has_a_one_line_description(tool: catalog.Tool) -> None:
    assert tool.description and "\n" not in tool.description


def test_find_names_the_choices_for_an_unknown_tool() -> None:
    with pytest.raises(OpsblocksError, match=r"'mlflow' is not a data tool on aws \(choose: s3\)"):
        catalog.find(Cloud.aws, Capability.data, "mlflow")


def test_listing_tools_imports_no_cloud_sdk() -> None:
    import subprocess
    import sys

    code = (
        "import sys; from opsblocks import catalog, blueprint; catalog.tools(); "
        "print(sorted(m for m in sys.modules if m.startswith('pulumi_')))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


# What every tool of a capability promises, whatever the cloud: tools of other capabilities
# (portable ones above all) may rely on it.
PROMISED = {Capability.validation: QualityGate, Capability.monitoring: Alerts,
            Capability.cicd: Released}  # fmt: skip


@pytest.mark.parametrize("tool", TOOLS, ids=lambda t: f"{t.cloud}-{t.name}")
def test_a_tool_promises_what_it_declares_and_what_its_capability_promises(
    tool: catalog.Tool,
) -> None:
    made = tool.promise(tool.options.model_validate(tool.coverage))
    assert sorted(type(c).__name__ for c in made) == sorted(k.__name__ for k in tool.promised)
    if tool.capability in PROMISED:
        assert PROMISED[tool.capability] in tool.promised


@pytest.mark.parametrize("tool", TOOLS, ids=lambda t: f"{t.cloud}-{t.name}")
def test_a_tool_needs_only_what_some_tool_of_its_cloud_gives(tool: catalog.Tool) -> None:
    for need in tool.needs:
        assert catalog.givers(tool.cloud, need), f"{tool.name}: nothing gives {need.__name__}"


def contract_types() -> list[type[Contract]]:
    found = []
    for module in (contracts, contracts_aws, contracts_azure, contracts_gcp):
        found += [c for c in vars(module).values()
                  if isinstance(c, type) and issubclass(c, Contract)
                  and c.__module__ == module.__name__]  # fmt: skip
    return found


@pytest.mark.parametrize("kind", contract_types(), ids=lambda c: c.__name__)
def test_every_contract_says_in_its_own_words_what_it_holds(kind: type[Contract]) -> None:
    # `validate` names a contract a tool lacks by its docstring's first sentence; a dataclass
    # without one would show its field list.
    doc = vars(kind).get("__doc__") or ""
    assert doc and not doc.startswith(f"{kind.__name__}("), kind.__name__
