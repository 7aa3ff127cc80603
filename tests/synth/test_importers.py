"""Importers of `pulumi preview --json` and `pulumi stack export` output into the Plan model.

The fixtures are in the CLI's real formats (PreviewDigest / UntypedDeployment with ResourceV3
resources) for one small AWS program: a component `koho:web:Site` holding a bucket, its public
access block and policy, a random password (non-AWS) and an SSM SecureString parameter.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from gcbase.errors import GcbaseError
from gcbase.model import SECRET_MASK, SECRET_SIG, SECRET_SIG_KEY, UNKNOWN
from gcbase.synth.importers import from_preview, from_stack_export

FIXTURES = Path(__file__).parent / "fixtures"
PREVIEW = FIXTURES / "preview.json"
EXPORT = FIXTURES / "stack-export.json"
P = "urn:pulumi:dev::koho-site::"
SITE = P + "koho:web:Site::koho"
ROOT = P + "pulumi:pulumi:Stack::koho-site-dev"
TOKYO = P + "pulumi:providers:aws::tokyo"
TOKYO_REF = TOKYO + "::3f9c1d52-8a4e-4c1b-9a57-2b8e6f0d7c41"
BUCKET = P + "koho:web:Site$aws:s3/bucket:Bucket::koho-bucket"
BUCKET_NAME = "koho-bucket-5b1e0c2"


def by_name(plan) -> dict:
    return {r.name: r for r in plan.resources}


def ciphertexts(doc) -> list[str]:
    """Every ciphertext in a stack export (what must never reach a plan)."""
    found = []

    def walk(v):
        if isinstance(v, dict):
            if v.get(SECRET_SIG_KEY) == SECRET_SIG:
                found.append(v["ciphertext"])
            for x in v.values():
                walk(x)
        elif isinstance(v, list):
            for x in v:
                walk(x)

    walk(doc)
    return found


# --- preview ---------------------------------------------------------------------------------

def test_preview_resources_are_the_state_after_the_update():
    plan = from_preview(PREVIEW)
    assert (plan.project, plan.stack, plan.source) == ("koho-site", "dev", "preview")
    res = by_name(plan)
    # root stack skipped; the deleted object and the delete-replaced copy are not part of the result
    assert sorted(res) == ["default_4_18_2", "koho", "koho-access-logging", "koho-bucket", "koho-db-password",
                           "koho-db-password-param", "koho-logs", "koho-policy", "koho-public-access", "tokyo"]
    assert all(r.type != "pulumi:pulumi:Stack" for r in plan.resources)
    assert len({r.urn for r in plan.resources}) == len(plan.resources)  # a replacement appears once
    # update: the new inputs, not the old ones
    assert res["koho-public-access"].inputs["restrictPublicBuckets"] is True
    assert res["koho-public-access"].inputs["blockPublicPolicy"] is True
    # replacement: the new name, and no id yet
    assert res["koho-db-password-param"].inputs["name"] == "/koho/prod/db-password"
    assert res["koho-db-password-param"].id is None
    assert res["koho-bucket"].id == BUCKET_NAME
    assert plan.meta["changeSummary"] == {"create": 2, "delete": 1, "replace": 1, "same": 7, "update": 1}


def test_preview_keeps_unknowns_as_a_marker_and_lists_them():
    plan = from_preview(PREVIEW)
    logging = by_name(plan)["koho-access-logging"]
    assert logging.inputs["targetBucket"] == UNKNOWN  # not pretended: the logs bucket is not created yet
    assert logging.property_dependencies["targetBucket"] == [P + "koho:web:Site$aws:s3/bucket:Bucket::koho-logs"]
    assert f"{logging.urn} inputs.targetBucket" in plan.meta["unknowns"]
    assert plan.outputs["websiteUrl"] == UNKNOWN
    assert f"{ROOT} outputs.websiteUrl" in plan.meta["unknowns"]


def test_preview_secrets_stay_masked():
    plan = from_preview(PREVIEW)
    res = by_name(plan)
    assert res["koho-db-password-param"].inputs["value"] == SECRET_MASK
    assert res["koho-db-password"].outputs["result"] == SECRET_MASK
    assert plan.outputs["adminPassword"] == SECRET_MASK


def test_preview_providers_parents_and_dependencies():
    plan = from_preview(PREVIEW)
    res = by_name(plan)
    bucket, policy = res["koho-bucket"], res["koho-policy"]
    assert bucket.parent == SITE and policy.parent == SITE
    assert res["koho"].parent == ROOT and res["koho"].custom is False
    assert bucket.provider == TOKYO_REF
    assert plan.provider_of(bucket).urn == TOKYO
    assert plan.region_of(bucket) == "ap-northeast-1"
    assert plan.account_of(policy) == "123456789012"  # allowedAccountIds stored as a JSON string
    assert res["tokyo"].inputs["skipRegionValidation"] is True  # provider strings given back their type
    assert plan.provider_of(res["koho-db-password"]).name == "default_4_18_2"
    block = P + "koho:web:Site$aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock::koho-public-access"
    assert policy.dependencies == [BUCKET, block]
    assert policy.property_dependencies == {"bucket": [BUCKET], "policy": [BUCKET]}
    doc = json.loads(policy.inputs["policy"])
    deny = next(s for s in doc["Statement"] if s["Sid"] == "DenyInsecureTransport")
    assert deny["Resource"] == [f"arn:aws:s3:::{BUCKET_NAME}", f"arn:aws:s3:::{BUCKET_NAME}/*"]


# --- stack export ----------------------------------------------------------------------------

def test_stack_export_resources_stack_and_project():
    plan = from_stack_export(EXPORT)
    assert (plan.project, plan.stack, plan.source) == ("koho-site", "dev", "stack-export")
    res = by_name(plan)
    assert sorted(res) == ["default_4_18_2", "koho", "koho-bucket", "koho-db-password", "koho-db-password-param",
                           "koho-policy", "koho-public-access", "tokyo"]
    assert res["koho-public-access"].inputs["restrictPublicBuckets"] is False
    assert res["koho-bucket"].outputs["arn"] == f"arn:aws:s3:::{BUCKET_NAME}"
    assert res["koho"].outputs == {"bucketName": BUCKET_NAME}
    assert plan.outputs["bucketName"] == BUCKET_NAME
    assert plan.meta["pulumiVersion"] == "v3.181.0"
    assert plan.meta["pendingOperations"] == 1  # the interrupted create is reported, not invented


def test_stack_export_provider_refs_and_parents():
    plan = from_stack_export(EXPORT)
    res = by_name(plan)
    assert res["koho-policy"].provider == TOKYO_REF
    assert plan.provider_of(res["koho-policy"]).inputs["region"] == "ap-northeast-1"
    assert plan.account_of(res["koho-bucket"]) == "123456789012"
    assert res["koho-db-password-param"].parent == SITE
    assert res["koho-db-password-param"].property_dependencies["value"] == [
        P + "koho:web:Site$random:index/randomPassword:RandomPassword::koho-db-password"]


def test_stack_export_secrets_never_keep_ciphertext():
    raw = json.loads(EXPORT.read_text())
    secrets = ciphertexts(raw)
    assert len(secrets) == 5  # stack output, bcrypt hash, password, parameter input and output
    plan = from_stack_export(EXPORT)
    res = by_name(plan)
    assert res["koho-db-password-param"].inputs["value"] == SECRET_MASK
    assert res["koho-db-password-param"].outputs["value"] == SECRET_MASK
    assert res["koho-db-password"].outputs["result"] == SECRET_MASK
    assert plan.outputs["adminPassword"] == SECRET_MASK
    dumped = json.dumps(plan.to_dict())
    for text in secrets + ["ciphertext", SECRET_SIG]:
        assert text not in dumped


def test_stack_export_show_secrets_plaintext_is_masked(tmp_path):
    """`pulumi stack export --show-secrets` writes {"<sig>": ..., "plaintext": "<JSON>"}."""
    raw = EXPORT.read_text()
    planted = ["Kb7#planted-password", "planted-admin-9X", "$2a$10$plantedbcrypthash"]
    texts = iter(planted * 2)

    def swap(match):
        return f'"plaintext": {json.dumps(json.dumps(next(texts)))}'

    shown = re.sub(r'"ciphertext": "[^"]*"', swap, raw)
    assert "ciphertext" not in shown and planted[0] in shown
    path = tmp_path / "shown.json"
    path.write_text(shown)
    dumped = json.dumps(from_stack_export(path).to_dict())
    for text in planted + ["plaintext"]:
        assert text not in dumped


def test_stack_export_additional_secret_outputs_are_masked_even_if_written_plain(tmp_path):
    raw = json.loads(EXPORT.read_text())
    param = next(r for r in raw["deployment"]["resources"] if r["urn"].endswith("koho-db-password-param"))
    param["outputs"]["value"] = "written-plain-by-an-old-tool"
    path = tmp_path / "s.json"
    path.write_text(json.dumps(raw))
    plan = from_stack_export(path)
    assert by_name(plan)["koho-db-password-param"].outputs["value"] == SECRET_MASK
    assert "written-plain-by-an-old-tool" not in json.dumps(plan.to_dict())


def test_stack_export_skips_resources_pending_deletion_and_reads_version_4(tmp_path):
    raw = json.loads(EXPORT.read_text())
    stale = json.loads(json.dumps(next(r for r in raw["deployment"]["resources"] if r["urn"] == BUCKET)))
    stale.update({"delete": True, "id": "koho-bucket-old0001"})
    raw["deployment"]["resources"].append(stale)
    raw.update({"version": 4, "features": ["refreshBeforeUpdate"]})
    path = tmp_path / "v4.json"
    path.write_text(json.dumps(raw))
    plan = from_stack_export(path)
    assert [r.id for r in plan.resources if r.urn == BUCKET] == [BUCKET_NAME]
    assert plan.meta["features"] == ["refreshBeforeUpdate"]


def test_resource_references_and_output_values_are_resolved(tmp_path):
    raw = json.loads(EXPORT.read_text())
    policy = next(r for r in raw["deployment"]["resources"] if r["urn"].endswith("koho-policy"))
    policy["inputs"]["bucket"] = {SECRET_SIG_KEY: "5cf8f73096256a8f31e491e813e4eb8e", "urn": BUCKET,
                                  "id": BUCKET_NAME, "packageVersion": "7.8.0"}
    policy["outputs"]["bucket"] = {SECRET_SIG_KEY: "d0e6a833031e9bbcd3f4e8bde6ca49a4", "secret": True,
                                   "value": "hidden-value", "dependencies": [BUCKET]}
    policy["outputs"]["region"] = {SECRET_SIG_KEY: "d0e6a833031e9bbcd3f4e8bde6ca49a4", "dependencies": []}
    path = tmp_path / "refs.json"
    path.write_text(json.dumps(raw))
    plan = from_stack_export(path)
    res = by_name(plan)["koho-policy"]
    assert res.inputs["bucket"] == BUCKET_NAME
    assert res.outputs["bucket"] == SECRET_MASK
    assert res.outputs["region"] == UNKNOWN


# --- unknown types (coordinated through gcbase.tfplan.unchecked) ---------------------------------

@pytest.mark.parametrize("importer,fixture", [(from_preview, PREVIEW), (from_stack_export, EXPORT)])
def test_non_aws_resource_is_listed_as_not_checked(importer, fixture):
    tfplan = pytest.importorskip("gcbase.tfplan")
    plan = importer(fixture)
    missing = tfplan.unchecked(plan)
    assert [m["type"] for m in missing] == ["random:index/randomPassword:RandomPassword"]
    exported = tfplan.export(plan)
    assert exported["gcbase"]["not_checked"] == missing
    dumped = json.dumps(exported)
    assert "koho-bucket" in dumped  # the AWS resources are exported
    for text in ciphertexts(json.loads(EXPORT.read_text())):
        assert text not in dumped


# --- bad input: one line naming the file and the key --------------------------------------------

def _write(tmp_path: Path, doc, name="in.json") -> Path:
    path = tmp_path / name
    path.write_text(doc if isinstance(doc, str) else json.dumps(doc))
    return path


def _export_with(mutate):
    raw = json.loads(EXPORT.read_text())
    mutate(raw)
    return raw


def _res0(raw):
    return raw["deployment"]["resources"][4]


BAD_EXPORTS = [
    ("{not json", "", "not JSON (line 1 column 2"),
    ([1, 2], "", "expected a JSON object"),
    ({"version": 3}, "deployment", "missing"),
    ({"steps": []}, "deployment", "looks like `pulumi preview --json` output"),
    (_export_with(lambda r: r.update(version=0)), "version", "0 is not supported; allowed: 1, 2, 3, 4"),
    (_export_with(lambda r: r.update(version="3")), "version", "expected an integer, found a string"),
    (_export_with(lambda r: r["deployment"].pop("manifest")), "deployment.manifest", "missing"),
    (_export_with(lambda r: r["deployment"].update(resources={})), "deployment.resources", "expected a list"),
    (_export_with(lambda r: r["deployment"].update(resources=[])), "deployment.resources", "no resources"),
    (_export_with(lambda r: _res0(r).pop("urn")), "deployment.resources[4].urn", "missing"),
    (_export_with(lambda r: _res0(r).update(urn="koho-bucket")), "deployment.resources[4].urn", "not a Pulumi URN"),
    (_export_with(lambda r: _res0(r).update(type=7)), "deployment.resources[4].type", "expected a string"),
    (_export_with(lambda r: _res0(r).update(custom="yes")), "deployment.resources[4].custom", "expected true or false"),
    (_export_with(lambda r: _res0(r).update(inputs=[])), "deployment.resources[4].inputs", "expected an object"),
    (_export_with(lambda r: _res0(r).update(provider="aws-default")), "deployment.resources[4].provider",
     "not a provider reference"),
    (_export_with(lambda r: _res0(r).update(dependencies=[1])), "deployment.resources[4].dependencies",
     "expected a list of URNs"),
    (_export_with(lambda r: _res0(r)["inputs"].update(tags={SECRET_SIG_KEY: "ffff"})),
     f"{BUCKET} inputs.tags", "unknown Pulumi value signature 'ffff'"),
    (_export_with(lambda r: r["deployment"]["resources"].__setitem__(2, "x")), "deployment.resources[2]",
     "expected an object (a resource), found a string"),
]


@pytest.mark.parametrize("doc,key,message", BAD_EXPORTS)
def test_bad_stack_export_is_one_clear_line(tmp_path, doc, key, message):
    path = _write(tmp_path, doc)
    with pytest.raises(GcbaseError) as err:
        from_stack_export(path)
    assert len(err.value.problems) == 1
    problem = err.value.problems[0]
    assert problem.file == str(path)
    assert problem.key == key
    assert message in problem.message
    assert "\n" not in str(problem)


def _preview_with(mutate):
    raw = json.loads(PREVIEW.read_text())
    mutate(raw)
    return raw


BAD_PREVIEWS = [
    ("", "", "not JSON (line 1 column 1"),
    ("null", "", "expected a JSON object"),
    ({"version": 3, "deployment": {}}, "steps", "looks like `pulumi stack export` output"),
    ({"config": {}}, "steps", "missing"),
    (_preview_with(lambda r: r.update(steps={})), "steps", "expected a list, found an object"),
    (_preview_with(lambda r: r["steps"][4].pop("op")), "steps[4].op", "missing"),
    (_preview_with(lambda r: r["steps"][10].pop("newState")), "steps[10].newState", "missing"),
    (_preview_with(lambda r: r["steps"][4]["newState"].update(propertyDependencies={"bucket": "x"})),
     "steps[4].newState.propertyDependencies", "expected an object of URN lists"),
    ("[NaN]", "", "NaN is not a JSON value"),
    (_preview_with(lambda r: r["diagnostics"].append(
        {"urn": BUCKET, "message": "error: creating S3 Bucket: AccessDenied\nmore", "severity": "error"})),
     "diagnostics[1]", "the preview failed (error: creating S3 Bucket: AccessDenied); fix it and preview again"),
]


@pytest.mark.parametrize("doc,key,message", BAD_PREVIEWS)
def test_bad_preview_is_one_clear_line(tmp_path, doc, key, message):
    path = _write(tmp_path, doc)
    with pytest.raises(GcbaseError) as err:
        from_preview(path)
    assert len(err.value.problems) == 1
    problem = err.value.problems[0]
    assert (problem.file, problem.key) == (str(path), key)
    assert message in problem.message


def test_missing_file_and_directory(tmp_path):
    with pytest.raises(GcbaseError, match="`pulumi preview --json` output not found"):
        from_preview(tmp_path / "absent.json")
    with pytest.raises(GcbaseError, match="is a directory"):
        from_stack_export(tmp_path)


def test_powershell_utf16_and_utf8_bom_are_read(tmp_path):
    text = PREVIEW.read_text()
    utf16 = tmp_path / "ps.json"
    utf16.write_bytes(text.encode("utf-16"))  # with BOM, as `>` in Windows PowerShell 5 writes
    bom = tmp_path / "bom.json"
    bom.write_bytes(b"\xef\xbb\xbf" + text.encode())
    assert len(from_preview(utf16).resources) == len(from_preview(bom).resources) == 10


def test_cli_imports_both_formats(tmp_path, capsys):
    pytest.importorskip("gcbase.tfplan")
    from gcbase.cli import main

    out = tmp_path / "plan.json"
    assert main(["synth", "--stack-export", str(EXPORT), "--json", str(out)]) == 0
    assert json.loads(out.read_text())["source"] == "stack-export"
    printed = capsys.readouterr().out
    assert "not checked (type unknown to the exporter): random:index/randomPassword:RandomPassword" in printed
    assert main(["synth", "--preview", str(tmp_path / "nope.json")]) == 2
    assert f"error: {tmp_path / 'nope.json'}: `pulumi preview --json` output not found" in capsys.readouterr().err


def test_preview_records_each_resources_operation():
    plan = from_preview(PREVIEW)
    ops = {urn.rsplit("::", 1)[1]: op for urn, op in plan.meta["operations"].items()}
    assert ops == {"tokyo": "same", "default_4_18_2": "same", "koho": "same", "koho-bucket": "same",
                   "koho-public-access": "update", "koho-policy": "same", "koho-db-password": "same",
                   "koho-db-password-param": "replace", "koho-logs": "create", "koho-access-logging": "create"}


@pytest.mark.parametrize("ref, ok", [
    (P + "koho:web:Site$pulumi:providers:aws::nested::0c1d", True),  # a provider declared inside a component
    (P + "pulumi:providers:aws::tokyo::0c1d", True),
    (P + "koho:web:Site$aws:s3/bucketV2:BucketV2::koho-bucket::0c1d", False),  # not a provider
])
def test_stack_export_provider_references_inside_components(tmp_path, ref, ok):
    doc = json.loads(EXPORT.read_text(encoding="utf-8"))
    bucket = next(r for r in doc["deployment"]["resources"] if r["urn"].endswith("::koho-bucket"))
    bucket["provider"] = ref
    path = tmp_path / "state.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    if ok:
        assert by_name(from_stack_export(path))["koho-bucket"].provider == ref
    else:
        with pytest.raises(GcbaseError, match="is not a provider reference"):
            from_stack_export(path)
