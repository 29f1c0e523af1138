package template_test

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"eportal/infra/template"
)

// runLinter runs a linter from the module root and fails unless it exits 0
// and prints nothing. A missing tool fails the test: the template checks are
// part of `make test`, never silently skipped.
func runLinter(t *testing.T, name string, args ...string) {
	t.Helper()
	t.Parallel()
	path, err := template.Find()
	if err != nil {
		t.Fatal(err)
	}
	bin, err := exec.LookPath(name)
	if err != nil {
		t.Fatalf("%s is not on PATH (pip install cfn-lint aws-sam-translator): %v", name, err)
	}
	cmd := exec.Command(bin, args...)
	cmd.Dir = filepath.Dir(path)
	out, err := cmd.CombinedOutput()
	if err != nil || len(strings.TrimSpace(string(out))) > 0 {
		t.Errorf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
}

func TestCfnLint(t *testing.T) {
	runLinter(t, "cfn-lint", template.FileName)
}

func TestCfnLintTranslated(t *testing.T) {
	runLinter(t, "python3", filepath.Join("infra", "template", "lint-translated.py"), template.FileName)
}

// TestCfnLintWAF lints the edge's web ACL template, which is deployed on
// its own in us-east-1.
func TestCfnLintWAF(t *testing.T) {
	runLinter(t, "cfn-lint", "--regions", "us-east-1", "--", filepath.Join("infra", "edge", "waf.yaml"))
}
