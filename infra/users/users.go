package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/mail"
	"os/exec"
	"slices"
	"strings"
)

// Groups are the roles, as the template's Cognito groups name them.
var Groups = []string{"editor", "publisher", "admin"}

// Config is what every command needs: which deployed stack, and how to call
// the AWS CLI.
type Config struct {
	Stack   string // the CloudFormation stack whose UserPoolId output names the pool
	Region  string // passed as --region when not empty
	Profile string // passed as --profile when not empty
	DryRun  bool   // print the commands instead of running them
}

// Command is one AWS CLI invocation: its arguments after "aws".
type Command []string

// String returns the command as a shell line, each argument quoted when it
// needs to be.
func (c Command) String() string {
	parts := []string{"aws"}
	for _, a := range c {
		if a == "" || strings.ContainsAny(a, " \t\n'\"$`\\|&;<>()*?[]{}!#~") {
			a = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
		}
		parts = append(parts, a)
	}
	return strings.Join(parts, " ")
}

// Runner runs a command and returns its standard output.
type Runner func(ctx context.Context, c Command) (string, error)

// CLI runs the AWS CLI.
func CLI(ctx context.Context, c Command) (string, error) {
	var out, errb bytes.Buffer
	cmd := exec.CommandContext(ctx, "aws", c...)
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("%s: %w: %s", c, err, strings.TrimSpace(errb.String()))
	}
	return out.String(), nil
}

// Plan is what a request does: the user pool's id is read from the stack,
// then each step runs with it.
type Plan struct {
	cfg   Config
	steps []func(pool string) Command
}

// global returns the options every command takes.
func (cfg Config) global() []string {
	var g []string
	if cfg.Region != "" {
		g = append(g, "--region", cfg.Region)
	}
	if cfg.Profile != "" {
		g = append(g, "--profile", cfg.Profile)
	}
	return g
}

// PoolLookup is the command that reads the user pool id from the stack's
// outputs.
func (cfg Config) PoolLookup() Command {
	return append(Command{"cloudformation", "describe-stacks", "--stack-name", cfg.Stack,
		"--query", "Stacks[0].Outputs[?OutputKey=='UserPoolId'].OutputValue", "--output", "text"}, cfg.global()...)
}

// ParseArgs checks a request — "create EMAIL [GROUP]" (a new user; Cognito
// e-mails a temporary password, valid 3 days, to be changed at the first
// sign-in; then added to GROUP), "add EMAIL GROUP", "remove EMAIL GROUP" or
// "groups EMAIL" — and returns its plan.
func ParseArgs(cfg Config, args []string) (*Plan, error) {
	if cfg.Stack == "" {
		return nil, errors.New("-stack is empty: name the deployed stack (samconfig.toml's stack_name)")
	}
	if len(args) == 0 {
		return nil, errors.New("want a command: create, add, remove or groups")
	}
	verb, rest := args[0], args[1:]
	want := map[string][2]int{"create": {1, 2}, "add": {2, 2}, "remove": {2, 2}, "groups": {1, 1}}
	n, ok := want[verb]
	if !ok {
		return nil, fmt.Errorf("unknown command %q: want create, add, remove or groups", verb)
	}
	if len(rest) < n[0] || len(rest) > n[1] {
		return nil, fmt.Errorf("%s: want %s", verb, map[string]string{
			"create": "EMAIL [GROUP]", "add": "EMAIL GROUP", "remove": "EMAIL GROUP", "groups": "EMAIL"}[verb])
	}
	email, err := checkEmail(rest[0])
	if err != nil {
		return nil, err
	}
	group := ""
	if len(rest) == 2 {
		if group = rest[1]; !slices.Contains(Groups, group) {
			return nil, fmt.Errorf("group %q: want one of %s", group, strings.Join(Groups, ", "))
		}
	}
	g := cfg.global()
	p := &Plan{cfg: cfg}
	step := func(f func(pool string) Command) { p.steps = append(p.steps, f) }
	toGroup := func(action string) {
		step(func(pool string) Command {
			return append(Command{"cognito-idp", action, "--user-pool-id", pool, "--username", email, "--group-name", group}, g...)
		})
	}
	switch verb {
	case "create":
		step(func(pool string) Command {
			return append(Command{"cognito-idp", "admin-create-user", "--user-pool-id", pool, "--username", email,
				"--user-attributes", "Name=email,Value=" + email, "Name=email_verified,Value=true",
				"--desired-delivery-mediums", "EMAIL"}, g...)
		})
		if group != "" {
			toGroup("admin-add-user-to-group")
		}
	case "add":
		toGroup("admin-add-user-to-group")
	case "remove":
		toGroup("admin-remove-user-from-group")
	case "groups":
		step(func(pool string) Command {
			return append(Command{"cognito-idp", "admin-list-groups-for-user", "--user-pool-id", pool, "--username", email,
				"--query", "Groups[].GroupName", "--output", "text"}, g...)
		})
	}
	return p, nil
}

// checkEmail returns the address when it is one plain e-mail address (the
// pool's usernames are e-mail addresses).
func checkEmail(s string) (string, error) {
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || a.Name != "" || !strings.Contains(s[strings.LastIndex(s, "@")+1:], ".") {
		return "", fmt.Errorf("%q is not an e-mail address such as bien-tap@quangnam.gov.vn", s)
	}
	return strings.ToLower(s), nil
}

// Run carries the plan out with run, writing what each command printed to
// out; with DryRun it writes the commands instead, the pool id standing as
// $POOL (what the first command prints).
func (p *Plan) Run(ctx context.Context, run Runner, out io.Writer) error {
	lookup := p.cfg.PoolLookup()
	if p.cfg.DryRun {
		fmt.Fprintf(out, "POOL=$(%s)\n", lookup)
		for _, s := range p.steps {
			fmt.Fprintln(out, strings.Replace(s("\x00").String(), "\x00", `"$POOL"`, 1))
		}
		return nil
	}
	pool, err := run(ctx, lookup)
	if err != nil {
		return err
	}
	if pool = strings.TrimSpace(pool); pool == "" || pool == "None" || strings.ContainsAny(pool, " \t\n") {
		return fmt.Errorf("stack %s has no UserPoolId output (%q): is it deployed, in this region?", p.cfg.Stack, pool)
	}
	for _, s := range p.steps {
		res, err := run(ctx, s(pool))
		if err != nil {
			return err
		}
		if res = strings.TrimSpace(res); res != "" {
			fmt.Fprintln(out, res)
		}
	}
	return nil
}
