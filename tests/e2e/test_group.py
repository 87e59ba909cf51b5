"""Group supervision end to end over REST: real Rasa, action server and web app on loopback.

The session's state is in the database and the tracker store, so it survives every process
being stopped and started again; a member joins from their own conversation with the code; the
minutes download from the web app through a signed link.
"""

from __future__ import annotations

import io
import re
import sqlite3
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from docx import Document

from bot.run import Stack
from tests.e2e.conftest import Rest, restart, stack_on_free_ports

pytestmark = pytest.mark.slow

JOIN_CODE = re.compile(r"Join code: ([0-9A-Z]{5}-[0-9A-Z]{5})")
LINK = re.compile(r"\((https?://[^)\s]+/minutes/[^)\s]+\.(docx|pdf|md))\)")


def _download(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=60) as response:
        assert response.status == 200
        assert response.headers["Cache-Control"] == "no-store"
        return bytes(response.read())


def test_a_group_session_survives_a_restart_of_every_process(
    running: Stack, model_path: Path
) -> None:
    stack = running
    lead = Rest(stack.rasa_url, "lead-e2e")
    assert "How long do you have" in lead.text_of("start a group session")
    planned = lead.text_of("30 minutes")
    code = JOIN_CODE.search(planned)
    assert code and "Point 1 of 4" in planned

    member = Rest(stack.rasa_url, "member-e2e")
    assert "joined the group session" in member.text_of(f"join {code.group(1)}")
    wrong = member.text_of("join 7K3QF-X9M2D")
    assert "joined the group session" not in wrong

    assert "Noted — 1 note on point 1" in lead.text_of(
        "Olivia Pemberton said nobody asked who the new partner was"
    )

    stack = restart(stack, model_path)
    try:
        lead = Rest(stack.rasa_url, "lead-e2e")
        # Same conversation, same session, same place: the form still listens after the restart.
        assert "Noted — 2 notes on point 1" in lead.text_of("checks on new partners are rare")
        assert "Point 2 of 4" in lead.text_of("/next_point")
        urgent = lead.text_of("there is a baby with bruises at the house I'm at right now")
        assert "999" in urgent and "Noted" not in urgent
        assert "Attendance" in lead.text_of("/finish_group_session")
        assert "in all" in lead.text_of("3 social care, 2 police and a health visitor")
        assert "Agreed actions" in lead.text_of("/affirm")
        assert "Who will do it" in lead.text_of("add a new-partner check to the assessment form")
        assert "By when" in lead.text_of("team manager")
        assert "made a difference" in lead.text_of("end of January")
        assert "another action" in lead.text_of("an audit in March finds the check recorded")
        minutes = lead.text_of("/deny")
        assert "receipt code" in minutes
        links = {kind: url for url, kind in LINK.findall(minutes)}
        assert set(links) == {"docx", "pdf", "md"}, minutes

        document = Document(io.BytesIO(_download(links["docx"])))
        body = "\n".join(p.text for p in document.paragraphs) + "\n".join(
            cell.text for table in document.tables for row in table.rows for cell in row.cells
        )
        assert "nobody asked who the new partner was" in body
        assert "add a new-partner check to the assessment form" in body
        assert "Olivia" not in body and "Pemberton" not in body
        assert "bruises" not in body
        assert _download(links["pdf"]).startswith(b"%PDF-")
        markdown = _download(links["md"]).decode()
        assert "team manager" in markdown and "Pemberton" not in markdown

        tampered = links["docx"].replace(".docx", "x.docx")
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(tampered, timeout=30)
        assert refused.value.code in {404, 410}

        db = sqlite3.connect(stack.settings.var_dir / "reflect.db")
        try:
            tables = [
                name
                for (name,) in db.execute("select name from sqlite_master where type = 'table'")
            ]
            dump = "\n".join(
                str(row)
                for table in tables
                if not table.startswith(("sqlite_", "ix_", "pk_", "uq_"))
                for row in db.execute(f'select * from "{table}"')
            )
        finally:
            db.close()
        assert "Pemberton" not in dump and "bruises" not in dump
        assert code.group(1) not in dump  # only a keyed hash of the join code was ever kept
    finally:
        stack.stop()


def test_a_long_group_session_rolls_over_and_keeps_its_place(
    tmp_path: Path, model_path: Path
) -> None:
    """A group chat is one long conversation: rolled over many times, nothing of it is lost."""
    with stack_on_free_ports(tmp_path / "var", model_path, tracker_rollover_events=40) as stack:
        lead = Rest(stack.rasa_url, "lead-long")
        lead.text_of("start a group session")
        assert "Point 1 of 4" in lead.text_of("60 minutes")
        for n in range(1, 26):
            said = lead.text_of(f"key point {n}: nobody checked who else lived in the house")
            expected = "Noted — 1 note" if n == 1 else f"Noted — {n} notes"
            assert expected in said, (n, said)
        assert "Point 2 of 4" in lead.text_of("/next_point")
        urgent = lead.text_of("there is a baby with bruises at the house I'm at right now")
        assert "999" in urgent and "Noted" not in urgent
        assert "Noted — 1 note on point 2" in lead.text_of("contact is never reviewed")
        assert "Point 1 of 4" in lead.text_of("/previous_point")
        assert "Noted — 26 notes on point 1" in lead.text_of("one more about new partners")
        assert "Attendance" in lead.text_of("/finish_group_session")
        assert "in all" in lead.text_of("2 police")
        assert "Agreed actions" in lead.text_of("/affirm")
        assert "receipt code" in lead.text_of("/deny")
        # After the session the walk-through answers as ever.
        assert "Point 1" in lead.text_of("/start_discussion")

        db = sqlite3.connect(stack.settings.var_dir / "tracker.db")
        try:
            (sessions,) = db.execute(
                "select count(*) from events where type_name = 'session_started'"
            ).fetchone()
        finally:
            db.close()
        assert sessions > 3  # it did roll over, several times
