"""The CISO report: self-contained, bilingual, honest about failures, waivers and gaps."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from gcbase.errors import GcbaseError
from gcbase.report import html, write_reports
from gcbase.report.model import Finding
from report_fixtures import HOSTILE, PSK, REQUIREMENTS, STACK, TITLE_VIF, plan, report


class Outline(HTMLParser):
    """Tags and attributes as a browser would see them, plus row texts per table."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.rows: list[tuple[str, str]] = []  # (section id, row text)
        self._row: list[str] | None = None
        self._section = ""
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag == "section":
            self._section = dict(attrs).get("id", "")
        if tag == "tr":
            self._row = []

    def handle_endtag(self, tag):
        if tag == "tr" and self._row is not None:
            self.rows.append((self._section, " ".join(self._row)))
            self._row = None

    def handle_data(self, data):
        self.text.append(data)
        if self._row is not None and data.strip():
            self._row.append(data.strip())


def outline(text: str) -> Outline:
    parser = Outline()
    parser.feed(text)
    return parser


def row(doc: Outline, section: str, *needles: str) -> str:
    found = [r for sid, r in doc.rows if sid == section and all(n in r for n in needles)]
    assert len(found) == 1, (needles, found)
    return found[0]


@pytest.fixture(scope="module")
def ja() -> str:
    return html.render(report(), "ja")


def test_self_contained_under_a_strict_content_security_policy(ja):
    doc = outline(ja)
    metas = [a for t, a in doc.tags if t == "meta" and a.get("http-equiv") == "Content-Security-Policy"]
    assert [m["content"] for m in metas] == ["default-src 'none'; style-src 'unsafe-inline'; img-src data:"]
    assert not [t for t, _ in doc.tags if t in ("script", "link", "iframe", "object", "embed", "img", "image", "use")]
    refs = [a.get(k) for _, a in doc.tags for k in ("src", "href", "xlink:href", "action") if a.get(k)]
    assert refs and all(r.startswith("#") for r in refs), refs
    assert not re.search(r"https?://|url\(|@import|@font-face", ja)


def test_japanese_by_default_with_every_section(ja):
    doc = outline(ja)
    assert ("html", {"lang": "ja"}) in doc.tags
    ids = [a["id"] for t, a in doc.tags if t == "section"]
    assert ids == ["overview", "summary", "findings", "requirements", "boundaries", "topology", "waivers", "coverage"]
    for label in ("ガバメントクラウド セキュリティ基準 点検報告書", "指摘事項", "責任分界マトリクス", "構成図",
                  "点検していない項目", "世田谷区"):
        assert label in ja, label
    assert sum(1 for t, a in doc.tags if t == "svg") == 2  # the chart and one topology


def test_findings_show_requirement_resource_severity_remediation_and_waiver(ja):
    doc = outline(ja)
    region = row(doc, "findings", "GCJP_AWS_1", "aws_organizations_policy.region_allowlist")
    assert "不適合" in region and "緊急" in region and "GL.RG.1 国内リージョンの限定" in region and STACK in region
    igw = row(doc, "findings", "GCJP_AWS_20")
    assert "期限切れ（不適合として扱う）" in igw and "CISO 山田 が承認（2020-03-31 まで）" in igw
    assert "インターネットゲートウェイを削除する" in igw and "# no aws.ec2.InternetGateway in a mynumber VPC" in igw
    assert "stacks/Pulumi.131121-prod.yaml:31" in igw and "gcbase:systems[0]" in igw  # juki is the first system
    waived = row(doc, "findings", "GCJP_AWS_12", "aws_flow_log.t_senkyo_flowlog")
    assert "例外承認" in waived and "2099-03-31" in waived
    # passes are counted, not listed as findings
    assert not [r for _, r in doc.rows if "aws_dx_transit_virtual_interface" in r]
    # worst first
    order = [r.split()[1] for sid, r in doc.rows if sid == "findings" and r.startswith(("不適合", "例外承認"))]
    assert order == ["緊急", "中", "低", "中"]


def test_hostile_text_is_escaped_and_secrets_never_appear(ja):
    assert HOSTILE in "".join(outline(ja).text)  # shown as text...
    assert "<script>" not in ja  # ...never as markup
    vpn = next(r for r in plan().resources if r.type == "aws:ec2/vpnConnection:VpnConnection")
    assert vpn.inputs["tunnel1PresharedKey"] == "[secret]"  # the fixture really planted a secret
    en = html.render(report(), "en")
    for text in (ja, en):
        assert PSK not in text and "PresharedKey" not in text and "[secret]" not in text


def test_requirement_verdicts(ja):
    doc = outline(ja)
    assert "適合" in row(doc, "requirements", "A.3.2.1", "バックアップの外部保管")
    assert "A 可用性 バックアップの外部保管 標準 非機能要件の標準 A.3.2.1" in row(doc, "requirements", "A.3.2.1")  # source status
    assert "gcbase の選択 gcbase プロジェクトの選択 E.7.1.1 — 標準の文言は見つからなかった" in row(doc, "requirements", "E.7.1.1")
    assert "ガイドライン セキュリティポリシーガイドライン 三層の対策" in row(doc, "requirements", "GL.3T.1")
    assert "例外承認" in row(doc, "requirements", "E.7.1.1", "ログの取得と保管")
    assert "未確認" in row(doc, "requirements", "E.5.1.1", "通信の暗号化")
    assert "不適合" in row(doc, "requirements", "GL.3T.1", "三層の対策")


def test_summary_counts_per_category(ja):
    doc = outline(ja)
    # category, requirements pass/fail/missing/waived/unverified, results pass/waived/fail
    assert row(doc, "summary", "A 可用性").split()[-8:] == ["1", "0", "0", "0", "0", "2", "0", "0"]
    assert row(doc, "summary", "E セキュリティ").split()[-8:] == ["0", "0", "0", "1", "1", "1", "1", "0"]
    assert row(doc, "summary", "G ガイドライン").split()[-8:] == ["0", "2", "0", "0", "0", "0", "0", "3"]
    bars = [a for t, a in doc.tags if t == "rect" and a.get("class", "").startswith("bar-")]
    assert sorted(a["class"] for a in bars) == ["bar-fail", "bar-pass", "bar-pass", "bar-waived"]


def test_verdict_counts_gate_failures_expired_waivers_and_boundary_violations(ja):
    assert 'data-result="fail"' in ja
    assert "不合格: 必須要件の不適合 0 件、基準「高」以上の不適合 2 件、責任分界の不一致 1 件" in ja  # critical + expired waiver; one boundary
    assert "期限切れの例外承認が 1 件あり" in ja
    rep = report(fail_on="low")
    rep.boundaries = []
    rep.waivers = []
    rep.findings = [f for f in rep.findings if f.status != "fail"]
    clean = html.render(rep, "en")
    assert 'data-result="pass"' in clean and "Pass: every mandatory requirement is met or waived, and nothing fails" in clean


def test_responsibility_matrix_has_a_column_per_party_and_explains_mismatches(ja):
    doc = outline(ja)
    header = [r for sid, r in doc.rows if sid == "boundaries"][0]
    assert header == "操作 地方公共団体 CISO・職員（監査） ASP（アプリケーション提供事業者） ネットワーク構築運用補助者"
    # columns in party order: auditor, asp, network-operator
    assert row(doc, "boundaries", "業務データの読み取り", "s3:GetObject").endswith("s3:GetObject 拒否 許可 対象外")
    assert row(doc, "boundaries", "kms:Decrypt").endswith("kms:Decrypt 拒否されるべきところ許可")
    mismatch = row(doc, "boundaries", STACK, "他システムの鍵で復号")
    assert mismatch.split() == [STACK, "他システムの鍵で復号", "ASP（アプリケーション提供事業者）", "拒否", "他事業者",
                                "key", "policy", "juki-data:", "AllowAll"]
    rep = report()
    rep.boundaries = rep.boundaries[:1]
    assert "すべての主体について、期待どおりの許可・拒否になっています。" in html.render(rep, "ja")


def test_boundaries_not_run_is_said_not_hidden():
    rep = report()
    rep.boundaries = None
    out = html.render(rep, "en")
    assert "The responsibility boundaries were not evaluated in this run." in out


def test_coverage_lists_checks_not_run_and_types_not_checked(ja):
    doc = outline(ja)
    assert "S3 イベント通知" in row(doc, "coverage", "CKV2_AWS_62")
    assert "role x: managed policy arn:aws:iam::aws:policy/Foo unknown to gcbase; not evaluated" in ja
    assert row(doc, "coverage", "gcbase:guardrails:InheritedPolicy")


def test_english(tmp_path):
    written = write_reports(report(), tmp_path / "out", ["html"], "en")
    assert [p.name for p in written] == ["report.html"]
    text = written[0].read_text(encoding="utf-8")
    assert '<html lang="en">' in text
    for label in ("Government Cloud security baseline report", "Findings", "Responsibility matrix",
                  "Fail: 0 mandatory requirement(s) not met, 2 failure(s) at or above High, 1 responsibility-boundary mismatch(es)", "Expired (counts as a failure)", "Remote backup copy",
                  "Three-tier separation", "My Number tier", "Not verified"):
        assert label in text, label
    for label in ("指摘事項", "不適合", "マイナンバー利用事務系", "バックアップの外部保管"):
        assert label not in text, label


def test_unknown_language_is_one_clear_error():
    with pytest.raises(GcbaseError) as err:
        html.render(report(), "fr")
    assert str(err.value) == "--lang: 'fr' is not a report language; allowed: ja, en"


def test_results_of_unmapped_checks_are_counted_under_other():
    rep = report(findings=[Finding("CKV_AWS_999", STACK, "r", "t", "fail", "low", TITLE_VIF),
                           Finding("X_1", STACK, "r", "t", "pass", "high", TITLE_VIF, requirements=("Z.1",))])
    doc = outline(html.render(rep, "en"))
    assert row(doc, "summary", "Other (Checkov built-in checks mapped to no requirement)").split()[-3:] == ["1", "0", "1"]


def test_findings_are_grouped_per_check_with_the_rest_folded():
    many = [Finding("CKV_AWS_145", STACK, f"aws_s3_bucket.b{i:02}", "aws:s3/bucket:Bucket", "fail", "low", TITLE_VIF)
            for i in range(8)]
    doc = outline(html.render(report(findings=many), "en"))
    (only,) = [r for sid, r in doc.rows if sid == "findings" and "CKV_AWS_145" in r]
    assert only.startswith("Fail Low CKV_AWS_145 The connection is redundant 8 131121-prod aws_s3_bucket.b00")
    assert "and 3 more" in only and "aws_s3_bucket.b07" in only
    details = [a for t, a in doc.tags if t == "details"]
    assert len(details) == 1


ENGLISH_ONLY = {"en": "Ensure GuardDuty is enabled to specific org/region"}  # a Checkov title without a translation


def test_untranslated_text_is_marked_never_silently_mixed():
    """In a Japanese report, a Checkov title without a Japanese translation and a check's own detail (checks
    write details in English) carry lang="en" and a 英語のみ label; the English report marks nothing."""
    rep = report(findings=[Finding("CKV2_AWS_3", STACK, "aws_guardduty_detector.d", "t", "fail", "medium", ENGLISH_ONLY,
                                   requirements=("E.7.1.1",), message="detector is not org-wide")])
    ja = html.render(rep, "ja")
    title = '<span lang="en">Ensure GuardDuty is enabled to specific org/region</span> <span class="untranslated">英語のみ</span>'
    assert title in ja
    assert '<span lang="en">detector is not org-wide</span> <span class="untranslated">英語のみ</span>' in ja
    assert "対処方法の記載はありません（Checkov の標準検査）。Checkov の CKV2_AWS_3 の説明に従ってください。" in ja
    en = html.render(rep, "en")
    assert 'class="untranslated"' not in en and "Ensure GuardDuty is enabled to specific org/region" in en
    # a translated title is plain text in both
    assert 'lang="en">全VPCでフローログを取得' not in html.render(report(), "ja")


def test_the_first_page_holds_the_verdict_and_the_worst_findings(ja):
    """#overview, printed alone on page 1: the verdict, then the worst findings (critical first) with
    requirement, resource and remediation, and room to sign."""
    doc = outline(ja)
    ids = [a["id"] for t, a in doc.tags if t == "section"]
    assert ids[0] == "overview"
    rows = [r for sid, r in doc.rows if sid == "overview"]
    assert rows[1].startswith("不適合 緊急 GCJP_AWS_1 SCPでリージョンを限定 GL.RG.1 国内リージョンの限定")
    assert "aws_organizations_policy.region_allowlist" in rows[1]
    # an expired waiver fails the gate whatever its severity: above the medium failure outside the gate
    assert [r.split()[2] for r in rows[1:4]] == ["GCJP_AWS_1", "GCJP_AWS_20", "CKV_AWS_130"]
    assert "インターネットゲートウェイを削除する" in rows[2] and "map_public_ip_on_launch を false にする" in rows[3]
    overview = ja[ja.index('<section id="overview">'):ja.index('<section id="summary">')]
    assert '<div class="verdict fail" id="verdict" data-result="fail">' in overview
    assert "確認者（最高情報セキュリティ責任者）" in overview


def test_a_missing_mandatory_requirement_leads_the_first_page():
    from gcbase.report.model import StackReport

    rep = report()
    s = rep.stacks[0]
    rep.stacks = [StackReport(s.stack, s.config_file, s.plan, s.meta, ("A.3.2.1", "E.5.1.1"))]
    doc = outline(html.render(rep, "en"))
    rows = [r for sid, r in doc.rows if sid == "overview"]
    assert rows[1].startswith("Fail (missing) 1 mandatory requirement(s) E.5.1.1 Encryption in transit 131121-prod "
                              "Nothing in the plan")


def test_folded_lists_are_printed_unfolded():
    """A closed <details> prints only its summary: each folded list has a copy only print shows."""
    many = [Finding("CKV_AWS_145", STACK, f"aws_s3_bucket.b{i:02}", "aws:s3/bucket:Bucket", "fail", "low", TITLE_VIF)
            for i in range(8)]
    out = html.render(report(findings=many), "en")
    fold = out.index('<details class="fold">')
    copy = out.index('<div class="print-only">', fold)
    assert "aws_s3_bucket.b07" in out[fold:copy] and "aws_s3_bucket.b07" in out[copy:]
    css = html.CSS_FILE.read_text(encoding="utf-8")
    print_rules = css[css.index("@media print"):]
    screen = css[:css.index("@media print")]
    assert "details.fold" not in screen and ".print-only { display: none; }" in screen  # on screen the fold works
    assert "details.fold" in print_rules and ".print-only { display: block; }" in print_rules
    assert "@page { size: A4;" in css and "section#overview { break-after: page; }" in print_rules


def test_categories_a_plan_cannot_show_are_explained():
    rep = report()
    rep.categories = {**rep.categories, "B": {"ja": "性能・拡張性", "en": "Performance and scalability"},
                      "D": {"ja": "移行性", "en": "Migration"}, "F": {"ja": "システム環境・エコロジー", "en": "System environment"}}
    doc = outline(html.render(rep, "ja"))
    assert "性能試験・負荷試験" in row(doc, "summary", "B 性能・拡張性")
    assert "移行リハーサル" in row(doc, "summary", "D 移行性")
    assert "ISMAP" in row(doc, "summary", "F システム環境・エコロジー")
    en = outline(html.render(rep, "en"))
    assert "performance and load tests" in row(en, "summary", "B Performance and scalability")
    assert "計画では確認できない区分" not in html.render(report(), "ja")  # every category of the fixture has requirements
