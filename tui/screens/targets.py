"""Targets: view and edit the Docker hosts and broker endpoints the checks use.

The settings file is read with `kb.config.load_config` and written with `kb.config.save_config`
(atomic, mode 0600); other keys in it (such as `kb_paths`) are kept. Entries are validated with
the same parser the checks use (`kb.checks.targets.parse`) plus field checks here. Credentials are
never typed in: a broker names the environment variables that hold them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, Input, Label, Select, Static
from textual.widgets.data_table import ColumnKey

from kb.checks.brokers import BROKER_PRODUCTS as BROKER_KINDS
from kb.redact import redact
from tui.i18n import tr
from tui.sanitize import one_line
from tui.shared import focus_now, kb_app
from tui.widgets.badges import status_badge
from tui.widgets.footer import KbFooter
from tui.widgets.header import KbHeader

NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$")
ENV_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
DOCKER_URL_RE = re.compile(r"^(unix|tcp|ssh|npipe|http|https)://\S+$")
HTTP_URL_RE = re.compile(r"^https?://\S+$")
NAME_W = 18  # the Name columns: room for typical names, the rest goes to URLs
PORT_KEYS = ("mqtt", "amqp", "http")

HOST_FIELDS = (
    ("name", "Name", "prod"),
    (
        "url",
        "URL (unix://, tcp://, ssh://) — or leave empty and give a context",
        "ssh://ops@prod-1",
    ),
    ("context", "Docker context name (instead of a URL)", ""),
)
BROKER_FIELDS = (
    ("name", "Name", "emqx-prod"),
    ("kind", "Kind: emqx | vernemq | mosquitto | rabbitmq", "emqx"),
    ("host", "Host", "127.0.0.1"),
    ("mqtt", "MQTT port", "1883"),
    ("amqp", "AMQP port", "5672"),
    ("http", "HTTP/management port", "18083"),
    ("api_url", "API URL", "http://127.0.0.1:18083"),
    ("username_env", "Environment variable holding the user name", "EMQX_USER"),
    ("password_env", "Environment variable holding the password", "EMQX_PASS"),
    ("docker_host", "Docker host it runs on (a name above)", "prod"),
    ("container", "Container name", "emqx"),
)


def validate_host(
    values: dict[str, str], taken: set[str], lang: str = "en"
) -> tuple[dict[str, Any] | None, list[str]]:
    """A `docker_hosts` item from form values, or the problems (one line each, with the fix), in
    `lang`."""
    problems: list[str] = []
    name = values.get("name", "").strip()
    url = values.get("url", "").strip()
    context = values.get("context", "").strip()
    if not NAME_RE.match(name):
        problems.append(tr("Name: use letters, digits, '.', '_' or '-' (up to 63)", lang))
    elif name in taken:
        problems.append(tr("Name: {name!r} is already used", lang, name=name))
    if url and context:
        problems.append(tr("Give a URL or a context, not both", lang))
    from kb.checks.targets import docker_url_problem

    if url and not DOCKER_URL_RE.match(url):
        problems.append(tr("URL: must start with unix://, tcp://, ssh:// or npipe://", lang))
    elif url and (why := docker_url_problem(url)):
        # the same words as config.yaml's problem (no port, credentials in the URL, …)
        problems.append(tr("URL: {why}", lang, why=redact(why)))
    if not url and not context:
        # an item without either is refused by the checks' parser (kb.checks.targets.parse)
        problems.append(tr("Give a URL or a context", lang))
    if context and not NAME_RE.match(context):
        problems.append(tr("Context: a Docker context name (letters, digits, '.', '_', '-')", lang))
    item: dict[str, Any] = {"name": name}
    if url:
        item["url"] = url
    if context:
        item["context"] = context
    return (None if problems else item), problems


def validate_broker(
    values: dict[str, str], taken: set[str], lang: str = "en"
) -> tuple[dict[str, Any] | None, list[str]]:
    """A `brokers` item from form values, or the problems, in `lang`."""
    problems: list[str] = []
    v = {k: (values.get(k) or "").strip() for k, _, _ in BROKER_FIELDS}
    if not NAME_RE.match(v["name"]):
        problems.append(tr("Name: use letters, digits, '.', '_' or '-' (up to 63)", lang))
    elif v["name"] in taken:
        problems.append(tr("Name: {name!r} is already used", lang, name=v["name"]))
    if v["kind"].lower() not in BROKER_KINDS:
        problems.append(tr("Kind: one of {kinds}", lang, kinds=", ".join(BROKER_KINDS)))
    if v["host"] and not re.match(r"^[A-Za-z0-9.:_\[\]-]+$", v["host"]):
        problems.append(tr("Host: a host name or IP address", lang))
    ports: dict[str, int] = {}
    for key in PORT_KEYS:
        if v[key]:
            if not v[key].isdigit() or not 0 < int(v[key]) < 65536:
                problems.append(tr("{port} port: a number from 1 to 65535", lang, port=key.upper()))
            else:
                ports[key] = int(v[key])
    if v["api_url"] and not HTTP_URL_RE.match(v["api_url"]):
        problems.append(tr("API URL: must start with http:// or https://", lang))
    for key in ("username_env", "password_env"):
        if v[key] and not ENV_RE.match(v[key]):
            problems.append(
                tr(
                    "{key}: the NAME of an environment variable (e.g. EMQX_PASS), not the secret itself",
                    lang,
                    key=key,
                )
            )
    if v["docker_host"] and not NAME_RE.match(v["docker_host"]):
        problems.append(tr("Docker host: the name of a configured Docker host", lang))
    if v["container"] and not NAME_RE.match(v["container"]):
        problems.append(tr("Container: a container name", lang))
    item: dict[str, Any] = {
        "name": v["name"],
        "kind": v["kind"].lower(),
        "host": v["host"] or "127.0.0.1",
    }
    if ports:
        item["ports"] = ports
    for key in ("api_url", "username_env", "password_env", "docker_host", "container"):
        if v[key]:
            item[key] = v[key]
    return (None if problems else item), problems


class TargetForm(ModalScreen[dict[str, Any] | None]):
    """Edit one Docker host or broker. ctrl+s saves (after validation), Esc cancels."""

    CSS_PATH = "targets.tcss"
    BINDINGS = [
        Binding("ctrl+s", "save", "Save"),
        Binding("escape", "cancel", "Cancel"),
        # priority: the next field has focus before the next key is routed (tui.shared.focus_now)
        # `name<Tab><Tab>127.0.0.1<Tab>1883` typed fast saved the host as 127.0.0.11883
        Binding("tab", "app.focus_next", show=False, priority=True),
        Binding("shift+tab", "app.focus_previous", show=False, priority=True),
    ]

    def __init__(self, what: str, item: dict[str, Any] | None, taken: set[str]) -> None:
        super().__init__()
        self.what = what  # "host" | "broker"
        self.item = item or {}
        self.taken = taken
        self.fields = HOST_FIELDS if what == "host" else BROKER_FIELDS

    def _value(self, key: str) -> str:
        if key in PORT_KEYS and self.what == "broker":
            value = (self.item.get("ports") or {}).get(key, "")
        else:
            value = self.item.get(key, "")
        return "" if value is None else str(value)

    @property
    def lang(self) -> str:
        return str(getattr(self.app, "lang", "en"))

    def compose(self) -> ComposeResult:
        lang = self.lang
        title = {
            (True, "host"): "Edit Docker host",
            (True, "broker"): "Edit broker",
            (False, "host"): "Add Docker host",
            (False, "broker"): "Add broker",
        }[(bool(self.item), self.what)]
        with Vertical(id="form"):
            yield Static(
                Text(tr(title, lang) + "   " + tr("ctrl+s: save · Esc: cancel", lang), style="bold")
            )
            with VerticalScroll(id="form-fields"):
                for key, label, placeholder in self.fields:
                    yield Label(Text(tr(label, lang)))
                    if key == "kind":
                        # a fixed set: chosen from a list, so it cannot be mistyped
                        current = self._value(key).lower()
                        yield Select(
                            [(k, k) for k in BROKER_KINDS],
                            value=current if current in BROKER_KINDS else BROKER_KINDS[0],
                            allow_blank=False,
                            id=f"f-{key}",
                        )
                    else:
                        yield Input(
                            self._value(key),
                            placeholder=tr("e.g. {example}", lang, example=placeholder)
                            if placeholder
                            else "",
                            id=f"f-{key}",
                        )
            yield Static(id="form-problems")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def _field(self, key: str) -> str:
        widget = self.query_one(f"#f-{key}")
        if isinstance(widget, Select):
            return "" if widget.value is Select.BLANK else str(widget.value)
        assert isinstance(widget, Input)
        return widget.value

    def action_save(self) -> None:
        values = {key: self._field(key) for key, _, _ in self.fields}
        check = validate_host if self.what == "host" else validate_broker
        item, problems = check(values, self.taken, self.lang)
        if problems:
            self.query_one("#form-problems", Static).update(
                Text("\n".join(problems), style="bold red")
            )
            return
        self.dismiss(item)

    def action_cancel(self) -> None:
        self.dismiss(None)


class TargetsScreen(Screen[None]):
    """Docker hosts and brokers from the settings file."""

    CSS_PATH = "targets.tcss"
    AUTO_FOCUS = "#hosts"

    BINDINGS = [
        Binding("escape,q", "back", "Back"),
        Binding("enter", "edit", "Edit"),
        Binding("h", "add_host", "Add host"),
        Binding("b", "add_broker", "Add broker"),
        Binding("delete,d", "delete", "Delete"),
        Binding("t", "test", "Test"),
        Binding("ctrl+s", "save", "Save"),
        # priority: the other table has focus before the next key (`t`, `d`) is routed
        Binding("tab", "switch_table", "Switch table", show=False, priority=True),
        Binding("j", "cursor_down", "Down", show=False),
        Binding("k", "cursor_up", "Up", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.config: dict[str, Any] = {}
        self.hosts: list[dict[str, Any]] = []
        self.brokers: list[dict[str, Any]] = []
        self.dirty = False
        self.error: str | None = None
        self.file_problems: list[str] = []  # config.yaml's problems as loaded (path:line: …)
        # the status line's message (English, with its fields) and the last test's result: kept
        # so that ctrl+l says them again in the other language
        self._extra: tuple[str, dict[str, object]] = ("", {})
        self._last_test: tuple[str, Any] | None = None

    def compose(self) -> ComposeResult:
        yield KbHeader(icon="?")
        yield Static(id="targets-status", classes="title-line")
        with Horizontal(classes="section-title"):
            yield Static(id="hosts-title")
        yield DataTable(id="hosts", cursor_type="row")
        with Horizontal(classes="section-title"):
            yield Static(id="brokers-title")
        yield DataTable(id="brokers", cursor_type="row")
        yield Static(id="targets-detail")
        yield KbFooter()

    @property
    def lang(self) -> str:
        return str(getattr(self.app, "lang", "en"))

    def on_mount(self) -> None:
        lang = self.lang
        hosts = self.query_one("#hosts", DataTable)
        hosts.add_column(tr("Name", lang), width=NAME_W, key="name")
        hosts.add_column(tr("URL / context", lang), key="url")
        brokers = self.query_one("#brokers", DataTable)
        brokers.add_column(tr("Name", lang), width=NAME_W, key="name")
        brokers.add_column(tr("Kind", lang), width=9, key="kind")
        brokers.add_column(tr("Host", lang), width=15, key="host")
        brokers.add_column(tr("Ports", lang), key="ports")
        brokers.add_column(tr("Credentials from", lang), key="creds")
        self.load()
        self._titles()
        self.watch(self.app, "lang", self._relabel, init=False)

    def _relabel(self, lang: str) -> None:
        """ctrl+l: the column heads, titles, placeholder rows, status and test result again."""
        for table_id, columns in (
            ("hosts", (("name", "Name"), ("url", "URL / context"))),
            (
                "brokers",
                (
                    ("name", "Name"),
                    ("kind", "Kind"),
                    ("host", "Host"),
                    ("ports", "Ports"),
                    ("creds", "Credentials from"),
                ),
            ),
        ):
            table = self.query_one(f"#{table_id}", DataTable)
            for key, label in columns:
                column = table.columns.get(ColumnKey(key))
                if column is not None:
                    column.label = Text(tr(label, lang))
            table.refresh()
        extra, fields = self._extra
        self._titles()
        self._fill()
        if self._last_test is not None:
            self._tested(*self._last_test)
        self._status(extra, **fields)

    def on_descendant_focus(self, event: Any) -> None:
        self._titles()

    def _titles(self) -> None:
        """The focused table's title is marked, so `t`, `Enter` and `d` are never a guess."""
        for table_id, label in (("hosts", "Docker hosts"), ("brokers", "Brokers")):
            focused = self.query_one(f"#{table_id}", DataTable).has_focus
            text = Text(
                ("▶ " if focused else "  ") + tr(label, self.lang),
                style="bold reverse" if focused else "bold",
            )
            self.query_one(f"#{table_id}-title", Static).update(text)

    def action_switch_table(self) -> None:
        hosts = self.query_one("#hosts", DataTable)
        focus_now(self.query_one("#brokers", DataTable) if self.focused is hosts else hosts)

    def _table(self) -> DataTable[Any]:
        # the focus as set (`has_focus` follows a message later: Tab then `t`, typed fast)
        hosts = self.query_one("#hosts", DataTable)
        return hosts if self.focused is hosts else self.query_one("#brokers", DataTable)

    def action_cursor_down(self) -> None:
        self._table().action_cursor_down()

    def action_cursor_up(self) -> None:
        self._table().action_cursor_up()

    def load(self) -> None:
        from kb.checks.targets import parse
        from kb.config import load_located

        self.file_problems = []
        try:
            data, located, path = load_located()
            self.config = dict(data or {})
            self.error = None
            # what the checks will not use, with its line: the same rule as `kb check --target`
            self.file_problems = [str(p) for p in parse(self.config, located, str(path))[1]]
        except Exception as exc:  # e.g. a group-readable file: show the one-line fix
            self.config = {}
            self.error = str(exc)
        self.hosts = [dict(h) for h in self.config.get("docker_hosts") or [] if isinstance(h, dict)]
        self.brokers = [dict(b) for b in self.config.get("brokers") or [] if isinstance(b, dict)]
        self.dirty = False
        self._fill()

    def _path(self) -> str:
        """The settings file; under `$KBTUI_HOME` when that override is in force."""
        import os

        from kb import paths

        path = str(paths.config_file())
        home = os.environ.get(paths.HOME_ENV)
        if home and path.startswith(home.rstrip("/") + "/"):
            return "$" + paths.HOME_ENV + path[len(home.rstrip("/")) :]
        return path

    def _fill(self) -> None:
        hosts = self.query_one("#hosts", DataTable)
        hosts.clear()
        for h in self.hosts:
            url = redact(str(h.get("url") or ""))  # a URL's password is never shown (QA)
            where = url or (
                tr("context {name}", self.lang, name=h["context"])
                if h.get("context")
                else tr("default", self.lang)
            )
            hosts.add_row(Text(one_line(h.get("name", "?"), NAME_W)), Text(one_line(where, 80)))
        if not self.hosts:
            hosts.add_row(
                Text(tr("(none)", self.lang), style="dim"),
                Text(
                    tr("DOCKER_HOST, the current context, or the local socket", self.lang),
                    style="dim",
                ),
            )
        brokers = self.query_one("#brokers", DataTable)
        brokers.clear()
        for b in self.brokers:
            ports = ", ".join(f"{k} {v}" for k, v in (b.get("ports") or {}).items())
            creds = " / ".join(x for x in (b.get("username_env"), b.get("password_env")) if x)
            brokers.add_row(
                Text(one_line(b.get("name", "?"), NAME_W)),
                Text(one_line(b.get("kind", "?"))),
                Text(one_line(b.get("host", ""))),
                Text(one_line(ports, 30)),
                Text("$" + one_line(creds, 30) if creds else "—"),
            )
        if not self.brokers:
            brokers.add_row(
                Text(tr("(none)", self.lang), style="dim"), Text(""), Text(""), Text(""), Text("")
            )
        self._status()

    def _status(self, extra: str = "", /, **fields: object) -> None:
        """The settings file and its problems, then `extra`: English, said in the language shown
        (and again after ctrl+l)."""
        self._extra = (extra, fields)
        if self.error:
            text = Text(one_line(self.error, 300), style="bold red")
        else:
            msg = self._path() + (
                tr("  — unsaved changes (ctrl+s)", self.lang) if self.dirty else ""
            )
            text = Text(one_line(msg, 300))
            if self.file_problems and not self.dirty:
                for problem in self.file_problems[:3]:
                    text.append("\n" + one_line(problem, 300), style="bold red")
                if len(self.file_problems) > 3:
                    more = len(self.file_problems) - 3
                    text.append(
                        "\n" + tr("{n} more problems: kb paths lists them", self.lang, n=more),
                        style="bold red",
                    )
        if extra:
            text.append("\n" + one_line(tr(extra, self.lang, **fields), 300))
        self.query_one("#targets-status", Static).update(text)

    # --- editing -------------------------------------------------------------------------------
    def _focused(self) -> tuple[str, int] | None:
        for what, table_id, items in (
            ("host", "#hosts", self.hosts),
            ("broker", "#brokers", self.brokers),
        ):
            table = self.query_one(table_id, DataTable)
            if (
                self.focused is table
                and items
                and table.cursor_row is not None
                and table.cursor_row < len(items)
            ):
                return what, table.cursor_row
        return None

    def _names(self, what: str, skip: int | None = None) -> set[str]:
        items = self.hosts if what == "host" else self.brokers
        return {str(x.get("name")) for i, x in enumerate(items) if i != skip}

    @on(DataTable.RowSelected)
    def _selected(self, event: DataTable.RowSelected) -> None:
        self.action_edit()

    def action_edit(self) -> None:
        found = self._focused()
        if found is None:
            return
        what, i = found
        items = self.hosts if what == "host" else self.brokers
        self.app.push_screen(
            TargetForm(what, items[i], self._names(what, skip=i)),
            lambda r: self._edited(what, i, r),
        )

    def action_add_host(self) -> None:
        self.app.push_screen(
            TargetForm("host", None, self._names("host")), lambda r: self._edited("host", None, r)
        )

    def action_add_broker(self) -> None:
        self.app.push_screen(
            TargetForm("broker", None, self._names("broker")),
            lambda r: self._edited("broker", None, r),
        )

    def _edited(self, what: str, index: int | None, item: dict[str, Any] | None) -> None:
        if item is None:
            return
        items = self.hosts if what == "host" else self.brokers
        if index is None:
            items.append(item)
        else:
            items[index] = item
        self.dirty = True
        self._fill()

    def action_delete(self) -> None:
        found = self._focused()
        if found is None:
            return
        what, i = found
        items = self.hosts if what == "host" else self.brokers
        del items[i]
        self.dirty = True
        self._fill()

    def action_save(self) -> None:
        from kb.checks.targets import parse
        from kb.config import save_config

        data = dict(self.config)
        data["docker_hosts"] = self.hosts
        data["brokers"] = self.brokers
        if not self.hosts:
            data.pop("docker_hosts")
        if not self.brokers:
            data.pop("brokers")
        _, found = parse(data)
        problems = [p.message for p in found if p.severity == "error"]
        if problems:
            self._status("Not saved: {why}", why="; ".join(problems))
            return
        try:
            path = save_config(data)
        except OSError as exc:
            self._status("Not saved: {why}", why=str(exc))
            return
        self.config = data
        self.dirty = False
        self.error = None
        self.file_problems = [str(p) for p in found]  # warnings only: errors are not saved
        self._status("Saved (mode 0600): {path}", path=str(path))
        self.notify(tr("Targets saved", self.lang), markup=False)

    # --- testing a target ----------------------------------------------------------------------
    def action_test(self) -> None:
        found = self._focused()
        if found is None:
            self._status("Select a Docker host or broker to test")
            return
        what, i = found
        item = (self.hosts if what == "host" else self.brokers)[i]
        self._status("Testing {name}…", name=str(item.get("name")))
        self.test_target(what, dict(item))

    @work(thread=True, exclusive=True, group="targets-test")
    def test_target(self, what: str, item: dict[str, Any]) -> None:
        from kb.checks.targets import parse

        svc = kb_app(self).services
        key = "docker_hosts" if what == "host" else "brokers"
        targets, problems = parse({key: [item]})
        if problems:
            why = "; ".join(p.message for p in problems)
            self.app.call_from_thread(self._status, "{why}", why=why)
            return
        target = (targets.docker_hosts or targets.brokers)[0]
        result = svc.probe_target(target)
        self.app.call_from_thread(self._tested, item.get("name", "?"), result)

    def _tested(self, name: str, result: Any) -> None:
        self._last_test = (name, result)
        text = Text(f"{one_line(name)}: ")
        text.append_text(status_badge(result.status, lang=self.lang))
        text.append(" " + one_line(result.summary_in(self.lang), 200))
        for line in list(result.evidence)[:3]:
            text.append("\n  " + one_line(line, 150))
        self.query_one("#targets-detail", Static).update(text)
        self._status()

    def action_back(self) -> None:
        if self.dirty:
            from tui.screens.confirm import ConfirmScreen

            def answered(yes: bool | None) -> None:
                if yes:
                    self.app.pop_screen()

            self.app.push_screen(
                ConfirmScreen(tr("Discard unsaved changes to the targets?", self.lang)), answered
            )
            return
        self.app.pop_screen()

    def palette_commands(self) -> Iterable[SystemCommand]:
        yield SystemCommand(
            "Add Docker host", "A Docker host for checks and doctor (h)", self.action_add_host
        )
        yield SystemCommand(
            "Add broker", "A broker endpoint for checks (b)", self.action_add_broker
        )
        yield SystemCommand(
            "Save targets", "Write the settings file, mode 0600 (ctrl+s)", self.action_save
        )
