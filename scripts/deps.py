"""Print the dependencies pinned in pyproject.toml (runtime + dev), one per line.

The venv is cached outside the clone and shared by clones on the same machine, so it holds only
dependencies; the project itself is found through PYTHONPATH, never an editable install that
would point every clone at whichever one installed last.
"""

import sys
from pathlib import Path

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

data = tomllib.loads(Path(sys.argv[1] if len(sys.argv) > 1 else "pyproject.toml").read_text())
project = data["project"]
for requirement in [*project["dependencies"], *project["optional-dependencies"]["dev"]]:
    print(requirement)
