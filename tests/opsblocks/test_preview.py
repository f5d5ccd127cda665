"""The recorder's own guarantees, beyond what the platform tests check through it."""

from opsblocks.preview import _echoed, _plain


def test_recorded_maps_are_sorted_whatever_order_the_engine_sends() -> None:
    recorded = _plain({"b": 1, "a": {"d": 2, "c": 3}})
    assert list(recorded) == ["a", "b"]
    assert list(recorded["a"]) == ["c", "d"]


def test_user_assigned_identities_echo_as_the_map_azure_answers() -> None:
    inputs = {"identity": {"type": "UserAssigned", "userAssignedIdentities": ["/id/a", "/id/b"]}}
    assert _echoed(inputs)["identity"] == {
        "type": "UserAssigned", "userAssignedIdentities": {"/id/a": {}, "/id/b": {}}}  # fmt: skip
    assert _echoed({"name": "x"}) == {"name": "x"}
