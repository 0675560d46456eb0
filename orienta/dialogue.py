"""What the dialogue shares between Rasa's domain, the actions and the bot: intents, slots, limits.

Follow-up intents ("how much?", "what do I bring?") name no topic: they are answered from the
conversation's current topic (the ``last_topic`` slot), and reported as the topic whose answer
Orienta gives. See README "How Orienta follows a conversation".
"""

from __future__ import annotations

#: follow-up intent → the kind of follow-up (a key of knowledge/follow_ups.yml)
FOLLOW_UP_INTENTS: dict[str, str] = {
    "ask_cost": "cost",
    "ask_documents": "documents",
    "ask_time": "time",
    "ask_steps": "steps",
    "ask_lost": "lost",
    "ask_for_other": "other_person",
}
#: kind of follow-up → the part of an answer that answers it (None: the answer's first reply)
KIND_PARTS: dict[str, str | None] = {
    "cost": "costs",
    "documents": "documents",
    "time": "deadlines",
    "steps": "steps",
    "lost": None,
    "other_person": None,
}
#: the parts of an answer a button or a follow-up can ask for
PARTS = ("steps", "documents", "costs", "deadlines")
#: intents that are only small talk
SMALL_TALK = frozenset({"greet", "goodbye", "thanks", "affirm", "deny"})

# Slots (see orienta/rasa_project.py)
LANGUAGE_SLOT = "language"
PREFERRED_LANGUAGE_SLOT = "preferred_language"
LAST_TOPIC_SLOT = "last_topic"
#: the comune the person named or shared last
COMUNE_SLOT = "comune"
#: who the question is for, when not the person ("family", "child", …)
PERSON_SLOT = "person"
#: what Orienta last offered ("steps:<topic>"), answered by "yes"/"no"
OFFER_SLOT = "offer"
#: messages not understood in a row (1: asked to rephrase; then the menu and a person)
MISSES_SLOT = "misses"

#: the custom message that reports the topic whose answer was given
ANSWERED = "answered"
#: the custom message that asks the channel side to open a handoff
OPEN_HANDOFF = {"handoff": "open"}
#: the button that gives the conversation back to the assistant
END_HANDOFF_PAYLOAD = "/end_handoff"
HUMAN_HANDOFF_PAYLOAD = "/human_handoff"
EMERGENCY = "emergency"
EMERGENCY_PAYLOAD = f"/{EMERGENCY}"

#: the first reply to a topic fits one phone screen (characters)
FIRST_REPLY_LIMIT = 600
#: Chinese says as much in far fewer characters
FIRST_REPLY_LIMITS = {"zh": 300}


def first_reply_limit(language: str) -> int:
    return FIRST_REPLY_LIMITS.get(language, FIRST_REPLY_LIMIT)
