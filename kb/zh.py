"""kb's own words in Chinese, as data: the command line's words (`ZH_WORDS`), argparse's
(`ARGPARSE_ZH`) and `--help`'s (`HELP_ZH`), each keyed by the English. Read only when Chinese is
shown: kb.i18n loads this module on first use, so an English command does not pay for it."""

from __future__ import annotations

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
    # kb lint: the problems of entry files (kb.validate, kb.loader, kb.frontmatter, kb.safeyaml,
    # kb.checks.registry); `path:line:` and the user's ids, keys and patterns stay as typed
    "{path}:{line}: {severity}: {message}": "{path}:{line}：{severity}：{message}",
    "warning": "警告",
    "{n} entry": "{n} 个条目",
    "{n} entries": "{n} 个条目",
    "{n} error": "{n} 个错误",
    "{n} errors": "{n} 个错误",
    "{n} warning": "{n} 个警告",
    "{n} warnings": "{n} 个警告",
    "{entries} checked: {errors}, {warnings}": "已检查 {entries}：{errors}，{warnings}",
    # an index folder that cannot be written (indexer.store.IndexUnwritable, indexer.update)
    "kb: warning: {message}": "kb：警告：{message}",
    "cannot write the search index in {folder} ({reason}); {fix}": (
        "无法写入 {folder} 中的搜索索引（{reason}）；{fix}"
    ),
    "cannot update the search index in {folder} ({reason}); {stale}; {fix}": (
        "无法更新 {folder} 中的搜索索引（{reason}）；{stale}；{fix}"
    ),
    "cannot write the search index in {folder} ({reason}); searching an index built in "
    "memory for this run; {fix}": (
        "无法写入 {folder} 中的搜索索引（{reason}）；本次在内存中建立索引进行搜索；{fix}"
    ),
    "free space there": "请在那里腾出空间",
    "make it writable": "请让它可写",
    "{first} or set {hint} to a writable folder": "{first}，或把 {hint} 设为一个可写的文件夹",
    "its results are complete": "结果是完整的",
    "results may miss recent changes to the KB files": "结果可能缺少知识库文件最近的改动",
    "results may miss 1 changed entry": "结果可能缺少 1 个改动过的条目",
    "results may miss {n} changed entries": "结果可能缺少 {n} 个改动过的条目",
    "kb: warning: {n} more problems; run 'kb lint' for all": (
        "kb：警告：另有 {n} 个问题；运行 'kb lint' 查看全部"
    ),
    "a string": "字符串",
    "a list": "列表",
    "a mapping (key: value)": "映射（key: value）",
    "a boolean": "布尔值",
    "a number": "数字",
    "an integer": "整数",
    "true/false": "true/false",
    "null": "null",
    "a date": "日期",
    "slug": "slug",
    "product": "产品名",
    "tag": "标签",
    "entry id": "条目 id",
    "{a} or {b}": "{a} 或 {b}",
    "missing required field {field!r}; add it": "缺少必填字段 {field!r}；请补上",
    "{field!r} has no value; write it after the colon": "{field!r} 没有值；请写在冒号后面",
    "{field!r} is empty; write something": "{field!r} 为空；请填写内容",
    "{field!r} must be a list; write it as [{value}] or one '- item' per line": (
        "{field!r} 必须是列表；请写成 [{value}]，或每行一个 '- item'"
    ),
    "{field} item {item!r} is not a valid {what} (lowercase letters, digits, '-')": (
        "{field} 中的 {item!r} 不是有效的{what}（只能用小写字母、数字和 '-'）"
    ),
    "{field} names {item!r} twice; keep one": "{field} 中 {item!r} 出现了两次；请只保留一个",
    '{field!r} must be {expected}, but YAML read {raw} as {read_as}; quote it: "{raw}"': (
        '{field!r} 必须是{expected}，但 YAML 把 {raw} 读成了{read_as}；请加引号："{raw}"'
    ),
    "{field!r} must be {expected}, not {type}": "{field!r} 必须是{expected}，而不是 {type}",
    "unknown field {key!r}; allowed: {allowed}": "未知字段 {key!r}；允许的字段：{allowed}",
    "missing required field 'updated'; add updated: YYYY-MM-DD": (
        "缺少必填字段 'updated'；请加上 updated: YYYY-MM-DD"
    ),
    "'updated' must be a date YYYY-MM-DD, got {value!r}": (
        "'updated' 必须是 YYYY-MM-DD 格式的日期，当前为 {value!r}"
    ),
    "unknown key {key!r} in a signature; use 'pattern' and 'primary'": (
        "特征行中有未知的键 {key!r}；只能用 'pattern' 和 'primary'"
    ),
    "'primary' must be true or false": "'primary' 必须是 true 或 false",
    "signature longer than {max} characters; shorten it": "特征行超过 {max} 个字符；请缩短",
    "signature does not compile under RE2 ({err}){hint}": "特征行无法按 RE2 编译（{err}）{hint}",
    "; RE2 has no lookaround or backreferences": "；RE2 不支持环视（lookaround）和反向引用",
    "; fix it": "；请修正",
    "signature {pattern!r} matches the empty string, so it matches every log line; make it "
    "require the text of the log line": (
        "特征行 {pattern!r} 能匹配空字符串，因此会匹配每一行日志；请让它必须匹配日志行中的文字"
    ),
    "check id {id!r} must be a slug (lowercase letters, digits, '-')": (
        "检查 id {id!r} 必须是 slug（只能用小写字母、数字和 '-'）"
    ),
    "duplicate check id {id!r}; check ids are unique within an entry": (
        "检查 id {id!r} 重复；同一条目内的检查 id 必须唯一"
    ),
    "pattern does not compile under RE2 ({err}); RE2 has no lookaround or backreferences": (
        "pattern 无法按 RE2 编译（{err}）；RE2 不支持环视（lookaround）和反向引用"
    ),
    "on_fail must be 'fail' or 'warn'": "on_fail 必须是 'fail' 或 'warn'",
    "timeout must be a number of seconds in (0, {max:g}]": "timeout 必须是 (0, {max:g}] 范围内的秒数",
    "tree has no nodes; add tree.nodes": "排查树没有节点；请添加 tree.nodes",
    "node {node!r} must have exactly one of 'question' or 'conclusion'": (
        "节点 {node!r} 必须有且只有 'question' 和 'conclusion' 之一"
    ),
    "node {node!r} names check {check!r}, which this entry does not declare": (
        "节点 {node!r} 引用了检查 {check!r}，但本条目没有声明它"
    ),
    "'when' status {status!r} is not one of {statuses}": (
        "'when' 中的状态 {status!r} 不在 {statuses} 之中"
    ),
    "status {status!r} already selects option {n}; use it once per node": (
        "状态 {status!r} 已经用于选择第 {n} 个选项；每个节点中只能用一次"
    ),
    "question node {node!r} needs at least two options": "问题节点 {node!r} 至少需要两个选项",
    "conclusion node {node!r} cannot have options": "结论节点 {node!r} 不能有选项",
    "tree start {start!r} is not a node; use one of: {nodes}": (
        "排查树的起点 {start!r} 不是节点；请使用其中之一：{nodes}"
    ),
    "option goes to {goto!r}, which is not a node of this tree": (
        "选项指向 {goto!r}，但它不是这棵排查树的节点"
    ),
    "node {node!r} cannot be reached from start {start!r}; link to it or remove it": (
        "从起点 {start!r} 无法到达节点 {node!r}；请链接到它，或删除它"
    ),
    "from node {node!r} no path ends in a conclusion (a loop?); add an exit": (
        "从节点 {node!r} 出发没有任何路径能到达结论（存在循环？）；请添加出口"
    ),
    "front-matter must be a YAML mapping of fields (id: ..., kind: ..., ...)": (
        "front-matter 必须是由字段组成的 YAML 映射（id: ..., kind: ..., ...）"
    ),
    "front-matter must be a YAML mapping of fields": "front-matter 必须是由字段组成的 YAML 映射",
    "id {id!r} does not match the file name {file!r}; rename the file or fix the id": (
        "id {id!r} 与文件名 {file!r} 不一致；请重命名文件或修改 id"
    ),
    "id {id!r} does not match the file name {file!r}": "id {id!r} 与文件名 {file!r} 不一致",
    "id {id!r} must be a slug: lowercase letters, digits and '-', 2-81 characters": (
        "id {id!r} 必须是 slug：由小写字母、数字和 '-' 组成，长 2-81 个字符"
    ),
    "an English entry file has lang 'en' (or none); name translations <id>.{lang}.md": (
        "英文条目文件的 lang 应为 'en'（或不写）；译文请命名为 <id>.{lang}.md"
    ),
    "kind {kind!r} is not one of {kinds}": "kind {kind!r} 不在 {kinds} 之中",
    "title is longer than 160 characters; move detail to the summary": (
        "title 超过 160 个字符；请把细节移到 summary 中"
    ),
    "products is empty; name at least one product (emqx, docker, …)": (
        "products 为空；请至少写一个产品（emqx、docker 等）"
    ),
    "missing required field 'products'; add e.g. products: [emqx]": (
        "缺少必填字段 'products'；请加上，例如 products: [emqx]"
    ),
    "severity must be one of {severities}, got {severity!r}": (
        "severity 必须是 {severities} 之一，当前为 {severity!r}"
    ),
    "severity only sets the alert level of signature matches; add signatures": (
        "severity 只用于设置特征行匹配时的告警级别；请添加 signatures"
    ),
    "source url must start with http:// or https://": "来源 url 必须以 http:// 或 https:// 开头",
    "an incident needs symptoms: short phrases a user would type": (
        "incident 类条目需要 symptoms：用户可能输入的简短描述"
    ),
    "an entry of kind 'tree' needs a 'tree' field": "kind 为 'tree' 的条目需要 'tree' 字段",
    "the body is empty; write the entry's text below the front-matter": (
        "正文为空；请在 front-matter 下方编写条目内容"
    ),
    "{key} not translated to {lang!r} (shown in English): {missing}": (
        "{key} 没有翻译成 {lang!r}（将显示英文）：{missing}"
    ),
    "lang {lang!r} does not match the file name suffix .{suffix}.md": (
        "lang {lang!r} 与文件名后缀 .{suffix}.md 不一致"
    ),
    "check {check!r} is not declared by the English entry": "英文条目中没有声明检查 {check!r}",
    "versions key {key!r} is not in the English entry": "英文条目的 versions 中没有键 {key!r}",
    "tree node {node!r} does not exist in the English entry": "英文条目中没有排查树节点 {node!r}",
    "{labels} option labels for {options} options; keep the same count and order": (
        "有 {options} 个选项，却写了 {labels} 个选项标签；请保持数量和顺序一致"
    ),
    # kb.loader: files and folders
    "not an entry file name; name it <id>.md or <id>.<lang>.md": (
        "不是条目文件名；请命名为 <id>.md 或 <id>.<lang>.md"
    ),
    "KB folder does not exist; fix the path (--kb, KB_PATH or config kb_paths)": (
        "知识库文件夹不存在；请修正路径（--kb、KB_PATH 或配置中的 kb_paths）"
    ),
    "not a folder or .md file; fix the path (--kb, KB_PATH or config kb_paths)": (
        "不是文件夹或 .md 文件；请修正路径（--kb、KB_PATH 或配置中的 kb_paths）"
    ),
    "looks like an entry, but its name is not an entry id: name it <id>.md or <id>.<lang>.md "
    "(lower case, digits, hyphens); not loaded": (
        "看起来是条目，但文件名不是条目 id：请命名为 <id>.md 或 <id>.<lang>.md（小写字母、数字、"
        "连字符）；未加载"
    ),
    "symlink loop": "符号链接循环",
    "symlink loop; fix or remove the link": "符号链接循环；请修正或删除该链接",
    "symlink target does not exist; fix or remove the link": "符号链接的目标不存在；请修正或删除该链接",
    "symlink leads out of the KB folder; not followed": "符号链接指向知识库文件夹之外；未跟随",
    "cannot read this folder ({why}); its entries are skipped": (
        "无法读取此文件夹（{why}）；其中的条目已跳过"
    ),
    "folder symlink not followed; its entries are not loaded (add the folder with --kb or "
    "KB_PATH, or link the entry files themselves)": (
        "未跟随指向文件夹的符号链接；其中的条目没有加载（请用 --kb 或 KB_PATH 添加该文件夹，"
        "或直接链接条目文件）"
    ),
    "duplicate id {id!r}: also {other}; ids are unique within a KB folder": (
        "id {id!r} 重复：{other} 也用了它；同一知识库文件夹内的 id 必须唯一"
    ),
    "not a regular file (a named pipe, device or folder); skipped without opening it": (
        "不是普通文件（命名管道、设备或文件夹）；已跳过，没有打开"
    ),
    "file is larger than {kib} KiB; split it": "文件大于 {kib} KiB；请拆分",
    "cannot read: {why}; fix or remove the file": "无法读取：{why}；请修正或删除该文件",
    "cannot read: {why}": "无法读取：{why}",
    "not valid UTF-8; save the file as UTF-8": "不是有效的 UTF-8；请另存为 UTF-8",
    "kbtui could not read this file ({error}); please report it": (
        "kbtui 无法读取此文件（{error}）；请报告这个问题"
    ),
    "kbtui could not index this entry ({error}); please report it": (
        "kbtui 无法为此条目建立索引（{error}）；请报告这个问题"
    ),
    "kbtui could not validate this file ({error}); please report it": (
        "kbtui 无法校验此文件（{error}）；请报告这个问题"
    ),
    "translation without an English entry; add {id}.md beside it": (
        "译文没有对应的英文条目；请在旁边添加 {id}.md"
    ),
    "related id {id!r} is this entry itself; remove it": "related 中的 id {id!r} 就是本条目；请删除",
    "related id {id!r} does not exist; fix or remove it": (
        "related 中的 id {id!r} 不存在；请修正或删除"
    ),
    "tree node {node!r} links to entry {entry!r}, which does not exist": (
        "排查树节点 {node!r} 链接到条目 {entry!r}，但该条目不存在"
    ),
    "tree node {node!r} names check {check!r}, which does not exist": (
        "排查树节点 {node!r} 引用了检查 {check!r}，但该检查不存在"
    ),
    # kb.frontmatter, kb.safeyaml: PyYAML's own words ({what}) stay as it wrote them
    "file must start with a '---' line opening the YAML front-matter": (
        "文件必须以 '---' 行开头，用来开始 YAML front-matter"
    ),
    "front-matter is not closed: add a '---' line after the YAML": (
        "front-matter 没有结束：请在 YAML 之后加一行 '---'"
    ),
    "text is not valid Unicode; save the file as UTF-8": "文本不是有效的 Unicode；请另存为 UTF-8",
    "front-matter is larger than {kib} KiB; move text to the body": (
        "front-matter 大于 {kib} KiB；请把文字移到正文中"
    ),
    "YAML nested deeper than {n} levels; flatten the structure": (
        "YAML 嵌套超过 {n} 层；请把结构改得扁平一些"
    ),
    "more than {n} YAML aliases; write the values out instead": (
        "YAML 别名超过 {n} 个；请直接写出这些值"
    ),
    "invalid YAML: {what}": "YAML 无效：{what}",
    "invalid YAML: {what}; check indentation and quoting": "YAML 无效：{what}；请检查缩进和引号",
    "YAML does not allow the control character {code}; remove it or quote it as an escape": (
        "YAML 不允许控制字符 {code}；请删除它，或在引号中写成转义序列"
    ),
    "YAML expands to too many values (alias bomb?)": "YAML 展开后的值过多（别名炸弹？）",
    "YAML tag {tag} is not allowed; remove it": "不允许使用 YAML 标签 {tag}；请删除",
    "recursive YAML alias (the anchored value contains itself); write the value out": (
        "递归的 YAML 别名（锚点的值包含了它自己）；请直接写出该值"
    ),
    "YAML merge keys (<<) are not supported; write the keys out": (
        "不支持 YAML 合并键（<<）；请把键逐一写出"
    ),
    "mapping keys must be plain strings": "映射的键必须是普通字符串",
    "duplicate key {key!r} (first at line {first}); keep one": (
        "键 {key!r} 重复（第一次出现在第 {first} 行）；请只保留一个"
    ),
    "unsupported YAML node": "不支持的 YAML 节点",
    "quote it to keep it as text": "请加引号，把它当作文本",
    "fix it or drop the !!{kind} tag": "请修正它，或去掉 !!{kind} 标签",
    "{value!r} is not a valid {kind} value; {fix}": "{value!r} 不是有效的 {kind} 值；{fix}",
    # check parameters (kb.checks.registry, kb.checks.kinds): kb lint and --set say them
    "unknown check kind {kind!r}; use one of: {known}": "未知的检查类型 {kind!r}；请使用其中之一：{known}",
    "{kind}: unknown parameter {name!r}; allowed: {allowed}": (
        "{kind}：未知参数 {name!r}；允许的参数：{allowed}"
    ),
    "{kind}: parameter {name!r} must be {type}, got {got} {value!r}{hint}": (
        "{kind}：参数 {name!r} 必须是{type}，当前为 {got} {value!r}{hint}"
    ),
    "{kind}: parameter {name!r} is empty; give a value": "{kind}：参数 {name!r} 为空；请给出一个值",
    "{kind}: parameter {name!r} must be one of {choices}": "{kind}：参数 {name!r} 必须是 {choices} 之一",
    "{kind}: parameter {name!r} {wrong}": "{kind}：参数 {name!r} {wrong}",
    "{kind}: missing required parameter {name!r}": "{kind}：缺少必需的参数 {name!r}",
    "{kind}: set {names}; without one the check has nothing to test": (
        "{kind}：请设置 {names}；一个都不设置，这项检查就无从检查"
    ),
    "; quote it if it is text": "；如果它是文本，请加引号",
    "; write it without quotes": "；请去掉引号",
    "; YAML reads {value} as text, and it is not a whole number": (
        "；YAML 会把 {value} 读成文本，而且它不是整数"
    ),
    "; YAML reads {value} as text: write {plain}": "；YAML 会把 {value} 读成文本：请写成 {plain}",
    "must be a TCP port, 1-65535; got {value}": "必须是 TCP 端口（1-65535）；当前为 {value}",
    "must be an IP address such as 0.0.0.0, 127.0.0.1 or ::; got {value!r}": (
        "必须是 IP 地址，例如 0.0.0.0、127.0.0.1 或 ::；当前为 {value!r}"
    ),
    "must be a host name or IP address; got {value!r}": "必须是主机名或 IP 地址；当前为 {value!r}",
    "must be a duration such as 90s, 15m, 2h or 1d (not negative); got {value!r}": (
        "必须是时长，例如 90s、15m、2h 或 1d（不能为负）；当前为 {value!r}"
    ),
    "must be a number of seconds in (0, {max:g}]; got {value}": (
        "必须是 (0, {max:g}] 范围内的秒数；当前为 {value}"
    ),
    "must be {what} between {low:g} and {high:g}; got {value}": (
        "必须是 {low:g} 到 {high:g} 之间的{what}；当前为 {value}"
    ),
    "must be between {low:g} and {high:g}; got {value}": "必须在 {low:g} 到 {high:g} 之间；当前为 {value}",
    "an MTU": "MTU 值",
    "a percentage": "百分比",
    "a number of seconds": "秒数",
    "must be a finite number; got {value}": "必须是有限的数字；当前为 {value}",
    "must be an http:// or https:// URL; {why}": "必须是 http:// 或 https:// URL；{why}",
    "must be an http:// or https:// URL with a host": "必须是带主机名的 http:// 或 https:// URL",
    "must be an http:// or https:// URL with a port 1-65535": (
        "必须是 http:// 或 https:// URL，端口在 1-65535 之间"
    ),
    "{value!r} matches the empty string, so it matches everything; make it require text": (
        "{value!r} 能匹配空字符串，因此会匹配一切；请让它必须匹配一些文字"
    ),
    "must list exit codes, integers 0-255; got {code!r}": (
        "必须列出退出码，即 0-255 的整数；当前有 {code!r}"
    ),
    "must be an absolute path, e.g. /vernemq/data": "必须是绝对路径，例如 /vernemq/data",
    # a signature the static site or the fleet's mtail program leaves out (kb lint, kb export
    # mtail): the pattern and its pieces stay as written
    "signature {pattern!r}: {why}; the static site leaves it out (kb search still uses it)": (
        "特征行 {pattern!r}：{why}；静态站点不收录它（kb search 仍会使用）"
    ),
    "signature {pattern!r}: {why}; the fleet's mtail program leaves it out (kb search still "
    "uses it)": "特征行 {pattern!r}：{why}；集群的 mtail 程序不收录它（kb search 仍会使用）",
    "signature {pattern!r}: {why}; the fleet's mtail program leaves it out of the Docker "
    "json-file branch (kb search still uses it)": (
        "特征行 {pattern!r}：{why}；集群的 mtail 程序在 Docker json-file 分支中不收录它"
        "（kb search 仍会使用）"
    ),
    "{path}:{line}: warning: signature {pattern!r} of {id} left out: {why}": (
        "{path}:{line}：警告：{id} 的特征行 {pattern!r} 未收录：{why}"
    ),
    "{path}:{line}: warning: signature {pattern!r} of {id} left out of the Docker json-file "
    "branch: {why}": "{path}:{line}：警告：{id} 的特征行 {pattern!r} 未收录到 Docker json-file 分支：{why}",
    "{what} (at character {n}) has no exact JavaScript form": (
        "{what}（第 {n} 个字符处）没有完全等价的 JavaScript 写法"
    ),
    "{why} (at character {n}) can make the browser's regex engine backtrack for minutes on one "
    "line": "{why}（第 {n} 个字符处）可能让浏览器的正则引擎在一行上回溯好几分钟",
    "a repeat of a group that itself repeats": "对本身含有重复的分组再做重复",
    "a repeat of alternatives that can start with the same character": (
        "对可能以同一字符开头的多个分支做重复"
    ),
    "three unbounded repeats in a row that match the same characters": (
        "连续三个能匹配相同字符的无上限重复"
    ),
    "more than two '.*' or '.+'": "超过两个 '.*' 或 '.+'",
    "flag '{flag}'": "标志 '{flag}'",
    "unbalanced ')'": "不配对的 ')'",
    "unclosed '('": "未闭合的 '('",
    "unclosed '['": "未闭合的 '['",
    "group name": "分组名",
    "inline flags or group modifiers": "内联标志或分组修饰符",
    "trailing backslash": "末尾的反斜杠",
    "\\W under (?i) inside a class": "(?i) 下字符类中的 \\W",
    "\\S inside a class": "字符类中的 \\S",
    "\\{c} inside a class": "字符类中的 \\{c}",
    "backreference": "反向引用",
    "\\{c} under (?i)": "(?i) 下的 \\{c}",
    "\\C": "\\C",
    "\\{c}": "\\{c}",
    "\\x escape": "\\x 转义",
    "\\{c}{{{name}}}": "\\{c}{{{name}}}",
    "[:{name}:]": "[:{name}:]",
    "[:{name}:] under (?i)": "(?i) 下的 [:{name}:]",
    "class range bound": "字符类范围的边界",
    "non-ASCII range under (?i)": "(?i) 下的非 ASCII 范围",
    "\\C (any byte) has no Go equivalent": "\\C（任意字节）在 Go 中没有等价写法",
    "backreference \\{c} is not RE2": "反向引用 \\{c} 不属于 RE2",
    "escape \\{c} is not RE2": "转义 \\{c} 不属于 RE2",
    "group (?{flags}…) is not RE2": "分组 (?{flags}…) 不属于 RE2",
    "unterminated group": "分组没有结束",
    "unterminated group name": "分组名没有结束",
    "unterminated character class": "字符类没有结束",
    "unterminated \\p{…}": "\\p{…} 没有结束",
    "unterminated \\x{…}": "\\x{…} 没有结束",
    "unterminated [:class:]": "[:class:] 没有结束",
    "bad hex escape \\x{hex}": "无效的十六进制转义 \\x{hex}",
    "bad hex escape in character class": "字符类中有无效的十六进制转义",
    "bad range in character class": "字符类中有无效的范围",
    "quantifier {q} with nothing to repeat": "量词 {q} 前面没有可重复的内容",
    'a character class that names " or \\': '字符类中含有 " 或 \\',
    'a single "." or class that can match " or \\': '单个 "." 或字符类可能匹配 " 或 \\',
    'a bounded repeat ({q}) of something that can match " or \\': (
        '对可能匹配 " 或 \\ 的内容做有上限的重复（{q}）'
    ),
    "{size} bytes in mtail's dialect, over its {limit}-byte limit": (
        "写成 mtail 的正则方言有 {size} 字节，超过了它 {limit} 字节的上限"
    ),
    "not exact": "无法精确表达",
    # --set NAME=VALUE (kb check, kb serve metrics): the names and values as typed
    "--set {item!r}: use --set NAME=VALUE": "--set {item!r}：请写成 --set NAME=VALUE",
    "--set {key}: the value cannot be read ({why}; {n} characters)": (
        "--set {key}：无法读取这个值（{why}；共 {n} 个字符）"
    ),
    "nested too deep": "嵌套太深",
    "a number too long": "数字太长",
    "--set {name}: no selected check has that parameter; known: {known}": (
        "--set {name}：所选的检查都没有这个参数；已有的参数：{known}"
    ),
    "--set host: {why}": "--set host：{why}",
    "--set: {problem}": "--set：{problem}",
    # kb index, kb paths
    "index {what}: {entries} entries in {seconds} s at {path}": (
        "索引已{what}：{entries} 个条目，用时 {seconds} 秒，位于 {path}"
    ),
    "rebuilt": "重建",
    "updated ({n} entries re-read)": "更新（重新读取了 {n} 个条目）",
    "sentence vectors: {texts} texts, {encoded} newly encoded{off}": (
        "句向量：{texts} 段文本，新计算 {encoded} 段{off}"
    ),
    " (off: KBTUI_NO_VECTORS, or no model)": "（已关闭：设置了 KBTUI_NO_VECTORS，或没有模型）",
    "kb_sources (lowest precedence first):": "kb_sources（按优先级从低到高）：",
    "  (missing)": "  （不存在）",
    "config problems (these targets are not used until fixed):": (
        "配置问题（修正之前不会使用这些目标）："
    ),
    # config.yaml's docker_hosts and brokers (kb.checks.targets): keys and values as written
    "{label}: {problem}": "{label}：{problem}",
    "{a}; {b}": "{a}；{b}",
    "line {line}: {problem}": "第 {line} 行：{problem}",
    "unknown key {name!r}; known: {known}": "未知的键 {name!r}；已知的键：{known}",
    "{name!r} is not read: store the NAME of an environment variable that holds the user name "
    "in username_env (username_env: EMQX_USER)": (
        "{name!r} 不会被读取：请在 username_env 中写保存用户名的环境变量的名称"
        "（username_env: EMQX_USER）"
    ),
    "{name!r} is not read and must not hold a secret: store the NAME of an environment variable "
    "that holds it in password_env (password_env: EMQX_PASS)": (
        "{name!r} 不会被读取，也不能存放机密：请在 password_env 中写保存它的环境变量的名称"
        "（password_env: EMQX_PASS）"
    ),
    "{section} must be a list of items (- name: …)": "{section} 必须是列表（- name: …）",
    "{section}[{i}]: must be a mapping (- name: …)": "{section}[{i}]：必须是映射（- name: …）",
    "{section}[{i}]: needs a `name`": "{section}[{i}]：需要 `name`",
    "name {name!r} is used twice (first at line {line}); rename one": (
        "名称 {name!r} 用了两次（第一次在第 {line} 行）；请改掉其中一个"
    ),
    "no Docker context named {name!r} (docker context ls)": (
        "没有名为 {name!r} 的 Docker context（见 docker context ls）"
    ),
    "url {why}": "url {why}",
    "{keys} apply to tcp:// endpoints only": "{keys} 只适用于 tcp:// 端点",
    "tls_verify must be true or false": "tls_verify 必须是 true 或 false",
    "no such file ({files})": "文件不存在（{files}）",
    "`cert` and `key` go together": "`cert` 和 `key` 必须同时给出",
    "kind must be one of {kinds}": "kind 必须是 {kinds} 之一",
    "host must be a host name or address (api_url takes a URL)": (
        "host 必须是主机名或地址（URL 请写在 api_url 中）"
    ),
    "ports must map mqtt/amqp/http to numbers": "ports 必须把 mqtt/amqp/http 映射到端口号",
    "unknown port {port!r}; known: {known}": "未知的端口 {port!r}；已知的有：{known}",
    "ports.{key} must be a port number from 1 to 65535": "ports.{key} 必须是 1 到 65535 之间的端口号",
    "api_url must start with http:// or https://": "api_url 必须以 http:// 或 https:// 开头",
    "{key} takes the NAME of an environment variable (EMQX_PASS)": (
        "{key} 应填写环境变量的名称（如 EMQX_PASS）"
    ),
    "docker_host {name!r} is unusable (line {line})": "docker_host {name!r} 无法使用（第 {line} 行）",
    "docker_host {why}": "docker_host {why}",
    "docker_host {name!r} is neither a configured Docker host (known: {known}), a Docker URL nor "
    "a Docker context": (
        "docker_host {name!r} 既不是已配置的 Docker 主机（已有：{known}），也不是 Docker URL 或 "
        "Docker context"
    ),
    "container must be a container name": "container 必须是容器名",
    # a Docker endpoint URL (config.yaml, --host, --set host=); the URL is shown redacted
    "takes no query or fragment (?…, #…)": "不能带查询或片段（?…、#…）",
    "names a host of {n} characters (at most {max})": "主机名有 {n} 个字符（最多 {max} 个）",
    "{url!r} {why}": "{url!r} {why}",
    "; write tcp://{url}": "；请写成 tcp://{url}",
    "{url!r} is not a Docker endpoint ({forms}){hint}": "{url!r} 不是 Docker 端点（{forms}）{hint}",
    "holds a password, but an ssh:// endpoint takes a user only (ssh://USER@HOST; kb logs in "
    "with your ssh keys, never a password)": (
        "含有密码，但 ssh:// 端点只接受用户名（ssh://USER@HOST；kb 用你的 ssh 密钥登录，从不使用密码）"
    ),
    "holds a user and password, but a {scheme}:// Docker endpoint takes none in the URL (TLS "
    "certificates authenticate it: ca/cert/key)": (
        "含有用户名和密码，但 {scheme}:// Docker 端点的 URL 中不能带这些（它用 TLS 证书认证："
        "ca/cert/key）"
    ),
    "holds a user name: a {scheme}:// Docker endpoint takes none in the URL (TLS certificates "
    "authenticate it: ca/cert/key)": (
        "含有用户名：{scheme}:// Docker 端点的 URL 中不能带用户名（它用 TLS 证书认证：ca/cert/key）"
    ),
    "has no port: Docker needs one ({scheme}://HOST:PORT; 2375, or 2376 with TLS); write "
    "{scheme}://{host}:{port}": (
        "没有端口：Docker 需要端口（{scheme}://HOST:PORT；2375，使用 TLS 时为 2376）；"
        "请写成 {scheme}://{host}:{port}"
    ),
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
    # kbtui --help (tui.app.build_parser): the key table's and the examples' rows are said whole,
    # keyed by the row as written, the keys and commands kept and the columns aligned by width
    "Troubleshooting knowledge base in the terminal.": "终端里的故障排查知识库。",
    "extra knowledge-base folder (repeatable)": "额外的知识库文件夹（可重复）",
    "display language (default: from the locale)": "显示语言（默认：取自 locale）",
    "start in the light theme": "以明亮主题启动",
    "show tracebacks": "出错时显示 traceback",
    "show program's version number and exit": "显示版本号并退出",
    "main keys:": "常用按键：",
    "  type / paste    search as you type; a pasted multi-line log is diagnosed": (
        "  type / paste    边输入边搜索；粘贴多行日志时直接诊断"
    ),
    "  Down, Enter     move into the results, open one        /   search from anywhere": (
        "  Down, Enter     进入结果列表，打开其中一项             /   在任意位置搜索"
    ),
    "  t  c  p         entry: decision tree, checks, where checks run (target, container)": (
        "  t  c  p         条目：排查树、检查、检查运行位置（目标、容器）"
    ),
    "  y               copy (entry id, fix command, evidence) to the clipboard (works over ssh)": (
        "  y               复制（条目 id、修复命令、证据）到剪贴板（通过 ssh 也可用）"
    ),
    "  Esc / q         back (Esc clears the search box first)  F2  home   ctrl+q  quit": (
        "  Esc / q         返回（Esc 先清空搜索框）                F2  首页   ctrl+q  退出"
    ),
    "  F1 help   ctrl+p palette   ctrl+t trees   ctrl+g paste log   F6 problems": (
        "  F1 帮助   ctrl+p 命令面板   ctrl+t 排查树   ctrl+g 粘贴日志   F6 问题"
    ),
    "  F7 doctor (live)   F8 targets   ctrl+l English/中文   F9 light/dark": (
        "  F7 体检（在线）   F8 目标   ctrl+l English/中文   F9 明/暗"
    ),
    "examples:": "示例：",
    "  kbtui                          bundled KB + folders from the config and KB_PATH": (
        "  kbtui                          自带知识库 + 配置和 KB_PATH 中的文件夹"
    ),
    "  kbtui --kb ./our-runbooks      add your own entries (same id: yours wins)": (
        "  kbtui --kb ./our-runbooks      加入你自己的条目（id 相同时以你的为准）"
    ),
    "  kbtui --lang zh                the whole app in Chinese": (
        "  kbtui --lang zh                整个应用显示中文"
    ),
}
