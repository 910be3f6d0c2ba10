"""The knowledge base inside a fleet's own monitoring: mtail programs and Prometheus alert rules.

`kb doctor` and `kb diagnose` answer for one host. Teams with many hosts already run Prometheus and
Alertmanager; Google's mtail turns log lines into Prometheus counters with Go's RE2 regular
expressions, the dialect the entries' signatures are written in. `kb export mtail` and
`kb export alerts` (kb/cli/export.py) write the KB into that stack: a known problem anywhere in
the fleet raises an alert whose runbook link is the entry's page on the exported site.
"""
