// Command token is `make token ROLE=editor|publisher|admin`: it prints one
// line, a token that the local server started by `make run` accepts on
// /admin routes, for the fixed local user of that role (see
// localauth.DevUser). It signs with the same development key as `make run`,
// .local/dev-jwt-key.pem under the repository root, creating it if needed.
//
//	curl -H "Authorization: Bearer $(make -s token ROLE=editor)" http://127.0.0.1:3000/admin/...
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"eportal/infra/localauth"
	"eportal/infra/template"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "token:", err)
		os.Exit(1)
	}
}

func run() error {
	role := flag.String("role", "", "role of the local user: editor, publisher or admin")
	ttl := flag.Duration("ttl", localauth.DefaultTTL, "how long the token lasts")
	flag.Parse()
	if *role == "" {
		return fmt.Errorf("no role: run make token ROLE=editor (or publisher, admin)")
	}
	user, err := localauth.DevUser(*role)
	if err != nil {
		return err
	}
	tmpl, err := template.Find()
	if err != nil {
		return err
	}
	iss, err := localauth.LoadOrCreate(filepath.Join(filepath.Dir(tmpl), localauth.KeyFile))
	if err != nil {
		return err
	}
	tok, err := iss.TokenFor(user, *ttl)
	if err != nil {
		return err
	}
	fmt.Println(tok)
	return nil
}
