"""Report tests read real PDFs back with pypdf."""

from __future__ import annotations

import pytest
from pypdf import PdfReader

from db import store
from db.store.actor import Actor
from db.store.users import local_actor


def pdf_pages(path) -> list[str]:
    """The extracted text of every page."""
    return [page.extract_text() or "" for page in PdfReader(str(path)).pages]


@pytest.fixture
def demo_officer(demo_engine) -> Actor:
    with store.session(demo_engine) as s:
        return local_actor(s, "report.officer")
