"""The door every message passes before Rasa: normalise, anonymise, pseudonymise. No Rasa here."""
