"""The acting user that every store function takes, and what each role may do.

viewer: reads. officer: writes records of their own mission (and records no mission
owns), reads everyone's. supervisor: an officer who also sees the confidential
engagements of their mission and writes its report narratives. admin: everything,
including users, missions, settings and whole-database operations. Someone with no
mission (the commission's staff) works across missions: a supervisor with no mission
sees every mission's confidential engagements.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from db.foundations.errors import PermissionDenied
from db.foundations.models import UserRole
from db.foundations.signing import Signer


@dataclass(frozen=True)
class Actor:
    """Who is doing something: enough to audit it and to check permission."""

    id: int | None
    username: str
    role: str = UserRole.OFFICER
    mission_id: int | None = None
    display_name: str = ""
    signer: Signer | None = field(default=None, compare=False, repr=False)

    @property
    def can_write(self) -> bool:
        """Viewers read; everyone else may add and change records."""
        return self.role != UserRole.VIEWER

    @property
    def supervises(self) -> bool:
        """Supervisors and administrators: they read the audit log, review who is held
        and follow their officers' overdue follow-ups."""
        return self.role in (UserRole.ADMIN, UserRole.SUPERVISOR)

    @property
    def sees_all_confidential(self) -> bool:
        """Administrators and supervisors with no mission (commission-wide) read every
        mission's confidential engagements."""
        return self.role == UserRole.ADMIN or (
            self.role == UserRole.SUPERVISOR and self.mission_id is None
        )

    def sees_confidential_of(self, mission_id: int | None) -> bool:
        """True when this actor reads every confidential engagement of `mission_id`
        (None: of every mission): those who see them all, and a mission's supervisors."""
        if self.sees_all_confidential:
            return True
        return (
            self.role == UserRole.SUPERVISOR
            and mission_id is not None
            and mission_id == self.mission_id
        )

    @property
    def may_administer(self) -> bool:
        """Administrators manage users, missions, settings, erasure and the whole file."""
        return self.role == UserRole.ADMIN

    def require_write(self) -> None:
        """Raise PermissionDenied unless this actor may change records."""
        if not self.can_write:
            raise PermissionDenied(
                f"{self.username} has read-only access and cannot change records."
            )

    def may_write_for(self, mission_id: int | None) -> bool:
        """True when this actor may change a record that belongs to `mission_id`."""
        if self.role == UserRole.ADMIN:
            return True
        if not self.can_write:
            return False
        return mission_id is None or self.mission_id is None or mission_id == self.mission_id

    def require_mission(self, mission_id: int | None, what: str = "record") -> None:
        """Raise PermissionDenied unless this actor may change a `what` of that mission."""
        self.require_write()
        if not self.may_write_for(mission_id):
            raise PermissionDenied(
                f"{self.username} may change records of their own mission only; "
                f"this {what} belongs to another mission."
            )

    def require_supervisor_of(self, mission_id: int | None) -> None:
        """Raise PermissionDenied unless this actor is an administrator, or a supervisor
        of that mission (None: all missions, for the commission's supervisors)."""
        if self.role == UserRole.ADMIN:
            return
        if self.role != UserRole.SUPERVISOR or (
            self.mission_id is not None and mission_id != self.mission_id
        ):
            raise PermissionDenied(
                f"Only a supervisor of that mission or an administrator can do this; "
                f"{self.username} is not one."
            )

    def require_admin(self) -> None:
        """Raise PermissionDenied unless this actor is an administrator."""
        if self.role != UserRole.ADMIN:
            raise PermissionDenied(
                f"Only an administrator can do this; {self.username} is not one."
            )


SYSTEM_ACTOR = Actor(id=None, username="rabta", role=UserRole.ADMIN, display_name="Rabta")
