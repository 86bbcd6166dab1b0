"""`pmw org`: the organisation's settings, as an admin sets them: a real process, a real file."""

from __future__ import annotations

from .test_cli_revoke import pmw


def test_an_admin_sets_the_date_order_and_show_says_so(demo_url: str) -> None:
    shown = pmw("org", "show", url=demo_url).stdout
    assert shown == "date_order\tdmy\n"  # the demo organisation sets it (organisation.yaml)
    said = pmw("--as", "hlambert", "org", "set", "date_order", "mdy", url=demo_url).stdout
    assert said == "date_order is now mdy for the whole organisation\n"
    assert pmw("org", "show", url=demo_url).stdout == "date_order\tmdy\n"


def test_mistakes_give_one_line_and_change_nothing(demo_url: str) -> None:
    for args, line in (
        (("org", "set", "date_order", "31/08"), "error: “31/08” is not a date order"),
        (("org", "set", "colour", "red"), "error: there is no organisation setting “colour”"),
        (("--as", "rokafor", "org", "set", "date_order", "mdy"), "error: this needs the role"),
    ):
        result = pmw(*args, url=demo_url, check=None)
        assert result.returncode != 0 and result.stdout == ""
        assert result.stderr.startswith(line) and result.stderr.count("\n") == 1, result.stderr
    assert pmw("org", "show", url=demo_url).stdout == "date_order\tdmy\n"
