package template_test

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

func TestTableInput(t *testing.T) {
	tpl := mustLoad(t)
	in, err := tpl.TableInput("eportal-test")
	if err != nil {
		t.Fatal(err)
	}
	if got := aws.ToString(in.TableName); got != "eportal-test" {
		t.Errorf("TableName = %q", got)
	}
	if in.BillingMode != types.BillingModePayPerRequest {
		t.Errorf("BillingMode = %q", in.BillingMode)
	}
	attrs := map[string]types.ScalarAttributeType{}
	for _, d := range in.AttributeDefinitions {
		attrs[aws.ToString(d.AttributeName)] = d.AttributeType
	}
	for _, a := range []string{"PK", "SK", "GSI1PK", "GSI1SK", "GSI2PK", "GSI2SK"} {
		if attrs[a] != types.ScalarAttributeTypeS {
			t.Errorf("attribute %s: type %q, want S", a, attrs[a])
		}
	}
	if len(attrs) != 6 {
		t.Errorf("AttributeDefinitions = %v, want exactly 6", attrs)
	}
	if got := keys(in.KeySchema); got != "PK HASH, SK RANGE" {
		t.Errorf("KeySchema = %s", got)
	}
	if len(in.GlobalSecondaryIndexes) != 2 {
		t.Fatalf("GlobalSecondaryIndexes: got %d, want 2", len(in.GlobalSecondaryIndexes))
	}
	for i, name := range []string{"GSI1", "GSI2"} {
		gsi := in.GlobalSecondaryIndexes[i]
		if got := aws.ToString(gsi.IndexName); got != name {
			t.Errorf("GSI %d: IndexName = %q, want %q", i, got, name)
		}
		if got, want := keys(gsi.KeySchema), name+"PK HASH, "+name+"SK RANGE"; got != want {
			t.Errorf("%s KeySchema = %s, want %s", name, got, want)
		}
		if gsi.Projection == nil || gsi.Projection.ProjectionType != types.ProjectionTypeAll {
			t.Errorf("%s Projection = %+v, want ALL", name, gsi.Projection)
		}
	}
	// The search indexer needs both images: which article a slug item held
	// before a change and after it.
	if s := in.StreamSpecification; s == nil || !aws.ToBool(s.StreamEnabled) || s.StreamViewType != types.StreamViewTypeNewAndOldImages {
		t.Errorf("StreamSpecification = %+v, want enabled, NEW_AND_OLD_IMAGES", s)
	}
	if got := tpl.TTLAttribute(); got != "ttl" {
		t.Errorf("TTLAttribute() = %q, want ttl", got)
	}
}

func keys(ks []types.KeySchemaElement) string {
	var parts []string
	for _, k := range ks {
		parts = append(parts, aws.ToString(k.AttributeName)+" "+string(k.KeyType))
	}
	return strings.Join(parts, ", ")
}

func TestTableInputErrors(t *testing.T) {
	const head = "Resources:\n  Table:\n    Type: AWS::DynamoDB::Table\n    Properties:\n      BillingMode: PAY_PER_REQUEST\n"
	const defs = "      AttributeDefinitions: [{AttributeName: PK, AttributeType: S}, {AttributeName: SK, AttributeType: S}]\n"
	const keySchema = "      KeySchema: [{AttributeName: PK, KeyType: HASH}, {AttributeName: SK, KeyType: RANGE}]\n"
	tests := []struct{ name, src, want string }{
		{"missing table", "Resources: {Other: {Type: AWS::SNS::Topic}}", `no resource "Table"`},
		{"wrong type", "Resources: {Table: {Type: AWS::Serverless::SimpleTable}}", "want AWS::DynamoDB::Table"},
		{"provisioned", "Resources: {Table: {Type: AWS::DynamoDB::Table, Properties: {BillingMode: PROVISIONED}}}", "PAY_PER_REQUEST"},
		{"no key schema", head + defs, "KeySchema: want a HASH key"},
		{"range first", head + defs + "      KeySchema: [{AttributeName: SK, KeyType: RANGE}]\n", "KeySchema[0].KeyType"},
		{"two hash keys", head + defs + "      KeySchema: [{AttributeName: PK, KeyType: HASH}, {AttributeName: SK, KeyType: HASH}]\n", "KeySchema[1].KeyType"},
		{"key not a list", head + defs + "      KeySchema: !Ref Keys\n", "KeySchema: want a list, got !Ref"},
		{"tagged name", head + defs + "      KeySchema: [{AttributeName: !Ref K, KeyType: HASH}]\n", "KeySchema[0].AttributeName: want a plain string"},
		{"undefined key", head + defs + "      KeySchema: [{AttributeName: ID, KeyType: HASH}]\n", `attribute "ID" is not in AttributeDefinitions`},
		{"unused definition", head + defs + "      KeySchema: [{AttributeName: PK, KeyType: HASH}]\n", `"SK" is not a key`},
		{"bad attribute type", head + "      AttributeDefinitions: [{AttributeName: PK, AttributeType: X}]\n", "not S, N or B"},
		{"gsi key undefined", head + defs + keySchema +
			"      GlobalSecondaryIndexes: [{IndexName: GSI1, KeySchema: [{AttributeName: GSI1PK, KeyType: HASH}], Projection: {ProjectionType: ALL}}]\n",
			`GlobalSecondaryIndexes[0] (GSI1).KeySchema: attribute "GSI1PK" is not in AttributeDefinitions`},
		{"bad stream view", head + defs + keySchema + "      StreamSpecification: {StreamViewType: ALL}\n", `StreamViewType: "ALL" is not one of`},
		{"stream without view", head + defs + keySchema + "      StreamSpecification: {}\n", "StreamSpecification.StreamViewType: want a plain string"},
		{"gsi without projection", head + defs + keySchema +
			"      GlobalSecondaryIndexes: [{IndexName: GSI1, KeySchema: [{AttributeName: SK, KeyType: HASH}]}]\n",
			"Projection.ProjectionType"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := mustParse(t, tt.src).TableInput("t")
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("TableInput error = %v, want one containing %q", err, tt.want)
			}
		})
	}
}

func TestTableInputMinimal(t *testing.T) {
	src := `Resources: {Table: {Type: AWS::DynamoDB::Table, Properties: {BillingMode: PAY_PER_REQUEST,
		AttributeDefinitions: [{AttributeName: id, AttributeType: S}, {AttributeName: n, AttributeType: N}],
		KeySchema: [{AttributeName: id, KeyType: HASH}],
		GlobalSecondaryIndexes: [{IndexName: byN, KeySchema: [{AttributeName: n, KeyType: HASH}],
			Projection: {ProjectionType: INCLUDE, NonKeyAttributes: [title]}}]}}}`
	in, err := mustParse(t, src).TableInput("t")
	if err != nil {
		t.Fatal(err)
	}
	p := in.GlobalSecondaryIndexes[0].Projection
	if p.ProjectionType != types.ProjectionTypeInclude || len(p.NonKeyAttributes) != 1 || p.NonKeyAttributes[0] != "title" {
		t.Errorf("Projection = %+v, want INCLUDE [title]", p)
	}
	if in.StreamSpecification != nil {
		t.Errorf("StreamSpecification = %+v, want none without one in the template", in.StreamSpecification)
	}
	if got := mustParse(t, src).TTLAttribute(); got != "" {
		t.Errorf("TTLAttribute() = %q, want empty without TimeToLiveSpecification", got)
	}
}
