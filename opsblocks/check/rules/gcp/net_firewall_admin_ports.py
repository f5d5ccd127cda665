"""No firewall rule opens SSH or RDP to the whole internet."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from opsblocks.check.graph import Stack, as_list, is_unknown
from opsblocks.check.rule import Flag, Rule, Severity

FIREWALL = "gcp:compute/firewall:Firewall"
ANYWHERE = ("0.0.0.0/0", "::/0")
ADMIN_PORTS = {22: "SSH", 3389: "RDP"}
TCP = ("tcp", "6", "all")
"""The protocol by name or IANA number (6), or every protocol."""
SOURCES = ("sourceRanges", "sourceTags", "sourceServiceAccounts")


def _opens(port: int, ports: list[object]) -> bool:
    """True when `port` is in the rule's ports ("22", "20-30"); no ports means every port."""
    if not ports:
        return True
    for entry in ports:
        low, _, high = str(entry).partition("-")
        if low.isdigit() and int(low) <= port <= int(high if high.isdigit() else low):
            return True
    return False


def check(stack: Stack) -> Iterator[Flag]:
    for rule in stack.of_type(FIREWALL):
        if rule.get("direction", "INGRESS") != "INGRESS" or rule.get("disabled") is True:
            continue
        if any(is_unknown(rule.get(key)) for key in SOURCES):
            continue
        # An ingress rule with no source at all applies to 0.0.0.0/0 (the API's default).
        no_source = not any(as_list(rule.get(key)) for key in SOURCES)
        if not no_source and not set(as_list(rule.get("sourceRanges"))) & set(ANYWHERE):
            continue
        opened = {
            name
            for allow in as_list(rule.get("allows"))
            if isinstance(allow, Mapping) and str(allow.get("protocol")).lower() in TCP
            for port, name in ADMIN_PORTS.items()
            if _opens(port, as_list(allow.get("ports")))
        }
        if opened:
            yield Flag(rule, f"{' and '.join(sorted(opened))} open to the internet")


RULE = Rule(
    id="OB-GCP-NET-004",
    severity=Severity.critical,
    title="No firewall rule allows SSH or RDP from 0.0.0.0/0",
    protects="password and exploit attempts from the whole internet on every VM of the network",
    fix="restrict source_ranges to IAP (35.235.240.0/20) or a bastion, never 0.0.0.0/0",
    source="CIS GCP 3.6, 3.7",
    check=check,
)
