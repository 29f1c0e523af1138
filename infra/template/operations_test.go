package template_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"eportal/infra/template"
	"eportal/internal/metrics"
)

// Shorthands for the intrinsics these tests compare against.
func ref(name string) template.Intrinsic { return template.Intrinsic{Tag: "!Ref", Value: name} }

var tableNameInUse = template.Intrinsic{Tag: "!If", Value: []any{"UseExistingTable", ref("ExistingTableName"), ref("Table")}}

// lookup is Lookup that fails the test when the key is missing.
func lookup(t *testing.T, tpl *template.Template, keys ...string) any {
	t.Helper()
	v, ok := tpl.Lookup(keys...)
	if !ok {
		t.Fatalf("%s: missing", strings.Join(keys, "."))
	}
	return v
}

func wantValue(t *testing.T, tpl *template.Template, want any, keys ...string) {
	t.Helper()
	if got, _ := tpl.Lookup(keys...); !reflect.DeepEqual(got, want) {
		t.Errorf("%s = %#v; want %#v", strings.Join(keys, "."), got, want)
	}
}

// alarmSpec is what an alarm watches and when it fires.
type alarmSpec struct {
	namespace, metric string
	dims              []any // Dimensions as the template writes them
	stat              string
	threshold         int
	periods, breach   int // EvaluationPeriods, DatapointsToAlarm (0: same as periods)
}

func dim(name string, value any) map[string]any { return map[string]any{"Name": name, "Value": value} }

// TestAlarms holds every alarm to the runbook's table (docs/operations.md):
// what it watches, its threshold and periods, and that it notifies the one
// topic both when it fires and when it recovers.
func TestAlarms(t *testing.T) {
	tpl := mustLoad(t)
	want := map[string]alarmSpec{
		"ApiLatencyAlarm":     {"AWS/ApiGateway", "Latency", []any{dim("ApiId", ref("HttpApi"))}, "p99", 2000, 3, 3},
		"RollUpFailuresAlarm": {metrics.Namespace, metrics.RollUpFailures.String(), []any{dim(metrics.Dimension, ref("ViewsFunction"))}, "Sum", 1, 3, 3},
		// Metric math and Metrics Insights: checked below.
		"ApiErrorRateAlarm":      {threshold: 1, periods: 3, breach: 2},
		"TableThrottlesAlarm":    {threshold: 10, periods: 2, breach: 2},
		"TableSystemErrorsAlarm": {threshold: 5, periods: 1},
		// The search indexer's stream: two minutes behind for ten minutes,
		// or any batch given up on.
		"IndexerIteratorAgeAlarm": {"AWS/Lambda", "IteratorAge", []any{dim("FunctionName", ref("IndexerFunction"))}, "Maximum", 120000, 2, 2},
		"IndexerFailuresAlarm": {"AWS/SQS", "ApproximateNumberOfMessagesVisible",
			[]any{dim("QueueName", template.Intrinsic{Tag: "!GetAtt", Value: "IndexerFailures.QueueName"})}, "Maximum", 1, 1, 0},
	}
	for _, fn := range tpl.Functions() {
		throttles := 1
		if fn == "ViewsFunction" { // its reserved concurrency is meant to throttle a flood
			throttles = 100
		}
		want[fn+"ErrorsAlarm"] = alarmSpec{"AWS/Lambda", "Errors", []any{dim("FunctionName", ref(fn))}, "Sum", 1, 3, 2}
		want[fn+"ThrottlesAlarm"] = alarmSpec{"AWS/Lambda", "Throttles", []any{dim("FunctionName", ref(fn))}, "Sum", throttles, 1, 0}
	}
	got := tpl.ResourcesOfType("AWS::CloudWatch::Alarm")
	var wantIDs []string
	for id := range want {
		wantIDs = append(wantIDs, id)
	}
	slices.Sort(wantIDs)
	if !slices.Equal(got, wantIDs) {
		t.Errorf("alarms = %v\nwant     %v", got, wantIDs)
	}
	for _, id := range got {
		spec, ok := want[id]
		if !ok {
			continue
		}
		t.Run(id, func(t *testing.T) {
			p := func(key string) []string { return []string{"Resources", id, "Properties", key} }
			for _, key := range []string{"AlarmActions", "OKActions"} {
				wantValue(t, tpl, []any{ref("AlarmTopic")}, p(key)...)
			}
			wantValue(t, tpl, "notBreaching", p("TreatMissingData")...)
			wantValue(t, tpl, "GreaterThanOrEqualToThreshold", p("ComparisonOperator")...)
			wantValue(t, tpl, spec.threshold, p("Threshold")...)
			wantValue(t, tpl, spec.periods, p("EvaluationPeriods")...)
			if spec.breach != 0 {
				wantValue(t, tpl, spec.breach, p("DatapointsToAlarm")...)
			} else if _, ok := tpl.Lookup(p("DatapointsToAlarm")...); ok {
				t.Errorf("DatapointsToAlarm set; want it to default to EvaluationPeriods")
			}
			if d, _ := tpl.Lookup(p("AlarmDescription")...); d == "" || d == nil {
				t.Errorf("no AlarmDescription (the e-mail's first line)")
			}
			if spec.metric == "" {
				return
			}
			wantValue(t, tpl, spec.namespace, p("Namespace")...)
			wantValue(t, tpl, spec.metric, p("MetricName")...)
			wantValue(t, tpl, spec.dims, p("Dimensions")...)
			wantValue(t, tpl, 300, p("Period")...)
			key := "Statistic"
			if strings.HasPrefix(spec.stat, "p") {
				key = "ExtendedStatistic"
			}
			wantValue(t, tpl, spec.stat, p(key)...)
		})
	}

	// The 5xx rate: 5xx over Count of the API, in percent, when there are
	// enough requests for a rate to mean something.
	queries, _ := lookup(t, tpl, "Resources", "ApiErrorRateAlarm", "Properties", "Metrics").([]any)
	byID := map[string]map[string]any{}
	for _, q := range queries {
		q, _ := q.(map[string]any)
		byID[fmt.Sprint(q["Id"])] = q
	}
	for id, metric := range map[string]string{"errors": "5xx", "requests": "Count"} {
		stat, _ := byID[id]["MetricStat"].(map[string]any)
		m, _ := stat["Metric"].(map[string]any)
		if m["Namespace"] != "AWS/ApiGateway" || m["MetricName"] != metric || !reflect.DeepEqual(m["Dimensions"], []any{dim("ApiId", ref("HttpApi"))}) ||
			stat["Stat"] != "Sum" || stat["Period"] != 300 || byID[id]["ReturnData"] != false {
			t.Errorf("ApiErrorRateAlarm %s = %#v; want the API's %s, summed over 5 minutes", id, byID[id], metric)
		}
	}
	if e := byID["rate"]; e["Expression"] != "IF(requests >= 20, 100 * errors / requests, 0)" || e["ReturnData"] != true {
		t.Errorf("ApiErrorRateAlarm rate = %#v", e)
	}

	// DynamoDB's per-operation metrics, summed over the table's operations.
	for id, metric := range map[string]string{"TableThrottlesAlarm": "ThrottledRequests", "TableSystemErrorsAlarm": "SystemErrors"} {
		queries, _ := lookup(t, tpl, "Resources", id, "Properties", "Metrics").([]any)
		if len(queries) != 1 {
			t.Fatalf("%s: %d queries; want 1", id, len(queries))
		}
		q, _ := queries[0].(map[string]any)
		sub, _ := q["Expression"].(template.Intrinsic)
		args, _ := sub.Value.([]any)
		want := fmt.Sprintf(`SELECT SUM(%s) FROM SCHEMA("AWS/DynamoDB", Operation, TableName) WHERE TableName = '${Name}'`, metric)
		if sub.Tag != "!Sub" || len(args) != 2 || args[0] != want || !reflect.DeepEqual(args[1], map[string]any{"Name": tableNameInUse}) ||
			q["Period"] != 300 || q["ReturnData"] != true {
			t.Errorf("%s query = %#v; want %s on the table in use, 5-minute period", id, q, want)
		}
	}
}

// TestAlarmTopic: one topic; the e-mail subscription exists only when
// AlarmEmail is set, and the parameter is optional.
func TestAlarmTopic(t *testing.T) {
	tpl := mustLoad(t)
	if typ := tpl.ResourceType("AlarmTopic"); typ != "AWS::SNS::Topic" {
		t.Errorf("AlarmTopic type = %q", typ)
	}
	if got := tpl.ResourcesOfType("AWS::SNS::Topic"); !slices.Equal(got, []string{"AlarmTopic"}) {
		t.Errorf("topics = %v; want [AlarmTopic]", got)
	}
	wantValue(t, tpl, "HasAlarmEmail", "Resources", "AlarmEmailSubscription", "Condition")
	wantValue(t, tpl, template.Intrinsic{Tag: "!Not", Value: []any{template.Intrinsic{Tag: "!Equals", Value: []any{ref("AlarmEmail"), ""}}}},
		"Conditions", "HasAlarmEmail")
	wantValue(t, tpl, "", "Parameters", "AlarmEmail", "Default")
	wantValue(t, tpl, "email", "Resources", "AlarmEmailSubscription", "Properties", "Protocol")
	wantValue(t, tpl, ref("AlarmEmail"), "Resources", "AlarmEmailSubscription", "Properties", "Endpoint")
	wantValue(t, tpl, ref("AlarmTopic"), "Resources", "AlarmEmailSubscription", "Properties", "TopicArn")

	pattern, _ := lookup(t, tpl, "Parameters", "AlarmEmail", "AllowedPattern").(string)
	re := regexp.MustCompile(`^(?:` + pattern + `)$`)
	for s, ok := range map[string]bool{"": true, "truc-ban@quangnam.gov.vn": true, "a@b": false, "a b@c.vn": false, "a@b.vn,c@d.vn": false} {
		if re.MatchString(s) != ok {
			t.Errorf("AlarmEmail %q allowed = %v; want %v", s, !ok, ok)
		}
	}
}

// TestReservedConcurrency: the beacon has its own concurrency, which is
// also its ceiling, so a flood of beacons cannot take what the readers'
// functions need; 0 reserves nothing (an account whose concurrency quota
// is too small to keep 100 unreserved).
func TestReservedConcurrency(t *testing.T) {
	tpl := mustLoad(t)
	wantValue(t, tpl, template.Intrinsic{Tag: "!If", Value: []any{"ReserveViewsConcurrency", ref("ViewsReservedConcurrency"), ref("AWS::NoValue")}},
		"Resources", "ViewsFunction", "Properties", "ReservedConcurrentExecutions")
	wantValue(t, tpl, 50, "Parameters", "ViewsReservedConcurrency", "Default")
	wantValue(t, tpl, 0, "Parameters", "ViewsReservedConcurrency", "MinValue")
	wantValue(t, tpl, template.Intrinsic{Tag: "!Not", Value: []any{template.Intrinsic{Tag: "!Equals", Value: []any{ref("ViewsReservedConcurrency"), 0}}}},
		"Conditions", "ReserveViewsConcurrency")
	for _, fn := range tpl.Functions() {
		if _, ok := tpl.Lookup("Resources", fn, "Properties", "ReservedConcurrentExecutions"); ok && fn != "ViewsFunction" {
			t.Errorf("%s reserves concurrency; only the beacon does", fn)
		}
	}
}

// TestMemorySizes pins each function's memory to docs/performance.md's
// table (Capacity), and tracing off (docs/architecture.md: no SDK
// instrumentation fits the 12 MB budget, so X-Ray would show nothing but
// Lambda's own segments).
func TestMemorySizes(t *testing.T) {
	tpl := mustLoad(t)
	want := map[string]int{"ReadFunction": 512, "SiteFunction": 512, "ViewsFunction": 256, "PollsFunction": 256, "AdminFunction": 512,
		"IndexerFunction": 256, "ConsoleFunction": 128, "MediaProcessorFunction": 1536, "MediaFunction": 256}
	for _, fn := range tpl.Functions() {
		got, _ := tpl.Lookup("Resources", fn, "Properties", "MemorySize")
		if w, ok := want[fn]; !ok || got != w {
			t.Errorf("%s MemorySize = %v; want %d (docs/performance.md)", fn, got, w)
		}
	}
	if v, ok := tpl.Lookup("Globals", "Function", "Tracing"); ok {
		t.Errorf("Globals.Function.Tracing = %v; want none (docs/architecture.md, Tracing)", v)
	}
}

// TestAccessLog: the access log is JSON, joins the functions' logs on
// requestId (their apiRequestId) and keeps no client IP or User-Agent.
func TestAccessLog(t *testing.T) {
	tpl := mustLoad(t)
	format, _ := lookup(t, tpl, "Resources", "HttpApi", "Properties", "AccessLogSettings", "Format").(string)
	var fields map[string]string
	if err := json.Unmarshal([]byte(format), &fields); err != nil {
		t.Fatalf("access log format is not a JSON object of strings: %v\n%s", err, format)
	}
	if fields["requestId"] != "$context.requestId" {
		t.Errorf("requestId = %q; want $context.requestId", fields["requestId"])
	}
	for k, v := range fields {
		lower := strings.ToLower(k + " " + v)
		for _, bad := range []string{"sourceip", "identity.", "useragent", "user-agent", "$context.authorizer"} {
			if strings.Contains(lower, bad) {
				t.Errorf("access log field %s = %s names the client (%s)", k, v, bad)
			}
		}
	}
}

// TestExistingTable: ExistingTableName (a table restored from PITR) takes
// the place of the stack's table everywhere a function, a policy or an
// alarm names it; the stack's own table stays (Retain).
func TestExistingTable(t *testing.T) {
	tpl := mustLoad(t)
	wantValue(t, tpl, "", "Parameters", "ExistingTableName", "Default")
	wantValue(t, tpl, tableNameInUse, "Globals", "Function", "Environment", "Variables", "TABLE_NAME")
	wantValue(t, tpl, tableNameInUse, "Outputs", "TableName", "Value")
	wantValue(t, tpl, "Retain", "Resources", "Table", "DeletionPolicy")
	for _, fn := range tpl.Functions() {
		// A function without policies (the console) names no table.
		if policies, ok := tpl.Lookup("Resources", fn, "Properties", "Policies"); ok {
			walkTableRefs(t, fn, policies, false)
		}
	}
	// The indexer reads the existing table's stream, whose ARN a parameter
	// gives (it cannot be built from the name); a rule refuses the one
	// without the other.
	wantValue(t, tpl, "", "Parameters", "ExistingTableStreamArn", "Default")
	wantValue(t, tpl, template.Intrinsic{Tag: "!If", Value: []any{"UseExistingTable",
		template.Intrinsic{Tag: "!Join", Value: []any{"", []any{ref("ExistingTableStreamArn")}}},
		template.Intrinsic{Tag: "!GetAtt", Value: "Table.StreamArn"}}},
		"Resources", "IndexerStream", "Properties", "EventSourceArn")
	wantValue(t, tpl, []any{map[string]any{
		"Assert":            template.Intrinsic{Tag: "!Not", Value: []any{template.Intrinsic{Tag: "!Equals", Value: []any{ref("ExistingTableStreamArn"), ""}}}},
		"AssertDescription": "ExistingTableName needs ExistingTableStreamArn, the ARN of that table's stream (docs/operations.md, Restore).",
	}}, "Rules", "ExistingTableHasStream", "Assertions")
	pattern, _ := lookup(t, tpl, "Parameters", "ExistingTableStreamArn", "AllowedPattern").(string)
	re := regexp.MustCompile(`^(?:` + pattern + `)$`)
	for s, ok := range map[string]bool{
		"": true,
		"arn:aws:dynamodb:ap-southeast-1:123456789012:table/eportal-restored-20261130/stream/2026-11-30T08:01:02.345": true,
		"arn:aws:dynamodb:ap-southeast-1:123456789012:table/eportal-restored-20261130":                                false,
		"eportal-restored-20261130": false,
	} {
		if re.MatchString(s) != ok {
			t.Errorf("ExistingTableStreamArn %q allowed = %v; want %v", s, !ok, ok)
		}
	}
}

// walkTableRefs fails for any reference to the stack's table outside an
// !If on UseExistingTable.
func walkTableRefs(t *testing.T, where string, v any, guarded bool) {
	t.Helper()
	switch v := v.(type) {
	case template.Intrinsic:
		if v.Tag == "!If" {
			if args, _ := v.Value.([]any); len(args) == 3 && args[0] == "UseExistingTable" {
				guarded = true
			}
		}
		if s := fmt.Sprint(v.Value); !guarded && (strings.Contains(s, "Table.Arn") || v == ref("Table")) {
			t.Errorf("%s: %v names the stack's table whatever ExistingTableName says", where, v)
		}
		walkTableRefs(t, where, v.Value, guarded)
	case []any:
		for _, e := range v {
			walkTableRefs(t, where, e, guarded)
		}
	case map[string]any:
		for _, e := range v {
			walkTableRefs(t, where, e, guarded)
		}
	}
}

// TestDashboard: the dashboard's body is JSON once !Sub has filled it in,
// and shows every alarm, every function and every eportal metric.
func TestDashboard(t *testing.T) {
	tpl := mustLoad(t)
	if typ := tpl.ResourceType("Dashboard"); typ != "AWS::CloudWatch::Dashboard" {
		t.Fatalf("Dashboard type = %q", typ)
	}
	sub, _ := lookup(t, tpl, "Resources", "Dashboard", "Properties", "DashboardBody").(template.Intrinsic)
	args, _ := sub.Value.([]any)
	if sub.Tag != "!Sub" || len(args) != 2 || !reflect.DeepEqual(args[1], map[string]any{"TableNameInUse": tableNameInUse}) {
		t.Fatalf("DashboardBody = %#v; want !Sub [body, {TableNameInUse: the table in use}]", sub)
	}
	body, _ := args[0].(string)
	filled := regexp.MustCompile(`\$\{[A-Za-z:.]+\}`).ReplaceAllString(body, "x")
	var dash struct {
		Widgets []struct {
			Type       string
			Properties map[string]any
		}
	}
	if err := json.Unmarshal([]byte(filled), &dash); err != nil || len(dash.Widgets) == 0 {
		t.Fatalf("dashboard body is not JSON with widgets: %v", err)
	}
	for _, id := range tpl.ResourcesOfType("AWS::CloudWatch::Alarm") {
		if !strings.Contains(body, `"${`+id+`.Arn}"`) {
			t.Errorf("the alarm widget lacks %s", id)
		}
	}
	for _, fn := range tpl.Functions() {
		if !strings.Contains(body, `"${`+fn+`}"`) {
			t.Errorf("no graph shows %s", fn)
		}
	}
	for _, m := range metrics.All() {
		if !strings.Contains(body, `["`+metrics.Namespace+`", "`+m.String()+`", "`+metrics.Dimension+`", `) {
			t.Errorf("no graph shows the %s metric", m)
		}
	}
	for _, s := range []string{`"5xx"`, `"Latency"`, `SUM(ThrottledRequests)`, `SUM(SystemErrors)`, `"Errors"`, `"Throttles"`} {
		if !strings.Contains(body, s) {
			t.Errorf("dashboard lacks %s", s)
		}
	}
}

// TestSamconfigOverrides: every parameter samconfig.toml's environments set
// is one the template declares, with a value its AllowedValues or
// AllowedPattern accepts (a typo would otherwise only fail at deploy).
func TestSamconfigOverrides(t *testing.T) {
	tpl := mustLoad(t)
	path, _ := template.Find()
	data, err := os.ReadFile(filepath.Join(filepath.Dir(path), "samconfig.toml"))
	if err != nil {
		t.Fatal(err)
	}
	lines := regexp.MustCompile(`(?m)^parameter_overrides = "(.*)"$`).FindAllStringSubmatch(string(data), -1)
	if len(lines) < 2 {
		t.Fatalf("samconfig.toml: %d parameter_overrides; want dev's and prod's", len(lines))
	}
	for _, line := range lines {
		for _, kv := range strings.Fields(line[1]) {
			name, value, ok := strings.Cut(kv, "=")
			if _, declared := tpl.Lookup("Parameters", name); !ok || !declared {
				t.Errorf("samconfig.toml sets %q: no such template parameter", kv)
				continue
			}
			if allowed, ok := tpl.Lookup("Parameters", name, "AllowedValues"); ok && !slices.Contains(allowed.([]any), any(value)) {
				if n, err := strconv.Atoi(value); err != nil || !slices.Contains(allowed.([]any), any(n)) {
					t.Errorf("samconfig.toml %s: not one of %v", kv, allowed)
				}
			}
			if pattern, ok := tpl.Lookup("Parameters", name, "AllowedPattern"); ok {
				re := regexp.MustCompile(`^(?:` + pattern.(string) + `)$`)
				for _, v := range strings.Split(value, ",") {
					if !re.MatchString(v) {
						t.Errorf("samconfig.toml %s: %q refused by the parameter's pattern", kv, v)
					}
				}
			}
		}
	}
}
