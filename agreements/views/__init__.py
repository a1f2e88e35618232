"""The managers' pages: server-rendered, login required, readable on a phone and on paper.
One module per page; shared pieces of the follow-up board live in `follow_ups`."""

from agreements.views.brief import brief
from agreements.views.calendar_feed import calendar_feed
from agreements.views.coverage import coverage
from agreements.views.documents import document_file
from agreements.views.follow_up_page import follow_up_page
from agreements.views.follow_ups import follow_up_board
from agreements.views.home import home
from agreements.views.instruments import instrument_detail
from agreements.views.intake import intake, intake_record
from agreements.views.meetings import meeting_detail
from agreements.views.radar import radar
from agreements.views.relationships import relationship
from agreements.views.search import search

__all__ = [
    "brief",
    "calendar_feed",
    "coverage",
    "document_file",
    "follow_up_board",
    "follow_up_page",
    "home",
    "instrument_detail",
    "intake",
    "intake_record",
    "meeting_detail",
    "radar",
    "relationship",
    "search",
]
