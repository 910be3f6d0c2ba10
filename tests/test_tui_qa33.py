"""Pilot tests for the entry screen at 80x24 (QA pass 33): the id in the head, the `y` key in the
footer, the toast after copying, the badges. Each asserts a layout property, not a picture, and
fails on the code before its fix; 120x40 is held to the same properties."""

from __future__ import annotations

import pytest
from textual.widgets._footer import FooterKey
from tui_support import loaded, make_app, pilot_test, screen_text, show_entry, wait_for

from tui.widgets.footer import KbFooter

NBSP = "\u00a0"  # how the entry head glues a badge (tui.widgets.badges.NBSP)

EID = "qa33-broker-memory-alarm-blocks-every-publisher"
ENTRY = f"""
    ---
    id: {EID}
    kind: incident
    title: The broker raised a memory alarm and blocks every publisher until memory drops
    summary: Publishers hang; consumers still get messages.
    products: [rabbitmq, docker, emqx, mosquitto, vernemq, hivemq-community]
    tags: [alarm, memory, flow-control, publishers-blocked, watermark]
    versions:
      rabbitmq: 3.x and 4.x; the default watermark is 0.4 of RAM in 3.x and 0.6 in 4.0+, and the
        lazy queue mode only matters up to 3.11
    updated: 2026-12-05
    symptoms: [publishers blocked]
    ---
    ## Fix
    ```sh
    rabbitmqctl status
    ```
    """
SIZES = [(80, 24), (120, 40)]


def head_lines(app) -> list[str]:
    """The entry's head as shown (a no-break space is a space on the screen)."""
    head = app.screen.query_one("#entry-head")
    lines = screen_text(app).replace(NBSP, " ").splitlines()
    return lines[head.region.y : head.region.bottom]


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("size", SIZES)
@pilot_test
async def test_the_entry_head_shows_the_id_whole_on_one_line(make_kb, size, lang):
    """At 80 columns the id came last on the long meta line (versions · updated · id) and wrapped
    as `… · id` / `qa33-…`; now `id ID` starts a line of its own, whole."""
    app = make_app(kb=make_kb({f"rabbitmq/{EID}.md": ENTRY}), lang=lang)
    async with app.run_test(size=size) as pilot:
        await loaded(pilot)
        await show_entry(pilot, EID)
        await pilot.pause(0.3)
        label = "id" if lang == "en" else "ID"
        lines = [line.strip() for line in head_lines(app)]
        at = [i for i, line in enumerate(lines) if line.startswith(f"{label} {EID}")]
        assert at, lines
        # the badges (the lines between the title and the id): none is split across lines,
        # each shown whole with its padding
        badges = " ".join(lines[1 : at[0]])
        for product in ("rabbitmq", "docker", "emqx", "mosquitto", "vernemq", "hivemq-community"):
            assert f" {product} " in f" {badges} ", (product, lines)


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("size", SIZES)
@pilot_test
async def test_the_footer_shows_the_copy_keys(make_kb, size, lang):
    """`y` (copy the id) was left out of the footer; at 80 columns the two copy keys are shown,
    before Related and Links, which the footer drops first."""
    app = make_app(kb=make_kb({f"rabbitmq/{EID}.md": ENTRY}), lang=lang)
    async with app.run_test(size=size) as pilot:
        await loaded(pilot)
        await show_entry(pilot, EID)
        await wait_for(pilot, lambda: app.screen.query(FooterKey), what="the footer's keys")
        footer = app.screen.query_one(KbFooter)
        await pilot.pause(0.3)
        shown = {k.key for k in footer.query(FooterKey) if k.display}
        assert {"escape", "t", "c", "f", "y"} <= shown, shown
        line = screen_text(app).splitlines()[-1]
        assert ("y Copy id" if lang == "en" else "y 复制 ID") in line, line
        assert ("f Copy fix" if lang == "en" else "f 复制修复命令") in line, line


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("size", SIZES)
@pilot_test
async def test_the_toast_after_copying_shows_the_id_unbroken(make_kb, size, lang):
    """The toast is 40 cells at 80 columns: `Copied entry id: qa33-…` broke the id across
    lines. The id is on a line of its own, in a toast wide enough for it."""
    app = make_app(kb=make_kb({f"rabbitmq/{EID}.md": ENTRY}), lang=lang)
    async with app.run_test(size=size, notifications=True) as pilot:
        await loaded(pilot)
        await show_entry(pilot, EID)
        await pilot.press("y")
        await wait_for(pilot, lambda: app.screen.query("Toast"), what="the toast")
        await pilot.pause(0.3)
        toast = app.screen.query_one("Toast")
        lines = screen_text(app).splitlines()[toast.region.y : toast.region.bottom]
        # the toast is at the right edge: its lines end the screen's lines
        assert any(line.endswith(f" {EID}") for line in lines), lines
        copied = "Copied entry id:" if lang == "en" else "已复制条目 ID："
        assert any(line.endswith(f" {copied}") for line in lines), lines


def test_a_glued_badge_is_one_piece_to_the_line_breaker():
    """No-break spaces glue a badge (and `id ID`): the break falls between badges, never inside
    one; a plain space still breaks."""
    from kb.cli.linebreak import break_offsets

    badges = f"{NBSP}incident{NBSP} {NBSP}rabbitmq{NBSP} {NBSP}docker{NBSP}"
    assert break_offsets(badges, 20) == [len(f"{NBSP}incident{NBSP} ")]
    assert break_offsets(f"{NBSP}故障{NBSP} {NBSP}rabbitmq{NBSP}", 12) == [5]
    assert break_offsets("a plain line of words", 8) == [8, 16]
