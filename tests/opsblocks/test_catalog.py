import dataclasses

import pytest

from opsblocks import catalog
from opsblocks.errors import OpsblocksError
from opsblocks.model import Capability, Cloud

TOOLS = catalog.tools()


def test_aws_offers_a_tool_for_every_capability() -> None:
    assert {t.capability for t in catalog.tools(Cloud.aws)} == set(Capability)


def test_tool_names_are_unique_per_cloud_and_capability() -> None:
    keys = [(t.cloud, t.capability, t.name) for t in TOOLS]
    assert len(keys) == len(set(keys))


@pytest.mark.parametrize("tool", TOOLS, ids=lambda t: f"{t.cloud}-{t.name}")
def test_component_args_accept_every_option_with_the_same_default(tool: catalog.Tool) -> None:
    # The program passes a tool's options straight into the component's Args.
    component, args = tool.load()
    assert component.__name__ == tool.component.split(":")[1]
    fields = {f.name: f for f in dataclasses.fields(args)}
    for name, option in tool.options.model_fields.items():
        assert name in fields, f"{args.__name__} lacks option {name}"
        field = fields[name]
        if option.is_required():
            assert field.default is dataclasses.MISSING, f"{args.__name__}.{name} is required"
            continue
        default = option.get_default(call_default_factory=True)
        arg_default = (
            field.default_factory() if field.default_factory is not dataclasses.MISSING
            else field.default
        )  # fmt: skip
        assert arg_default == default, f"{args.__name__}.{name} default differs"


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
