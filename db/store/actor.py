"""The acting user that every store function takes, and what each role may do."""

from __future__ import annotations

from dataclasses import dataclass

from db.errors import PermissionDenied
from db.models import UserRole


@dataclass(frozen=True)
class Actor:
    """Who is doing something: enough to audit it and to check permission."""

    id: int | None
    username: str
    role: str = UserRole.OFFICER
    mission_id: int | None = None
    display_name: str = ""

    @property
    def can_write(self) -> bool:
        """Viewers read; everyone else may add and change records."""
        return self.role != UserRole.VIEWER

    @property
    def sees_confidential(self) -> bool:
        """Supervisors and admins may read confidential engagements in reports."""
        return self.role in (UserRole.ADMIN, UserRole.SUPERVISOR)

    def require_write(self) -> None:
        """Raise PermissionDenied unless this actor may change records."""
        if not self.can_write:
            raise PermissionDenied(
                f"{self.username} has read-only access and cannot change records."
            )

    def require_admin(self) -> None:
        """Raise PermissionDenied unless this actor is an administrator."""
        if self.role != UserRole.ADMIN:
            raise PermissionDenied(
                f"Only an administrator can do this; {self.username} is not one."
            )


SYSTEM_ACTOR = Actor(id=None, username="rabta", role=UserRole.ADMIN, display_name="Rabta")
