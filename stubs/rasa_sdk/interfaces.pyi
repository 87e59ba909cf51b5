from collections.abc import Coroutine, Iterator
from typing import Any

from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

class Tracker:
    sender_id: str
    slots: dict[str, Any]
    latest_message: dict[str, Any]
    events: list[dict[str, Any]]
    active_loop: dict[str, Any]
    followup_action: str | None
    latest_action_name: str | None
    def __init__(
        self,
        sender_id: str,
        slots: dict[str, Any],
        latest_message: dict[str, Any] | None,
        events: list[dict[str, Any]],
        paused: bool,
        followup_action: str | None,
        active_loop: dict[str, Any],
        latest_action_name: str | None,
    ) -> None: ...
    @classmethod
    def from_dict(cls, state: Any) -> Tracker: ...
    def get_slot(self, key: str) -> Any | None: ...
    def get_latest_entity_values(
        self, entity_type: str, entity_role: str | None = None, entity_group: str | None = None
    ) -> Iterator[str]: ...
    def get_latest_input_channel(self) -> str | None: ...
    @property
    def active_loop_name(self) -> str | None: ...

class Action:
    def name(self) -> str: ...
    # Declared ``async`` in rasa_sdk, but its executor awaits the result only when it is a
    # coroutine (utils.call_potential_coroutine), so a plain ``def run`` is supported too.
    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]] | Coroutine[Any, Any, list[dict[str, Any]]]: ...
