"""Housekeeping: deleting what residents left behind.

Journeys idle past their expiry (the idle limit, or a "save and come back later" link's) go with
their answers, then every folder of uploaded files under `journeys/` that no journey owns: those
of the journeys just deleted, of a journey whose files could not be deleted when it went (the
storage failed), and of a journey deleted while one of its uploads was being stored. Nothing is
written to the audit log: no staff action is involved, and no personal data is kept about it.

Production runs `townhall housekeeping` every 15 minutes (docs/operating.md); `runner.tasks`
offers the same as a task.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass

from townhall.runner.actions import journeys_idle_delete
from townhall.runner.models import Journey
from townhall.runner.uploads import journey_files_delete, journey_folders

logger = logging.getLogger(__name__)

# Journey ids looked up at once when finding orphaned folders: well under every database's limit
# on query parameters.
_BATCH = 500


@dataclass(frozen=True, slots=True)
class Housekeeping:
    journeys: int
    orphan_folders: int
    orphan_files: int


def journeys_housekeep(*, idle_seconds: int) -> Housekeeping:
    """Delete idle journeys, then the uploaded files no journey owns; what went."""
    journeys = journeys_idle_delete(idle_seconds=idle_seconds)
    folders, files = journey_orphan_files_delete()
    if journeys or folders:  # quiet when there was nothing to do: it runs every 15 minutes
        logger.info(
            "Housekeeping deleted %d idle journeys and %d files in %d orphaned folders",
            journeys,
            files,
            folders,
        )
    return Housekeeping(journeys=journeys, orphan_folders=folders, orphan_files=files)


def journey_orphan_files_delete() -> tuple[int, int]:
    """Delete the files of every journey folder whose journey no longer exists; how many folders
    and files.

    A journey's row exists before its first file is stored and ids are never reused, so a folder
    found without its journey never belongs to one again.
    """
    owned: dict[uuid.UUID, str] = {}
    for name in journey_folders():
        try:
            owned[uuid.UUID(name)] = name
        except ValueError:
            logger.warning("Left journeys/%s alone: Townhall names journey folders by id", name)
    folders = files = 0
    ids = list(owned)
    for start in range(0, len(ids), _BATCH):
        batch = ids[start : start + _BATCH]
        living = set(Journey.objects.filter(pk__in=batch).values_list("pk", flat=True))
        for journey_id in batch:
            if journey_id not in living:
                files += journey_files_delete(journey_id=journey_id)
                folders += 1
    return folders, files
