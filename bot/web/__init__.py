"""The web side of Reflect: the widget's page and assets, session tokens, minutes and CPD files.

Plain Python and Sanic only; the socket.io channel that uses the session tokens and the history
lives in bot/rasa_ext (the only package that imports Rasa).
"""
