"""Print a pip constraints file that pins every dependency of pyproject.toml to its
declared minimum (`name>=X` -> `name==X`), for `make test-min`.

    python scripts/min_constraints.py [--extras encoder,dev] > constraints-min.txt

A dependency without a lower bound is an error: every floor is declared and tested.
"""

import argparse
import sys
from pathlib import Path

import tomllib
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[1]


def minimum_pins(extras: list[str]) -> list[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    requirements = list(project["dependencies"])
    for extra in extras:
        requirements += project["optional-dependencies"][extra]
    pins = {}
    for text in requirements:
        requirement = Requirement(text)
        floors = [spec.version for spec in requirement.specifier if spec.operator in (">=", "==", "~=")]
        if not floors:
            raise SystemExit(
                f"pyproject.toml: {text!r} has no lower bound; declare the oldest version that works"
            )
        pins[requirement.name.lower()] = f"{requirement.name}=={floors[0]}"
    return sorted(pins.values())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--extras", default="", help="comma-separated extras to include, e.g. encoder,dev")
    args = parser.parse_args()
    extras = [extra for extra in args.extras.split(",") if extra]
    sys.stdout.write("".join(f"{pin}\n" for pin in minimum_pins(extras)))


if __name__ == "__main__":
    main()
