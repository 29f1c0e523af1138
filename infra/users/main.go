// Command users administers the editors of a deployed stack through the AWS
// CLI (`make admin-user EMAIL=… GROUP=admin`): it reads the Cognito user
// pool's id from the stack's UserPoolId output, then
//
//	create EMAIL [GROUP]   creates the user (Cognito e-mails a temporary
//	                       password) and adds it to GROUP
//	add EMAIL GROUP        adds a user to editor, publisher or admin
//	remove EMAIL GROUP     takes a user out of a group
//	groups EMAIL           lists a user's groups
//
// Flags: -stack (default eportal), -region, -profile, -dry-run (print the
// commands, run nothing). docs/operations.md, "Editors and their roles".
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
)

func main() {
	var cfg Config
	flag.StringVar(&cfg.Stack, "stack", "eportal", "the deployed stack's name")
	flag.StringVar(&cfg.Region, "region", "", "AWS region (default: the CLI's)")
	flag.StringVar(&cfg.Profile, "profile", "", "AWS CLI profile (default: the CLI's)")
	flag.BoolVar(&cfg.DryRun, "dry-run", false, "print the AWS CLI commands instead of running them")
	flag.Usage = func() {
		fmt.Fprintln(flag.CommandLine.Output(), "usage: users [flags] create EMAIL [GROUP] | add EMAIL GROUP | remove EMAIL GROUP | groups EMAIL")
		flag.PrintDefaults()
	}
	flag.Parse()
	plan, err := ParseArgs(cfg, flag.Args())
	if err != nil {
		fmt.Fprintln(os.Stderr, "users:", err)
		flag.Usage()
		os.Exit(2)
	}
	if err := plan.Run(context.Background(), CLI, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "users:", err)
		os.Exit(1)
	}
}
