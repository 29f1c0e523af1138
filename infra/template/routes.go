package template

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"
)

// DefaultRouteKey is the route key of an HttpApi event with neither Path nor
// Method: API Gateway's catch-all route.
const DefaultRouteKey = "$default"

// Route is one HttpApi event of a function: a route of the HTTP API.
type Route struct {
	Method   string // as written in the template, e.g. "GET" or "ANY"; "" for $default
	Path     string // e.g. "/articles/{slug}", or "$default"
	Function string // logical ID of the function, e.g. "ReadFunction"
	Event    string // logical name of the event, e.g. "GetArticle"
	// Public is true when no authorizer guards the route: the event says
	// Auth: Authorizer: NONE, or neither the event nor its API names one.
	// Otherwise API Gateway asks the authorizer (the API's DefaultAuthorizer).
	Public bool
}

// RouteKey returns the route in API Gateway's routeKey form, as found in
// requestContext.routeKey of a payload-2.0 event: "GET /articles/{slug}", or
// "$default".
func (r Route) RouteKey() string {
	if r.Path == DefaultRouteKey {
		return DefaultRouteKey
	}
	return r.Method + " " + r.Path
}

// Routes returns every HttpApi event of every AWS::Serverless::Function,
// sorted by path, then method, function and event.
func (t *Template) Routes() []Route {
	return append([]Route(nil), t.routes...)
}

// Validate checks the template's routes with ValidateRoutes.
func (t *Template) Validate() error {
	return ValidateRoutes(t.Routes())
}

// ValidateRoutes reports every route whose path does not start with "/"
// (except $default), whose method is not upper case (API Gateway route keys
// are case-sensitive) or whose route key another route already has. The
// error joins one error per problem; nil means none.
func ValidateRoutes(routes []Route) error {
	var errs []error
	seen := map[string]Route{}
	for _, r := range routes {
		where := r.Function + "." + r.Event
		if r.Path != DefaultRouteKey {
			if !strings.HasPrefix(r.Path, "/") {
				errs = append(errs, fmt.Errorf("route %s: path %q does not start with /", where, r.Path))
			}
			if r.Method == "" || r.Method != strings.ToUpper(r.Method) {
				errs = append(errs, fmt.Errorf("route %s: method %q is not upper case", where, r.Method))
			}
		}
		key := r.RouteKey()
		if prev, dup := seen[key]; dup {
			errs = append(errs, fmt.Errorf("route %s: %q is also declared by %s.%s", where, key, prev.Function, prev.Event))
			continue
		}
		seen[key] = r
	}
	return errors.Join(errs...)
}

// parseRoutes collects the HttpApi events of every function, sorted.
func (t *Template) parseRoutes() ([]Route, error) {
	var routes []Route
	for _, fn := range t.Functions() {
		events := at(t.resources[fn], "Properties", "Events")
		if events == nil {
			continue
		}
		if events.Kind != yaml.MappingNode {
			return nil, fmt.Errorf("function %s: Events: want a mapping, got %s", fn, describe(events))
		}
		for i := 0; i+1 < len(events.Content); i += 2 {
			name, ev := events.Content[i].Value, deref(events.Content[i+1])
			if typ, _ := str(child(ev, "Type")); typ != "HttpApi" {
				continue
			}
			r, err := t.parseRoute(fn, name, child(ev, "Properties"))
			if err != nil {
				return nil, fmt.Errorf("function %s: event %s: %w", fn, name, err)
			}
			routes = append(routes, r)
		}
	}
	sort.Slice(routes, func(i, j int) bool {
		a, b := routes[i], routes[j]
		if a.Path != b.Path {
			return a.Path < b.Path
		}
		if a.Method != b.Method {
			return a.Method < b.Method
		}
		if a.Function != b.Function {
			return a.Function < b.Function
		}
		return a.Event < b.Event
	})
	return routes, nil
}

// parseRoute reads one HttpApi event's Properties.
func (t *Template) parseRoute(fn, event string, props *yaml.Node) (Route, error) {
	r := Route{Function: fn, Event: event}
	method, path := child(props, "Method"), child(props, "Path")
	if method == nil && path == nil {
		r.Path = DefaultRouteKey
	} else {
		var ok bool
		if r.Method, ok = str(method); !ok {
			return r, fmt.Errorf("property Method: want a plain string, got %s", describe(method))
		}
		if r.Path, ok = str(path); !ok {
			return r, fmt.Errorf("property Path: want a plain string, got %s", describe(path))
		}
	}
	authorizer, err := t.authorizer(props)
	if err != nil {
		return r, err
	}
	r.Public = authorizer == "" || authorizer == "NONE"
	return r, nil
}

// authorizer returns the name of the authorizer guarding an event: its own
// Auth.Authorizer, else the DefaultAuthorizer of the API it names in ApiId
// (or of Globals.HttpApi), else "".
func (t *Template) authorizer(props *yaml.Node) (string, error) {
	if n := at(props, "Auth", "Authorizer"); n != nil {
		name, ok := str(n)
		if !ok {
			return "", fmt.Errorf("Auth.Authorizer: want a plain string, got %s", describe(n))
		}
		return name, nil
	}
	apis := []*yaml.Node{at(t.root, "Globals", "HttpApi")}
	if id := child(props, "ApiId"); id != nil {
		v, err := decode(id)
		ref, ok := v.(Intrinsic)
		name, isString := ref.Value.(string)
		if err != nil || !ok || ref.Tag != "!Ref" || !isString {
			return "", fmt.Errorf("ApiId: want !Ref to an HttpApi, got %s", describe(id))
		}
		api := t.resources[name]
		if api == nil {
			return "", fmt.Errorf("ApiId: no resource %q", name)
		}
		apis = append([]*yaml.Node{child(api, "Properties")}, apis...)
	}
	for _, api := range apis {
		if n := at(api, "Auth", "DefaultAuthorizer"); n != nil {
			name, ok := str(n)
			if !ok {
				return "", fmt.Errorf("DefaultAuthorizer: want a plain string, got %s", describe(n))
			}
			return name, nil
		}
	}
	return "", nil
}
