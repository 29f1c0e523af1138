#!/usr/bin/env python3
"""Translate a SAM template offline and lint the resulting CloudFormation.

cfn-lint on a SAM template suppresses some findings on the resources the
transform generates (invalid IAM actions W3037, unused parameters W2001, ...).
This script runs the SAM translator (aws-sam-translator) locally, with no AWS
credentials and no network, writes the plain CloudFormation JSON to a
temporary file and runs `cfn-lint` on it.

Usage: python3 infra/template/lint-translated.py [template.yaml] [--keep out.json]
                                                  [--regions r1 r2 ...]

Exit status: 0 when cfn-lint prints nothing and exits 0; otherwise non-zero
(the translation failed, cfn-lint is missing, or it reported findings; its
exit code is a bitmask: 2 error, 4 warning, 8 informational).
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile

# Offline: the translator asks boto3 for the region to build ARNs; never let
# it fall back to the instance metadata service.
os.environ.setdefault("AWS_DEFAULT_REGION", "ap-southeast-1")
os.environ.setdefault("AWS_EC2_METADATA_DISABLED", "true")

from samtranslator.translator.transform import transform  # noqa: E402
from samtranslator.yaml_helper import yaml_parse  # noqa: E402

# A local CodeUri is replaced by this placeholder, as `sam package` would
# replace it by an S3 URI; the translator accepts nothing else.
FAKE_CODE_URI = "s3://eportal-lint-placeholder/code.zip"


class NoManagedPolicies:
    """Managed-policy loader for offline use.

    SAM calls it only for policies named by their bare name (for example
    "AmazonDynamoDBReadOnlyAccess"); the template uses none, so an empty map
    makes such a policy fail the translation instead of reaching AWS.
    """

    def load(self):
        return {}


def replace_local_code_uris(template):
    """Points every local CodeUri/ContentUri at FAKE_CODE_URI, in place."""
    for res in (template.get("Resources") or {}).values():
        props = res.get("Properties")
        if not isinstance(props, dict):
            continue
        for key in ("CodeUri", "ContentUri"):
            uri = props.get(key)
            if isinstance(uri, str) and not uri.startswith("s3://"):
                props[key] = FAKE_CODE_URI


def default_parameter_values(template):
    """Returns the parameters' defaults as CloudFormation hands them to the
    SAM transform: list types as lists.

    The translator resolves some parameter refs itself (HttpApi
    CorsConfiguration among them). Left to itself it would use a
    CommaDelimitedList default as one string, which the deployed transform
    never sees.
    """
    values = {}
    for name, param in (template.get("Parameters") or {}).items():
        if not isinstance(param, dict) or "Default" not in param:
            continue
        value = param["Default"]
        kind = str(param.get("Type", ""))
        if isinstance(value, str) and (kind == "CommaDelimitedList" or kind.startswith("List<")):
            value = [v.strip() for v in value.split(",")]
        values[name] = value
    return values


def translate(path):
    """Returns the CloudFormation template that SAM makes of path."""
    with open(path, encoding="utf-8") as f:
        template = yaml_parse(f.read())
    replace_local_code_uris(template)
    params = default_parameter_values(template)
    return transform(template, params, NoManagedPolicies(), passthrough_metadata=False)


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("template", nargs="?", default="template.yaml")
    ap.add_argument("--keep", help="also write the translated JSON to this file")
    ap.add_argument("--regions", nargs="+", default=["ap-southeast-1", "us-east-1"],
                    help="regions cfn-lint validates against")
    args = ap.parse_args(argv)

    try:
        translated = translate(args.template)
    except Exception as e:  # the translator raises many types; all are findings
        causes = getattr(e, "causes", None) or [e]
        for cause in causes:
            print(f"{args.template}: SAM translation failed: "
                  f"{getattr(cause, 'message', cause)}", file=sys.stderr)
        return 2

    body = json.dumps(translated, indent=2, sort_keys=True) + "\n"
    if args.keep:
        with open(args.keep, "w", encoding="utf-8") as f:
            f.write(body)

    cfn_lint = shutil.which("cfn-lint")
    if cfn_lint is None:
        print("cfn-lint not found on PATH (pip install cfn-lint)", file=sys.stderr)
        return 2

    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "translated.json")
        with open(out, "w", encoding="utf-8") as f:
            f.write(body)
        res = subprocess.run([cfn_lint, "--regions", *args.regions, "--", out],
                             capture_output=True, text=True, check=False)
    findings = (res.stdout + res.stderr).strip()
    if findings:
        # Name the source template: the temporary file is gone by now.
        print(f"{args.template} (translated):")
        print(findings)
    if res.returncode != 0:
        return res.returncode
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
