"""Microsoft Teams (Bot Framework) without Rasa: token checks, activities, replies, app package.

Plain functions and small classes the Rasa glue (``bot/rasa_ext/teams.py``) plugs together, so
the security checks and the activity shapes are testable without a Rasa server:

- :mod:`bot.teams.auth`: the Bearer JWT every incoming activity carries, and the bot's own
  token for replies;
- :mod:`bot.teams.activities`: what the user said (mention stripped, button value read), the
  welcome on install, and the reply activities (Markdown text, clickable buttons);
- :mod:`bot.teams.http`: the async JSON-over-HTTPS client both use;
- the Teams app package (manifest and icons) is built by its own modules here.
"""
