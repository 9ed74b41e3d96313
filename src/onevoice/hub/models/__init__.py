"""The hub's page models (Wagtail), split by subject."""

from onevoice.hub.models.base import HubBasePage, HubHomePage
from onevoice.hub.models.documents import Commitment, DocumentPage, DocumentTag, DocumentVersion
from onevoice.hub.models.presidency import MeetingPage, PresidencyPage, TrackPage
from onevoice.hub.models.public import (
    DebunkPage,
    DebunkSource,
    OfficialAccount,
    OfficialAccountsPage,
)
from onevoice.hub.models.reports import (
    CaseReportAccount,
    CaseReportAttribution,
    CaseReportFigure,
    CaseReportIndicator,
    CaseReportNarrative,
    CaseReportPage,
    CaseReportTechnique,
)
from onevoice.hub.workflow import ReviewByAnotherTask

__all__ = [
    "CaseReportAccount",
    "CaseReportAttribution",
    "CaseReportFigure",
    "CaseReportIndicator",
    "CaseReportNarrative",
    "CaseReportPage",
    "CaseReportTechnique",
    "Commitment",
    "DebunkPage",
    "DebunkSource",
    "DocumentPage",
    "DocumentTag",
    "DocumentVersion",
    "HubBasePage",
    "HubHomePage",
    "MeetingPage",
    "OfficialAccount",
    "OfficialAccountsPage",
    "PresidencyPage",
    "ReviewByAnotherTask",
    "TrackPage",
]
