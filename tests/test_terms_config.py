"""Digital Agency's current terms: the closed-network connection is `closed-network` (閉域網); the retired
「ガバメントクラウド接続サービス」 (dropped in 「…ガバメントクラウドの利用について」第2.0版, 2024-04-24) is still
accepted as `connection-service` and reported as deprecated on validate, synth and check and in the reports. No
user-visible text uses a retired term except where it says it is retired."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path

import yaml

from gcbase.cli import main
from gcbase.intent import intent_of
from gcbase.validate import load_settings

ROOT = Path(__file__).resolve().parent.parent
SHARED = yaml.safe_load((ROOT / "stacks" / "Pulumi.363421-prod.yaml").read_text(encoding="utf-8"))
# Retired terms (docs/DOMAIN.md) and the words that flag a line as saying so.
RETIRED = ("ガバメントクラウド接続サービス", "connection-service", "接続サービス", "統合運用補助事業者")
FLAGGED = re.compile(r"deprecated|retired|廃止|旧称|not Digital Agency's|AWS's other spelling", re.IGNORECASE)
# What users read: report texts, the README, docs, the example stacks and the catalogue's titles.
USER_VISIBLE = ("gcbase/report/messages.yaml", "README.md", "docs/*.md", "docs/ci/*", "stacks/*",
                "baselines/requirements.yaml", "baselines/businesses.yaml", "baselines/network/security-models.yaml",
                "baselines/iam/parties.yaml", "policies/*/*.metadata.yaml")

DEPRECATION = ("gcbase:network.connection: 'connection-service' is deprecated: Digital Agency dropped "
               "「ガバメントクラウド接続サービス」 in 「地方公共団体情報システムのガバメントクラウドの利用について」第2.0版 "
               "(2024-04-24); write 'closed-network' (閉域網: a carrier's IP-VPN or 専用線)")


def old_spelling(tmp_path: Path) -> Path:
    config = copy.deepcopy(SHARED["config"])
    config["gcbase:network"]["connection"] = "connection-service"
    path = tmp_path / "Pulumi.363421-prod.yaml"
    path.write_text(yaml.safe_dump({"config": config}, allow_unicode=True), encoding="utf-8")
    return path


def test_the_old_spelling_is_accepted_as_closed_network_and_deprecated(tmp_path):
    path = old_spelling(tmp_path)
    s = load_settings(path)
    assert s.network.connection_kind == "closed-network"
    assert s.deprecations == (f"{path}: {DEPRECATION}",)
    intent = intent_of(s)
    assert intent.connection == "closed-network" and intent.deprecations == s.deprecations


def test_the_current_spelling_has_no_warning():
    s = load_settings(ROOT / "stacks" / "Pulumi.363421-prod.yaml")
    assert s.network.connection == "closed-network" and s.deprecations == ()


def test_validate_prints_one_warning_line_and_passes(tmp_path, capsys):
    path = old_spelling(tmp_path)
    assert main(["validate", str(path)]) == 0
    out, err = capsys.readouterr()
    assert err.splitlines() == [f"warning: {path}: {DEPRECATION}"]
    assert "closed-network" in out


def test_synth_and_check_warn_and_the_reports_note_it(tmp_path, capsys):
    path = old_spelling(tmp_path)
    main(["synth", str(path), "-o", str(tmp_path / "plans")])
    assert f"warning: {path}: {DEPRECATION}" in capsys.readouterr().err.splitlines()
    main(["check", str(path), "-o", str(tmp_path / "out"), "--format", "md,json,html,xlsx", "--lang", "en"])
    assert f"warning: {path}: {DEPRECATION}" in capsys.readouterr().err.splitlines()
    doc = json.loads((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))
    [stack] = doc["stacks"]
    assert stack["deprecations"] and "'connection-service' is deprecated" in stack["deprecations"][0]
    md = (tmp_path / "out" / "report.md").read_text(encoding="utf-8")
    assert "Deprecated (363421-prod)" in md and "connection" in md
    html = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    assert "Deprecated (363421-prod)" in html


def _visible_files() -> list[Path]:
    return sorted({p for pattern in USER_VISIBLE for p in ROOT.glob(pattern) if p.is_file()})


def test_no_user_visible_text_uses_a_retired_term_unless_it_says_so():
    offending = []
    for path in _visible_files():
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if any(term in line for term in RETIRED) and not FLAGGED.search(line):
                offending.append(f"{path.relative_to(ROOT)}:{n}: {line.strip()[:120]}")
    assert not offending, "retired terms (docs/DOMAIN.md) in user-visible text:\n" + "\n".join(offending)
    assert len(_visible_files()) > 20
