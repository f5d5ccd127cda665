"""One module per tool: everything the engine needs to know of it, in one place.

`opsblocks/tools/<cloud>/<tool>.py` holds one `TOOL = Tool(...)`: the capability it fills, its
options model (declared once, beside its component, and handed to it validated), the contracts
it gives, promises and needs, how it builds its component from what the tools before it gave,
and what the rest of the engine asks of it: the cloud APIs it uses, its naming limits, its main
resource types for diagrams, the stack settings a new stack needs for it, and the options that
make it create everything it can (the coverage tests use them). The catalog discovers the
modules; adding a tool adds a module here, its component and its prices, nothing else.

Tool modules import no cloud SDK at module level: listing or validating tools stays fast, and a
component (with its SDK) is imported only when a blueprint builds it.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any, Generic, TypeVar

from components.options import Options
from opsblocks.contracts import Contract, Released
from opsblocks.model import Capability, Cloud
from opsblocks.naming import NameRule

OptionsT = TypeVar("OptionsT", bound=Options)
SiteT = TypeVar("SiteT")
"""The cloud's `opsblocks.wiring.Site` the tool builds at."""


def _no_promises(options: Options) -> tuple[Contract, ...]:
    return ()


def releases(options: Options) -> tuple[Contract, ...]:
    """What every CI/CD tool promises: its deploy stage releases models to serving."""
    return (Released(),)


@dataclass(frozen=True, kw_only=True)
class Tool(Generic[OptionsT, SiteT]):
    cloud: Cloud
    capability: Capability
    name: str
    description: str
    """One line, shown by `opsblocks tools` and in the JSON Schema."""
    options: type[OptionsT]
    component: str
    """`module:Class` of the ComponentResource it creates (the tests check its shape)."""
    build: Callable[[SiteT, OptionsT], Contract]
    """Creates the component at `site` and returns what it gives."""
    gives: type[Contract]
    needs: tuple[type[Contract], ...] = ()
    """Contracts the blueprint must give (another tool's), or `validate` fails."""
    uses: tuple[type[Contract], ...] = ()
    """Contracts taken when the blueprint gives them; a tool using one is built after it."""
    promises: Callable[[OptionsT], tuple[Contract, ...]] = _no_promises
    """What it gives from its options alone, before anything is built."""
    promised: tuple[type[Contract], ...] = ()
    """The contract types `promises` returns (for `validate`, which builds nothing)."""
    apis: tuple[str, ...] = ()
    """Cloud services the foundation enables before anything uses them (GCP)."""
    names: tuple[NameRule, ...] = ()
    """Names it derives from the blueprint's name, with the cloud's limits."""
    main_types: tuple[str, ...] = ()
    """Resource types a diagram draws for it (the rest are counted as "+N more")."""
    setup: tuple[str, ...] = ()
    """Stack settings a new stack needs for it before `pulumi up` (`{stack}` is filled in)."""
    proposed: bool = True
    """`opsblocks new` proposes it (the first such tool offered) as its capability's default.
    A tool the user must decide on (a cluster, a registry other than the cloud's own) is not."""
    coverage: Mapping[str, object] = field(default_factory=dict)
    """Options that make it create everything it can (cost and check coverage tests)."""

    def make(self, site: SiteT, options: Options) -> Contract:
        """Build the tool from a blueprint's validated options."""
        if not isinstance(options, self.options):
            raise TypeError(f"{self.name} takes {self.options.__name__}, not {type(options)}")
        return self.build(site, options)

    def promise(self, options: Options) -> tuple[Contract, ...]:
        if not isinstance(options, self.options):
            raise TypeError(f"{self.name} takes {self.options.__name__}, not {type(options)}")
        return self.promises(options)

    def load(self) -> type[object]:
        """The component class (imports its module, and with it the cloud's SDK)."""
        module_name, class_name = self.component.split(":")
        cls: type[object] = getattr(importlib.import_module(module_name), class_name)
        return cls


AnyTool = Tool[Any, Any]


@cache
def discover() -> tuple[AnyTool, ...]:
    """Every tool module's TOOL, per cloud in module order."""
    found: list[AnyTool] = []
    for cloud in Cloud:
        try:
            package = importlib.import_module(f"{__name__}.{cloud.value}")
        except ModuleNotFoundError:
            continue
        for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda m: m.name):
            if info.name.startswith("_"):
                continue
            module = importlib.import_module(f"{package.__name__}.{info.name}")
            tool: AnyTool = module.TOOL
            found.append(tool)
    order = list(Capability)
    return tuple(sorted(found, key=lambda t: (list(Cloud).index(t.cloud),
                                              order.index(t.capability))))  # fmt: skip
