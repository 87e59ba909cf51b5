# Type stubs for the parts of rasa_sdk 3.6 that Reflect uses (rasa_sdk ships no type information,
# so without these every action class would subclass Any and mypy strict could not check actions/).
# Signatures copied from rasa_sdk 3.6.2's source; tests/test_consistency.py checks they still match.
from rasa_sdk.forms import FormValidationAction as FormValidationAction
from rasa_sdk.interfaces import Action as Action
from rasa_sdk.interfaces import Tracker as Tracker
