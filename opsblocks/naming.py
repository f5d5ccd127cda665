"""Cloud naming rules checked at load time, so a bad name fails at `validate`, not at `pulumi up`.

The blueprint name prefixes the physical names of resources. Pulumi auto-names resources as
`<logical name>-<7 random characters>`, so every rule below accounts for that suffix.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

BLUEPRINT_NAME = re.compile(r"^[a-z](?:[a-z0-9]|-(?!-))*[a-z0-9]$")
AUTONAME_SUFFIX = 8  # "-" and 7 random characters


@dataclass(frozen=True)
class NameRule:
    resource: str
    max_length: int
    longest_role: str
    """The longest suffix opsblocks appends to the blueprint name for this resource."""
    autonamed: bool = True
    """Pulumi appends a random suffix; explicit names carry the environment instead."""
    compact: bool = False
    """The name drops its hyphens (Azure storage accounts and container registries)."""

    def length_for(self, name: str) -> int:
        base = name.replace("-", "") if self.compact else name
        return len(base) + len(self.longest_role) + (AUTONAME_SUFFIX if self.autonamed else 0)

    def example(self, name: str) -> str:
        base = name.replace("-", "") if self.compact else name
        return base + self.longest_role + ("-xxxxxxx" if self.autonamed else "")


AWS_RULES: tuple[NameRule, ...] = (
    NameRule("S3 bucket", 63, "-access-logs"),
    NameRule("IAM role", 64, "-flow-logs-role"),
)


def check_blueprint_name(name: str) -> str:
    if not BLUEPRINT_NAME.fullmatch(name):
        raise ValueError(
            f"'{name}' is not a valid name: use lowercase letters, digits and single hyphens, "
            "starting with a letter and not ending with a hyphen"
        )
    return name


def check_length(name: str, cloud: str, rules: tuple[NameRule, ...]) -> str:
    """`name` fits every rule (the cloud's, and those of the blueprint's tools)."""
    for rule in rules:
        if rule.length_for(name) > rule.max_length:
            raise _too_long(name, cloud, rule, rules, noun="ids" if cloud == "gcp" else "names")
    return name


def _too_long(
    name: str, cloud: str, rule: NameRule, rules: tuple[NameRule, ...], noun: str = "names"
) -> ValueError:
    return ValueError(
        f"'{name}' is too long for {cloud}: {rule.resource} {noun} allow {rule.max_length} "
        f"characters and '{rule.example(name)}' would have {rule.length_for(name)} "
        f"(use at most {max_name_length(rules)} characters)"
    )


def max_name_length(rules: tuple[NameRule, ...]) -> int:
    return min(rule.max_length - rule.length_for("") for rule in rules)


AWS_REGION = re.compile(r"^(?:us|eu|ap|sa|ca|me|af|il|mx)(?:-gov)?-[a-z]+-\d$")


def check_aws_region(region: str) -> str:
    if not AWS_REGION.fullmatch(region):
        raise ValueError(f"'{region}' is not an AWS region (e.g. us-east-1, eu-west-1)")
    return region


GCP_RULES: tuple[NameRule, ...] = (NameRule("Cloud Storage bucket", 63, "-access-logs"),)


GCP_REGION = re.compile(r"^[a-z]+-[a-z]+[0-9]+$")


def check_gcp_region(region: str) -> str:
    if not GCP_REGION.fullmatch(region):
        raise ValueError(f"'{region}' is not a GCP region (e.g. us-central1, europe-west4)")
    return region


# Azure: globally unique names end in a 6-character suffix derived from the resource group id
# (`xxxxxx` below), the others carry the environment. Storage accounts and container
# registries allow letters and digits only, so they drop the name's hyphens.
UNIQUE = "xxxxxx"
AZURE_RULES: tuple[NameRule, ...] = (
    NameRule("storage account", 24, "ml" + UNIQUE, autonamed=False, compact=True),
    NameRule("key vault", 24, "-" + UNIQUE, autonamed=False),
)


# Azure locations are one lowercase word with an optional digit: eastus, westeurope, eastus2.
AZURE_REGION = re.compile(r"^[a-z]+[0-9]?$")


def check_azure_region(region: str) -> str:
    if not AZURE_REGION.fullmatch(region):
        raise ValueError(
            f"'{region}' is not an Azure location (e.g. eastus, westeurope: no spaces or hyphens)"
        )
    return region


CLOUD_RULES: dict[str, tuple[NameRule, ...]] = {
    "aws": AWS_RULES,
    "azure": AZURE_RULES,
    "gcp": GCP_RULES,
}
"""Names every platform of the cloud derives from the blueprint's name (the foundation's, and
the shared buckets, roles, accounts); a tool adds its own with `Tool.names`."""
