"""Pages composed from upper packages' parts (fairplanner.compose)."""

from __future__ import annotations

from flask import Flask

from fairplanner.catalogue import views as catalogue
from fairplanner.compose import Part, Slot
from fairplanner.registrations import views as registrations


def test_a_slot_without_parts_gives_nothing() -> None:
    app = Flask(__name__)
    slot: Slot[[int]] = Slot("test.empty")
    with app.app_context():
        assert slot.context(1) == {}
        assert slot.reader() == ()


def test_parts_give_variables_in_order_and_one_reader_entry_each() -> None:
    app, other = Flask(__name__), Flask(__name__)
    slot: Slot[[int]] = Slot("test.page")
    slot.provide(app, Part(lambda n: {"a": n, "b": "first"}, lambda: ("one",)))
    slot.provide(app, Part(lambda n: {"b": n * 2}))
    with app.app_context():
        assert slot.context(3) == {"a": 3, "b": 6}  # a later part's variable wins
        assert slot.reader() == (("one",), ())
    with other.app_context():  # parts belong to the app that was given them
        assert slot.context(3) == {}
        assert slot.reader() == ()


def test_the_app_factory_fills_the_lower_packages_slots(app) -> None:
    with app.app_context():
        assert len(catalogue.LIST_PAGE.parts()) == 1  # following's Follow buttons
        # registrations', following's, organizers', exhibitors' (the exhibitor catalogue
        # link), meetings' (the B2B programme)
        assert len(catalogue.FAIR_PAGE.parts()) == 5
        assert len(registrations.MY_FAIRS.parts()) == 1  # calendars' feed
        # organizers' messages, meetings' B2B programme, tickets' badges and e-tickets
        assert len(registrations.APPLICATION_PAGE.parts()) == 3
