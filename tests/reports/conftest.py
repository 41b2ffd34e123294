"""Report tests read real PDFs back with pypdf."""

from __future__ import annotations

import pytest
from pypdf import PdfReader
from sqlmodel import select

from db import store
from db.foundations.actor import Actor
from db.foundations.models import User
from db.store.users import actor_of
from tests.conftest import ensure_user, location_of


def pdf_pages(path) -> list[str]:
    """The extracted text of every page."""
    return [page.extract_text() or "" for page in PdfReader(str(path)).pages]


@pytest.fixture
def demo_officer(demo_engine) -> Actor:
    ensure_user(location_of(demo_engine), "report.officer")
    with store.session(demo_engine) as s:
        return actor_of(s.exec(select(User).where(User.username == "report.officer")).one())
