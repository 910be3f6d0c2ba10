"""Which language to show: `--lang` first, then the locale (LC_ALL, LC_MESSAGES, LANG)."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from functools import lru_cache

from kb.words import Words as Words  # where the CLI has always imported it from

SUPPORTED = ("en", "zh")


def normalise(value: str | None) -> str | None:
    """'zh_CN.UTF-8', 'zh-Hans', '中文' -> 'zh'; 'en_US' -> 'en'; unknown or empty -> None."""
    if not value:
        return None
    v = value.strip().lower()
    if v.startswith("zh") or v in ("中文", "cn", "chinese"):
        return "zh"
    if v.startswith("en") or v in ("c", "posix", "english") or v.startswith("c."):
        return "en"
    return None


def pick_lang(explicit: str | None = None) -> str:
    """The language to show. An explicit choice wins; then the first locale variable that is set."""
    chosen = normalise(explicit)
    if chosen:
        return chosen
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(var)
        if value:
            return normalise(value) or "en"
    return "en"


#: Chinese for the words the command line prints around the entries' own text (the TUI's
#: table, tui/i18n.py, starts from these): keyed by the English text, `str.format` fields kept
ZH_WORDS: dict[str, str] = {
    "pass": "通过",
    "warn": "警告",
    "fail": "失败",
    "error": "错误",
    "skip": "跳过",
    "kb: nothing found; try other words, fewer filters, or 'kb list'": (
        "kb：没有找到；换些词语、少用筛选，或运行 'kb list'"
    ),
    "kb: no confident answer; the entries above are related reading": (
        "kb：没有把握的答案；上面的条目仅供参考"
    ),
    "kb: paste the log line or symptom, then press Ctrl-D on a new line": (
        "kb：粘贴日志行或现象描述，然后在新的一行按 Ctrl-D"
    ),
    "No entry's signature matches this log.": "没有条目的特征行与这段日志匹配。",
    "… {n} more matching lines": "… 另有 {n} 行匹配",
    "look elsewhere: {flags}": "换个位置再查：{flags}",
    "read: kb show {id}": "阅读：kb show {id}",
    " [active: sends one message]": " [主动检查：会发送一条消息]",
    "{n} check(s): {summary} in {seconds} s": "{n} 项检查：{summary}，用时 {seconds} 秒",
    "kb: doctor: interrupted; the findings above are what was found so far": (
        "kb：doctor：已中断；上面是到目前为止的发现"
    ),
    " (not all scanned)": "（未全部扫描）",
    "No known problem found so far: {containers} container(s) scanned on {hosts} host(s){partial}.": (
        "目前没有发现已知问题：已扫描 {hosts} 台主机上的 {containers} 个容器{partial}。"
    ),
    "No known problem found in {containers} container(s) on {hosts} host(s){partial}.": (
        "在 {hosts} 台主机上的 {containers} 个容器中没有发现已知问题{partial}。"
    ),
    "{n} finding(s) in {containers} container(s) on {hosts} host(s){partial}, {seconds} s": (
        "{hosts} 台主机上的 {containers} 个容器中有 {n} 项发现{partial}，用时 {seconds} 秒"
    ),
    # usage errors (kb.cli.main): the user's values and option names stay as typed
    "{prog}: {message} (see '{prog} --help')": "{prog}：{message}（参见 '{prog} --help'）",
    "kb: {message}": "kb：{message}",
    "kbtui: {message}": "kbtui：{message}",
    "kb: interrupted": "kb：已中断",
    "no entry {id!r}; did you mean: {close}": "没有条目 {id!r}；是不是要找：{close}",
    "no entry {id!r}; try 'kb search WORDS' or 'kb list'": (
        "没有条目 {id!r}；试试 'kb search WORDS' 或 'kb list'"
    ),
    "check: no entry {id!r}; did you mean {close}?": "check：没有条目 {id!r}；是不是要找 {close}？",
    "check: no entry {id!r}; see kb list": "check：没有条目 {id!r}；请看 kb list",
    "check: name an entry (kb check ID) or use --all": "check：请指定条目（kb check ID）或使用 --all",
    "{path}: {why}; give a readable log file or - for stdin": (
        "{path}：{why}；请给出可读的日志文件，或用 - 从标准输入读取"
    ),
    "{path}: no such file or folder": "{path}：没有这个文件或文件夹",
    "cannot use {path}: {why}": "无法使用 {path}：{why}",
    "--kb {path!r}: empty path; give a folder of entries (or an entry file)": (
        "--kb {path!r}：路径为空；请给出条目所在的文件夹（或一个条目文件）"
    ),
    "--kb {path}: no such folder; give a folder of entries (or an entry file)": (
        "--kb {path}：没有这个文件夹；请给出条目所在的文件夹（或一个条目文件）"
    ),
    "--kb {path}: not a folder or .md file{hint}; give a folder of entries (or an entry file)": (
        "--kb {path}：不是文件夹或 .md 文件{hint}；请给出条目所在的文件夹（或一个条目文件）"
    ),
    " (a device or named pipe?)": "（设备或命名管道？）",
    "kb: entry {id!r} could not be loaded; fix the problem above ('kb lint' lists every problem)": (
        "kb：条目 {id!r} 无法加载；请先修正上面的问题（'kb lint' 会列出所有问题）"
    ),
    # kb check and serve metrics: a check reference (kb.model.checks_named), --set, --junit
    "check: {problem}": "check：{problem}",
    "check: {problem}; did you mean {close}?": "check：{problem}；是不是要找 {close}？",
    "check: {problem}; see kb list": "check：{problem}；请看 kb list",
    "no entry {id!r}": "没有条目 {id!r}",
    "{ref!r} names no entry: write ENTRY#CHECK": "{ref!r} 没有指明条目：请写成 ENTRY#CHECK",
    "{id} has no check {check!r}; its checks: {have}": (
        "{id} 没有名为 {check!r} 的检查；它的检查有：{have}"
    ),
    "{id} has no check named after '#'; its checks: {have}": (
        "{id}：'#' 后面没有写检查名；它的检查有：{have}"
    ),
    "{id} declares no checks": "{id} 没有声明任何检查",
    "none": "无",
    "--junit {path}: is a folder; give a file name, e.g. {path}/checks.xml": (
        "--junit {path}：这是一个文件夹；请给出文件名，例如 {path}/checks.xml"
    ),
    "--junit {path}: the folder {folder} does not exist": "--junit {path}：文件夹 {folder} 不存在",
    "--junit {path}: the folder {folder} is a file, not a folder": (
        "--junit {path}：{folder} 是一个文件，不是文件夹"
    ),
    "--junit {path}: cannot write there (permission denied)": "--junit {path}：无法写入（权限不足）",
    # --target, --host (kb check, kb doctor, kb serve metrics)
    "{what}: {why}": "{what}：{why}",
    "no target named {name!r} in the config; known: {known}": (
        "配置中没有名为 {name!r} 的目标；已有：{known}"
    ),
    "target {name!r} is in the config but unusable: {why}": "目标 {name!r} 在配置中，但无法使用：{why}",
    "none configured": "无（尚未配置）",
    "{command}: --host {host!r}: {why}": "{command}：--host {host!r}：{why}",
    "{command}: --host {host!r} is neither a Docker endpoint (unix:///var/run/docker.sock, "
    "tcp://HOST:2376, ssh://USER@HOST), a Docker context nor a configured host (known: {known}; "
    "'local' is this machine's daemon)": (
        "{command}：--host {host!r} 既不是 Docker 端点（unix:///var/run/docker.sock、"
        "tcp://HOST:2376、ssh://USER@HOST），也不是 Docker context 或已配置的主机（已有：{known}；"
        "'local' 表示本机的守护进程）"
    ),
    "{command}: --host {problem}": "{command}：--host {problem}",
    # config.yaml (kb.config); `path:line:` stays as editors read it
    "{path}: readable by others (mode {mode:o}); run: chmod 600 {path}": (
        "{path}：其他用户可以读取（权限 {mode:o}）；请运行：chmod 600 {path}"
    ),
    "{path}: cannot read ({why}); check its permissions": "{path}：无法读取（{why}）；请检查它的权限",
    "{path}:{line}: {message}": "{path}:{line}：{message}",
    "{path}:1: not UTF-8 text; save it as UTF-8": "{path}:1：不是 UTF-8 文本；请另存为 UTF-8",
    "{path}:1: settings must be a YAML mapping (kb_paths: [...], ...)": (
        "{path}:1：设置必须是 YAML 映射（kb_paths: [...], ...）"
    ),
    "{path}:{line}: kb_paths must be a list of folder paths": (
        "{path}:{line}：kb_paths 必须是文件夹路径的列表"
    ),
    "{path}:{line}: kb_paths item {n} is empty; give a folder path (a relative one is read from "
    "this file's folder)": (
        "{path}:{line}：kb_paths 的第 {n} 项为空；请给出文件夹路径（相对路径从此文件所在的文件夹算起）"
    ),
    # kb export
    "export site: OUT is a folder, not '-'; give a folder, e.g. ./public": (
        "export site：OUT 是一个文件夹，不能是 '-'；请给出文件夹，例如 ./public"
    ),
    "--templates {path}: no such folder": "--templates {path}：没有这个文件夹",
    "--base-url {url}: must start with http:// or https://": (
        "--base-url {url}：必须以 http:// 或 https:// 开头"
    ),
    "--base-url {url}: a site URL has no ?query or #fragment (page paths are appended to it); "
    "use {fixed}": (
        "--base-url {url}：站点 URL 不能带 ?查询 或 #片段（页面路径会接在它后面）；请用 {fixed}"
    ),
    "--base-url {url}: not a valid URL": "--base-url {url}：不是有效的 URL",
    "--base-url {url}: names no host; e.g. https://kb.example.com/": (
        "--base-url {url}：没有主机名；例如 https://kb.example.com/"
    ),
    "--base-url {url}: the URL is published in every page and alert; leave out the user name and "
    "password": "--base-url {url}：这个 URL 会出现在每个页面和告警中；请去掉其中的用户名和密码",
    "--base-url {url}: {host!r} is not a host name or IP address": (
        "--base-url {url}：{host!r} 不是主机名或 IP 地址"
    ),
    "--base-url {url}: a URL path cannot hold {what}; percent-encode it (a space is %20, a % is "
    "%25)": "--base-url {url}：URL 路径中不能有 {what}；请做百分号编码（空格写作 %20，% 写作 %25）",
    "a % that starts no %XX escape": "不构成 %XX 转义的 %",
    "--window {window}: use a Prometheus range such as 5m, 90s or 1h": (
        "--window {window}：请使用 Prometheus 的时间范围，例如 5m、90s 或 1h"
    ),
    "{path}: exists and is not a folder; choose another output path": (
        "{path}：已存在且不是文件夹；请换一个输出路径"
    ),
    "{path}: folder is not empty and was not written by `kb export site`; choose an empty or new "
    "folder": "{path}：文件夹不为空，且不是由 `kb export site` 生成的；请选择一个空文件夹或新文件夹",
    "the search index needs Pagefind, which is not installed: pip install 'pagefind[bin]' (or "
    "export with --no-search)": (
        "搜索索引需要 Pagefind，但它没有安装：pip install 'pagefind[bin]'（或用 --no-search 导出）"
    ),
    "the pagefind binary is missing: pip install 'pagefind[bin]' (or export with --no-search)": (
        "缺少 pagefind 可执行文件：pip install 'pagefind[bin]'（或用 --no-search 导出）"
    ),
    "pagefind binary not found: pip install 'pagefind[bin]' (or use --no-search)": (
        "找不到 pagefind 可执行文件：pip install 'pagefind[bin]'（或使用 --no-search）"
    ),
    "kb: wrote {pages} pages for {entries} entries to {path} in {seconds:.1f}s": (
        "kb：已为 {entries} 个条目生成 {pages} 个页面，写入 {path}，用时 {seconds:.1f} 秒"
    ),
    "kb: no sitemap.xml: it needs absolute URLs; pass --base-url URL": (
        "kb：没有生成 sitemap.xml：它需要绝对 URL；请加上 --base-url URL"
    ),
    "kb: {n} signature(s) have no exact JavaScript form and are not matched on the site; `kb lint` "
    "lists them": "kb：有 {n} 条特征行没有等价的 JavaScript 写法，站点上不会匹配；`kb lint` 会列出它们",
    "kb: wrote {path}: {entries} entries, {signatures} signatures{left_out}": (
        "kb：已写入 {path}：{entries} 个条目，{signatures} 条特征行{left_out}"
    ),
    ", {n} left out (above)": "，{n} 条未收录（见上）",
    "kb: wrote {path}: {n} alerts": "kb：已写入 {path}：{n} 条告警",
    # kb serve metrics
    "--listen {value}: use ADDR:PORT, e.g. 127.0.0.1:9817": (
        "--listen {value}：请写成 地址:端口，例如 127.0.0.1:9817"
    ),
    "--listen {host}:{port}: {why}": "--listen {host}:{port}：{why}",
    "--timeout: give 0 < SECONDS <= 600": "--timeout：请给出 0 < 秒数 <= 600",
    "--interval must be at least --timeout (a round must end before the next)": (
        "--interval 不能小于 --timeout（一轮检查必须在下一轮开始前结束）"
    ),
    "serve metrics: none of the --check references can run (above)": (
        "serve metrics：所有 --check 引用都无法运行（见上）"
    ),
    "serve metrics: {problem}": "serve metrics：{problem}",
    "--check {ref}: {problem}": "--check {ref}：{problem}",
    "--check {ref}: {kind} sends messages; left out (--allow-active runs it)": (
        "--check {ref}：{kind} 会发送消息，已略过（加 --allow-active 才会运行）"
    ),
    "kb: serving metrics at {url}": "kb：指标服务地址 {url}",
    "Address already in use": "地址已被占用",
    "Cannot assign requested address": "无法绑定所请求的地址",
    # kb lint, kb diagnose, kb search
    "{path}: not a folder or .md file; give a folder of entries (or an entry file)": (
        "{path}：不是文件夹或 .md 文件；请给出条目所在的文件夹（或一个条目文件）"
    ),
    "{name}: not text (binary data); give a log file or - for stdin": (
        "{name}：不是文本（二进制数据）；请给出日志文件，或用 - 从标准输入读取"
    ),
    "diagnose: no input; pipe a log in (docker logs NAME 2>&1 | kb diagnose -) or give FILE": (
        "diagnose：没有输入；请用管道传入日志（docker logs NAME 2>&1 | kb diagnose -）或给出 FILE"
    ),
    "the input is not text (binary data); pipe a log, e.g. docker logs NAME 2>&1 | kb search -": (
        "输入不是文本（二进制数据）；请用管道传入日志，例如 docker logs NAME 2>&1 | kb search -"
    ),
    "empty query; type some words or pipe a log into 'kb search -'": (
        "查询为空；请输入一些词语，或把日志通过管道传给 'kb search -'"
    ),
    "--limit must be at least 1": "--limit 至少为 1",
    "no {option} {value!r} in this knowledge base; known: {shown}": (
        "知识库中没有 {option} {value!r}；已有：{shown}"
    ),
    "name a shell: kb completion bash|zsh|fish": "请指定 shell：kb completion bash|zsh|fish",
    "{text!r} is not a number of seconds": "{text!r} 不是秒数",
    "must be between {low:g} and {high:g} seconds": "必须在 {low:g} 到 {high:g} 秒之间",
    # an OS error's reason (strerror, English in kb's C message locale), given as Words
    "No such file or directory": "没有这个文件或文件夹",
    "Permission denied": "权限不足",
    "Is a directory": "这是一个文件夹",
    "Not a directory": "路径中有一项不是文件夹",
    "Read-only file system": "只读文件系统",
    "No space left on device": "设备上没有剩余空间",
    "it is a file, not a folder": "这是一个文件，不是文件夹",
    "a symbolic link to nothing is where a folder must be": "应是文件夹的位置上是一个失效的符号链接",
}

#: argparse's own words (`usage: `, the section headings, its error messages) in Chinese, keyed
#: by argparse's gettext message ids (kb.cli.parser_words answers argparse's gettext calls from
#: here); `%` fields kept: the user's values and option names stay as typed
ARGPARSE_ZH: dict[str, str] = {
    "usage: ": "用法：",
    "positional arguments": "位置参数",
    "options": "选项",
    "show this help message and exit": "显示此帮助信息并退出",
    "argument %(argument_name)s: %(message)s": "参数 %(argument_name)s：%(message)s",
    "unrecognized arguments: %s": "无法识别的参数：%s",
    "the following arguments are required: %s": "缺少必需的参数：%s",
    "invalid choice: %(value)r (choose from %(choices)s)": "无效的选择：%(value)r（可选：%(choices)s）",
    "invalid %(type)s value: %(value)r": "无效的 %(type)s 值：%(value)r",
    "expected one argument": "需要一个值",
    "expected at most one argument": "最多接受一个值",
    "expected at least one argument": "至少需要一个值",
    "expected %s argument": "需要 %s 个值",
    "ambiguous option: %(option)s could match %(matches)s": "有歧义的选项：%(option)s 可匹配 %(matches)s",
    "not allowed with argument %s": "不能与参数 %s 同时使用",
    "one of the arguments %s is required": "参数 %s 中必须给出一个",
    "ignored explicit argument %r": "多余的参数值 %r",
    "can't open '%(filename)s': %(error)s": "无法打开 '%(filename)s'：%(error)s",
    # argparse's own one-line error (kbtui; kb words its own, see kb.cli.main._Parser)
    "%(prog)s: error: %(message)s\n": "%(prog)s：错误：%(message)s\n",
}


#: `--help` in Chinese (kb.cli.helpformat): each help string, command summary and prose paragraph
#: of a description or epilog, keyed by the English; option names, metavars, commands and the
#: example lines stay as written. tests/test_cli_lang.py fails for a help text without its Chinese
HELP_ZH: dict[str, str] = {
    # kb, and the options every command takes
    "Troubleshooting knowledge base for Docker hosts and MQTT/AMQP brokers.": (
        "面向 Docker 主机和 MQTT/AMQP 消息代理的故障排查知识库。"
    ),
    "Examples:": "示例：",
    "Example:": "示例：",
    "Exit codes: 0 found / all checks pass; 1 nothing found / a check failed or warned / lint "
    "errors; 2 usage or data error; 3 a check could not run; 70 internal error (a bug: please "
    "report it with the --debug traceback); 130 interrupted.": (
        "退出码：0 找到结果 / 检查全部通过；1 没有找到 / 有检查失败或警告 / lint 发现错误；"
        "2 用法或数据错误；3 有检查无法运行；70 内部错误（这是 bug：请附上 --debug 的回溯信息报告）；"
        "130 已中断。"
    ),
    "add a knowledge-base folder (repeatable; overrides entries with the same id)": (
        "添加一个知识库文件夹（可重复；覆盖 id 相同的条目）"
    ),
    "language to show (default: from the locale)": "显示的语言（默认：取自系统区域设置）",
    "show tracebacks on errors": "出错时显示回溯信息",
    "show the version and exit": "显示版本号并退出",
    # the commands, as `kb --help` lists them
    "search symptoms, questions or pasted log lines": "搜索现象、问题或粘贴的日志行",
    "show an entry": "显示一个条目",
    "list entries": "列出条目",
    "validate entries and list every problem": "校验条目并列出所有问题",
    "update or rebuild the search index": "更新或重建搜索索引",
    "run an entry's live checks": "运行条目的在线检查",
    "scan Docker hosts for known problems": "扫描 Docker 主机，查找已知问题",
    "match a log against every entry's signatures": "用所有条目的特征行匹配一段日志",
    "export the knowledge base (static site, mtail program, Prometheus alerts)": (
        "导出知识库（静态站点、mtail 程序、Prometheus 告警）"
    ),
    "serve check and doctor results as Prometheus metrics": (
        "把 check 和 doctor 的结果作为 Prometheus 指标提供"
    ),
    "show config, cache and KB folders": "显示配置、缓存和知识库所在的文件夹",
    "print a shell completion script": "输出 shell 补全脚本",
    # kb search, kb list
    "Search the knowledge base in English or Chinese. Paste a log line as the query, or pass '-' "
    "to read it from standard input. Results are either a best match (a confident answer) or "
    "related reading. Exit 0 when a confident answer exists, 1 when not (related results are "
    "still shown), 2 on usage errors.": (
        "用英文或中文搜索知识库。可以把日志行粘贴为查询，或用 '-' 从标准输入读取。结果要么是最佳匹配"
        "（有把握的答案），要么是相关参考。有把握的答案时退出码为 0，没有时为 1（仍会显示相关结果），"
        "用法错误为 2。"
    ),
    "words, a phrase, a log line, or '-' for stdin": "词语、短语、日志行，或用 '-' 从标准输入读取",
    "only entries about this product (repeatable)": "只要关于这个产品的条目（可重复）",
    "only entries with this tag (repeatable)": "只要带这个标签的条目（可重复）",
    "only this kind (repeatable)": "只要这一类条目（可重复）",
    "how many results (default 10)": "结果数量（默认 10）",
    "print a JSON array of results": "以 JSON 数组输出结果",
    "List entries by id. Exit 0 when any entry matches the filters, 1 when none does.": (
        "按 id 列出条目。有条目符合筛选条件时退出码为 0，没有时为 1。"
    ),
    "print a JSON array": "以 JSON 数组输出",
    "print ids only, one per line": "只输出 id，每行一个",
    # kb show
    "Render an entry in the terminal. Exit 0 when shown, 1 when there is no such entry.": (
        "在终端中显示一个条目。显示成功时退出码为 0，没有这个条目时为 1。"
    ),
    "entry id (see 'kb list'; shell completion knows them)": (
        "条目 id（见 'kb list'；shell 补全也能列出）"
    ),
    "print the source file as it is": "原样输出源文件",
    "every front-matter field, the body and the languages": "输出所有 front-matter 字段、正文和语言",
    # kb lint, kb index
    "Validate entries (front-matter, regexes, checks, trees, links). With PATHS, lint those files "
    "or folders, resolving links against the whole KB. Exit 0 when clean, 1 when there are errors "
    "(or warnings with --strict), 2 on usage errors.": (
        "校验条目（front-matter、正则表达式、检查、排查树、链接）。给出 PATH 时只检查这些文件或"
        "文件夹，链接仍按整个知识库解析。没有问题时退出码为 0，有错误（加 --strict 时包括警告）时"
        "为 1，用法错误为 2。"
    ),
    "files or folders to lint (default: every KB source)": "要检查的文件或文件夹（默认：所有知识库来源）",
    "treat warnings as errors": "把警告当作错误",
    "print problems as JSON": "以 JSON 输出问题",
    "Update the search index incrementally (kb search does this too), or rebuild it from "
    "scratch. The previous index keeps answering until the new one is complete. Exit 0 on "
    "success, 2 when the index is busy or its folder cannot be written (disk full, read-only). A "
    "KB file or folder that cannot be read is a problem of its own, listed on stderr, and the "
    "rest is indexed (exit 0); kb lint fails on it.": (
        "增量更新搜索索引（kb search 也会这样做），或从头重建。新索引完成之前，旧索引照常提供搜索。"
        "成功时退出码为 0；索引正忙或其文件夹无法写入（磁盘已满、只读）时为 2。无法读取的知识库"
        "文件或文件夹单独作为问题列在 stderr 上，其余照常索引（退出码 0）；kb lint 会因此失败。"
    ),
    "throw the index away and build it again": "丢弃现有索引并重新构建",
    "also encode every entry's sentence vectors now (the bundled KB's ship with kbtui; your own "
    "entries are otherwise encoded as searches meet them)": (
        "同时立即为所有条目计算句向量（自带知识库的向量随 kbtui 提供；你自己的条目否则会在搜索"
        "用到时才计算）"
    ),
    "print what was done as JSON": "以 JSON 输出所做的工作",
    # kb check
    "Run the live checks of an entry (or one check: ID#CHECK) against the Docker host and "
    "brokers. Exit 0 when all pass, 1 when one fails or warns, 3 when one could not run.": (
        "对 Docker 主机和消息代理运行条目的在线检查（或其中一项：ID#CHECK）。全部通过时退出码为 0，"
        "有检查失败或警告时为 1，有检查无法运行时为 3。"
    ),
    "entry id, or ID#CHECK for one check": "条目 id，或用 ID#CHECK 指定其中一项检查",
    "run the checks of every entry": "运行所有条目的检查",
    "a broker or Docker host from the config": "配置中的一个消息代理或 Docker 主机",
    "override a check parameter (value read as YAML: 3, true, [0, 1]); repeatable": (
        "覆盖一个检查参数（值按 YAML 解析：3、true、[0, 1]）；可重复"
    ),
    "print the results as JSON": "以 JSON 输出结果",
    "also write the results as JUnit XML": "同时把结果写成 JUnit XML",
    # kb doctor
    "Scan every container of each Docker host (concurrently): unexpected exits, OOM kills, "
    "restart loops, unhealthy containers, recent logs against every entry's signatures, and the "
    "container checks of recognised broker containers. Read-only. The whole scan ends by "
    "--timeout and each container's part (its log stream included) by --container-timeout; "
    "Ctrl-C stops it within a second and prints what was found so far. A host that could not be "
    "scanned fully is reported as not ok. Exit 0 when nothing was found, 1 when something was, 3 "
    "when a host could not be scanned (or only partly), 130 when interrupted.": (
        "并发扫描每台 Docker 主机上的所有容器：意外退出、OOM 终止、重启循环、不健康的容器、"
        "用所有条目的特征行匹配最近的日志，并对识别出的消息代理容器运行容器检查。只读。整个扫描在"
        " --timeout 内结束，每个容器的部分（包括读取其日志流）在 --container-timeout 内结束；"
        "按 Ctrl-C 会在一秒内停止并输出目前的发现。未能完整扫描的主机报告为异常。什么也没发现时"
        "退出码为 0，有发现时为 1，有主机无法扫描（或只扫描了一部分）时为 3，被中断时为 130。"
    ),
    "Docker host URL or configured name (repeatable; default: configured hosts, else DOCKER_HOST "
    "/ the current context / the local socket)": (
        "Docker 主机 URL 或配置中的名称（可重复；默认：已配置的主机，否则依次用 DOCKER_HOST / "
        "当前 context / 本机套接字）"
    ),
    "deadline for the whole scan (default 60)": "整个扫描的时限（默认 60）",
    "deadline for each container, its log stream included (default 10)": (
        "每个容器的时限，包括读取其日志流（默认 10）"
    ),
    "deadline for each host (hosts are scanned concurrently; default: --timeout)": (
        "每台主机的时限（各主机并发扫描；默认：--timeout）"
    ),
    "print {findings, hosts, duration, interrupted}": (
        "输出 {findings, hosts, duration, interrupted}"
    ),
    # kb diagnose
    "Match a log file (or stdin) against the signatures of every entry and print the entries it "
    "points to with the matching lines. Large files stream in bounded memory. Exit 0 when "
    "something matched, 1 when nothing did.": (
        "用所有条目的特征行匹配一个日志文件（或标准输入），输出它指向的条目和匹配的行。大文件按流"
        "读取，内存占用有上限。有匹配时退出码为 0，没有时为 1。"
    ),
    "log file, or - for stdin (default)": "日志文件，或用 - 从标准输入读取（默认）",
    "print a list of {id, title, lines}": "输出 {id, title, lines} 的列表",
    # kb export
    "Export the knowledge base in another form.": "把知识库导出为其他形式。",
    "a self-contained static website with client-side search": "自包含的静态网站，带浏览器端搜索",
    "an mtail program counting each entry's signature matches in log files": (
        "一个 mtail 程序，统计日志文件中每个条目的特征行匹配次数"
    ),
    "Prometheus alert rules, one per entry with signatures": (
        "Prometheus 告警规则，每个有特征行的条目一条"
    ),
    "Write the knowledge base as a static website into OUT: one page per entry and language, "
    "product and tag pages, triage trees that work without JavaScript, and a Pagefind search "
    "index. OUT is replaced atomically; a non-empty folder that was not written by this command "
    "is refused.": (
        "把知识库写成静态网站，放到 OUT：每个条目每种语言一页，另有产品页、标签页、无需 JavaScript"
        " 的排查树，以及 Pagefind 搜索索引。OUT 会被原子地替换；不是由本命令生成的非空文件夹会被拒绝。"
    ),
    "output folder": "输出文件夹",
    "public URL of the site: sitemap.xml (written only with it), canonical links": (
        "站点的公开 URL：用于 sitemap.xml（只有给出它才会生成）和 canonical 链接"
    ),
    "folder whose templates and static/ files override the packaged ones (default: the user "
    "templates folder, see `kb paths`)": (
        "其中的模板和 static/ 文件会覆盖自带的文件（默认：用户模板文件夹，见 `kb paths`）"
    ),
    "language to export (repeatable; default: en and zh)": "要导出的语言（可重复；默认：en 和 zh）",
    "skip the Pagefind search index": "不生成 Pagefind 搜索索引",
    "print a summary as JSON": "以 JSON 输出摘要",
    "Write DIR/kbtui.mtail: an mtail program that counts, per entry, the log lines matching its "
    "signatures (kb_signature_matches_total{entry=...}), for Docker json-file logs and plain log "
    "files alike. A signature that cannot be written exactly in mtail's dialect is reported "
    "(file:line) and left out, never changed.": (
        "写出 DIR/kbtui.mtail：一个 mtail 程序，按条目统计与其特征行匹配的日志行"
        "（kb_signature_matches_total{entry=...}），Docker json-file 日志和普通日志文件都适用。无法用"
        " mtail 的正则方言原样写出的特征行会被报告（文件:行）并略过，绝不改写。"
    ),
    "folder for kbtui.mtail (created; '-': stdout)": "kbtui.mtail 所在的文件夹（会自动创建；'-'：标准输出）",
    "exit 1 when any signature had to be left out": "有特征行被略过时以 1 退出",
    "Write a Prometheus rule file: one alert (KbKnownProblem) per entry with signatures, firing "
    "while the entry's mtail counter goes up, labelled entry/product/severity, with the entry's "
    "title and summary and a runbook_url to its page on the site exported with the same "
    "--base-url.": (
        "写出 Prometheus 规则文件：每个有特征行的条目一条告警（KbKnownProblem），在该条目的 mtail "
        "计数器上升时触发，带 entry/product/severity 标签、条目的标题和摘要，以及指向用同一 "
        "--base-url 导出的站点上该条目页面的 runbook_url。"
    ),
    "rule file to write ('-': stdout)": "要写入的规则文件（'-'：标准输出）",
    "public URL of the exported site (runbook links point to its entry pages)": (
        "导出站点的公开 URL（runbook 链接指向其中的条目页面）"
    ),
    "how long an alert keeps firing after the last matching line (default: 10m)": (
        "最后一行匹配之后告警持续触发多久（默认：10m）"
    ),
    # kb serve
    "Long-running services. `kb serve metrics` runs chosen entries' checks and kb doctor on an "
    "interval, each round under a deadline, and serves the last results at /metrics in "
    "Prometheus' text format (read-only, like every check).": (
        "长期运行的服务。`kb serve metrics` 定期运行所选条目的检查和 kb doctor，每轮都有时限，"
        "并在 /metrics 以 Prometheus 文本格式提供最近一轮的结果（与所有检查一样只读）。"
    ),
    "kb_check_status / kb_doctor_finding for Prometheus to scrape": (
        "供 Prometheus 抓取的 kb_check_status / kb_doctor_finding"
    ),
    "Every --interval seconds, run the checks named by --check (ENTRY for all of its checks, "
    "ENTRY#CHECK for one) and a kb doctor scan of --host (default: the local Docker host), all "
    "within --timeout, and serve the results at http://LISTEN/metrics: "
    "kb_check_status{entry,check,kind,host} (0 pass, 1 warn, 2 fail, 3 error, 4 skip), "
    "kb_doctor_finding{entry,container,host,kind,status}, kb_doctor_host_ok{host} and "
    "kb_refresh_complete. Checks that send messages are left out unless --allow-active. With "
    "--once, print one round to stdout and exit (for node_exporter's textfile collector).": (
        "每隔 --interval 秒，运行 --check 指定的检查（ENTRY 表示它的全部检查，ENTRY#CHECK 表示其中"
        "一项），并对 --host 做一次 kb doctor 扫描（默认：本机的 Docker 主机），全部在 --timeout "
        "内完成，结果在 http://LISTEN/metrics 提供：kb_check_status{entry,check,kind,host}（0 通过、"
        "1 警告、2 失败、3 错误、4 跳过）、kb_doctor_finding{entry,container,host,kind,status}、"
        "kb_doctor_host_ok{host} 和 kb_refresh_complete。会发送消息的检查除非加 --allow-active "
        "否则略过。加 --once 时只把一轮结果输出到标准输出后退出（供 node_exporter 的 textfile "
        "collector 使用）。"
    ),
    "ENTRY or ENTRY#CHECK; repeatable": "ENTRY 或 ENTRY#CHECK；可重复",
    "override a check parameter for every --check (as in kb check); repeatable": (
        "为每个 --check 覆盖一个检查参数（同 kb check）；可重复"
    ),
    "Docker host for doctor and docker.* checks; repeatable: each is scanned and each docker.* "
    "check runs on each, one series per host (default: the local one)": (
        "doctor 和 docker.* 检查所用的 Docker 主机；可重复：每台都会扫描，每项 docker.* 检查在每台"
        "上运行，每台主机一个时间序列（默认：本机）"
    ),
    "do not run kb doctor each round": "每轮不运行 kb doctor",
    "also run checks that send messages": "也运行会发送消息的检查",
    "default 127.0.0.1:9817": "默认 127.0.0.1:9817",
    "default 60": "默认 60",
    "deadline of one round (default 30)": "每轮的时限（默认 30）",
    "print one round and exit": "输出一轮结果后退出",
    # kb paths, kb completion
    "Show where kbtui reads and writes files. KBTUI_HOME moves config, cache and data under one "
    "folder.": (
        "显示 kbtui 在哪里读写文件。设置 KBTUI_HOME 可把配置、缓存和数据都放到同一个文件夹下。"
    ),
    "print as JSON": "以 JSON 输出",
    'Print a completion script. bash: eval "$(kb completion bash)"; zsh: eval "$(kb completion '
    'zsh)"; fish: kb completion fish | source': (
        '输出补全脚本。bash：eval "$(kb completion bash)"；zsh：eval "$(kb completion zsh)"；'
        "fish：kb completion fish | source"
    ),
}


def translated(zh: Mapping[str, str], text: str, lang: str, fields: Mapping[str, object]) -> str:
    """`text` in `lang` from a table keyed by the English (English when the table has no
    translation), with its `{fields}` filled in: the rule of `say` and of the TUI's `tr`. `text`
    may be Words kb handed back (`kb.model.checks_named`'s why): its own template and fields."""
    if isinstance(text, Words) and not fields:
        fields = text.fields
        text = text.template
    if lang != "zh":
        return text.format(**fields) if fields else text
    fields = {
        k: translated(zh, v.template, lang, v.fields) if isinstance(v, Words) else v
        for k, v in fields.items()
    }
    out = zh.get(text, text)
    return out.format(**fields) if fields else out


def say(text: str, lang: str, /, **fields: object) -> str:
    """The command line's words (`ZH_WORDS`) in `lang`, with their `{fields}` filled in."""
    return translated(ZH_WORDS, text, lang, fields)


def status_label(status: str, lang: str) -> str:
    """A check status as a 5-column label: `PASS `, `FAIL `; `通过 ` in Chinese (2 wide chars)."""
    return say(status, lang) + " " if lang == "zh" else status.upper().ljust(5)


# The labels of a doctor finding's evidence (kb.checks.container.ContainerState.evidence,
# health_lines, kb.checks.doctor._distinct_lines) in Chinese; what follows a label (a status,
# a time, a daemon's or a log's own words) stays as written. `--json` keeps the English lines.
EVIDENCE_LABELS_ZH = {
    "status": "状态",
    "exit code": "退出码",
    "restart count": "重启次数",
    "paused": "已暂停",
    "health": "健康状态",
    "image": "镜像",
    "started": "启动时间",
    "finished": "结束时间",
    "error": "错误",
}


@lru_cache(maxsize=1)
def _evidence_patterns() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    """A log line, a health probe and a failing streak (compiled on first use: every `kb`
    start imports this module)."""
    return (
        re.compile(r"(log|health check) line (\d+): "),
        re.compile(r"health check: exit (-?\d+|None), (.*?)(?: \((\d+) times\))?$", re.S),
        re.compile(r"failing streak: (\d+) probes in a row$"),
    )


def evidence_in(line: str, lang: str) -> str:
    """A doctor finding's evidence line with its label in `lang` (`status: exited` ->
    `状态：exited`, `log line 3: …` -> `日志第 3 行：…`); unknown lines unchanged."""
    if lang != "zh":
        return line
    log_line, probe, streak = _evidence_patterns()
    if m := log_line.match(line):
        where = "日志" if m[1] == "log" else "健康检查输出"
        return f"{where}第 {m[2]} 行：{line[m.end() :]}"
    if m := probe.match(line):
        times = f"（{m[3]} 次）" if m[3] else ""
        output = "无输出" if m[2] == "no output" else m[2]
        return f"健康检查：退出码 {m[1]}，{output}{times}"
    if m := streak.match(line):
        return f"健康检查连续失败 {m[1]} 次"
    label, sep, rest = line.partition(": ")
    if sep and label in EVIDENCE_LABELS_ZH:
        return f"{EVIDENCE_LABELS_ZH[label]}：{rest}"
    return line


def versions_line(notes: list[tuple[str, str, str]], lang: str) -> str:
    """An entry's version notes on one line (`kb show`, the TUI): `product note` pairs, apart by
    `; ` (the notes hold commas), `；` in Chinese."""
    return ("；" if lang == "zh" else "; ").join(f"{k} {v}" for k, v, *_ in notes)
