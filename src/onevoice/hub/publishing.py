"""What happens when a review workflow finishes (``WAGTAIL_FINISH_WORKFLOW_ACTION``).

A module of its own, free of model imports: Wagtail imports it while its models load.
"""

from __future__ import annotations

from typing import Any

__all__ = ["publish_after_review"]


def publish_after_review(workflow_state: Any, user: Any = None) -> None:
    """Publish the revision an approved review workflow finished with.

    Wagtail's default publishes as the approving user and so needs that user to hold the
    ``publish`` permission — which would also let reviewers publish their own drafts without
    review. Here the workflow's approval (by a reviewer other than the author,
    :class:`onevoice.hub.workflow.ReviewByAnotherTask`) is the authority: reviewers hold no
    ``publish`` permission and the approved revision is published on the workflow's behalf.
    """
    revision = workflow_state.content_object.get_latest_revision()
    revision.publish(user=user, skip_permission_checks=True)
