"""The user accounts (read by everyone signed in; changed by administrators through
db/store/users.py), and the officers a dossier can hand over."""

from __future__ import annotations

from sqlmodel import Session, col, select

from db.foundations.models import Mission, User


def user_accounts(s: Session) -> list[tuple[User, str]]:
    """Every user with their mission's code ("" for commission-wide), active ones first
    then by username (everyone signed in reads them; administrators change them)."""
    rows = s.exec(
        select(User, Mission.code)
        .outerjoin(Mission, Mission.id == User.mission_id)
        .order_by(col(User.active).desc(), User.username)
    ).all()
    return [(user, code or "") for user, code in rows]


def active_officers(s: Session) -> list[tuple[str, str, str]]:
    """(username, display name, mission code or "") of every active user, by name."""
    rows = s.exec(
        select(User.username, User.display_name, Mission.code)
        .outerjoin(Mission, Mission.id == User.mission_id)
        .where(col(User.active).is_(True))
        .order_by(User.display_name)
    ).all()
    return [(username, name, code or "") for username, name, code in rows]


def user_id_named(s: Session, username: str) -> int:
    """The id of the user with this username; NotFound when there is none."""
    from db.foundations.errors import NotFound

    found = s.exec(select(User.id).where(User.username == username.strip().lower())).first()
    if found is None:
        raise NotFound(f"No user is called {username}.")
    return found
