"""Meeting points that prove calls overlap: `arrive(key, parties)` returns only once `parties` calls
with the same key are inside it, so a client that runs its calls one at a time never gets the first
one back. Keys are chosen per test (tests run in parallel in one process).

A meeting that has not filled after `PATIENCE` seconds lets every call of its key go with `False`
(the test then fails instead of hanging); later arrivals at that key are told so at once."""
import asyncio

PATIENCE = 60.0

_MEETINGS = {}


class _Meeting:
    def __init__(self, parties):
        self.parties = parties
        self.inside = 0
        self.most_inside = 0
        self.full = asyncio.Event()
        self.failed = False


async def arrive(key, parties):
    """Waits until `parties` calls with `key` are inside. Returns whether they all were, and the most
    that were inside at once."""
    meeting = _MEETINGS.setdefault(key, _Meeting(parties))
    meeting.inside += 1
    meeting.most_inside = max(meeting.most_inside, meeting.inside)
    try:
        if meeting.inside >= meeting.parties:
            meeting.full.set()
        try:
            await asyncio.wait_for(meeting.full.wait(), PATIENCE)
        except asyncio.TimeoutError:
            meeting.failed = True
            meeting.full.set()
        return not meeting.failed, meeting.most_inside
    finally:
        meeting.inside -= 1
