import types

from sanic import Sanic

def create_app(
    action_package_name: str | types.ModuleType,
    cors_origins: str | list[str] | None = "*",
    auto_reload: bool = False,
) -> Sanic: ...
