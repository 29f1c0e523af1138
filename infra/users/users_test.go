package main

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
)

func TestParseArgsRefuses(t *testing.T) {
	cfg := Config{Stack: "eportal"}
	for _, tt := range []struct {
		args []string
		want string
	}{
		{nil, "want a command"},
		{[]string{"delete", "a@b.vn"}, "unknown command"},
		{[]string{"create"}, "create: want EMAIL [GROUP]"},
		{[]string{"create", "a@b.vn", "admin", "x"}, "create: want"},
		{[]string{"add", "a@b.vn"}, "add: want EMAIL GROUP"},
		{[]string{"create", "not-an-address"}, "not an e-mail address"},
		{[]string{"create", "Tên <a@b.vn>"}, "not an e-mail address"},
		{[]string{"create", "a@localhost"}, "not an e-mail address"},
		{[]string{"create", "a@b.vn", "Admin"}, `group "Admin"`},
		{[]string{"add", "a@b.vn", "superuser"}, "want one of editor, publisher, admin"},
	} {
		if _, err := ParseArgs(cfg, tt.args); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("ParseArgs(%q) = %v; want an error containing %q", tt.args, err, tt.want)
		}
	}
	if _, err := ParseArgs(Config{}, []string{"groups", "a@b.vn"}); err == nil || !strings.Contains(err.Error(), "-stack") {
		t.Errorf("empty stack: %v", err)
	}
}

// fakeCLI records the commands and answers the stack lookup with pool.
type fakeCLI struct {
	pool string
	ran  []string
	fail string // a command containing this fails
}

func (f *fakeCLI) run(_ context.Context, c Command) (string, error) {
	f.ran = append(f.ran, c.String())
	if f.fail != "" && strings.Contains(c.String(), f.fail) {
		return "", errors.New("AccessDeniedException")
	}
	if c[0] == "cloudformation" {
		return f.pool + "\n", nil
	}
	return "", nil
}

func TestCreateFirstAdmin(t *testing.T) {
	plan, err := ParseArgs(Config{Stack: "eportal-prod", Region: "ap-southeast-1"}, []string{"create", "Truc.Ban@QuangNam.gov.vn", "admin"})
	if err != nil {
		t.Fatal(err)
	}
	f := &fakeCLI{pool: "ap-southeast-1_AbC123"}
	if err := plan.Run(context.Background(), f.run, &bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
	want := []string{
		`aws cloudformation describe-stacks --stack-name eportal-prod --query 'Stacks[0].Outputs[?OutputKey=='\''UserPoolId'\''].OutputValue' --output text --region ap-southeast-1`,
		`aws cognito-idp admin-create-user --user-pool-id ap-southeast-1_AbC123 --username truc.ban@quangnam.gov.vn --user-attributes Name=email,Value=truc.ban@quangnam.gov.vn Name=email_verified,Value=true --desired-delivery-mediums EMAIL --region ap-southeast-1`,
		`aws cognito-idp admin-add-user-to-group --user-pool-id ap-southeast-1_AbC123 --username truc.ban@quangnam.gov.vn --group-name admin --region ap-southeast-1`,
	}
	if strings.Join(f.ran, "\n") != strings.Join(want, "\n") {
		t.Errorf("ran:\n%s\nwant:\n%s", strings.Join(f.ran, "\n"), strings.Join(want, "\n"))
	}
}

func TestDryRunRunsNothing(t *testing.T) {
	plan, err := ParseArgs(Config{Stack: "eportal", Profile: "qn", DryRun: true}, []string{"remove", "a@b.vn", "publisher"})
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	f := &fakeCLI{}
	if err := plan.Run(context.Background(), f.run, &out); err != nil {
		t.Fatal(err)
	}
	if len(f.ran) != 0 {
		t.Errorf("dry run ran %v", f.ran)
	}
	want := `POOL=$(aws cloudformation describe-stacks --stack-name eportal --query 'Stacks[0].Outputs[?OutputKey=='\''UserPoolId'\''].OutputValue' --output text --profile qn)` + "\n" +
		`aws cognito-idp admin-remove-user-from-group --user-pool-id "$POOL" --username a@b.vn --group-name publisher --profile qn` + "\n"
	if out.String() != want {
		t.Errorf("dry run printed:\n%s\nwant:\n%s", out.String(), want)
	}
}

func TestRunStops(t *testing.T) {
	plan, _ := ParseArgs(Config{Stack: "eportal"}, []string{"create", "a@b.vn", "editor"})
	f := &fakeCLI{pool: "None"}
	if err := plan.Run(context.Background(), f.run, &bytes.Buffer{}); err == nil || !strings.Contains(err.Error(), "no UserPoolId output") {
		t.Errorf("stack without the output: %v", err)
	}
	f = &fakeCLI{pool: "ap-southeast-1_X", fail: "admin-create-user"}
	if err := plan.Run(context.Background(), f.run, &bytes.Buffer{}); err == nil || len(f.ran) != 2 {
		t.Errorf("failed create: %v after %d commands; want the error and no group change", err, len(f.ran))
	}
}
