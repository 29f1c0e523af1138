package template

import (
	"fmt"
	"strconv"

	"go.yaml.in/yaml/v3"
)

// CORS is the HTTP API's CorsConfiguration, without its origins (a
// parameter): what API Gateway answers preflights and responses with, and
// what the local server must answer the same way.
type CORS struct {
	AllowMethods  []string
	AllowHeaders  []string
	ExposeHeaders []string
	MaxAge        int
}

// CORS returns the CorsConfiguration of the template's HttpApi resource.
func (t *Template) CORS() (CORS, error) {
	var c CORS
	api := t.resources["HttpApi"]
	cfg := at(api, "Properties", "CorsConfiguration")
	if cfg == nil {
		return c, fmt.Errorf("%s: HttpApi has no CorsConfiguration", t.Path)
	}
	for _, f := range []struct {
		key string
		dst *[]string
	}{{"AllowMethods", &c.AllowMethods}, {"AllowHeaders", &c.AllowHeaders}, {"ExposeHeaders", &c.ExposeHeaders}} {
		err := eachItem(child(cfg, f.key), "CorsConfiguration."+f.key, func(where string, item *yaml.Node) error {
			s, ok := str(item)
			if !ok {
				return fmt.Errorf("%s: want a plain string, got %s", where, describe(item))
			}
			*f.dst = append(*f.dst, s)
			return nil
		})
		if err != nil {
			return c, err
		}
	}
	if s, ok := str(child(cfg, "MaxAge")); ok {
		n, err := strconv.Atoi(s)
		if err != nil {
			return c, fmt.Errorf("CorsConfiguration.MaxAge: %w", err)
		}
		c.MaxAge = n
	}
	return c, nil
}
