"""Tags: rename, merge, and clear away those no organization uses."""

from __future__ import annotations

from sqlalchemy import delete, func
from sqlmodel import Session, col, select

from db.foundations.actor import Actor
from db.foundations.errors import ValidationError
from db.foundations.models import OrganizationTag, Tag
from db.rules.rows import get_record
from db.store.audit import record_audit
from db.store.validation import plain_text


def tag_usage(s: Session) -> list[tuple[int, str, int]]:
    """(id, name, organizations using it) for every tag, by name."""
    used = func.count(OrganizationTag.organization_id)
    return [
        tuple(row)
        for row in s.exec(
            select(Tag.id, Tag.name, used)
            .outerjoin(OrganizationTag, OrganizationTag.tag_id == Tag.id)
            .group_by(Tag.id, Tag.name)
            .order_by(func.lower(Tag.name))
        ).all()
    ]


def rename_tag(s: Session, actor: Actor, tag_id: int, new_name: str) -> None:
    """Give a tag a new name; refused when another tag has it (merge instead)."""
    actor.require_admin()
    tag = get_record(s, Tag, tag_id, "tag")
    tag_id = tag.id
    name = plain_text(new_name, "name", "The tag", max_length=60)
    if not name:
        raise ValidationError({"name": "A tag needs a name."})
    if len(name) > 60:
        raise ValidationError({"name": "A tag is at most 60 characters."})
    clash = s.exec(
        select(Tag.id).where(func.lower(Tag.name) == name.lower(), Tag.id != tag_id)
    ).first()
    if clash is not None:
        raise ValidationError({"name": f"A tag named {name} exists; merge the two instead."})
    if tag.name != name:
        record_audit(s, actor, "update", "tag", tag.id, {"name": (tag.name, name)})
        tag.name = name
        s.add(tag)


def merge_tags(s: Session, actor: Actor, source_id: int, target_id: int) -> int:
    """Move every organization from one tag to another and delete the first; return how
    many organizations were moved."""
    actor.require_admin()
    source = get_record(s, Tag, source_id, "tag")
    target = get_record(s, Tag, target_id, "tag")
    source_id, target_id = source.id, target.id
    if source_id == target_id:
        raise ValidationError({"target": "Choose a different tag to merge into."})
    organizations = set(
        s.exec(
            select(OrganizationTag.organization_id).where(OrganizationTag.tag_id == source_id)
        ).all()
    )
    already = set(
        s.exec(
            select(OrganizationTag.organization_id).where(OrganizationTag.tag_id == target_id)
        ).all()
    )
    for org_id in organizations - already:
        s.add(OrganizationTag(organization_id=org_id, tag_id=target_id))
    s.exec(delete(OrganizationTag).where(OrganizationTag.tag_id == source_id))
    record_audit(
        s,
        actor,
        "merge",
        "tag",
        target.id,
        {"merged": (source.name, target.name), "organizations": (None, len(organizations))},
    )
    s.delete(source)
    return len(organizations)


def delete_unused_tags(s: Session, actor: Actor) -> int:
    """Delete every tag no organization uses; return how many went."""
    actor.require_admin()
    unused = s.exec(
        select(Tag).where(col(Tag.id).not_in(select(OrganizationTag.tag_id).distinct()))
    ).all()
    for tag in unused:
        record_audit(s, actor, "delete", "tag", tag.id, {"name": (tag.name, None)})
        s.delete(tag)
    return len(unused)
