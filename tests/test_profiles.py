"""Profile loading: the example profiles validate, and bad profiles say what is wrong and where."""

from __future__ import annotations

from pathlib import Path

import pytest

from enrich.profiles import ProfileError, load_catalog, load_profile, load_profiles
from tests.conftest import ROOT

GOOD = """
id = "reviews"
name = "Reviews app"
version = 3

[[rules]]
id = "on-shopify"
kind = "platform"
technologies = ["shopify"]          # names are matched case-insensitively
points = 25

[[rules]]
id = "no-reviews"
kind = "gap"
categories = ["reviews"]
points = 35
"""


@pytest.fixture(scope="module")
def catalog() -> object:
    return load_catalog()


def write(tmp_path: Path, text: str, name: str = "p.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def problems(path: Path, catalog: object) -> list[str]:
    with pytest.raises(ProfileError) as info:
        load_profile(path, catalog)  # type: ignore[arg-type]
    assert all(line.startswith(f"{path}: ") for line in str(info.value).splitlines())
    return info.value.problems


def test_examples_load_against_the_signatures() -> None:
    files = sorted((ROOT / "examples" / "profiles").glob("*.toml"))
    profiles = load_profiles(files)
    assert {p.id for p in profiles} == {"reviews-shopify", "cdp-b2b-saas", "helpdesk-zendesk"}
    for p in profiles:
        assert p.warnings == ()
        assert {r.kind for r in p.rules} >= {"firmographic", "trigger"}


def test_good_profile_canonicalises_names(tmp_path: Path, catalog: object) -> None:
    profile = load_profile(write(tmp_path, GOOD), catalog)  # type: ignore[arg-type]
    assert (profile.id, profile.name, profile.version) == ("reviews", "Reviews app", "3")
    assert profile.rules[0].technologies == ("Shopify",)
    assert profile.rules[0].required is True
    assert profile.rules[1].categories == ("Reviews",)
    assert profile.tiers.thresholds == {"1:1": 80, "1:few": 60, "1:many": 40}
    assert profile.scope == {"Ecommerce", "Reviews"}


def test_unknown_names_are_rejected_with_a_suggestion(tmp_path: Path, catalog: object) -> None:
    text = GOOD.replace('["shopify"]', '["Shopfiy", "Nosuchtool"]').replace('["reviews"]',
                                                                             '["Reviewz"]')  # fmt: skip
    found = problems(write(tmp_path, text), catalog)
    assert found == [
        "rule 'on-shopify' (#1): unknown technology 'Shopfiy' (did you mean 'Shopify'?)",
        "rule 'on-shopify' (#1): unknown technology 'Nosuchtool' (no signature defines it; "
        "see `stackscout signatures list`)",
        "rule 'no-reviews' (#2): unknown category 'Reviewz' (did you mean 'Reviews'?)",
    ]


def test_every_problem_is_listed(tmp_path: Path, catalog: object) -> None:
    text = """
id = "Bad Id"
name = ""
colour = "blue"

[[rules]]
id = "a"
kind = "platfrom"

[[rules]]
id = "b"
kind = "gap"
points = 500
categories = ["Reviews"]

[[rules]]
id = "b"
kind = "firmographic"
field = "employees"
min = 500
max = 10
prefix = "x"

[[rules]]
id = "t"
kind = "trigger"
signal = "weather"
within_days = 0

[tiers]
"1:1" = 40
"1:many" = 60
"""
    found = problems(write(tmp_path, text), catalog)
    assert found == [
        "unknown top-level key 'colour' (expected one of description, id, name, rules, tiers, "
        "version)",
        "profile id 'Bad Id' must be lower-case letters, digits, '-' or '_' (it becomes a field "
        "name: fit.<id>)",
        "profile: 'name' is required (a non-empty string)",
        "profile: 'version' is required (a number or a string); raise it whenever you edit the "
        "rules",
        "rule 'a' (#1): 'kind' must be one of platform, technology, complement, competitor, gap, "
        "firmographic, trigger, got 'platfrom'",
        "rule 'b' (#2): 'points' must be a whole number from -100 to 100",
        "rule 'b' (#3): unknown key 'prefix' for a firmographic rule (allowed: contains, field, "
        "id, in, kind, label, max, min, not_in, points, required)",
        "rule 'b' (#3): 'min' (500) is above 'max' (10)",
        "rule 't' (#4): 'signal' must be one of migration, tool_added, tool_removed, "
        "competitor_removed, audit_weakness, stack_grew, stack_shrank, got 'weather'",
        "rule 't' (#4): 'within_days' must be a whole number of at least 1",
        'tiers: thresholds must not increase from "1:1" to "1:few" to "1:many" (got '
        "{'1:1': 40, '1:few': 60, '1:many': 60})",
    ]


def test_rule_level_checks(tmp_path: Path, catalog: object) -> None:
    text = (
        GOOD
        + """
[[rules]]
id = "on-shopify"
kind = "competitor"
technologies = ["Judge.me"]
action = "ignore"

[[rules]]
id = "size"
kind = "firmographic"
field = "employees"

[[rules]]
kind = "technology"

[tiers.value]
"1:1" = 5
"""
    )
    found = problems(write(tmp_path, text), catalog)
    assert found == [
        "rule 'on-shopify' (#3): 'action' must be 'displace' or 'disqualify', got 'ignore'",
        "rule 'size' (#4): give at least one condition: min, max, in, not_in or contains",
        "rule #5: 'id' is required: lower-case letters, digits, '-' or '_'",
        "rule #5: give 'technologies' or 'categories' to match",
        "tiers.value: needs 'field' (the input column with the account value) and minimums per "
        "tier",
    ]


def test_duplicate_rule_ids(tmp_path: Path, catalog: object) -> None:
    text = GOOD + '\n[[rules]]\nid = "no-reviews"\nkind = "gap"\ncategories = ["CRM"]\n'
    assert problems(write(tmp_path, text), catalog) == ["rule 'no-reviews' (#3): duplicate rule id"]


def test_not_toml_and_missing_rules(tmp_path: Path, catalog: object) -> None:
    broken = problems(write(tmp_path, 'id = "x"\nname = \n'), catalog)
    assert len(broken) == 1 and broken[0].startswith("not valid TOML: ")
    empty = problems(write(tmp_path, 'id = "x"\nname = "X"\nversion = 1\n'), catalog)
    assert empty == ["profile: no [[rules]]: a profile needs at least one rule"]


def test_unreachable_tiers_warn(tmp_path: Path, catalog: object) -> None:
    text = GOOD.replace("points = 35", "points = 5").replace("points = 25", "points = 5")
    profile = load_profile(write(tmp_path, text), catalog)  # type: ignore[arg-type]
    assert profile.warnings == (
        f'{tmp_path / "p.toml"}: the best possible score is 10, under the "1:many" threshold '
        "(40): no account can be a target",
    )


def test_duplicate_profile_ids(tmp_path: Path) -> None:
    a, b = write(tmp_path, GOOD, "a.toml"), write(tmp_path, GOOD, "b.toml")
    with pytest.raises(ProfileError, match="profile id 'reviews' is also used by"):
        load_profiles([a, b])
