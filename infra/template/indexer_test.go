package template_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"eportal/infra/template"
)

// TestIndexerStream pins how Lambda feeds the search indexer, which
// infra/streamlocal copies locally (StreamConsumers): the table's stream
// from its start, small batches, only public items (SLUG#…), retries from
// the record the handler names, a bounded number of times, then a
// description of the batch in an encrypted queue kept 14 days.
func TestIndexerStream(t *testing.T) {
	tpl := mustLoad(t)
	wantValue(t, tpl, "NEW_AND_OLD_IMAGES", "Resources", "Table", "Properties", "StreamSpecification", "StreamViewType")
	consumers, err := tpl.StreamConsumers()
	if err != nil {
		t.Fatal(err)
	}
	want := []template.StreamConsumer{{Mapping: "IndexerStream", Function: "IndexerFunction", KeyPrefix: "SLUG#", BatchSize: 10, MaxRetries: 5}}
	if !slices.Equal(consumers, want) {
		t.Errorf("StreamConsumers() = %+v; want %+v", consumers, want)
	}
	p := func(key ...string) []string {
		return append([]string{"Resources", "IndexerStream", "Properties"}, key...)
	}
	wantValue(t, tpl, ref("IndexerFunction"), p("FunctionName")...)
	wantValue(t, tpl, "TRIM_HORIZON", p("StartingPosition")...)
	wantValue(t, tpl, 1, p("MaximumBatchingWindowInSeconds")...)
	wantValue(t, tpl, true, p("BisectBatchOnFunctionError")...)
	wantValue(t, tpl, 3600, p("MaximumRecordAgeInSeconds")...)
	wantValue(t, tpl, []any{"ReportBatchItemFailures"}, p("FunctionResponseTypes")...)
	queueArn := template.Intrinsic{Tag: "!GetAtt", Value: "IndexerFailures.Arn"}
	wantValue(t, tpl, queueArn, p("DestinationConfig", "OnFailure", "Destination")...)

	if typ := tpl.ResourceType("IndexerFailures"); typ != "AWS::SQS::Queue" {
		t.Errorf("IndexerFailures type = %q", typ)
	}
	wantValue(t, tpl, 1209600, "Resources", "IndexerFailures", "Properties", "MessageRetentionPeriod")
	wantValue(t, tpl, true, "Resources", "IndexerFailures", "Properties", "SqsManagedSseEnabled")
	wantValue(t, tpl, 60, "Resources", "IndexerFunction", "Properties", "Timeout")
	if _, ok := tpl.Lookup("Resources", "IndexerFunction", "Properties", "Events"); ok {
		t.Errorf("IndexerFunction has Events; its one event source is IndexerStream")
	}
}

// TestIndexerPolicy holds the indexer to least privilege: it reads the
// table (the published copy and the index), writes nothing but items whose
// partition key starts with SEARCH#, reads only the table's own stream and
// sends only to its failure queue.
func TestIndexerPolicy(t *testing.T) {
	tpl := mustLoad(t)
	policies, _ := tpl.Lookup("Resources", "IndexerFunction", "Properties", "Policies")
	reads := []string{"dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query"}
	writes := []string{"dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:BatchWriteItem"}
	stream := []string{"dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator"}
	var granted []string
	for _, p := range asList(policies) {
		for _, st := range asList(p.(map[string]any)["Statement"]) {
			m, _ := st.(map[string]any)
			var actions []string
			for _, a := range append(asList(m["Action"]), m["Action"]) {
				if s, ok := a.(string); ok {
					actions = append(actions, s)
				}
			}
			granted = append(granted, actions...)
			sid := fmt.Sprint(m["Sid"])
			if m["Effect"] != "Allow" {
				t.Errorf("%s: Effect %v", sid, m["Effect"])
			}
			resource := fmt.Sprint(m["Resource"])
			switch {
			case slices.Equal(actions, reads):
				if m["Condition"] != nil || !strings.Contains(resource, "Table.Arn") {
					t.Errorf("%s: reads %v on %s; want the table and its indexes", sid, actions, resource)
				}
			case slices.Equal(actions, writes):
				cond := map[string]any{"ForAllValues:StringLike": map[string]any{"dynamodb:LeadingKeys": []any{"SEARCH#*"}}}
				if fmt.Sprint(m["Condition"]) != fmt.Sprint(cond) || strings.Contains(resource, "index") {
					t.Errorf("%s: writes %v on %s if %v; want the table's SEARCH# items only", sid, actions, resource, m["Condition"])
				}
			case slices.Equal(actions, stream):
				if !strings.Contains(resource, "${Table.Arn}/stream/*") || !strings.Contains(resource, "${ExistingTableName}/stream/*") {
					t.Errorf("%s: %v on %s; want the table's streams only", sid, actions, resource)
				}
			case slices.Equal(actions, []string{"dynamodb:ListStreams"}):
				// Not resource-scoped in IAM: it lists stream ARNs, nothing more.
			case slices.Equal(actions, []string{"sqs:SendMessage"}):
				if m["Resource"] != (template.Intrinsic{Tag: "!GetAtt", Value: "IndexerFailures.Arn"}) {
					t.Errorf("%s: sends to %s; want IndexerFailures only", sid, resource)
				}
			default:
				t.Errorf("%s: unexpected actions %v", sid, actions)
			}
		}
	}
	for _, a := range slices.Concat(reads, writes, stream, []string{"sqs:SendMessage"}) {
		if !slices.Contains(granted, a) {
			t.Errorf("the indexer lacks %s", a)
		}
	}
	for _, a := range granted {
		if strings.Contains(a, "*") || a == "dynamodb:ConditionCheckItem" || a == "dynamodb:Scan" {
			t.Errorf("the indexer is granted %s, which it does not use", a)
		}
	}
}
