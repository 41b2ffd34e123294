"""Every dialog and page fits 1366x768 at 150% (910x512 logical pixels) and 1024x768:
the dialog is no larger than the screen, its fields scroll inside, and its buttons
(Save, Next, Build report, New mission) are in sight."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QRect, QSize
from PySide6.QtWidgets import QDialogButtonBox, QWizard

from desktop.widgets.screen_fit import SHARE, fit_on_screen
from tests.desktop.conftest import active_main_window

SCREENS = {"150%-of-1366x768": QSize(910, 512), "1024x768": QSize(1024, 768)}


def _in_sight(widget, within) -> bool:
    """Whether `widget` is shown wholly inside `within`'s visible rectangle."""
    if not widget.isVisible():
        return False
    top_left = widget.mapTo(within, QPoint(0, 0))
    return QRect(QPoint(0, 0), within.size()).contains(QRect(top_left, widget.size()))


def _dialogs(window):
    window.show_page("Organizations")
    yield "quick log", window.quick_log()
    yield "organization form", window.page("Organizations").new_record()
    yield "contact form", window.page("Contacts").new_record()
    yield "program form", window.page("Programs").new_record()
    yield "import wizard", window.import_file("engagements")


@pytest.mark.parametrize("screen", SCREENS.values(), ids=SCREENS.keys())
def test_every_dialog_fits_with_its_buttons_in_sight(qtbot, demo_path, screen):
    window = active_main_window(qtbot, demo_path, login_name="commission.admin")
    for name, dialog in _dialogs(window):
        wanted = dialog.size()
        fit_on_screen(dialog, wanted.width(), wanted.height(), available=screen)
        qtbot.wait(20)
        room = QSize(int(screen.width() * SHARE), int(screen.height() * SHARE))
        assert dialog.width() <= room.width() and dialog.height() <= room.height(), name
        assert dialog.minimumSizeHint().height() <= room.height(), name
        if isinstance(dialog, QWizard):
            buttons = [dialog.button(QWizard.WizardButton.NextButton)]
        else:
            buttons = [dialog.buttons.button(QDialogButtonBox.StandardButton.Save)]
        for button in buttons:
            assert _in_sight(button, dialog), f"{name}: {button.text()} is off screen"
        dialog.done(0)


def test_a_dialog_opening_on_a_small_screen_is_sized_for_it(qtbot, demo_path):
    window = active_main_window(qtbot, demo_path, login_name="commission.admin")
    form = window.quick_log()
    available = form.screen().availableGeometry().size()
    assert form.height() <= available.height() * SHARE
    assert form.width() <= available.width() * SHARE
    form.done(0)


@pytest.mark.parametrize("screen", SCREENS.values(), ids=SCREENS.keys())
def test_pages_keep_their_main_buttons_in_sight(qtbot, demo_path, screen):
    window = active_main_window(qtbot, demo_path, login_name="commission.admin")
    window.resize(screen)
    window.show_page("Reports")
    qtbot.wait(50)
    reports = window.current_page()
    for button in (reports.build_button, reports.print_button, reports.save_button):
        assert _in_sight(button, window), button.text()
    window.show_page("Settings")
    settings = window.current_page()
    qtbot.wait(50)
    assert _in_sight(settings.new_mission_button, window)
    settings.tabs.setCurrentIndex(2)  # Backups
    qtbot.wait(50)
    area = settings.tabs.currentWidget()
    assert settings.backups.minimumSizeHint().width() <= area.viewport().width()


def test_a_narrow_card_shortens_its_comparisons_and_keeps_them_whole_in_its_tooltip(qtbot):
    from desktop.widgets.figure_card import FigureCard

    card = FigureCard("Organizations engaged")
    qtbot.addWidget(card)
    card.resize(180, 120)
    card.show()
    card.show_figure(22, 40, "Q1 FY2026-27", 37, "Q2 FY2025-26")
    whole = card.comparisons()
    assert whole == ("▼ 45% on Q1 FY2026-27 (40)", "▼ 41% on Q2 FY2025-26 (37)")
    for label in (card.previous_label, card.last_year_label):
        assert label.text().endswith("…") and label.sizeHint().width() <= card.width()
    assert all(line in card.toolTip() for line in whole)
    card.resize(600, 120)
    qtbot.wait(10)
    assert (card.previous_label.text(), card.last_year_label.text()) == whole
