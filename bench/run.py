"""`make bench`: runs every benchmark module of bench/ (each exposes main())."""

import importlib
import pkgutil
from pathlib import Path


def main() -> None:
    for module in sorted(pkgutil.iter_modules([str(Path(__file__).parent)]), key=lambda m: m.name):
        if module.name != "run":
            print(f"== bench.{module.name}")
            importlib.import_module(f"bench.{module.name}").main()


if __name__ == "__main__":
    main()
