"""Several replicas behind HAProxy (make run-cluster): its config, the launcher, the supervisor.

`make run-cluster` (``python -m bot.cluster``) starts the production topology on loopback:
Debian's HAProxy in front of several Rasa servers and action servers, the web app and portal,
on PostgreSQL and Redis. docs/deploy.md describes the same topology on real machines.
:mod:`bot.cluster.supervisor` restarts crashed children for `make run` too. Nothing here imports
Rasa: the servers are separate processes, started the way bot/run.py starts them.
"""
