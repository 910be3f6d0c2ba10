"""The entry view: title, badges and summary, the body rendered as safe Markdown, and the way on to
the entry's decision tree, its checks, its links and related entries."""

from __future__ import annotations

from collections.abc import Iterable

from rich.text import Text
from textual import on
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Markdown, Static

from kb.i18n import versions_line
from kb.model import Entry
from tui.i18n import tr, tr_n
from tui.markdown import entry_id_from_href, fix_commands, links_in, safe_parser
from tui.sanitize import clean, is_web_link, one_line
from tui.shared import kb_app
from tui.widgets.badges import NBSP, kind_badge, product_badges, status_badge, tag_text
from tui.widgets.footer import KbFooter
from tui.widgets.header import KbHeader
from tui.wrap import Breakable, BreakableMarkdown, BreakableStatic

FIX_LABEL_LINES = 4  # lines of a fix command shown in the list; Enter copies all of it


def fix_label(block: str, lang: str) -> Text:
    """A fix command as the `f` list shows it: its first lines as lines, then how many more
    (joined on one line, `docker ps … docker inspect …` read as one command)."""
    # indentation kept (a YAML snippet reads by it); the block is clean already (fix_commands)
    lines = [line.rstrip() for line in block.split("\n") if line.strip()]
    lines = [line if len(line) <= 200 else line[:199] + "…" for line in lines]
    shown = lines[:FIX_LABEL_LINES]
    more = len(lines) - len(shown)
    if more:
        shown.append(tr_n(more, "… 1 more line", "… {n} more lines", lang))
    return Text("\n".join(shown))


class EntryScreen(Screen[None]):
    """One entry in the current language."""

    CSS_PATH = "entry.tcss"
    AUTO_FOCUS = "#entry-scroll"

    BINDINGS = [
        Binding("escape,q", "back", "Back"),
        Binding("t", "tree", "Tree"),
        Binding("c", "checks", "Checks"),
        Binding("l", "app.toggle_lang", "中文/EN", show=False),
        Binding("p", "app.check_settings", "Where", show=False),
        # the footer drops keys from its end when they do not fit (KbFooter.fit): the two copy
        # keys come before Related and Links, so that 80 columns show them (the entry's own
        # hint line names r and o)
        Binding("f", "copy_fix", "Copy fix"),
        Binding("y", "copy_id", "Copy id"),
        Binding("r", "related", "Related"),
        Binding("o", "links", "Links"),
        Binding("j", "scroll_down", "Down", show=False),
        Binding("k", "scroll_up", "Up", show=False),
    ]

    def __init__(self, entry: Entry) -> None:
        super().__init__()
        self.entry = entry
        #: the body rendered once per text shown (English, Chinese), keyed by that text
        self._bodies: dict[str, Markdown] = {}

    def compose(self) -> ComposeResult:
        yield KbHeader(icon="?")
        with VerticalScroll(id="entry-scroll", can_focus=True):
            yield BreakableStatic(id="entry-head")
            yield BreakableStatic(id="entry-foot")  # the body goes before it (_show_body)
        yield KbFooter()

    def on_mount(self) -> None:
        self.watch(self.app, "lang", self._render_entry, init=True)

    @property
    def lang(self) -> str:
        return kb_app(self).lang

    def _render_entry(self, lang: str) -> None:
        e = self.entry
        text = e.text(lang)
        self.sub_title = one_line(text.title, 60)
        self.query_one("#entry-head", Static).update(self._head(lang))
        self._show_body(clean(text.body))
        self.query_one("#entry-foot", Static).update(self._footer_text(lang))

    def _body(self, body: str) -> Markdown:
        """The widget showing `body`, built (hidden) the first time it is asked for and kept: ctrl+l
        on a long entry rebuilt every Markdown widget of the body each time."""
        markdown = self._bodies.get(body)
        if markdown is None:
            markdown = BreakableMarkdown(
                body, classes="entry-body", parser_factory=safe_parser, open_links=False
            )
            markdown.display = False
            self._bodies[body] = markdown
            self.query_one("#entry-scroll").mount(markdown, before="#entry-foot")
        return markdown

    def _show_body(self, body: str) -> None:
        shown = self._body(body)
        for markdown in self._bodies.values():
            markdown.display = markdown is shown

    @on(Markdown.TableOfContentsUpdated)
    def _body_built(self, event: Markdown.TableOfContentsUpdated) -> None:
        """A body has been built: then the other language's, hidden, so that the first ctrl+l
        only swaps them too (an entry without a translation shows the same text: no second)."""
        event.stop()
        other = "zh" if self.lang == "en" else "en"
        self.call_after_refresh(self._body, clean(self.entry.text(other).body))  # once painted

    def _head(self, lang: str) -> Text:
        e = self.entry
        text = e.text(lang)
        head = Breakable()
        head.append(one_line(text.title), style="bold")
        head.append("\n")
        # the badges are glued (a no-break space pads each): a line breaks between two, not
        # inside one; the tags wrap at their spaces
        head.append_text(kind_badge(e.kind, lang, glue=True))
        if e.products:
            head.append(" ")
            head.append_text(product_badges(e.products, limit=6, glue=True))
        if e.tags:
            head.append("  ")
            head.append_text(tag_text(e.tags))
        # the id first, on a line of its own with the date (whole: `id` glued to it, what `y`
        # copies), then the version notes, which run long and wrap
        head.append("\n")
        head.append(one_line(tr("id {id}", lang, id=e.id)).replace(" ", NBSP), style="dim")
        if e.updated:
            head.append(" · " + one_line(tr("updated {d}", lang, d=e.updated)), style="dim")
        if e.versions:
            versions = versions_line(e.version_notes(lang), lang)
            head.append("\n")
            head.append(one_line(tr("versions: {v}", lang, v=versions)), style="dim")
        if lang != "en" and lang not in e.translations:
            head.append("\n")
            head.append(tr("(no 中文 translation yet — showing English)", lang), style="italic")
        svc = kb_app(self).services
        ctx = svc.context(e.id)
        if e.checks and not ctx.is_default():
            head.append("\n")
            where = tr("Checks run on: {where}", lang, where=svc.where_text(e.id, None, lang))
            head.append(one_line(where, 200) + "  (p)", style="bold")
        done = svc.remembered(e.id)
        if done:
            head.append("\n")
            head.append(tr("Checks on this entry: {summary}", lang, summary=""), style="dim")
            for result in done.values():
                head.append_text(status_badge(result.status, width=8, lang=lang, glue=True))
                head.append(" ")
        head.append("\n\n")
        head.append(clean(text.summary), style="italic")
        return head

    def _footer_text(self, lang: str) -> Text:
        e = self.entry
        out = Breakable()
        hints = []
        if e.tree is not None:
            hints.append(tr("t: walk the decision tree", lang))
        if e.checks:
            hints.append(tr_n(len(e.checks), "c: run its check", "c: run its {n} checks", lang))
        if e.related:
            hints.append(tr("r: {n} related", lang, n=len(e.related)))
        hints.append(tr("o: links", lang))
        hints.append(tr("y: copy id", lang))
        hints.append(tr("l: 中文/English", lang))
        out.append(" · ".join(hints), style="dim")
        if e.sources:
            out.append("\n\n" + tr("Sources", lang) + "\n", style="bold")
            for s in e.sources:
                out.append(f"• {one_line(s.title)}")
                if s.url:
                    out.append(f"  {one_line(s.url)}", style="underline")
                out.append("\n")
        return out

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "tree" and self.entry.tree is None:
            return None
        if action == "checks" and not self.entry.checks:
            return None
        if action == "related" and not self.entry.related:
            return None
        return True

    # --- actions -------------------------------------------------------------------------------
    def action_back(self) -> None:
        self.app.pop_screen()

    def action_scroll_down(self) -> None:
        self.query_one("#entry-scroll", VerticalScroll).scroll_down()

    def action_scroll_up(self) -> None:
        self.query_one("#entry-scroll", VerticalScroll).scroll_up()

    def settings_changed(self, scope: str | None = None) -> None:
        if scope in (None, self.entry.id):
            self.query_one("#entry-head", Static).update(self._head(self.lang))

    def on_screen_resume(self) -> None:
        self.query_one("#entry-head", Static).update(
            self._head(self.lang)
        )  # check results and context may have changed meanwhile

    def action_copy_id(self) -> None:
        kb_app(self).copy_text(self.entry.id, "entry id")

    def action_copy_fix(self) -> None:
        """Copy a fix command: the only code block at once, else pick one from a list."""
        from tui.screens.choice import ChoiceScreen

        blocks = fix_commands(self.entry.text(self.lang).body)
        if not blocks:
            self.notify(tr("Nothing to copy here", self.lang), severity="warning")
            return
        if len(blocks) == 1:
            kb_app(self).copy_text(blocks[0], "fix command")
            return
        items = [(str(i), fix_label(b, self.lang)) for i, b in enumerate(blocks)]

        def chosen(index: str | None) -> None:
            if index is not None:
                kb_app(self).copy_text(blocks[int(index)], "fix command")

        self.app.push_screen(
            ChoiceScreen(tr("Fix commands (Enter copies)", self.lang), items), chosen
        )

    def action_tree(self) -> None:
        kb_app(self).open_tree(self.entry.id)

    def action_checks(self) -> None:
        from tui.screens.checks import ChecksScreen

        entry_id = self.entry.id
        kb_app(self).show(
            lambda s: isinstance(s, ChecksScreen) and s.entry.id == entry_id,
            lambda: ChecksScreen(self.entry),
        )

    def action_links(self) -> None:
        from tui.screens.choice import ChoiceScreen

        links = links_in(self.entry.text(self.lang).body)
        for s in self.entry.sources:
            if s.url and all(link.href != s.url for link in links):
                from tui.markdown import Link

                links.append(
                    Link(text=one_line(s.title, 60), href=clean(s.url, keep_newlines=False))
                )
        items = []
        for i, link in enumerate(links):
            label = Text()
            label.append(link.text, style="bold")
            label.append(f"\n  {one_line(link.href, 90)}", style="dim")
            items.append((str(i), label))
        self.app.push_screen(
            ChoiceScreen(
                tr("Links in this entry (Enter to open)", self.lang),
                items,
                empty=tr("This entry has no links.", self.lang),
            ),
            lambda chosen: (
                self.follow_link(links[int(chosen)].href) if chosen is not None else None
            ),
        )

    def action_related(self) -> None:
        from tui.screens.choice import ChoiceScreen

        items: list[tuple[str, Text]] = []
        for rid in self.entry.related:
            other = kb_app(self).services.get(rid)
            label = Breakable()
            if other is not None:
                label.append_text(kind_badge(other.kind, self.lang))
                label.append(" " + one_line(other.text(self.lang).title))
            else:
                label.append(
                    tr("{id} (not in this knowledge base)", self.lang, id=rid), style="dim"
                )
            items.append((rid, label))
        self.app.push_screen(
            ChoiceScreen(tr("Related entries", self.lang), items), self._open_related
        )

    def _open_related(self, chosen: str | None) -> None:
        if chosen:
            kb_app(self).open_entry(chosen)

    @on(Markdown.LinkClicked)
    def _link_clicked(self, event: Markdown.LinkClicked) -> None:
        event.stop()
        self.follow_link(event.href)

    def follow_link(self, href: str) -> None:
        """Entry links open in the app; web links only after asking; anything else is refused."""
        target = entry_id_from_href(href)
        if target and (kb_app(self).services.get(target) is not None or not is_web_link(href)):
            kb_app(self).open_entry(target)  # a missing one: "No entry 'ID' in this knowledge base"
            return
        if not is_web_link(href):
            self.notify(
                tr(
                    "Not opening {href}: only http(s) links are opened",
                    self.lang,
                    href=one_line(href, 60),
                ),
                severity="warning",
                markup=False,
            )
            return
        from tui.screens.confirm import ConfirmScreen

        def answered(yes: bool | None) -> None:
            if yes:
                self.app.open_url(href)
                self.notify(tr("Opened {href}", self.lang, href=one_line(href, 60)), markup=False)

        self.app.push_screen(
            ConfirmScreen(tr("Open this link in your browser?", self.lang), href, copy=href),
            answered,
        )

    def palette_commands(self) -> Iterable[SystemCommand]:
        if self.entry.tree is not None:
            yield SystemCommand(
                "Walk the decision tree", "One question at a time (t)", self.action_tree
            )
        if self.entry.checks:
            yield SystemCommand(
                "Run this entry's checks",
                "Against the configured Docker host (c)",
                self.action_checks,
            )
        yield SystemCommand("Links", "Links in this entry (o)", self.action_links)
        if self.entry.checks:
            yield SystemCommand(
                tr("Where checks run", self.lang),
                "Target or container for this entry's checks (p)",
                kb_app(self).action_check_settings,
            )
        yield SystemCommand(tr("Copy id", self.lang), "Copy the entry id (y)", self.action_copy_id)
        if self.entry.related:
            yield SystemCommand(
                "Related entries", "Entries linked from this one (r)", self.action_related
            )
