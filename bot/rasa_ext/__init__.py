"""The only Rasa glue in bot/: components and channel adapters that plug bot/ into Rasa."""
