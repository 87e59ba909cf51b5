"""The only Rasa glue in bot/: components, channels, our servers, the register of Rasa patches."""
