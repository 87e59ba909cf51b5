from typing import Any

DomainDict = dict[str, Any]
