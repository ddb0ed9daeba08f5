"""The ADL conformance suite's own statement cases, run against parse_statements.

Most of the suite's Data tests are tables ("configs") of statements built from JSON
templates, each with the status it expects (400, or 200/204). The suite is installed
by `make conformance` into the git-ignored .conformance/suite; when it (or node) is
missing here, the test is skipped. A small Node script builds the statements exactly
as the suite does (its own helper), so the check follows the suite version installed.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from leerpad.lrs.xapi import VERSION_1, VERSION_2, XapiValidationError, parse_statements

SUITE = Path(__file__).resolve().parents[3] / ".conformance" / "suite"

# Prints [{file, name, data, expect}] for every templated statement test of one version.
EXTRACT = """
const dir = process.argv[1];
process.env.DIRECTORY = dir;
const fs = require('fs');
const helper = require(process.cwd() + '/test/helper.js');
const out = [];
for (const file of fs.readdirSync('./test/' + dir + '/configs').sort()) {
  if (!file.endsWith('.js')) continue;
  for (const suite of helper.getSingleTestConfiguration(file)) {
    for (const test of suite.config) {
      let data = test.json;
      if (test.templates) {
        const built = helper.createTestObject(
          helper.convertTemplate(JSON.parse(JSON.stringify(test.templates))));
        data = built[Object.keys(built)[0]];
      }
      out.push({file: file, name: suite.name + ' / ' + test.name, data: data, expect: test.expect});
    }
  }
}
process.stdout.write(JSON.stringify(out));
"""


def _cases(directory: str) -> list[dict[str, Any]]:
    node = shutil.which("node")
    if node is None or not (SUITE / "test" / directory / "configs").is_dir():
        pytest.skip("the ADL conformance suite (make conformance) or node is not installed")
    done = subprocess.run(  # noqa: S603 -- fixed arguments, no shell
        [node, "-e", EXTRACT, directory],
        cwd=SUITE,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    cases: list[dict[str, Any]] = json.loads(done.stdout)
    return cases


@pytest.mark.parametrize(("directory", "version"), [("v1_0_3", VERSION_1), ("v2_0", VERSION_2)])
def test_the_suites_statement_cases(directory: str, version: str) -> None:
    cases = _cases(directory)
    assert len(cases) > 900
    wrong = []
    for case in cases:
        expect_valid = case["expect"][0] < 300
        try:
            parse_statements(case["data"], version=version)
            outcome = "accepted"
        except XapiValidationError as error:
            outcome = f"rejected ({error})"
        if expect_valid != (outcome == "accepted"):
            wrong.append(f"{case['file']}: {case['name']}: expected {case['expect']}, {outcome}")
    assert not wrong, "\n".join(wrong)
