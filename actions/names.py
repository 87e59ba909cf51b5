"""Slot, response, intent and entity names used by actions, in one place.

tests/test_consistency.py checks each against domain.yml.
"""

# --- slots ---
SLOT_POINT_NUMBER = "point_number"
SLOT_POINTS_COVERED = "points_covered"
SLOT_POINTS_SKIPPED = "points_skipped"
SLOT_DISCUSSION_STATUS = "discussion_status"
SLOT_REFLECTION_TEXT = "reflection_text"
SLOT_REFLECTION_DRAFT = "reflection_draft"
SLOT_RECEIPT_CODE = "receipt_code"
SLOT_CONCERN_CHECK_TEXT = "concern_check_text"
SLOT_CONCERN_CHECK_DRAFTING = "concern_check_drafting"
SLOT_CONCERN_NOW = "concern_now"
SLOT_DRAFT_CHECK = "draft_check"
SLOT_PACK_ID = "pack_id"
SLOT_SECTIONS_READ = "sections_read"
SLOT_REFLECTIONS_SAVED = "reflections_saved"
SLOT_CPD_VARIANT = "cpd_variant"
SLOT_FOLLOWUP_ID = "followup_id"

# --- forms ---
FORM_REFLECTION = "reflection_form"

# --- entities ---
ENTITY_LEARNING_ID = "learning_id"
ENTITY_AGENCY = "agency"
ENTITY_PACK_ID = "pack_id"
ENTITY_CPD_VARIANT = "cpd_variant"

# --- intents ---
INTENT_START_DISCUSSION = "start_discussion"
INTENT_NEXT_POINT = "next_point"
INTENT_REPEAT_POINT = "repeat_point"
INTENT_SKIP_POINT = "skip_point"
INTENT_PREVIOUS_POINT = "previous_point"
INTENT_RESUME_DISCUSSION = "resume_discussion"
INTENT_AFFIRM = "affirm"
INTENT_DENY = "deny"
INTENT_CHOOSE_PACK = "choose_pack"
INTENT_ADD_REFLECTION = "add_reflection"

# --- responses (domain.yml; the rest of the wording is in bot/content/messages.yml) ---
UTTER_MENU = "utter_menu"
UTTER_URGENT_CONCERN = "utter_urgent_concern"
UTTER_STAFF_SUPPORT = "utter_staff_support"

# --- group ---
SLOT_GROUP_SESSION = "group_session"
SLOT_GROUP_ROLE = "group_role"
SLOT_GROUP_LISTENING = "group_listening"
SLOT_GROUP_INPUT = "group_input"
FORM_GROUP = "group_form"
